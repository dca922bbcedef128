// Shared pieces of the fuzzing and attack suites: two merchants (A and B) on every face with fixed
// credentials, how each face's requests are signed, raw requests, and each provider's documented error shape.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { numopayAuthorization } from '../../src/faces/numopay/signing.js';
import { signBody, type SignAlgorithm } from '../../src/faces/novapay/signing.js';
import { basicAuthorization } from '../../src/faces/mbill/signing.js';
import { canonicalJson, gen1Signature, gen3Signature, nextNonce } from '../../src/faces/way2pay/signing.js';
import type { Seed } from '../../src/operator/seed.js';
import { bodyOf } from '../helpers/http.js';

// ---- credentials

export const NP = {
  A: { apiKey: 'np_rel_key_a', secret: 'np_rel_secret_a', account: '7c0a7d2e-0b1f-4c55-9a51-0000000000a1' },
  B: { apiKey: 'np_rel_key_b', secret: 'np_rel_secret_b', account: '7c0a7d2e-0b1f-4c55-9a51-0000000000b1' },
};
export const CP = {
  A: { publicId: 'pk_rel0000000000000000000000a1', apiSecret: 'cp_rel_secret_a' },
  B: { publicId: 'pk_rel0000000000000000000000b2', apiSecret: 'cp_rel_secret_b' },
};
const novaA = readFileSync(new URL('../fixtures/novapay/qe-merchant-1-private.pem', import.meta.url), 'utf8');
const novaB = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const NOVA = {
  A: { merchantId: 1, privateKey: novaA },
  B: { merchantId: 2, privateKey: novaB },
};
/** a key registered with no merchant */
export const NOVA_STRANGER = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
export const MB = { A: 'mbill_rel_token_a', B: 'mbill_rel_token_b' };
export interface W2pKeys {
  publicKey: string;
  secretKey: string;
  generation: 1 | 3;
}
export const W2P: { A: W2pKeys; B: W2pKeys } = {
  A: { publicKey: 'w2p_pk_rel_a', secretKey: 'w2p_sk_rel_a', generation: 1 },
  B: { publicKey: 'w2p_pk_rel_b', secretKey: 'w2p_sk_rel_b', generation: 3 },
};

const publicPem = (privatePem: string) => createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' }).toString();

export const MERCHANT_A = 'rel_a';
export const MERCHANT_B = 'rel_b';

/** Merchants A and B, each on all five faces. */
export const REL_SEED: Seed = {
  merchants: [
    {
      id: MERCHANT_A,
      name: 'Reliability Shop A',
      currencies: ['RUB', 'UAH', 'USD'],
      numopay: {
        apiKey: NP.A.apiKey,
        secret: NP.A.secret,
        publishableKey: 'pk_live_rel_a',
        accounts: [{ id: NP.A.account, currency: 'RUB' }],
      },
      cloudpayments: { publicId: CP.A.publicId, apiSecret: CP.A.apiSecret },
      novapay: { merchantId: NOVA.A.merchantId, publicKey: publicPem(NOVA.A.privateKey) },
      mbill: { apiToken: MB.A },
      way2pay: { publicKey: W2P.A.publicKey, secretKey: W2P.A.secretKey, generation: 1, payoutBalance: '100000.00' },
    },
    {
      id: MERCHANT_B,
      name: 'Reliability Shop B',
      currencies: ['RUB', 'UAH', 'USD'],
      numopay: {
        apiKey: NP.B.apiKey,
        secret: NP.B.secret,
        publishableKey: 'pk_live_rel_b',
        accounts: [{ id: NP.B.account, currency: 'RUB' }],
      },
      cloudpayments: { publicId: CP.B.publicId, apiSecret: CP.B.apiSecret },
      novapay: { merchantId: String(NOVA.B.merchantId), privateKey: NOVA.B.privateKey },
      mbill: { apiToken: MB.B },
      way2pay: { publicKey: W2P.B.publicKey, secretKey: W2P.B.secretKey, generation: 3, payoutBalance: '100000.00' },
    },
  ],
};

// ---- signing

