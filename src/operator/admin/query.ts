// The admin API's answers and the parsing of its requests: JSON with bigints as strings, `{error}` with a status
// for what an operator can fix, and query values checked rather than guessed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringifyWithBigints } from '../../core/bigint-json.js';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function send(reply: FastifyReply, data: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(stringifyWithBigints(data));
}

export function jsonOf(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  const text = Buffer.isBuffer(b) ? b.toString('utf8').trim() : '';
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
    return v as Record<string, unknown>;
  } catch {
    throw new AdminError(400, 'the body must be a JSON object');
  }
}

export function intQuery(v: unknown, def: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new AdminError(400, 'limit and offset must be non-negative integers');
  return Math.min(n, max);
}

/** A time filter: an ISO 8601 date or date-time, or epoch milliseconds; anything else is a 400. */
export function timeQuery(name: string, v: unknown): number | undefined {
  if (v === undefined || v === '') return undefined;
  const text = String(v).trim();
  const t = /^\d{1,15}$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)
      ? Date.parse(text)
      : NaN;
  if (!Number.isFinite(t)) throw new AdminError(400, `${name} must be an ISO 8601 date-time (2026-01-31T12:00:00Z) or epoch milliseconds`);
  return t;
}

/** A filter that must be one of a list. */
export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new AdminError(400, `${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A positive number up to `max` (a default when absent). */
export function numberQuery(name: string, v: unknown, def: number, max: number, integer: boolean): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n)))
    throw new AdminError(400, `${name} must be a positive ${integer ? 'integer' : 'number'} up to ${max}`);
  return n;
}

/** A query value that may appear once: a repeated parameter (?from=a&from=b) is refused rather than guessed. */
export function single(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw new AdminError(400, `${name} may be given once`);
  return v === undefined ? undefined : String(v);
}
