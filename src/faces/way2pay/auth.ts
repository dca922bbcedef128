// Way2Pay request authentication, per merchant generation (credential data.generation, default 1):
//   1 (seed): Public-Key, Nonce, Signature = hex HMAC-SHA256(secret, raw body + nonce); the nonce is an
//             expiry in unix seconds (now + 300): one in the past is a timed-out request (60007), one not
//             greater than the last accepted for the key is outdated (20006), and so is one further ahead than
//             now + 300 s + GEN1_NONCE_AHEAD_S (it would lock the key out until that time)
//   3:        Public-Key, nonce, Signature = hex HMAC-SHA512(secret, path [+ "?" + query] + sorted-key JSON +
//             nonce); the nonce is strictly increasing (2007 otherwise), up to 18 digits; an 18-digit nonce
//             carries its time in milliseconds in its first 13 digits and may not be older than the window
//             (2004) nor further ahead than that window (2007)
// Until the signature is verified, no answer depends on whether the Public-Key exists or on its generation:
// the signature's length names the scheme it claims (64 hex digits: generation 1, 128: generation 3), an
// unknown key costs the same HMACs (over a dummy secret), and it gets that scheme's "invalid Signature"
// (60006 or 2005). Signatures are compared in constant time over what the client signed; the nonce is then
// accepted with a conditional update inside the request's transaction (see store.acceptNonce), so a replay
// cannot pass twice.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { jsonDepthExceeds } from '../kit/json-depth.js';
import { asciiJson, canonicalJson, hmacHex, sortKeysDeep } from './signing.js';
import { genCode, Way2PayError, type Generation } from './wire.js';

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  generation: Generation;
  nonce: bigint;
  /** the JSON body, parsed once: undefined when the body is empty */
  body: { ok: true; value: unknown } | { ok: false } | undefined;
}

export function generationOf(c: Credential): Generation {
  const g = c.data.generation;
  return g === 3 || g === '3' ? 3 : 1;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

export function rawBody(req: FastifyRequest): Buffer {
  const b = req.body;
  return Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b) : Buffer.alloc(0);
}

/** The request path after the face's mount prefix (what clients sign), and the raw query string. */
export function signedPath(req: FastifyRequest, prefix: string): { path: string; query: string } {
  const url = req.raw.url ?? req.url;
  const q = url.indexOf('?');
  let path = (q === -1 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
  if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length) || '/';
  return { path, query: q === -1 ? '' : url.slice(q + 1) };
}

