// Way2Pay request authentication, per merchant generation (credential data.generation, default 1):
//   1 (seed): Public-Key, Nonce, Signature = hex HMAC-SHA256(secret, raw body + nonce); the nonce is an
//             expiry in unix seconds (now + 300): one in the past is a timed-out request (60007), one not
//             greater than the last accepted for the key is outdated (20006)
//   3:        Public-Key, nonce, Signature = hex HMAC-SHA512(secret, path + sorted-key JSON + nonce); the nonce
//             is strictly increasing (2007 otherwise), up to 18 digits; an 18-digit nonce carries its time in
//             milliseconds in its first 13 digits and may not be older than the window (2004)
// Signatures are compared in constant time over what the client signed; the nonce is then accepted with a
// conditional update inside the request's transaction (see store.acceptNonce), so a replay cannot pass twice.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
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

  const found = await ctx.engine.read(async (tx) => {
    const credential = await tx.findCredential('way2pay', publicKey);
    if (!credential) return undefined;
    return { credential, merchant: await tx.getMerchant(credential.merchantId) };
  });
  if (!found) throw new Way2PayError(60008);
  if (found.credential.status !== 'active') throw new Way2PayError(30001);
  if (!found.merchant) throw new Way2PayError(30003);
  const generation = generationOf(found.credential);
  const secret = found.credential.secret ?? '';

  if (!NONCE_RE.test(nonce)) throw new Way2PayError(genCode(generation, 20006, 2007));
  const hexLength = generation === 1 ? 64 : 128;
  if (signature.length !== hexLength || !/^[0-9a-fA-F]+$/.test(signature)) throw new Way2PayError(20004);
  const given = signature.toLowerCase();

  const raw = rawBody(req);
  const method = req.method.toUpperCase();
  const bodyless = method === 'GET' || method === 'HEAD';
  const body = bodyless ? undefined : parseJson(raw);
  let ok = false;
  if (generation === 1) {
    // the JSON body exactly as sent, then the nonce; a bodiless request may have signed "{}"
    const messages: Buffer[] = [Buffer.concat([raw, Buffer.from(nonce)])];
    if (raw.length === 0) messages.push(Buffer.from('{}' + nonce));
    for (const m of messages) ok = safeEqual(hmacHex('sha256', secret, m), given) || ok;
  } else {
    const { path, query } = signedPath(req, ctx.prefix);
    const paths = query ? [path, `${path}?${query}`] : [path];
    const bodies = new Set<string>();
    if (bodyless || body === undefined) {
      bodies.add('');
      if (!bodyless) bodies.add('{}');
    } else if (body.ok) {
      let canonical: string;
      try {
        canonical = canonicalJson(body.value);
        const deep = JSON.stringify(sortKeysDeep(body.value)) ?? '';
        bodies.add(deep);
        bodies.add(asciiJson(deep));
      } catch {
        canonical = raw.toString('utf8');
      }
      bodies.add(canonical);
      bodies.add(asciiJson(canonical));
      // PHP and Python clients sign an empty object as an empty body
      if (canonical === '{}' || canonical === '[]') bodies.add('');
    } else {
      bodies.add(raw.toString('utf8'));
    }
    for (const p of paths) for (const b of bodies) ok = safeEqual(hmacHex('sha512', secret, p + b + nonce), given) || ok;
  }
  if (!ok) throw new Way2PayError(genCode(generation, 60006, 2005));

  // freshness against real time (the sandbox clock may be advanced; clients keep working)
  const n = BigInt(nonce);
  if (generation === 1) {
    if (n < BigInt(Math.floor(Date.now() / 1000))) throw new Way2PayError(60007);
  } else if (nonce.length === 18 && Number(nonce.slice(0, 13)) < Date.now() - opts.nonceWindowMs) {
    throw new Way2PayError(2004);
  }
  return { merchant: found.merchant, credential: found.credential, generation, nonce: n, body };
}
