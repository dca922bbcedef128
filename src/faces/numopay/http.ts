// Numopay request plumbing: NP-ACCESS-TOKEN authentication, JSON bodies, `{data}` and `{error}` replies.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/errors.js';
import { safeEqual } from '../../core/crypto.js';
import { MAX_AMOUNT } from '../../core/money.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { isHttpUrl } from '../kit/urls.js';
import { numopaySignature, parseAuthorization } from './signing.js';
import { API_VERSION, wireError } from './wire.js';

export const WINDOW_SECONDS = 30;

export class NumopayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  /** the request's signature (hex), which a state-changing request may use once (see routes.ts) */
  signature: string;
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
  const method = req.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : rawBody(req);
  const expected = numopaySignature(secret || 'no-such-key', token.timestamp, method, path, query === '?' ? '' : query, body);
  const ok = safeEqual(expected, token.signature);
  if (!found || !ok) throw new NumopayError(401, 'Invalid signature');
  return { ...found, signature: token.signature.toLowerCase() };
}

function stripPrefix(path: string, prefix: string): string {
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path;
}

export function rawBody(req: FastifyRequest): string {
  const b = req.body;
  return Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
}

/** The JSON object body; an empty body is `{}`. */
export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const text = rawBody(req).trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new NumopayError(400, 'Invalid JSON body');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NumopayError(400, 'Request body must be a JSON object');
  return v as Record<string, unknown>;
}

export function sendData(reply: FastifyReply, data: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ data }));
}

export function sendError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ error }));
}

/** Maps anything thrown in a Numopay route to `{"error": "..."}` with a 4xx status (5xx only for our faults). */
export function toWire(e: unknown): { status: number; error: string } {
  if (e instanceof NumopayError) return { status: e.status, error: e.message };
  if (isCoreError(e)) return wireError(e.code, e.message);
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, error: 'Request body is too large' };
    return { status: fe.statusCode, error: fe.message ?? 'Bad request' };
  }
  return { status: 500, error: 'Internal server error' };
}

// ---- input helpers

export function str(body: Record<string, unknown>, key: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw new NumopayError(400, `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new NumopayError(400, `${key} must be a string`);
  if (v.length > (opts.max ?? 2048)) throw new NumopayError(400, `${key} is too long`);
  return v;
}

/**
 * An amount in minor units: a string of digits (the documented form) or an integer, from 1 to MAX_AMOUNT
 * (fifteen digits); more digits are refused as too large.
 */
export function minorAmount(body: Record<string, unknown>, key = 'amount'): bigint {
  const v = body[key];
  if (v === undefined || v === null || v === '') throw new NumopayError(400, `${key} is required`);
  let text: string;
  if (typeof v === 'string') text = v.trim();
  else if (typeof v === 'number' && Number.isSafeInteger(v)) text = String(v);
  else throw new NumopayError(400, `${key} must be a string of digits (minor units)`);
  if (!/^\d{1,40}$/.test(text)) throw new NumopayError(400, `${key} must be a string of digits (minor units)`);
  return boundedAmount(BigInt(text), key);
}

/** An amount checked against the limits of one operation: 400 when zero, or above MAX_AMOUNT. */
export function boundedAmount(minor: bigint, key = 'amount'): bigint {
  if (minor <= 0n) throw new NumopayError(400, `${key} must be greater than zero`);
  if (minor > MAX_AMOUNT) throw new NumopayError(400, `${key} is too large: at most ${MAX_AMOUNT}`);
  return minor;
}

/** An absolute http(s) URL without control characters (a redirect or webhook address). */
export function httpUrl(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = str(body, key, { required });
  if (v === undefined) return undefined;
  if (!isHttpUrl(v)) throw new NumopayError(400, `${key} must be an http(s) URL`);
  return v;
}

export function notFound(what: 'Account' | 'Payment' | 'Webhook endpoint' | 'Checkout session'): never {
  throw new NumopayError(404, `${what} not found`);
}
