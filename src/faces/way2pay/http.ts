// Way2Pay's HTTP layer: the error table and the face's error, core error codes mapped to it, the reporter through
// which the kit's field reader answers a wrong field, JSON bodies, and sending an answer. Every answer is
// `{success:true, data}` or `{success:false, error:{message, code}}` with the table's HTTP status (a 5xx only for our
// own faults). The signature check is auth.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError, type ErrorCode } from '../../core/errors.js';
import type { Answer } from '../kit/command.js';
import { firstProblem, isPlainObject, type Problem, type Reporter } from '../kit/fields.js';
import type { Generation } from './wire.js';

// ---------------------------------------------------------------------------------------------- errors

/** Every error code the face answers with: [message, HTTP status]. The original README's table, then the later codes. */
export const ERRORS = {
  10000: ['unauthorized', 401],
  20000: ['wrong input', 400],
  20001: ["can't bind body to request model", 422],
  20002: ["can't bind query parameters", 422],
  20003: ['failed to parse key', 422],
  20004: ['signature header value missing or malformed', 400],
  20005: ['public-Key header value missing or malformed', 400],
  20006: ['nonce header value missing or outdated', 400],
  30000: ['forbidden', 403],
  30001: ["user doesn't exists", 403],
  30003: ["user doesn't exists", 403],
  30004: ['zero balance', 403],
  30005: ['not enough balance', 402],
  30006: ['amount less than min', 400],
  30007: ['amount greater than max', 400],
  40000: ['internal error', 500],
  60000: ['ticker doesnt exists', 400],
  60001: ['ticker type doesnt exists', 400],
  60002: ['invalid status', 400],
  60003: ['empty Public-Key', 401],
  60004: ['empty Nonce', 401],
  60005: ['empty Signature', 401],
  60006: ['invalid Signature', 401],
  60007: ['request timeout', 408],
  60008: ['invalid Public-Key', 400],
  60009: ['empty externalID', 400],
  60010: ['externalID already exists', 409],
  60011: ["payment doesn't exists", 404],
  60012: ['payment is finalized', 409],
  // later API generations (generation 3 merchants)
  2004: ['request timeout', 401],
  2005: ['invalid Signature', 401],
  2007: ['invalid NONCE', 401],
  60013: ['commission doesnt exists', 400],
  60014: ['bank doesnt exists', 400],
  60015: ['method doesnt exists', 400],
} as const satisfies Record<number, readonly [string, number]>;

export type Way2PayCode = keyof typeof ERRORS;

export class Way2PayError extends Error {
  readonly status: number;
  constructor(
    readonly code: Way2PayCode,
    detail?: string,
  ) {
    const [message, status] = ERRORS[code];
    // 20000 carries what was wrong; every other code answers exactly the table's message
    super(code === 20000 && detail ? `${message}: ${detail}` : message);
    this.status = status;
    this.name = 'Way2PayError';
  }
}

export function isWay2PayError(e: unknown): e is Way2PayError {
  return e instanceof Way2PayError;
}

/** Generation-specific codes: the current generation (3) answers the later codes where it has them; 1 and 2 the original table's. */
export function genCode(generation: Generation, older: Way2PayCode, gen3: Way2PayCode): Way2PayCode {
  return generation === 3 ? gen3 : older;
}

/** Core error codes → Way2Pay codes (codes not listed are input errors, 20000). */
const CORE_ERRORS: Partial<Record<ErrorCode, Way2PayCode>> = {
  VALIDATION: 20000,
  AMOUNT_INVALID: 20000,
  AMOUNT_PRECISION: 20000,
  AMOUNT_TOO_SMALL: 30006,
  AMOUNT_TOO_LARGE: 30007,
  CURRENCY_UNSUPPORTED: 60000,
  CARD_NUMBER_INVALID: 20000,
  CARD_BRAND_UNSUPPORTED: 20000,
  CARD_EXPIRY_INVALID: 20000,
  CARD_CVV_INVALID: 20000,
  UNAUTHENTICATED: 10000,
  SIGNATURE_INVALID: 60006,
  TIMESTAMP_OUT_OF_WINDOW: 60007,
  NONCE_REUSED: 20006,
  FORBIDDEN: 30000,
  MERCHANT_NOT_FOUND: 30003,
  ACCOUNT_NOT_FOUND: 30003,
  PAYMENT_NOT_FOUND: 60011,
  PAYOUT_NOT_FOUND: 60011,
  NOT_FOUND: 60011,
  INVALID_STATE: 60012,
  AMOUNT_EXCEEDS_AVAILABLE: 30005,
  INSUFFICIENT_BALANCE: 30005,
  ZERO_BALANCE: 30004,
  DUPLICATE: 60010,
  CONFLICT: 60012,
  LEDGER_INVARIANT: 40000,
  INTERNAL: 40000,
};

export function coreToWay2Pay(code: ErrorCode): Way2PayCode {
  return CORE_ERRORS[code] ?? 20000;
}

export interface WireError {
  status: number;
  body: { success: false; error: { message: string; code: number } };
}

export function errorBody(code: Way2PayCode, message?: string): WireError {
  const [m, status] = ERRORS[code];
  return { status, body: { success: false, error: { message: message ?? m, code } } };
}

