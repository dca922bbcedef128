// Shared pieces of the Way2Pay tests: the seed, the faces to serve, typed clients and a raw signed request.
import { createHmac } from 'node:crypto';
import { ALL_FACES } from '../../../src/faces/registry.js';
import { way2payFace } from '../../../src/faces/way2pay/face.js';
import { Way2PayClient } from '../../../src/faces/way2pay/client.js';
import { nextNonce } from '../../../src/faces/way2pay/signing.js';
import type { Seed } from '../../../src/operator/seed.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { bodyOf } from '../../helpers/http.js';

/** Every registered face, with this Way2Pay face (once). */
export const FACES = [...ALL_FACES.filter((f) => f.name !== 'way2pay'), way2payFace];

export interface Keys {
  merchantId: string;
  publicKey: string;
  secretKey: string;
  generation: 1 | 3;
  callbackSecret: string;
}

export const GEN1: Keys = {
  merchantId: 'w2p_gen1',
  publicKey: 'w2p_pk_gen1',
  secretKey: 'w2p_sk_gen1',
  generation: 1,
  callbackSecret: 'w2p_sk_gen1',
};
export const GEN3: Keys = {
  merchantId: 'w2p_gen3',
  publicKey: 'w2p_pk_gen3',
  secretKey: 'w2p_sk_gen3',
  generation: 3,
  callbackSecret: 'w2p_cb_gen3',
};
/** a generation 3 merchant that opens with 10 000.00 on its payout balance */
export const RICH: Keys = {
  merchantId: 'w2p_rich',
  publicKey: 'w2p_pk_rich',
  secretKey: 'w2p_sk_rich',
  generation: 3,
  callbackSecret: 'w2p_sk_rich',
};
/** a generation 1 merchant whose pool has no card requisite: CARD pay-ins wait in CREATED */
export const EMPTY: Keys = {
  merchantId: 'w2p_empty',
  publicKey: 'w2p_pk_empty',
  secretKey: 'w2p_sk_empty',
  generation: 1,
  callbackSecret: 'w2p_sk_empty',
};
/** a generation 1 merchant whose pay-outs are not executed automatically (they time out after 24 h) */
export const MANUAL: Keys = {
  merchantId: 'w2p_manual',
  publicKey: 'w2p_pk_manual',
  secretKey: 'w2p_sk_manual',
  generation: 1,
  callbackSecret: 'w2p_sk_manual',
};
/** merchants the error tests take apart (a revoked key, a deleted merchant) */
export const REVOKED: Keys = {
  merchantId: 'w2p_revoked',
  publicKey: 'w2p_pk_revoked',
  secretKey: 'w2p_sk_revoked',
  generation: 1,
  callbackSecret: 'w2p_sk_revoked',
};
export const GHOST: Keys = {
  merchantId: 'w2p_ghost',
  publicKey: 'w2p_pk_ghost',
  secretKey: 'w2p_sk_ghost',
  generation: 1,
  callbackSecret: 'w2p_sk_ghost',
};

const section = (k: Keys, extra: Record<string, unknown> = {}) => ({
  publicKey: k.publicKey,
  secretKey: k.secretKey,
  generation: k.generation,
  ...extra,
});

export const W2P_SEED: Seed = {
  merchants: [
    { id: GEN1.merchantId, name: 'Way2Pay Seed Shop', way2pay: section(GEN1) },
    { id: GEN3.merchantId, name: 'Way2Pay Current Shop', way2pay: section(GEN3, { callbackSecret: GEN3.callbackSecret }) },
    { id: RICH.merchantId, name: 'Way2Pay Rich Shop', way2pay: section(RICH, { payoutBalance: '10000.00' }) },
    {
      id: EMPTY.merchantId,
      name: 'Way2Pay Empty Pool',
      way2pay: section(EMPTY, { requisites: [{ bank: 'SBER', kind: 'phone', value: '79990001122', holder: 'Тестов Тест' }] }),
    },
    {
      id: MANUAL.merchantId,
      name: 'Way2Pay Manual Payouts',
      settings: { way2pay: { autoProcessPayOuts: false } },
      way2pay: section(MANUAL, { payoutBalance: { RUB: '1000' } }),
    },
    { id: REVOKED.merchantId, name: 'Way2Pay Revoked', way2pay: section(REVOKED) },
    { id: GHOST.merchantId, name: 'Way2Pay Ghost', way2pay: section(GHOST) },
  ],
};

export function client(h: TestGateway, k: Keys, opts: { nonce?: () => string } = {}): Way2PayClient {
  return new Way2PayClient({
    baseUrl: `${h.url}/way2pay`,
    publicKey: k.publicKey,
    secretKey: k.secretKey,
    generation: k.generation,
    ...opts,
  });
}

export interface RawOptions {
  keys?: Keys;
  body?: string;
  nonce?: string;
  /** replaces or removes (undefined) headers after signing */
  headers?: Record<string, string | undefined>;
  /** sign with another secret */
  secret?: string;
  /** sign this body instead of the one sent */
  signBody?: string;
  /** generation 3: sign this path instead (by default the path as sent, with its query string) */
  signPath?: string;
}

export interface RawResponse {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** A raw signed request to /way2pay + path, to check exact bytes on the wire. */
export async function raw(h: TestGateway, method: string, path: string, o: RawOptions = {}): Promise<RawResponse> {
  const k = o.keys ?? GEN1;
  const nonce = o.nonce ?? nextNonce(k.publicKey, k.generation);
  const bodyless = method === 'GET' || method === 'HEAD';
  const body = bodyless ? undefined : (o.body ?? '');
  const secret = o.secret ?? k.secretKey;
  let signature: string;
  if (k.generation === 1) {
    signature = generation1Signature(secret, o.signBody ?? body ?? '', nonce);
  } else {
    const signed = o.signBody ?? (body ? sortedOrRaw(body) : '');
    signature = generation3Signature(secret, o.signPath ?? path, signed, nonce);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'public-key': k.publicKey, nonce, signature };
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  const res = await fetch(`${h.url}/way2pay${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const { text, json } = await bodyOf(res);
  return { status: res.status, text, json, headers: res.headers };
}

function sortedOrRaw(body: string): string {
  try {
    return JSON.stringify(sortObjectKeys(JSON.parse(body)));
  } catch {
    return body;
  }
}

export function hmac256(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

// The provider's signing rules, written here from its documentation (not taken from the face's code):
//   generation 1: hex HMAC-SHA256(secret key, JSON body string + nonce)
//   generation 3: hex HMAC-SHA512(private key, path + body JSON with sorted keys + nonce), "" as the body of a GET

/** Generation 1: hex HMAC-SHA256 of the JSON body string followed by the nonce. */
export function generation1Signature(secret: string, body: string, nonce: string | number): string {
  return createHmac('sha256', secret).update(`${body}${nonce}`).digest('hex');
}

/** Generation 3: hex HMAC-SHA512 of path + sorted JSON body (or "") + nonce. */
export function generation3Signature(secret: string, path: string, sortedBody: string, nonce: string | number): string {
  return createHmac('sha512', secret).update(`${path}${sortedBody}${nonce}`).digest('hex');
}

/** The documentation's sortObjectKeys: object keys sorted at every depth; arrays (and what they hold) kept as they are. */
export function sortObjectKeys(obj: unknown): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return obj;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) sorted[key] = sortObjectKeys((obj as Record<string, unknown>)[key]);
  return sorted;
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let seq = 0;
/** A fresh externalID. */
export function ext(prefix = 'order'): string {
  return `${prefix}_${Date.now().toString(36)}_${++seq}`;
}
