// The benchmark scenarios: how to prepare each (tokens, paid payments, pools of signed requests) and the
// requests the load generator sends. Requests are built the way each provider's clients build them; what a
// client would compute per request (HMAC signatures, nonces, unique ids) is computed per request here too,
// and what is expensive for a client and not part of the gateway's work (RSA encryption of cryptograms,
// RSA signatures of NovaPay requests) is done once into a pool that is sent round-robin.
import { createHmac } from 'node:crypto';
import type { Request } from 'autocannon';
import { buildCryptogram } from '../../src/faces/cloudpayments/client.js';
import { signBody } from '../../src/faces/novapay/signing.js';
import { canonicalJson, nextNonce } from '../../src/faces/way2pay/signing.js';
import type { CryptoCeilings } from './crypto-ceilings.js';
import type { LoadSpec } from './load.js';
import { CP, CP_NOTIFY, MBILL, NOVA, NOVAPAY_PRIVATE, NUMO, w2pKeys } from './seed.js';

export const VISA_NO_3DS = '4000000000003055';
export const MC_NO_3DS = '5205000000003055';

export interface ScenarioContext {
  /** gateway base URLs (one per process) */
  urls: string[];
  connections: number;
  /** pool sizes for pre-built requests */
  poolSize: number;
}

export type Bound = 'http' | 'rsa';

export interface Scenario {
  key: string;
  title: string;
  bound: Bound;
  /** RSA operations per request (for the RSA ceiling) */
  rsaOps?: Partial<Record<keyof CryptoCeilings, number>>;
  /** the target for this scenario, as a ratio of its ceiling */
  target?: number;
  prepare(ctx: ScenarioContext): Promise<LoadSpec>;
}

// ---- helpers

const json = 'application/json';
const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const cpSuccess = (body: string) => body.includes('"Success":true');

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; json: any; text: string }> {
  const h: Record<string, string> = { 'content-type': json };
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
  const res = await fetch(url, { method: 'POST', headers: h, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, json: parsed, text };
}

export async function cpPublicKey(url: string): Promise<{ pem: string; version: number }> {
  const r = (await (await fetch(`${url}/cloudpayments/payments/publickey`)).json()) as { Pem: string; Version: number };
  return { pem: r.Pem, version: r.Version };
}

function cpPacket(pem: string, version: number, publicId: string, number = VISA_NO_3DS): string {
  return buildCryptogram({ number, expMonth: 12, expYear: 2035, cvv: '123' }, publicId, pem, { keyVersion: version });
}

/** A saved card token of a CloudPayments terminal: a cryptogram charge of a card without 3-D Secure returns it. */
export async function cpToken(url: string, c: { publicId: string; apiSecret: string }, accountId: string): Promise<string> {
  const k = await cpPublicKey(url);
  const r = await post(
    `${url}/cloudpayments/payments/cards/charge`,
    { authorization: basic(c.publicId, c.apiSecret) },
    {
      Amount: 10,
      Currency: 'RUB',
      AccountId: accountId,
      Name: 'BENCH CARDHOLDER',
      CardCryptogramPacket: cpPacket(k.pem, k.version, c.publicId),
    },
  );
  const token = r.json?.Model?.Token as string | undefined;
  if (!r.json?.Success || !token) throw new Error(`could not create a card token: ${r.status} ${r.text.slice(0, 300)}`);
  return token;
}

const tokenChargeBody = (token: string, accountId: string) =>
  JSON.stringify({
    Amount: 10,
    Currency: 'RUB',
    AccountId: accountId,
    Token: token,
    Description: 'Benchmark order',
    IpAddress: '127.0.0.1',
  });

/** Token charges of one terminal (used by the token-charge, populated-store and webhook scenarios). */
export async function tokenChargeSpec(
  ctx: ScenarioContext,
  c: { publicId: string; apiSecret: string },
  accountId: string,
): Promise<LoadSpec> {
  const token = await cpToken(ctx.urls[0]!, c, accountId);
  const headers = { authorization: basic(c.publicId, c.apiSecret), 'content-type': json };
  const body = tokenChargeBody(token, accountId);
  return {
    url: ctx.urls,
    verifyBody: cpSuccess,
    requests: () => [{ method: 'POST', path: '/cloudpayments/payments/tokens/charge', headers, body }],
  };
}

// ---- the scenarios

export const tokenCharge: Scenario = {
  key: 'cp-token-charge',
  title: 'CloudPayments token charge (no 3-D Secure)',
  bound: 'http',
  target: 0.5,
  prepare: (ctx) => tokenChargeSpec(ctx, CP, 'bench_token'),
};

export const cryptogramCharge: Scenario = {
  key: 'cp-cryptogram-charge',
  title: 'CloudPayments cryptogram charge (RSA decryption)',
  bound: 'rsa',
  rsaOps: { rsaDecryptRaw: 1 },
  target: 0.7,
  async prepare(ctx) {
    const k = await cpPublicKey(ctx.urls[0]!);
    const headers = { authorization: basic(CP.publicId, CP.apiSecret), 'content-type': json };
    // PKCS#1 v1.5 padding is random: every packet of the pool is a different ciphertext
    const pool = Array.from({ length: ctx.poolSize }, () =>
      JSON.stringify({
        Amount: 10,
        Currency: 'RUB',
        AccountId: 'bench_cryptogram',
        Name: 'BENCH CARDHOLDER',
        IpAddress: '127.0.0.1',
        CardCryptogramPacket: cpPacket(k.pem, k.version, CP.publicId),
      }),
    );
    let i = 0;
    return {
      url: ctx.urls,
      verifyBody: cpSuccess,
      requests: () => [
        {
          method: 'POST',
          path: '/cloudpayments/payments/cards/charge',
          headers,
          setupRequest: (req) => ({ ...req, body: pool[i++ % pool.length]! }),
        },
      ],
    };
  },
};

export const authConfirm: Scenario = {
  key: 'cp-auth-confirm',
  title: 'CloudPayments two-stage: token auth, then confirm',
  bound: 'http',
  async prepare(ctx) {
    const token = await cpToken(ctx.urls[0]!, CP, 'bench_twostage');
    const headers = { authorization: basic(CP.publicId, CP.apiSecret), 'content-type': json };
    const auth = JSON.stringify({
      Amount: 25.5,
      Currency: 'RUB',
      AccountId: 'bench_twostage',
      Token: token,
      Description: 'Two-stage benchmark',
    });
    return {
      url: ctx.urls,
      requestsPerOp: 2,
      verifyBody: cpSuccess,
      requests: () => [
        {
          method: 'POST',
          path: '/cloudpayments/payments/tokens/auth',
          headers,
          body: auth,
          onResponse: (_status, body, context) => {
            const m = /"TransactionId":(\d+)/.exec(body);
            context.id = m ? Number(m[1]) : 0;
          },
        },
        {
          method: 'POST',
          path: '/cloudpayments/payments/confirm',
          headers,
          setupRequest: (req, context) => ({ ...req, body: JSON.stringify({ TransactionId: context.id ?? 0, Amount: 25.5 }) }),
        },
      ],
    };
  },
};

/** NP-ACCESS-TOKEN over timestamp + METHOD + path + query + body (recomputed when the second changes). */
function numopayAuth(method: string, path: string, body = ''): () => string {
  let ts = 0;
  let value = '';
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== ts) {
      ts = now;
      const sig = createHmac('sha256', NUMO.secret).update(`${ts}${method}${path}${body}`).digest('hex');
      value = `NP-ACCESS-TOKEN 2019-12-22.${ts}.${NUMO.apiKey}.${sig}`;
    }
    return value;
  };
}