/** Errors a request may end with after its nonce was accepted (its writes are undone, the nonce stays used). */
export function isBusinessError(e: unknown): boolean {
  return isWay2PayError(e) || (isCoreError(e) && e.code !== 'INTERNAL' && e.code !== 'LEDGER_INVARIANT');
}

/** Anything thrown in a Way2Pay route → the provider's error envelope (a 5xx only for our own faults). */
export function toWire(e: unknown): WireError & { internal: boolean } {
  if (e instanceof Way2PayError) return { ...errorBody(e.code, e.message), internal: false };
  if (isCoreError(e)) {
    const code = coreToWay2Pay(e.code);
    return { ...errorBody(code, code === 20000 ? `wrong input: ${e.message}` : undefined), internal: code === 40000 };
  }
  const fe = e as { statusCode?: number; code?: string };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const tooLarge = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    const w = errorBody(tooLarge ? 20001 : 20000, tooLarge ? 'request body is too large' : undefined);
    return { status: fe.statusCode, body: w.body, internal: false };
  }
  return { ...errorBody(40000), internal: true };
}

// ---------------------------------------------------------------------------------------------- answers

const JSON_TYPE = 'application/json; charset=utf-8';

export function answer(status: number, payload: unknown): Answer {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(payload) };
}

/** `{success:true, data}` */
export function success(data: unknown): Answer {
  return answer(200, { success: true, data });
}

/** A thrown error as the provider's error answer. */
export function errorAnswer(e: unknown): Answer {
  const w = toWire(e);
  return answer(w.status, w.body);
}

export function sendAnswer(reply: FastifyReply, a: Answer): FastifyReply {
  reply.code(a.status);
  for (const [name, value] of Object.entries(a.headers)) reply.header(name, value);
  return reply.send(a.body);
}

/** The face's error and not-found answers (on the face's encapsulated instance). */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.internal) req.log.error({ err }, 'way2pay request failed');
    return sendAnswer(reply, answer(w.status, w.body));
  });
  app.setNotFoundHandler((_req, reply) => sendAnswer(reply, answer(404, { success: false, error: { message: 'not found', code: 20000 } })));
}

// ---------------------------------------------------------------------------------------------- bodies

/** A request body parsed once: undefined when empty, `{ok:false}` when it is not JSON. */
export type JsonBody = { ok: true; value: unknown } | { ok: false } | undefined;

export function rawBody(req: FastifyRequest): Buffer {
  const b = req.body;
  return Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b) : Buffer.alloc(0);
}

export function parseJson(raw: Buffer): JsonBody {
  const text = raw.toString('utf8').trim();
  if (!text) return undefined;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The body as an object (an empty body is `{}`); anything else is 20001. */
export function objectBody(b: JsonBody): Record<string, unknown> {
  if (b === undefined) return {};
  if (!b.ok || !isPlainObject(b.value)) throw new Way2PayError(20001);
  return b.value;
}

// ---------------------------------------------------------------------------------------------- the reporter

/** What the 20000 answer says for a field of the wrong JSON type (default: "must be a <kind>"). */
const TYPE_TEXT: Record<string, string> = {
  amount: 'a decimal string',
  currencyId: 'a currency id or code',
  currency: 'a currency id or code',
  bankId: 'a number',
};

/** What the 20000 answer says for a value of the wrong form, by the format a field was read with. */
const FORMAT_TEXT: Record<string, string> = {
  externalID: 'externalID must be 1-64 latin letters, digits, "-" or "_"',
  decimal: 'amount must be a positive number with at most 2 decimal places',
  card: 'receiver is not a valid card number',
  phone: 'receiver must be a phone number',
  account: 'receiver must be an account number',
};

/** A custom problem named `code:<n>` is answered with that Way2Pay code (an unknown currency, bank, method ...). */
export const codeProblem = (code: Way2PayCode): string => `code:${code}`;

function detail(p: Problem): string {
  switch (p.rule) {
    case 'required':
      return `${p.key} is required`;
    case 'type':
      return `${p.key} must be ${TYPE_TEXT[p.key] ?? `a ${p.expected.join(' or ')}`}`;
    case 'length':
      return p.failed === 'max' ? `${p.key} is too long` : `${p.key} is too short`;
    case 'range':
      return p.failed === 'min' ? `${p.key} must be greater than zero` : `${p.key} is too large`;
    case 'precision':
      return FORMAT_TEXT.decimal!;
    case 'format':
      return FORMAT_TEXT[p.format] ?? (p.format === 'url' ? `${p.key} must be an http(s) URL` : `${p.key} is malformed`);
    case 'enum':
      return `${p.key} must be ${p.allowed.map((a) => `"${a}"`).join(' or ')}`;
    case 'depth':
      return `${p.key} is nested too deep`;
    case 'custom':
      return p.message;
  }
}

/**
 * The provider answers the first wrong field: an absent externalID is 60009, a `code:<n>` problem that code, and
 * anything else `fallback` (20000 "wrong input: <what>" for bodies, 20002 for query strings).
 */
export function way2payReporter(fallback: 20000 | 20002 = 20000): Reporter {
  return firstProblem((p) => {
    if (p.rule === 'required' && p.key === 'externalID') return new Way2PayError(60009);
    if (p.rule === 'custom' && p.name.startsWith('code:'))
      return new Way2PayError(Number(p.name.slice(5)) as Way2PayCode, p.message || undefined);
    return new Way2PayError(fallback, fallback === 20000 ? detail(p) : undefined);
  });
}
