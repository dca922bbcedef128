// Numopay request plumbing (authentication is in auth.ts): JSON bodies read with the kit's Fields and Numopay's
// reporter, core errors mapped to `{"error": "<message>"}`, and sending an answer (`{"data": …}` or `{"error": …}`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError, type ErrorCode } from '../../core/errors.js';
import { MAX_AMOUNT } from '../../core/money.js';
import type { Answer } from '../kit/command.js';
import { Fields, firstProblem, type Problem } from '../kit/fields.js';

/** A Numopay error answer: `{"error": message}` with its HTTP status. */
export class NumopayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---- bodies and fields

/** The raw request body as text (empty when there is none). */
export function rawBody(req: FastifyRequest): string {
  const b = req.body;
  return Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
}

/** The JSON object body; an empty body is `{}`. */
function jsonBody(req: FastifyRequest): Record<string, unknown> {
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

/** What Numopay answers for each field problem: the first one, as `400 {"error": "<message>"}`. */
function problemText(p: Problem): string {
  const k = p.key;
  switch (p.rule) {
    case 'required':
      return `${k} is required`;
    case 'type':
      if (k === 'amount') return `${k} must be a string of digits (minor units)`;
      if (p.expected.includes('integer')) return `${k} must be an integer`;
      return `${k} must be a string`;
    case 'length':
      return p.failed === 'max' ? `${k} is too long` : `${k} is too short`;
    case 'format':
      return (FORMAT_TEXT[p.format] ?? ((key: string) => `${key} is invalid`))(k);
    case 'range':
      return p.failed === 'max' ? `${k} is too large: at most ${p.max}` : `${k} must be greater than zero`;
    case 'enum':
      return `${k} must be ${p.allowed.map((a) => JSON.stringify(a)).join(' or ')}`;
    case 'precision':
    case 'depth':
      return `${k} is invalid`;
    case 'custom':
      return p.message;
  }
}

const FORMAT_TEXT: Record<string, (key: string) => string> = {
  digits: (k) => `${k} must be a string of digits (minor units)`,
  url: (k) => `${k} must be an http(s) URL`,
  date: (k) => `${k} must be an ISO 8601 date`,
  'positive integer': (k) => `${k} must be a positive integer`,
};

const REPORTER = firstProblem((p) => new NumopayError(400, problemText(p)));

/** The fields of the JSON body. */
export function bodyFields(req: FastifyRequest): Fields {
  return new Fields(jsonBody(req), REPORTER);
}

/** The fields of the query string. */
export function queryFields(req: FastifyRequest): Fields {
  return new Fields((req.query ?? {}) as Record<string, unknown>, REPORTER);
}

/**
 * An amount in minor units: a string of digits (the documented form) or an integer, from 1 to MAX_AMOUNT
 * (fifteen digits); more digits are refused as too large.
 */
export function minorAmount(f: Fields, key = 'amount'): bigint {
  const text = f.str(key, { required: true, numbers: true, trim: true, pattern: /^\d{1,40}$/, format: 'digits' })!;
  return boundedAmount(f, key, BigInt(text));
}

/** An amount checked against the limits of one operation: 400 when zero, or above MAX_AMOUNT. */
export function boundedAmount(f: Fields, key: string, minor: bigint): bigint {
  const path = [...f.path, key];
  if (minor <= 0n) f.problem({ rule: 'range', path, key, min: '1', failed: 'min', value: minor.toString() });
  if (minor > MAX_AMOUNT) f.problem({ rule: 'range', path, key, max: MAX_AMOUNT.toString(), failed: 'max', value: minor.toString() });
  return minor;
}

// ---- errors and answers

/** Core error codes → Numopay HTTP status and `{"error": message}`. */
export function wireError(code: ErrorCode, message: string): { status: number; error: string } {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'SIGNATURE_INVALID':
    case 'TIMESTAMP_OUT_OF_WINDOW':
      return { status: 401, error: message };
    case 'NONCE_REUSED':
      return { status: 401, error: 'Request signature already used' };
    case 'FORBIDDEN':
      return { status: 403, error: message };
    case 'ACCOUNT_NOT_FOUND':
      return { status: 404, error: 'Account not found' };
    case 'PAYMENT_NOT_FOUND':
    case 'PAYOUT_NOT_FOUND':
      return { status: 404, error: 'Payment not found' };
    case 'NOT_FOUND':
      return { status: 404, error: message };
    case 'TOKEN_NOT_FOUND':
      return { status: 400, error: 'Token not found' };
    case 'TOKEN_EXPIRED':
    case 'CHECKOUT_EXPIRED':
      return { status: 400, error: 'Token expired' };
    case 'TOKEN_USED':
    case 'CHECKOUT_USED':
    case 'CHECKOUT_PAID':
    case 'CHECKOUT_CANCELLED':
    case 'CHECKOUT_BUSY':
      return { status: 400, error: 'Token already used' };
    case 'CARD_NUMBER_INVALID':
      return { status: 400, error: 'Invalid card number' };
    case 'CARD_BRAND_UNSUPPORTED':
      return { status: 400, error: 'Card type is not supported' };
    case 'CARD_EXPIRY_INVALID':
      return { status: 400, error: 'Invalid card expiration date' };
    case 'CARD_CVV_INVALID':
      return { status: 400, error: 'Invalid cvv' };
    case 'INSUFFICIENT_BALANCE':
    case 'ZERO_BALANCE':
      return { status: 400, error: 'Insufficient funds on the account balance' };
    case 'CURRENCY_UNSUPPORTED':
      return { status: 400, error: 'Unsupported currency' };
    // amounts out of range, including a sum the ledger could not hold: the message says which limit
    case 'AMOUNT_INVALID':
    case 'AMOUNT_PRECISION':
    case 'AMOUNT_TOO_SMALL':
    case 'AMOUNT_TOO_LARGE':
      return { status: 400, error: message };
    case 'INVALID_STATE':
    case 'CONFLICT':
      return { status: 409, error: message };
    case 'INTERNAL':
    case 'LEDGER_INVARIANT':
      return { status: 500, error: 'Internal server error' };
    default:
      return { status: 400, error: message };
  }
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

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A successful answer: `{"data": …}`. */
export function data(payload: unknown, status = 200): Answer {
  return { status, headers: { ...JSON_TYPE }, body: JSON.stringify({ data: payload }) };
}

function errorAnswer(status: number, error: string): Answer {
  return { status, headers: { ...JSON_TYPE }, body: JSON.stringify({ error }) };
}

/** Sends an answer (a redirect's empty body as no body). */
export function send(reply: FastifyReply, a: Answer): FastifyReply {
  reply.code(a.status).headers(a.headers);
  return a.body === '' ? reply.send() : reply.send(a.body);
}

/** The face's error and not-found answers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'numopay request failed');
    return send(reply, errorAnswer(w.status, w.error));
  });
  app.setNotFoundHandler((_req, reply) => send(reply, errorAnswer(404, 'Not found')));
}
