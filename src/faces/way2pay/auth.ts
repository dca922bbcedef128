// Way2Pay request authentication, per merchant generation (credential data.generation, default 1):
//   1 (seed): Public-Key, Nonce, Signature = hex HMAC-SHA256(secret, raw body + nonce); the nonce is an
//             expiry in unix seconds (now + 300): one in the past is a timed-out request (60007), one not
//             greater than the last accepted for the key is outdated (20006), and so is one further ahead than
//             now + 300 s + GEN1_NONCE_AHEAD_S (it would lock the key out until that time)
//   2:        Public-Key, Expires, Signature = hex HMAC-SHA512(secret, path [+ "?" + query] + sorted-key JSON +
//             Expires); Expires is an expiry in unix seconds, checked as generation 1's nonce (60007 once
//             passed, 20006 when not greater than the last or too far ahead), with the original table's codes
//   3:        Public-Key, nonce, Signature = hex HMAC-SHA512(secret, path [+ "?" + query] + sorted-key JSON +
//             nonce); the nonce is strictly increasing (2007 otherwise), up to 18 digits; an 18-digit nonce
//             carries its time in milliseconds in its first 13 digits and may not be older than the window
//             (2004) nor further ahead than that window (2007)
// Until the signature is verified, no answer depends on whether the Public-Key exists or on its generation:
// the headers name the scheme a request claims (Expires without a Nonce: generation 2; else the signature's
// length: 64 hex digits generation 1, 128 generation 3), an unknown key costs the same HMACs (over a dummy
// secret), and it gets that scheme's "invalid Signature" (60006, or 2005 for generation 3). Signatures are
// compared in constant time over what the client signed; the nonce (or Expires) is then accepted inside the
// request's transaction by an update the table refuses unless it is greater than the last one (see nonces.ts,
// acceptNonce), so a replay cannot pass twice.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { command, type Answer } from '../kit/command.js';
import { jsonDepthExceeds } from '../kit/json-depth.js';
import type { Subject } from '../kit/request-context.js';
import { errorAnswer, genCode, isBusinessError, parseJson, rawBody, success, Way2PayError, type JsonBody } from './http.js';
import { isNonceRefusal, way2payNonces as N } from './nonces.js';
import { asciiJson, canonicalJson, hmacHex, sortKeysDeep } from './signing.js';
import { isExternalIdRefusal } from './store.js';
import type { Generation } from './wire.js';

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  generation: Generation;
  nonce: bigint;
  /** the JSON body, parsed once: undefined when the body is empty */
  body: JsonBody;
}

export function generationOf(c: Credential): Generation {
  const g = c.data.generation;
  return generationFromSeed(g);
}

