// Mbill request plumbing: the API Manifest envelope (`meta`, `data`, `paging`, `error`), request ids,
// JSON bodies read from the raw bytes, HTTP Basic tokens, and every error rendered as EView renders it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/errors.js';
import { randomToken } from '../../core/ids.js';
import { parseBasic } from './signing.js';
import { ValidationFailed } from './validation.js';
import { errorOfCode, ERROR_STATUS, VALIDATION_MESSAGE, type ErrorBody, type InvalidEntry } from './wire.js';

declare module 'fastify' {
  interface FastifyRequest {
    mbillRequestId?: string;
  }
}

export class MbillError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message ?? body.type);
  }
}

export const fail = {
  notFound: () => new MbillError(404, { type: 'not_found' }),
  accessDenied: (message: string) =>
    new MbillError(401, { type: 'access_denied', invalid: [{ entry_type: 'header', entry: 'Authorization' }], message }),
  conflict: (message: string) => new MbillError(409, { type: 'request_conflict', message }),
  malformed: () =>
    new MbillError(400, {
      type: 'request_malformed',
      invalid: [{ entry_type: 'request', rules: [{ rule: 'json' }] }],
      message: 'Malformed request. Probably, you have sent corrupted JSON.',
    }),
  contentType: () =>
    new MbillError(415, {
      type: 'content_type_invalid',
      invalid: [{ entry_type: 'header', entry: 'Content-Type' }],
      message:
        "Invalid Content-Type header. Try to set 'Content-Type: application/json' header: http://docs.apimanifest.apiary.io/#introduction/interacting-with-api/content-type.",
    }),
  tooLarge: () =>
    new MbillError(413, {
      type: 'request_too_large',
      invalid: [{ entry_type: 'request', rules: [{ rule: 'size' }] }],
      message: 'Request body is too large.',
    }),
  internal: () => new MbillError(500, { type: 'internal_error' }),
};

export function validationBody(invalid: InvalidEntry[]): ErrorBody {
  return { type: 'validation_failed', invalid, message: VALIDATION_MESSAGE };
}

/** Anything thrown in an Mbill route → status and error body (5xx only for our own faults). */
export function toWire(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof MbillError) return { status: e.status, body: e.body };
  if (e instanceof ValidationFailed) return { status: 422, body: validationBody(e.invalid) };
  if (isCoreError(e)) {
    const body = errorOfCode(e.code, e.message);
    return { status: ERROR_STATUS[body.type], body };
  }
  const fe = e as { statusCode?: number; code?: string };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) return toWire(fail.tooLarge());
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) return toWire(fail.contentType());
    return toWire(fail.malformed());
  }
  return toWire(fail.internal());
}

// ---- request ids

const REQUEST_ID_RE = /^[\x21-\x7e]{1,200}$/;

/** X-Request-ID as sent (printable ASCII, up to 200 characters), or a fresh one. */
export function requestIdOf(req: FastifyRequest): string {
  if (!req.mbillRequestId) {
    const h = req.headers['x-request-id'];
    const v = Array.isArray(h) ? h[0] : h;
    req.mbillRequestId = v && REQUEST_ID_RE.test(v) ? v : randomToken(20);
  }
  return req.mbillRequestId;
}

export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const h = req.headers['x-idempotency-key'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && v.length <= 255 ? v : undefined;
}

// ---- bodies

export type Obj = Record<string, unknown>;

export function rawBody(req: FastifyRequest): string {
  const b = req.body;
  return Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
}

/**
 * The JSON body: `{}` when empty. A body of another content type is refused (415), corrupted JSON is
 * refused (400); a JSON value that is not an object counts as an empty object (Phoenix puts it aside).
 */
export function jsonBody(req: FastifyRequest): Obj {
  const text = rawBody(req);
  if (!text.trim()) return {};
  const ct = req.headers['content-type'];
  if (ct && !/^\s*application\/(?:[\w.+-]+\+)?json\s*(;|$)/i.test(ct)) throw fail.contentType();
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw fail.malformed();
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

/** The token a client presents with HTTP Basic: the username (`base64(TOKEN:)`), or the password. */
export function basicTokens(req: FastifyRequest): string[] {
  const c = parseBasic(req.headers.authorization);
  if (!c) return [];
  return [c.username, c.password].filter((x): x is string => !!x);
}

// ---- the envelope

export interface Paging {
  limit: number;
  cursors: { starting_after: string | null; ending_before: string | null };
  has_more: boolean;
  size?: number;
}

export interface Out {
  status: number;
  data?: unknown;
  error?: ErrorBody;
  paging?: Paging;
  /** a created object: `meta.url` gets `/<id>` appended */
  created?: boolean;
}

export function requestUrl(req: FastifyRequest, base: string): string {
  const url = req.raw.url ?? req.url;
  const q = url.indexOf('?');
  return base + (q === -1 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
}

/** `{meta, data[, paging]}` or `{meta, error}`; for a created object `meta.url` names it. */
export function envelope(req: FastifyRequest, base: string, out: Out): Record<string, unknown> {
  let url = requestUrl(req, base);
  const data = out.data as { id?: unknown } | unknown[] | undefined;
  if (out.created && data && !Array.isArray(data) && typeof data === 'object' && data.id !== undefined)
    url = `${url.replace(/\/$/, '')}/${String(data.id)}`;
  const meta: Record<string, unknown> = {
    url,
    type: Array.isArray(out.data) ? 'list' : 'object',
    code: out.status,
    request_id: requestIdOf(req),
  };
  const key = idempotencyKeyOf(req);
  if (key !== undefined) meta.idempotency_key = key;
  if (out.error) return { meta, error: out.error };
  const body: Record<string, unknown> = { meta, data: out.data ?? {} };
  if (out.paging && Array.isArray(out.data)) body.paging = out.paging;
  return body;
}

export function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

export function send(req: FastifyRequest, reply: FastifyReply, base: string, out: Out): FastifyReply {
  return sendJson(reply, out.status, JSON.stringify(envelope(req, base, out)));
}

/** A stored (idempotent) response sent again: same body, with this request's id in `meta.request_id`. */
export function replayBody(req: FastifyRequest, body: string): string {
  try {
    const o = JSON.parse(body) as { meta?: Record<string, unknown> };
    if (o.meta) o.meta.request_id = requestIdOf(req);
    return JSON.stringify(o);
  } catch {
    return body;
  }
}

export function errorOut(e: unknown): Out {
  const w = toWire(e);
  return { status: w.status, error: w.body };
}
