// The benchmark's seed: fixed credentials for every face, so that the load generator can sign requests
// without asking the gateway. Every merchant also gets a NovaPay section with a fixed public key, so that
// starting the gateway does not generate an RSA key pair per merchant.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const ADMIN_TOKEN = 'adm_bench_0123456789abcdef0123456789abcdef';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/novapay/${name}`, import.meta.url), 'utf8');
/** NovaPay merchant 1's private key (the QE key of the provider's examples): signs the request pool. */
export const NOVAPAY_PRIVATE = fixture('qe-merchant-1-private.pem');
export const NOVAPAY_PUBLIC = createPublicKey(NOVAPAY_PRIVATE).export({ type: 'spki', format: 'pem' }).toString();

export const CP = { id: 'cp_bench', publicId: 'pk_be0c000000000000000000000001', apiSecret: 'cp_bench_secret_1' };
export const CP_NOTIFY = { id: 'cp_notify', publicId: 'pk_be0c000000000000000000000002', apiSecret: 'cp_bench_secret_2' };
export const NUMO = {
  id: 'numo_bench',
  apiKey: 'np_bench_key',
  secret: 'np_bench_secret',
  account: '423e5010-24d7-11ea-a0af-ad4afa2c6800',
};
export const NOVA = { id: 'nova_bench', merchantId: 1 };
export const MBILL = { id: 'mbill_bench', apiToken: 'mbill_bench_token_1' };
/** Way2Pay nonces must increase strictly per key: one generation-3 merchant per connection. */
export const w2pKeys = (i: number) => ({ id: `w2p_bench_${i}`, publicKey: `w2p_pk_bench_${i}`, secretKey: `w2p_sk_bench_${i}` });

export interface BenchSeed {
  merchants: Array<Record<string, unknown>>;
}

export function benchSeed(way2payMerchants: number): BenchSeed {
  let nova = 100;
  const novapay = (merchantId?: number) => ({ merchantId: merchantId ?? ++nova, publicKey: NOVAPAY_PUBLIC });
  const merchants: Array<Record<string, unknown>> = [
    {
      id: CP.id,
      name: 'Bench CloudPayments',
      currencies: ['RUB'],
      cloudpayments: { publicId: CP.publicId, apiSecret: CP.apiSecret },
      novapay: novapay(),
    },
    {
      id: CP_NOTIFY.id,
      name: 'Bench CloudPayments (notified)',
      currencies: ['RUB'],
      cloudpayments: { publicId: CP_NOTIFY.publicId, apiSecret: CP_NOTIFY.apiSecret },
      novapay: novapay(),
    },
    {
      id: NUMO.id,
      name: 'Bench Numopay',
      currencies: ['RUB'],
      numopay: { apiKey: NUMO.apiKey, secret: NUMO.secret, accounts: [{ id: NUMO.account, currency: 'RUB' }] },
      novapay: novapay(),
    },
    { id: NOVA.id, name: 'Bench NovaPay', currencies: ['UAH'], novapay: novapay(NOVA.merchantId) },
    { id: MBILL.id, name: 'Bench Mbill', currencies: ['UAH'], mbill: { apiToken: MBILL.apiToken }, novapay: novapay() },
  ];
  for (let i = 0; i < way2payMerchants; i++) {
    const k = w2pKeys(i);
    merchants.push({
      id: k.id,
      name: `Bench Way2Pay ${i}`,
      currencies: ['RUB'],
      way2pay: { publicKey: k.publicKey, secretKey: k.secretKey, generation: 3 },
      novapay: novapay(),
    });
  }
  return { merchants };
}