/** The generation a seed section (or the admin API, or a stored credential) names: 1 unless it says 2 or 3. */
export function generationFromSeed(g: unknown): Generation {
  const s = String(g ?? '1');
  return s === '3' ? 3 : s === '2' ? 2 : 1;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

/** The request path after the face's mount prefix (what clients sign), and the raw query string. */
function signedPath(req: FastifyRequest, prefix: string): { path: string; query: string } {
  const url = req.raw.url ?? req.url;
  const q = url.indexOf('?');
  let path = (q === -1 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
  if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length) || '/';
  return { path, query: q === -1 ? '' : url.slice(q + 1) };
}

const NONCE_RE = /^\d{1,18}$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
/** Generation 1 nonces are expiries: the provider asks for now + 300 s. */
const GEN1_NONCE_LIFETIME_S = 300;
/**
 * How far beyond now + 300 s a generation 1 nonce may be. Each nonce must exceed the last and counts whole
 * seconds, so a client sending more than one request a second runs its nonces ahead of the clock (our own
 * client and the fuzzing suite run a few hundred seconds ahead); clocks differ too. A nonce further ahead is
 * refused, so that no validly signed nonce can lock its key out for longer than this (before, one of
 * 999999999999999999 did so for good).
 */
const GEN1_NONCE_AHEAD_S = 3600;
/** The secret an unknown Public-Key's signature is computed with, so that it costs what a known one does. */
const NO_SUCH_KEY = '\u0000no-such-public-key';

/** Checks the headers and the signature (not yet the nonce's freshness against the store). */
async function verifyRequest(req: FastifyRequest, ctx: FaceContext, opts: { nonceWindowMs: number }): Promise<Authed> {
  const publicKey = header(req, 'public-key');
  const nonce = header(req, 'nonce');
  const expires = header(req, 'expires');
  const signature = header(req, 'signature');
  if (publicKey === undefined && nonce === undefined && expires === undefined && signature === undefined) throw new Way2PayError(10000);
  if (publicKey === undefined) throw new Way2PayError(60003);
  // generation 2 sends its counter as Expires; a Nonce header (generations 1 and 3) wins when both are there
  const counter = nonce ?? expires;
  if (counter === undefined) throw new Way2PayError(60004);
  if (signature === undefined) throw new Way2PayError(60005);
  if (publicKey.length > 256 || !/^[\x21-\x7e]+$/.test(publicKey)) throw new Way2PayError(20005);
  if ((signature.length !== 64 && signature.length !== 128) || !HEX_RE.test(signature)) throw new Way2PayError(20004);
  const claimed: Generation = nonce === undefined ? 2 : signature.length === 64 ? 1 : 3;
  if (claimed === 2 && signature.length !== 128) throw new Way2PayError(20004);
  if (!NONCE_RE.test(counter)) throw new Way2PayError(genCode(claimed, 20006, 2007));

  const found = await ctx.engine.read(async (tx) => {
    const f = await tx.credentials.findWithMerchant('way2pay', publicKey);
    return f && { ...f, lastNonce: await N.lastNonce(tx, f.credential.key) };
  });
  const generation = found ? generationOf(found.credential) : claimed;
  const secret = found && generation === claimed ? (found.credential.secret ?? '') : NO_SUCH_KEY;
  const raw = rawBody(req);
  const method = req.method.toUpperCase();
  const bodyless = method === 'GET' || method === 'HEAD';
  const body = bodyless ? undefined : parseJson(raw);
  const given = signature.toLowerCase();
  // generations 2 and 3 sign alike (path, sorted body), with Expires or the nonce at the end
  const ok =
    claimed === 1
      ? gen1Matches(secret, raw, bodyless, counter, given)
      : gen3Matches(secret, signedPath(req, ctx.prefix), raw, bodyless, body, counter, given);
  if (!found || generation !== claimed || !ok) throw new Way2PayError(genCode(claimed, 60006, 2005));
  if (found.credential.status !== 'active') throw new Way2PayError(30001);
  if (!found.merchant) throw new Way2PayError(30003);

  // freshness against real time (the sandbox clock may be advanced; clients keep working)
  const n = BigInt(counter);
  const nowMs = Date.now();
  if (generation !== 3) {
    // an expiry in unix seconds (generation 1's nonce, generation 2's Expires): passed is a timed-out request
    const nowS = BigInt(Math.floor(nowMs / 1000));
    if (n < nowS) throw new Way2PayError(60007);
    if (n > nowS + BigInt(GEN1_NONCE_LIFETIME_S + GEN1_NONCE_AHEAD_S)) throw new Way2PayError(20006);
  } else if (counter.length === 18) {
    // its time may differ from ours by the window either way (clocks differ; later than that locks the key out)
    const at = Number(counter.slice(0, 13));
    if (at < nowMs - opts.nonceWindowMs) throw new Way2PayError(2004);
    if (at > nowMs + opts.nonceWindowMs) throw new Way2PayError(2007);
  }
  // a nonce not above the last accepted one is refused here already (the request is then nobody's in the request
  // log); the conditional update in the request's transaction decides between concurrent ones
  if (found.lastNonce !== undefined && n <= found.lastNonce) throw new Way2PayError(genCode(generation, 20006, 2007));
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
  body: JsonBody,
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

// ---------------------------------------------------------------------------------------------- signed requests

export interface SignedSpec<R> {
  /** the request's work, in its transaction, under a savepoint */
  work(tx: Tx, a: Authed): Promise<R>;
  /** the objects it touched, for the request log */
  subjects?(result: R): Subject[];
  /** the `data` of the success answer */
  data(result: R, a: Authed): unknown;
}

/**
 * A signed merchant request, through the kit's command(): headers and signature checked, then in ONE transaction
 * the nonce is accepted (an update the table refuses for a nonce not greater than the last) and the work runs under
 * a savepoint. A business error undoes the work but keeps the nonce used (its answer commits with it), so a captured
 * request cannot be replayed later; an internal fault rolls everything back.
 */
export async function signed<R>(
  req: FastifyRequest,
  ctx: FaceContext,
  opts: { nonceWindowMs: number },
  spec: SignedSpec<R>,
): Promise<Answer> {
  const a = await verifyRequest(req, ctx, opts);
  const { engine } = ctx;
  try {
    return await command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        await N.acceptNonce(tx, a.credential.key, a.nonce, engine.clock.now());
        const r = await N.savepoint(tx, () => spec.work(tx, a));
        if (!r.ok && !isBusinessError(r.error)) throw r.error;
        return r;
      },
      subjects: (r) => (r.ok ? (spec.subjects?.(r.value) ?? []) : []),
      render: (r) => (r.ok ? success(spec.data(r.value, a)) : errorAnswer(r.error)),
    });
  } catch (e) {
    // the nonce refused, wherever the store answered it (at once, with a statement of the work, or at COMMIT)
    if (isNonceRefusal(e)) throw new Way2PayError(genCode(a.generation, 20006, 2007));
    // an externalID found free and taken by a concurrent request before this one's COMMIT: what the request would
    // have been answered had it come second (the whole transaction is undone, its nonce too: sent again, the request
    // finds the externalID taken)
    if (isExternalIdRefusal(e)) throw new Way2PayError(60010);
    throw e;
  }
}
