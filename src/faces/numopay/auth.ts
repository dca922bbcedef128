// Numopay's authentication: `Authorization: NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>`, the
// signature an HMAC-SHA256 over timestamp + method + path (after the face's mount prefix) + raw query + raw body,
// keyed with the API key's secret (signing.ts), the timestamp within ±30 s of real time, compared in constant time.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { annotate } from '../kit/request-context.js';
import { NumopayError, rawBody } from './http.js';
import { numopaySignature, parseAuthorization } from './signing.js';
import { API_VERSION } from './wire.js';

/** How far (seconds, either way) a request's timestamp may be from the gateway's real time. */
const WINDOW_SECONDS = 30;

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  /** the request's signature (hex), which a state-changing request may use once (service.ts) */
  signature: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    numopay?: Authed;
  }
}

/** Verifies NP-ACCESS-TOKEN over the path after the face's mount prefix, the raw query and the raw body. */
export async function authenticate(req: FastifyRequest, ctx: FaceContext): Promise<Authed> {
  const header = req.headers.authorization;
  if (!header) throw new NumopayError(401, 'Authorization header is required');
  const token = parseAuthorization(header);
  if (!token) throw new NumopayError(401, 'Invalid authorization header');
  if (token.version !== API_VERSION) throw new NumopayError(401, 'Unsupported API version');
  // The replay window uses real time, so that clients keep working while the sandbox clock is advanced.
  const skew = Math.abs(Math.floor(Date.now() / 1000) - Number(token.timestamp));
  if (skew > WINDOW_SECONDS) throw new NumopayError(401, 'Request expired');
  const found = await ctx.engine.read((tx) => ctx.engine.merchants.authenticate(tx, 'numopay', token.apiKey));
  // an unknown key costs the same HMAC (over a dummy secret) and gets the same answer as a wrong signature
  const secret = found?.credential.secret ?? '';
  const url = req.raw.url ?? req.url;
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const path = stripPrefix(rawPath.replace(/\/{2,}/g, '/'), ctx.prefix);
  const method = req.method; // Node's parser gives it in capitals
  // what was signed after the query: the raw body ('' for GET and HEAD, whose bodies Fastify never reads)
  const body = rawBody(req);
  const expected = numopaySignature(secret || 'no-such-key', token.timestamp, method, path, query === '?' ? '' : query, body);
  const ok = safeEqual(expected, token.signature);
  if (!found || !ok) throw new NumopayError(401, 'Invalid signature');
  return { ...found, signature: token.signature }; // lower case already (parseAuthorization)
}

/** The preHandler of the signed API: authenticates, and attributes the request to its merchant from then on. */
export function signedRequests(ctx: FaceContext) {
  return async (req: FastifyRequest): Promise<void> => {
    req.numopay = await authenticate(req, ctx);
    annotate(req, { merchantId: req.numopay.merchant.id });
  };
}

/** The authenticated caller of a signed route. */
export function caller(req: FastifyRequest): Authed {
  if (!req.numopay) throw new NumopayError(401, 'Authorization header is required');
  return req.numopay;
}

function stripPrefix(path: string, prefix: string): string {
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path;
}
