// What the reference page of each face asks for to sign requests, filled with the demo merchant's
// credentials when the gateway has one (read through `gw.describeMerchant('demo')`), and the values the
// page puts into examples for it (the demo merchant's Numopay account, NovaPay merchant_id, …). Secrets (API
// secrets, the Mbill token, the Way2Pay secret key) are filled in for a signed-in operator only: a visitor gets
// the public identifiers and empty secret fields.
import type { Gateway } from '../../server/gateway.js';
import { numopayStore } from '../../faces/numopay/store.js';
import type { CredentialField } from './render.js';

export const DEMO_MERCHANT = 'demo';

/** The demo merchant's credentials per face (as `describe` prints them), or undefined without one. */
export async function demoCredentials(gw: Gateway): Promise<Record<string, Record<string, string>> | undefined> {
  const exists = await gw.engine.read((tx) => tx.merchants.get(DEMO_MERCHANT));
  if (!exists) return undefined;
  return (await gw.describeMerchant(DEMO_MERCHANT)).faces;
}

export function credentialFields(face: string, c: Record<string, string> | undefined, showSecrets: boolean): CredentialField[] {
  const v = (k: string) => c?.[k] ?? '';
  /** a secret's value, for a signed-in operator only */
  const secret = (k: string): Pick<CredentialField, 'value' | 'secret'> => ({ value: showSecrets ? v(k) : '', secret: true });
  return fieldsOf(face, c, v, secret);
}

function fieldsOf(
  face: string,
  c: Record<string, string> | undefined,
  v: (k: string) => string,
  secret: (k: string) => Pick<CredentialField, 'value' | 'secret'>,
): CredentialField[] {
  switch (face) {
    case 'numopay':
      return [
        { name: 'apiKey', label: 'API key', value: v('apiKey') },
        {
          name: 'secret',
          label: 'Secret',
          ...secret('secret'),
          hint: 'Signs `timestamp + METHOD + path + query + body` with HMAC-SHA256.',
        },
      ];
    case 'cloudpayments':
      return [
        { name: 'publicId', label: 'Public ID', value: v('publicId') },
        { name: 'apiSecret', label: 'API Secret', ...secret('apiSecret'), hint: 'HTTP Basic `PublicId:ApiSecret`.' },
      ];
    case 'novapay':
      return [
        {
          name: 'merchantId',
          label: 'merchant_id',
          value: v('merchantId'),
          hint: 'Changing it updates `merchant_id` in the request bodies below.',
        },
        {
          name: 'algorithm',
          label: 'x-sign algorithm',
          value: 'SHA-1',
          kind: 'select',
          options: ['SHA-1', 'SHA-256'],
          hint: "SHA-1 as the original SDK README and the PHP SDKs sign; SHA-256 as the current Node SDK (errors then come in today's shape).",
        },
        {
          name: 'privateKey',
          label: 'Merchant private key (PEM)',
          value: '',
          kind: 'textarea',
          hint: "Paste the PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) key whose public half the merchant registered. `polypay start` writes the demo merchant's key to `<data folder>/credentials/demo-novapay-privateKey.pem`. The key is used by this page only and never sent anywhere.",
        },
      ];
    case 'mbill':
      return [
        { name: 'apiToken', label: 'API token', ...secret('apiToken'), hint: 'HTTP Basic user name for creating and listing transfers.' },
        {
          name: 'transferToken',
          label: 'Transfer token',
          value: '',
          hint: "A transfer's `token` (`transfer-token-…`), to read or authenticate it.",
        },
        { name: 'claimToken', label: 'Claim token', value: '', hint: "A claim's `token` (`claim-token-…`)." },
      ];
    case 'way2pay':
      return [
        { name: 'publicKey', label: 'Public key', value: v('publicKey') },
        { name: 'secretKey', label: 'Secret key', ...secret('secretKey') },
        {
          name: 'generation',
          label: 'Auth generation',
          value: c?.generation === '3' ? '3' : '1',
          kind: 'select',
          options: ['1', '3'],
          hint: "1: HMAC-SHA256 over body + nonce (the original README). 3: HMAC-SHA512 over path + sorted JSON + nonce. Use the merchant's.",
        },
        {
          name: 'adminToken',
          label: 'Admin token (sandbox routes)',
          value: '',
          secret: true,
          hint: "The gateway's admin token, sent as `Authorization: Bearer` by the Sandbox operations only (never filled in by this page).",
        },
      ];
    default:
      return [];
  }
}

/** Path parameters and top-level body keys the page fills into examples for the demo merchant. */
export async function exampleValues(
  gw: Gateway,
  face: string,
  c: Record<string, string> | undefined,
): Promise<{ params: Record<string, string>; body: Record<string, unknown> }> {
  const params: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  if (!c) return { params, body };
  if (face === 'numopay') {
    const accounts = await gw.engine.read((tx) => numopayStore.listAccounts(tx, DEMO_MERCHANT));
    if (accounts[0]) params.account_id = accounts[0].id;
    if (c.publishableKey) body.key = c.publishableKey;
  } else if (face === 'novapay' && c.merchantId) {
    body.merchant_id = /^\d{1,15}$/.test(c.merchantId) ? Number(c.merchantId) : c.merchantId;
  } else if (face === 'way2pay' && c.publicKey) {
    body.publicKey = c.publicKey;
  }
  return { params, body };
}