export const sign = {
  /** NP-ACCESS-TOKEN over timestamp, method, the path after /numopay, the query and the body. */
  numopay(
    c: { apiKey: string; secret: string },
    method: string,
    path: string,
    query: string,
    body: string | Buffer,
    ts = Math.floor(Date.now() / 1000),
  ): Record<string, string> {
    const signed = method === 'GET' || method === 'HEAD' ? '' : Buffer.isBuffer(body) ? body.toString('utf8') : body;
    return { authorization: numopayAuthorization(c.apiKey, c.secret, ts, method, path, query === '?' ? '' : query, signed) };
  },
  /** HTTP Basic PublicId:ApiSecret. */
  cloudpayments(c: { publicId: string; apiSecret: string }): Record<string, string> {
    return { authorization: 'Basic ' + Buffer.from(`${c.publicId}:${c.apiSecret}`).toString('base64') };
  },
  /** x-sign: RSA over the exact body bytes. */
  novapay(privateKey: string, body: string | Buffer, algorithm: SignAlgorithm = 'sha1'): Record<string, string> {
    return { 'x-sign': signBody(body, privateKey, algorithm) };
  },
  /** The API token as the HTTP Basic username. */
  mbill(token: string): Record<string, string> {
    return { authorization: basicAuthorization(token) };
  },
  /**
   * Public-Key, Nonce, Signature: generation 1 over the raw body and the nonce, generation 3 over the path
   * (after /way2pay), the body with sorted keys (the raw text when it is not JSON) and the nonce.
   */
  way2pay(
    k: W2pKeys,
    method: string,
    path: string,
    body: Buffer,
    o: { nonce?: string; secret?: string; signPath?: string; signBody?: Buffer } = {},
  ): Record<string, string> {
    const nonce = o.nonce ?? nextNonce(k.publicKey, k.generation);
    const secret = o.secret ?? k.secretKey;
    const b = o.signBody ?? body;
    let signature: string;
    if (k.generation === 1) signature = gen1Signature(secret, b, nonce);
    else signature = gen3Signature(secret, o.signPath ?? path, way2payGen3Body(method, b), nonce);
    return { 'public-key': k.publicKey, nonce, signature };
  },
};

/** What a generation 3 client signs for a body, as the server reconstructs it. */
export function way2payGen3Body(method: string, raw: Buffer): string {
  if (method === 'GET' || method === 'HEAD') return '';
  const text = raw.toString('utf8');
  if (!text.trim()) return '';
  let v: unknown;
  try {
    v = JSON.parse(text.trim());
  } catch {
    return text;
  }
  try {
    return canonicalJson(v);
  } catch {
    return text;
  }
}

// ---- raw requests

export interface Res {
  status: number;
  type: string;
  text: string;
  json: any;
  headers: Headers;
  /** the request as sent: its method and URL */
  method: string;
  url: string;
}

export async function call(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Res> {
  const res = await fetch(url, {
    method,
    headers,
    redirect: 'manual',
    ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
  const { text, json } = await bodyOf(res);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json, headers: res.headers, method, url };
}

// ---- each provider's documented error body

type Shape = (json: any) => boolean;
const obj = (j: unknown): j is Record<string, any> => typeof j === 'object' && j !== null && !Array.isArray(j);

export const errorShape: Record<'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay', Shape> = {
  /** `{"error": "..."}` */
  numopay: (j) => obj(j) && typeof j.error === 'string' && Object.keys(j).length === 1,
  /** `{"Success": false, "Message": "..."}` */
  cloudpayments: (j) => obj(j) && j.Success === false && typeof j.Message === 'string',
  /** `{type:"validation", errors:[...]}` or `{type:"processing", error, code}` (with uuid for SHA-256 clients) */
  novapay: (j) =>
    obj(j) &&
    ((j.type === 'validation' && Array.isArray(j.errors)) ||
      (j.type === 'processing' && typeof j.error === 'string' && typeof j.code === 'string')),
  /** the API Manifest envelope: `{meta:{...}, error:{type, ...}}` */
  mbill: (j) => obj(j) && obj(j.meta) && obj(j.error) && typeof j.error.type === 'string',
  /** `{success:false, error:{message, code}}` */
  way2pay: (j) => obj(j) && j.success === false && obj(j.error) && typeof j.error.message === 'string' && typeof j.error.code === 'number',
};

/** A success body of each provider (2xx). */
export const successShape: Record<'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay', Shape> = {
  numopay: (j) => obj(j) && 'data' in j,
  cloudpayments: (j) => obj(j) && typeof j.Success === 'boolean',
  novapay: (j) => j === null || obj(j),
  mbill: (j) => obj(j) && obj(j.meta) && 'data' in j,
  way2pay: (j) => obj(j) && j.success === true && 'data' in j,
};
