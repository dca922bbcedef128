// Shared fixtures of the NovaPay face tests: merchant 1 with the public key of the QE key that produced
// the documented x-sign values, a second merchant with a fresh key, the faces to serve, and client helpers.
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyLike } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ALL_FACES } from '../../../src/faces/registry.js';
import { novapayFace } from '../../../src/faces/novapay/face.js';
import { NovapayClient } from '../../../src/faces/novapay/client.js';
import type { SignAlgorithm } from '../../../src/faces/novapay/signing.js';
import type { Seed } from '../../../src/operator/seed.js';
import type { Face } from '../../../src/faces/face.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { passAcs, parseForm, postForm } from '../../helpers/browser-lite.js';

export const fixture = (name: string) => readFileSync(new URL(`../../fixtures/novapay/${name}`, import.meta.url), 'utf8');

export const MERCHANT1_PRIVATE = fixture('qe-merchant-1-private.pem');
export const MERCHANT1_PUBLIC = createPublicKey(MERCHANT1_PRIVATE).export({ type: 'spki', format: 'pem' }).toString();
export const NOVAPAY_QE_PUBLIC = fixture('qe-novapay-public.pem');

const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const MERCHANT2_PRIVATE = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export const NOVAPAY_SEED: Seed = {
  merchants: [
    { id: 'np1', name: 'Nova Shop', currencies: ['UAH'], novapay: { merchantId: 1, publicKey: MERCHANT1_PUBLIC } },
    {
      id: 'np2',
      name: 'Other Shop',
      currencies: ['UAH'],
      novapay: { merchantId: '2', privateKey: MERCHANT2_PRIVATE, senderCity: 'db5c88f5-391c-11dd-90d9-001a92567626' },
    },
  ],
};

/** Every registered face, with this NovaPay face (once, also after the lead registers it). */
export const FACES: Face[] = [...ALL_FACES.filter((f) => f.name !== 'novapay'), novapayFace];

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

export const STATUS_KEYS = [
  'id',
  'metadata',
  'status',
  'created_at',
  'client_phone',
  'client_first_name',
  'client_last_name',
  'client_patronymic',
  'pan',
  'rrn',
  'paytype',
  'approval_code',
  'card_type',
  'transaction_status',
  'amount',
  'processing_result',
  'operations',
];

export const POSTBACK_KEYS = [
  'id',
  'status',
  'metadata',
  'client_first_name',
  'client_last_name',
  'client_patronymic',
  'client_phone',
  'external_id',
  'delivery',
  'products',
  'delivery_amount',
  'delivery_status_code',
  'delivery_status_text',
  'created_at',
  'amount',
  'paytype',
  'terminal_name',
  'RRN',
  'APPROVAL',
  'client_email',
  'client_ip',
  'processing_result',
  'card_details',
  'payments',
];

export function client(h: TestGateway, opts: { merchant?: 1 | 2; algorithm?: SignAlgorithm; verify?: string } = {}): NovapayClient {
  const m = opts.merchant ?? 1;
  return new NovapayClient({
    baseUrl: `${h.url}/novapay/v1`,
    merchantId: m === 1 ? 1 : '2',
    merchantIdAsNumber: m === 1,
    privateKey: m === 1 ? MERCHANT1_PRIVATE : MERCHANT2_PRIVATE,
    algorithm: opts.algorithm ?? 'sha1',
    ...(opts.verify ? { gatewayPublicKey: opts.verify } : {}),
  });
}

// NovaPay's signing rule, written here from its documentation (not taken from the face's code): an RSA signature
// (PKCS#1 v1.5) over the exact body bytes, base64: SHA-1 in `x-sign` (the documented examples), SHA-256 in the current
// SDK's `x-sign` and in `x-sign-v2` (responses and postbacks carry both).

/** The base64 RSA PKCS#1 v1.5 signature of the exact bytes. */
export function rsaSignature(bytes: string | Buffer, privateKey: KeyLike, algorithm: 'sha1' | 'sha256'): string {
  return sign(algorithm, Buffer.from(bytes), privateKey).toString('base64');
}

/** Whether `signature` (base64) is the RSA PKCS#1 v1.5 signature of the exact bytes under the public key. */
export function rsaVerifies(bytes: string | Buffer, signature: string, publicKey: KeyLike, algorithm: 'sha1' | 'sha256'): boolean {
  return signature !== '' && verify(algorithm, Buffer.from(bytes), publicKey, Buffer.from(signature, 'base64'));
}

/** Both signatures of an answer or a postback: `x-sign` (SHA-1) and `x-sign-v2` (SHA-256) over the raw body. */
export function signaturesOf(
  bytes: string | Buffer,
  headers: Headers | Record<string, string | string[] | undefined>,
  gatewayPublicKey: string,
): { sha1: boolean; sha256: boolean } {
  const header = (name: string) => {
    const v = headers instanceof Headers ? headers.get(name) : headers[name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  return {
    sha1: rsaVerifies(bytes, header('x-sign'), gatewayPublicKey, 'sha1'),
    sha256: rsaVerifies(bytes, header('x-sign-v2'), gatewayPublicKey, 'sha256'),
  };
}

export const CARD = { exp: '12/30', cvv: '123', holder: 'TARAS SHEVCHENKO' };

/** Pays a session through the hosted page; returns the final response (a redirect to the status page). */
export async function payOnPage(
  url: string,
  number: string,
  acs: 'approve' | 'decline' | 'none' = 'none',
): Promise<{ final: Response; statusPage: string; statusUrl: string }> {
  const page = await fetch(url, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`payment page answered ${page.status}`);
  const form = parseForm(await page.text(), url, 'pay');
  const res = await postForm(form.action, { ...form.fields, number, ...CARD });
  let final: Response = res;
  if (acs !== 'none') {
    const html = await res.text();
    final = await passAcs(html, form.action, { approve: acs === 'approve' });
  }
  let statusUrl = url;
  if (final.status === 303) statusUrl = new URL(final.headers.get('location')!, url).toString();
  const statusPage = final.status === 303 ? await (await fetch(statusUrl)).text() : await final.clone().text();
  return { final, statusPage, statusUrl };
}

export function returnLink(html: string): string | null {
  const m = /<a class="button" id="return" href="([^"]*)"/.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : null;
}

/** Milliseconds from `now` to the next midnight in Kyiv. */
export function msToKyivMidnight(now: number): number {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Kyiv',
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const [hh, mm, ss] = f.format(new Date(now)).split(':').map(Number) as [number, number, number];
  return ((23 - hh) * 3600 + (59 - mm) * 60 + (60 - ss)) * 1000 - (now % 1000);
}