/** Parses a JSON body; undefined for an empty body, `{ok:false}` when it is not JSON. */
export function parseJson(raw: Buffer): Authed['body'] {
  const text = raw.toString('utf8').trim();
  if (!text) return undefined;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const NONCE_RE = /^\d{1,18}$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
/** Generation 1 nonces are expiries: the provider asks for now + 300 s. */
export const GEN1_NONCE_LIFETIME_S = 300;
/**
 * How far beyond now + 300 s a generation 1 nonce may be. Each nonce must exceed the last and counts whole
 * seconds, so a client sending more than one request a second runs its nonces ahead of the clock (our own
 * client and the fuzzing suite run a few hundred seconds ahead); clocks differ too. A nonce further ahead is
 * refused, so that no validly signed nonce can lock its key out for longer than this (before, one of
 * 999999999999999999 did so for good).
 */
export const GEN1_NONCE_AHEAD_S = 3600;
/** The secret an unknown Public-Key's signature is computed with, so that it costs what a known one does. */
const NO_SUCH_KEY = '\u0000no-such-public-key';

/** Checks the headers and the signature (not yet the nonce's freshness against the store). */
export async function verifyRequest(req: FastifyRequest, ctx: FaceContext, opts: { nonceWindowMs: number }): Promise<Authed> {
  const publicKey = header(req, 'public-key');
  const nonce = header(req, 'nonce');
  const signature = header(req, 'signature');
  if (publicKey === undefined && nonce === undefined && signature === undefined) throw new Way2PayError(10000);
  if (publicKey === undefined) throw new Way2PayError(60003);
  if (nonce === undefined) throw new Way2PayError(60004);
  if (signature === undefined) throw new Way2PayError(60005);
  if (publicKey.length > 256 || !/^[\x21-\x7e]+$/.test(publicKey)) throw new Way2PayError(20005);
  if ((signature.length !== 64 && signature.length !== 128) || !HEX_RE.test(signature)) throw new Way2PayError(20004);
  const claimed: Generation = signature.length === 64 ? 1 : 3;
  if (!NONCE_RE.test(nonce)) throw new Way2PayError(genCode(claimed, 20006, 2007));

  const found = await ctx.engine.read(async (tx) => {
    const credential = await tx.credentials.find('way2pay', publicKey);
    if (!credential) return undefined;
    return { credential, merchant: await tx.merchants.get(credential.merchantId) };
  });
  const generation = found ? generationOf(found.credential) : claimed;
  const secret = found && generation === claimed ? (found.credential.secret ?? '') : NO_SUCH_KEY;
  const raw = rawBody(req);
  const method = req.method.toUpperCase();
  const bodyless = method === 'GET' || method === 'HEAD';
  const body = bodyless ? undefined : parseJson(raw);
  const given = signature.toLowerCase();
  const ok =
    claimed === 1
      ? gen1Matches(secret, raw, bodyless, nonce, given)
      : gen3Matches(secret, signedPath(req, ctx.prefix), raw, bodyless, body, nonce, given);
  if (!found || generation !== claimed || !ok) throw new Way2PayError(genCode(claimed, 60006, 2005));
  if (found.credential.status !== 'active') throw new Way2PayError(30001);
  if (!found.merchant) throw new Way2PayError(30003);

  // freshness against real time (the sandbox clock may be advanced; clients keep working)
  const n = BigInt(nonce);
  const nowMs = Date.now();
  if (generation === 1) {
    const nowS = BigInt(Math.floor(nowMs / 1000));
    if (n < nowS) throw new Way2PayError(60007);
    if (n > nowS + BigInt(GEN1_NONCE_LIFETIME_S + GEN1_NONCE_AHEAD_S)) throw new Way2PayError(20006);
  } else if (nonce.length === 18) {
    // its time may differ from ours by the window either way (clocks differ; later than that locks the key out)
    const at = Number(nonce.slice(0, 13));
    if (at < nowMs - opts.nonceWindowMs) throw new Way2PayError(2004);
    if (at > nowMs + opts.nonceWindowMs) throw new Way2PayError(2007);
  }
  return { merchant: found.merchant, credential: found.credential, generation, nonce: n, body };
}

/**
 * Generation 1 signs the body and the nonce only, never the method or the path. What can be told apart is
 * told apart: a request without a body signs "" (a GET, HEAD) or "{}" (a JSON.stringify of no parameters);
 * a write without a body must have signed "{}", as the provider documents for its status changes, so the
 * signature of a bodiless read ("" + nonce) never authorizes a write.
 */
function gen1Matches(secret: string, raw: Buffer, bodyless: boolean, nonce: string, given: string): boolean {
  const messages = raw.length > 0 ? [raw] : bodyless ? [Buffer.alloc(0), Buffer.from('{}')] : [Buffer.from('{}')];
  let ok = false;
  for (const m of messages) ok = safeEqual(hmacHex('sha256', secret, Buffer.concat([m, Buffer.from(nonce)])), given) || ok;
  return ok;
}

/**
 * Generation 3 signs the path, with its query string when the request has one (its parameters in
 * alphabetical order, as the provider documents), the body with sorted keys and the nonce.
 */
function gen3Matches(
  secret: string,
  at: { path: string; query: string },
  raw: Buffer,
  bodyless: boolean,
  body: Authed['body'],
  nonce: string,
  given: string,
): boolean {
  const signedUrl = at.query ? `${at.path}?${at.query}` : at.path;
  const bodies = new Set<string>();
  if (bodyless || body === undefined) {
    bodies.add('');
    if (!bodyless) bodies.add('{}');
  } else if (body.ok && !jsonDepthExceeds(body.value)) {
    const canonical = canonicalJson(body.value);
    const deep = JSON.stringify(sortKeysDeep(body.value)) ?? '';
    for (const b of [canonical, asciiJson(canonical), deep, asciiJson(deep)]) bodies.add(b);
    // PHP and Python clients sign an empty object as an empty body
    if (canonical === '{}' || canonical === '[]') bodies.add('');
  } else {
    // not JSON, or nested too deep for any client to have sorted it: the text as sent
    bodies.add(raw.toString('utf8'));
  }
  let ok = false;
  for (const b of bodies) ok = safeEqual(hmacHex('sha512', secret, signedUrl + b + nonce), given) || ok;
  return ok;
}
