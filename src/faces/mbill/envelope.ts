// The API Manifest envelope of every Mbill answer, as `Nebo15/eview` renders it: `{meta, data[, paging]}` or
// `{meta, error}`, with the request's id (X-Request-ID) and its X-Idempotency-Key echoed in `meta`.
import type { FastifyRequest } from 'fastify';
import { randomToken } from '../../core/ids.js';
import type { ErrorBody } from './wire.js';

declare module 'fastify' {
  interface FastifyRequest {
    mbillRequestId?: string;
  }
}

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

export interface Paging {
  limit: number;
  cursors: { starting_after: string | null; ending_before: string | null };
  has_more: boolean;
  size?: number;
}

/** What an answer holds before its envelope: a status and its data, or an error. */
export interface Out {
  status: number;
  data?: unknown;
  error?: ErrorBody;
  paging?: Paging;
  /** a created object: `meta.url` gets `/<id>` appended */
  created?: boolean;
}

function requestUrl(req: FastifyRequest, base: string): string {
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

/** A kept (idempotent) answer sent again: the same body, with this request's id in `meta.request_id`. */
export function replayBody(req: FastifyRequest, body: string): string {
  try {
    const o = JSON.parse(body) as { meta?: Record<string, unknown> };
    if (o.meta) o.meta.request_id = requestIdOf(req);
    return JSON.stringify(o);
  } catch {
    return body;
  }
}
