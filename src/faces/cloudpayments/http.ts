// CloudPayments request plumbing (authentication is in auth.ts): JSON or form-urlencoded bodies read with the
// kit's field reader (case-insensitive parameter names), X-Request-ID idempotency, `{"Success":false,"Message":…}`
// errors (never a 500 on bad input) and sending an answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HOUR } from '../../core/clock.js';
import { sha256Hex } from '../../core/crypto.js';
import { isCoreError } from '../../core/errors.js';
import type { Answer, Idempotent } from '../kit/command.js';
import { Fields, firstProblem, type Problem } from '../kit/fields.js';
import { ERROR_MESSAGES } from './wire.js';

export const AUTH_FAILED = 'Authorization has been denied for this request.';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A CloudPayments error: `{"Success":false,"Message":message}` with an HTTP status (200 for business errors). */
export class CpError extends Error {
  constructor(
    message: string,
    readonly status = 200,
  ) {
    super(message);
    this.name = 'CpError';
  }
}

// ---- bodies

function rawText(req: FastifyRequest): string {
  const b = req.body;
  return Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
}

const MAX_FIELDS = 150_000;

/** Sets `a[b][]`-style form keys into an object (qs-like, without prototype pollution). */
function setFormKey(root: Record<string, unknown>, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)] : [key];
  let node: Record<string, unknown> = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (part === '__proto__' || part === 'constructor' || part === 'prototype') return;
    const last = i === path.length - 1;
    const nextIsList = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1]!));
    if (part === '' || (Array.isArray(node) && /^\d+$/.test(part))) {
      // `a[b]=1&a[]=2` makes `a` an object, then asks to append to it as to a list: a bad form, not a 500
      if (!Array.isArray(node)) throw new CpError('Invalid form-urlencoded request body', 400);
      const list = node as unknown as unknown[];
      if (last) list.push(value);
      else {
        const child = nextIsList ? [] : Object.create(null);
        list.push(child);
        node = child as Record<string, unknown>;
      }
      continue;
    }
    if (last) {
      // a repeated key appends in place: copying the list per value made a form of one key repeated
      // 150 000 times quadratic (minutes of CPU on the event loop)
      const prev = node[part];
      if (prev === undefined) node[part] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else node[part] = [prev, value];
    } else {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = nextIsList ? [] : Object.create(null);
      node = node[part] as Record<string, unknown>;
    }
  }
}

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  let count = 0;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    if (++count > MAX_FIELDS) throw new CpError('Too many fields in the request', 400);
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new CpError('Invalid form-urlencoded request body', 400);
    }
    if (!key) throw new CpError('Invalid form-urlencoded request body', 400);
    setFormKey(out, key, value);
  }
  return out;
}

function parseJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CpError('Invalid JSON in the request body', 400);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CpError('The request body must be a JSON object', 400);
  return v as Record<string, unknown>;
}

/** The request's parameters: a JSON object or a form, by Content-Type (sniffed when absent). */
function bodyObject(req: FastifyRequest): Record<string, unknown> {
  const text = rawText(req);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!text.trim()) return {};
  if (type.includes('json')) return parseJson(text);
  if (type.includes('x-www-form-urlencoded')) return parseForm(text);
  if (type.includes('multipart/'))
    throw new CpError('Unsupported Content-Type: use application/json or application/x-www-form-urlencoded', 415);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return parseJson(text);
  return parseForm(text);
}

/** CloudPayments' wording of a field's problem: `<Name> is required`, or `Invalid <Name> value`. */
function problemMessage(p: Problem): string {
  if (p.rule === 'required') return `${p.key} is required`;
  if (p.rule === 'custom') return p.message;
  return `Invalid ${p.key} value`;
}

/** The request's parameters (names case-insensitive); the first problem is answered. */
export function bodyFields(req: FastifyRequest): Fields {
  return new Fields(
    bodyObject(req),
    firstProblem((p) => new CpError(problemMessage(p))),
    { caseInsensitive: true },
  );
}

// ---- X-Request-ID

/** A kept answer is replayed for an hour (gateway clock). */
const IDEMPOTENCY_TTL = HOUR;

function requestId(req: FastifyRequest): string | null {
  const v = req.headers['x-request-id'];
  const key = Array.isArray(v) ? v[0] : v;
  if (key === undefined || key.trim() === '') return null;
  if (key.length > 200) throw new CpError('Invalid X-Request-ID value');
  return key.trim();
}

function successOf(body: string): boolean {
  try {
    return (JSON.parse(body) as { Success?: unknown }).Success === true;
  } catch {
    return false;
  }
}

/**
 * The request's X-Request-ID as the kit's command takes it (null without one): a key stands for its endpoint and
 * exact body (a reuse with another one is refused); successes are kept for an hour, failures are not.
 */
export function idempotency(req: FastifyRequest, merchantId: string): Idempotent | null {
  const key = requestId(req);
  if (!key) return null;
  return {
    scope: `cloudpayments:${merchantId}`,
    key,
    requestHash: sha256Hex(`${req.routeOptions.url ?? req.url}\n${rawText(req)}`),
    compareRequest: true,
    ttlMs: IDEMPOTENCY_TTL,
    keep: (r) => successOf(r.body),
  };
}

// ---- responses

export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

/** A JSON answer, as the kit's command renders and keeps it. */
export function jsonAnswer(body: unknown, status = 200): Answer {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

/** Sends an answer (the kit's command or query result). */
export function send(reply: FastifyReply, a: Answer): FastifyReply {
  return reply.code(a.status).headers(a.headers).send(a.body);
}

export function ok(): { Success: true; Message: null } {
  return { Success: true, Message: null };
}

/** Maps anything thrown in a CloudPayments route to `{Success:false, Message}` and an HTTP status. */
function toWire(e: unknown, stateMessage?: string): { status: number; message: string } {
  if (e instanceof CpError) return { status: e.status, message: e.message };
  if (isCoreError(e)) {
    const m = ERROR_MESSAGES[e.code];
    if (e.code === 'INVALID_STATE')
      return { status: 200, message: stateMessage ?? 'The operation is not allowed for the transaction in its current status' };
    return { status: m.status, message: m.message ?? e.message };
  }
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (fe && fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, message: 'The request body is too large' };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, message: 'Invalid request' };
  return { status: 500, message: 'Internal server error' };
}

/** The face's error and not-found answers, on the face's Fastify instance. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'cloudpayments request failed');
    if (w.status === 401) reply.header('www-authenticate', 'Basic realm="CloudPayments API"');
    return sendJson(reply, { Success: false, Message: w.message }, w.status);
  });
  app.setNotFoundHandler((_req, reply) => sendJson(reply, { Success: false, Message: 'Not found' }, 404));
}