async function numopayCall(url: string, method: string, path: string, params?: unknown): Promise<any> {
  const body = params === undefined ? '' : JSON.stringify(params);
  const res = await fetch(`${url}/numopay${path}`, {
    method,
    headers: { 'content-type': json, authorization: numopayAuth(method, path, body)() },
    ...(body ? { body } : {}),
  });
  const j = (await res.json()) as { data?: unknown; error?: string };
  if (!res.ok) throw new Error(`numopay ${path}: ${res.status} ${j.error}`);
  return j.data;
}

export const numopayStatus: Scenario = {
  key: 'numopay-status',
  title: 'Numopay payment status read',
  bound: 'http',
  target: 0.7,
  async prepare(ctx) {
    const url = ctx.urls[0]!;
    const account = NUMO.account;
    const { token, order_slug } = await numopayCall(url, 'POST', `/v2/accounts/${account}/charge/token`, {
      amount: '10000',
      redirect_url: 'https://example.com/done',
    });
    await numopayCall(url, 'POST', `/v2/accounts/${account}/charge`, {
      token,
      card_info: { number: VISA_NO_3DS, month: '12', year: '2030', cvv: '123', holder: 'BENCH CARDHOLDER' },
    });
    const path = `/v2/accounts/${account}/payment/${order_slug}`;
    const status = await numopayCall(url, 'GET', path);
    if (status?.status !== 'success') throw new Error(`numopay payment is ${JSON.stringify(status)}`);
    return {
      url: ctx.urls,
      verifyBody: (b) => b.includes('"status":"success"'),
      requests: () => {
        const auth = numopayAuth('GET', path);
        return [{ method: 'GET', path: `/numopay${path}`, setupRequest: (req) => ({ ...req, headers: { authorization: auth() } }) }];
      },
    };
  },
};

export const novapaySession: Scenario = {
  key: 'novapay-session',
  title: 'NovaPay session create (RSA verify + 2 RSA signatures)',
  bound: 'rsa',
  rsaOps: { rsaVerifySha1: 1, rsaSignSha1: 1, rsaSignSha256: 1 },
  target: 0.7,
  async prepare(ctx) {
    // signed with SHA-1 as the seed-era clients do (the gateway tries SHA-1 first: one verification)
    const pool = Array.from({ length: Math.min(ctx.poolSize, 256) }, (_, i) => {
      const body = JSON.stringify({
        merchant_id: NOVA.merchantId,
        client_phone: '+380982850620',
        client_first_name: 'Taras',
        client_last_name: 'Shevchenko',
        client_patronymic: 'Hryhorovych',
        callback_url: 'https://merchant.example/novapay/postback',
        success_url: 'https://merchant.example/success',
        fail_url: 'https://merchant.example/fail',
        metadata: { order: `bench-${i}` },
      });
      return { body, sign: signBody(body, NOVAPAY_PRIVATE, 'sha1') };
    });
    const first = await post(`${ctx.urls[0]}/novapay/v1/session`, { 'x-sign': pool[0]!.sign }, pool[0]!.body);
    if (first.status !== 200 || !first.json?.id) throw new Error(`novapay session: ${first.status} ${first.text.slice(0, 300)}`);
    let i = 0;
    return {
      url: ctx.urls,
      verifyBody: (b) => b.startsWith('{"id":"'),
      requests: () => [
        {
          method: 'POST',
          path: '/novapay/v1/session',
          setupRequest: (req) => {
            const p = pool[i++ % pool.length]!;
            return { ...req, headers: { 'content-type': json, 'x-sign': p.sign }, body: p.body };
          },
        },
      ],
    };
  },
};

export const mbillTransfer: Scenario = {
  key: 'mbill-transfer',
  title: 'Mbill transfer create',
  bound: 'http',
  async prepare(ctx) {
    const body = JSON.stringify({
      amount: 1000,
      fee: 10,
      description: 'Benchmark transfer',
      metadata: { source: 'bench' },
      sender: {
        phone: '+380631112233',
        email: 'sender@example.com',
        credential: { type: 'card', number: VISA_NO_3DS, expiration_month: '12', expiration_year: '2030', cvv: '123' },
      },
      recipient: { phone: '+380631112244', email: 'recipient@example.com', credential: { type: 'card-number', number: MC_NO_3DS } },
    });
    const headers = { authorization: basic(MBILL.apiToken, ''), 'content-type': json, accept: json };
    const first = await post(`${ctx.urls[0]}/mbill/transfers`, headers, body);
    if (first.status >= 300) throw new Error(`mbill transfer: ${first.status} ${first.text.slice(0, 300)}`);
    return {
      url: ctx.urls,
      verifyBody: (b) => b.includes('"data":{"id":'),
      requests: () => [{ method: 'POST', path: '/mbill/transfers', headers, body }],
    };
  },
};

export const way2payPayIn: Scenario = {
  key: 'way2pay-payin',
  title: 'Way2Pay pay-in create (HMAC-SHA512, nonce)',
  bound: 'http',
  async prepare(ctx) {
    let seq = 0;
    const run = Date.now().toString(36);
    const path = '/api/v1/pay-in';
    // one merchant (Public-Key) per connection: nonces increase strictly per key, and a connection sends in order
    const requests = (client: number): Request[] => {
      const k = w2pKeys(client % ctx.connections);
      return [
        {
          method: 'POST',
          path: '/way2pay' + path,
          setupRequest: (req) => {
            const body = canonicalJson({
              bankId: 1,
              externalID: `bench-${run}-${++seq}`,
              currencyId: 1,
              amount: '1000',
              method: 'CARD',
              description: 'Benchmark pay-in',
            });
            const nonce = nextNonce(k.publicKey, 3);
            const signature = createHmac('sha512', k.secretKey)
              .update(path + body + nonce)
              .digest('hex');
            return { ...req, headers: { 'Content-Type': json, nonce, 'Public-Key': k.publicKey, Signature: signature }, body };
          },
        },
      ];
    };
    // the first pay-in of each merchant sets up its pool and commissions: do it before measuring
    await Promise.all(
      Array.from({ length: ctx.connections }, async (_, c) => {
        const r = requests(c)[0]!;
        const built = r.setupRequest!({ ...r }, {})!;
        const res = await post(ctx.urls[c % ctx.urls.length]! + r.path!, built.headers!, built.body as string);
        if (res.status >= 300 || !res.json?.success) throw new Error(`way2pay pay-in: ${res.status} ${res.text.slice(0, 300)}`);
      }),
    );
    return { url: ctx.urls, verifyBody: (b) => b.startsWith('{"success":true'), requests };
  },
};

export const SCENARIOS: Scenario[] = [
  tokenCharge,
  cryptogramCharge,
  authConfirm,
  numopayStatus,
  novapaySession,
  mbillTransfer,
  way2payPayIn,
];

export { CP_NOTIFY };
