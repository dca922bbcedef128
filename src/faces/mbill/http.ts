// Mbill request plumbing (authentication is auth.ts): JSON bodies read from the raw bytes, the face's error
// (`MbillError`) and its reporter for the kit's Fields (every problem collected into API Manifest `invalid[]`
// entries, with the reference server's rule names), core error codes mapped to API Manifest errors, X-Idempotency-Key,
// and answers sent in their envelope (envelope.ts), with the face's hooks (request ids, CORS, errors).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAY } from '../../core/clock.js';
import { sha256Hex } from '../../core/crypto.js';
import { isCoreError } from '../../core/errors.js';
import type { Answer, Idempotent } from '../kit/command.js';
import { collectProblems, jsonPath, type Fields, type Path, type Problem, type Reporter } from '../kit/fields.js';
import type { FaceContext } from '../face.js';
import { envelope, idempotencyKeyOf, replayBody, requestIdOf, type Out } from './envelope.js';
import { AMOUNT_FORMAT_RE, METADATA_KEY_MAX, METADATA_LIST_MAX, METADATA_LIST_VALUE_MAX, METADATA_VALUE_MAX, PHONE_RE } from './limits.js';
import { errorOfCode, ERROR_STATUS, VALIDATION_MESSAGE, type ErrorBody, type InvalidEntry, type Rule } from './wire.js';

export class MbillError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message ?? body.type);
  }
}

export const fail = {
  accessDenied: (message: string) =>
    new MbillError(401, { type: 'access_denied', invalid: [{ entry_type: 'header', entry: 'Authorization' }], message }),
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

// ---- validation: problems → `invalid[]`

/** A regular expression as Elixir's `inspect` shows it, as EView puts it into a rule's `params`. */
export const formatOf = (re: RegExp): string => `~r/${re.source}/`;

const ANY_METADATA_TYPE = ['integer', 'float', 'decimal', 'string'];

/** The reference server's own rules (beyond the ones the kit knows), by the name a custom problem carries. */
const OWN_RULES = {
  card_number: { rule: 'card_number', params: [], description: 'is not a valid card number' },
  phone_number: { rule: 'phone_number', params: [formatOf(PHONE_RE)], description: 'is not a valid phone number' },
  email: { rule: 'email', params: [], description: 'is not a valid email' },
  fee: { rule: 'fee', params: [], description: 'is invalid' },
  fee_positive: { rule: 'number', params: { greater_than: 0 }, description: 'must be greater than 0' },
  token: { rule: 'token', params: [], description: 'is invalid' },
  token_expiration: { rule: 'token_expiration', params: [], description: 'card token is expired' },
  otp_code: { rule: 'otp_code', params: [], description: 'is invalid' },
  claim_id: { rule: 'claim_id', params: [], description: 'not found' },
  metadata: { rule: 'metadata', params: [], description: 'is not a valid metadata object' },
  metadata_key: { rule: 'length', params: { max: METADATA_KEY_MAX }, description: `key should be up to ${METADATA_KEY_MAX} characters` },
  metadata_value: {
    rule: 'length',
    params: { max: METADATA_VALUE_MAX },
    description: `value should be up to ${METADATA_VALUE_MAX} characters`,
  },
  metadata_list: { rule: 'length', params: { max: METADATA_LIST_MAX }, description: `lists should be up to ${METADATA_LIST_MAX} elements` },
  metadata_list_value: {
    rule: 'length',
    params: { max: METADATA_LIST_VALUE_MAX },
    description: `list keys should be up to ${METADATA_LIST_VALUE_MAX} characters`,
  },
  metadata_list_type: { rule: 'cast', params: ANY_METADATA_TYPE, description: 'one of keys is invalid' },
  metadata_type: { rule: 'cast', params: ANY_METADATA_TYPE, description: 'is invalid' },
} satisfies Record<string, Required<Rule>>;
export type OwnRule = keyof typeof OWN_RULES;

/** A problem of one of the reference server's own rules at `path`; `description` when it names a value. */
export function ownProblem(path: Path, name: OwnRule, description: string = OWN_RULES[name].description): Problem {
  return { rule: 'custom', path, key: String(path[path.length - 1] ?? ''), name, message: description };
}

/** The cast a type problem names, in Ecto's words. */
function castOf(expected: readonly string[]): string {
  if (expected.includes('number')) return 'decimal';
  if (expected.includes('object')) return 'map';
  return expected[0] ?? 'string';
}

/** One problem as the rule EView renders (Ecto's validators and the tokenizer's own). */
function ruleOf(p: Problem): Rule {
  switch (p.rule) {
    case 'required':
      return { rule: 'required', params: [], description: "can't be blank" };
    case 'type':
      return { rule: 'cast', params: [castOf(p.expected)], description: 'is invalid' };
    case 'length':
      return {
        rule: 'length',
        params: { ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) },
        description: p.failed === 'min' ? `should be at least ${p.min} character(s)` : `should be at most ${p.max} character(s)`,
      };
    case 'range':
      return {
        rule: 'number',
        params: {
          ...(p.min !== undefined ? { greater_than_or_equal_to: Number(p.min) } : {}),
          ...(p.max !== undefined ? { less_than_or_equal_to: Number(p.max) } : {}),
        },
        description: p.failed === 'min' ? `must be greater than or equal to ${p.min}` : `must be less than or equal to ${p.max}`,
      };
    case 'precision':
      return { rule: 'format', params: [formatOf(AMOUNT_FORMAT_RE)], description: 'has invalid format' };
    case 'format':
      return { rule: 'format', params: [p.format], description: 'has invalid format' };
    case 'enum':
      return { rule: 'inclusion', params: [...p.allowed], description: 'is invalid' };
    case 'depth':
      return { ...OWN_RULES.metadata };
    case 'custom': {
      const own = (OWN_RULES as Record<string, Required<Rule>>)[p.name];
      return { rule: own?.rule ?? p.name, params: own?.params ?? [], description: p.message };
    }
  }
}

/** Problems as `invalid[]`: one entry per path, its rules in the order found, sorted by path (as EView flattens them). */
function invalidEntries(problems: readonly Problem[], entryType = 'json_data_property'): InvalidEntry[] {
  const byPath = new Map<string, Rule[]>();
  for (const p of problems) {
    const entry = jsonPath(p.path);
    const rules = byPath.get(entry);
    if (rules) rules.push(ruleOf(p));
    else byPath.set(entry, [ruleOf(p)]);
  }
  return [...byPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([entry, rules]) => ({ entry_type: entryType, entry, rules }));
}

export function validationBody(invalid: InvalidEntry[]): ErrorBody {
  return { type: 'validation_failed', invalid, message: VALIDATION_MESSAGE };
}

/** 422 with rule `otp_code` on `$.code`: a wrong lookup or claim code (the attempt counts). */
export const wrongCode = (): Out => ({ status: 422, error: validationBody(invalidEntries([ownProblem(['code'], 'otp_code')])) });

/** Collects every problem of a request; `done()` answers them all: 422 `validation_failed`. */
export function mbillReporter(entryType = 'json_data_property'): Reporter {
  return collectProblems((ps) => new MbillError(422, validationBody(invalidEntries(ps, entryType))));
}

/** What a reader made of a request, once its fields have no problem (else the 422 naming them all). */
export function valid<T>(f: Fields, value: T | undefined): T {
  f.done();
  if (value === undefined) throw new MbillError(422, validationBody([]));
  return value;
}

/** Anything thrown in an Mbill route → status and error body (5xx only for our own faults). */
export function toWire(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof MbillError) return { status: e.status, body: e.body };
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

// ---- answers

/**
 * X-Idempotency-Key (beyond the reference server, which only echoes it): per merchant and route (`scope`), the first
 * 2xx answer is kept for 24 h and a repeat with the same method, path and body gets it again.
 */
export function idempotencyOf(req: FastifyRequest, scope: string): Idempotent | null {
  const key = idempotencyKeyOf(req);
  if (key === undefined) return null;
  const path = (req.raw.url ?? req.url).split('?')[0] ?? '';
  return {
    scope: `mbill:${scope}`,
    key,
    requestHash: sha256Hex(`${req.method} ${path}\n${rawBody(req)}`),
    ttlMs: DAY,
    compareRequest: true,
    keep: (a) => a.status >= 200 && a.status < 300,
  };
}

/** The answer of `out` in its envelope (rendered once: an idempotent repeat gets it again). */
export function answerOf(req: FastifyRequest, base: string, out: Out): Answer {
  return { status: out.status, headers: {}, body: JSON.stringify(envelope(req, base, out)) };
}

/** Sends an answer; a replayed one is marked and carries this request's id. */
export function sendAnswer(req: FastifyRequest, reply: FastifyReply, a: Answer & { replayed?: boolean }): FastifyReply {
  if (a.replayed) reply.header('idempotent-replayed', 'true');
  for (const [k, v] of Object.entries(a.headers)) reply.header(k, v);
  return reply
    .code(a.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(a.replayed ? replayBody(req, a.body) : a.body);
}

/** Request ids, echoed keys, CORS (any origin, as the reference server's Corsica setup), errors and unknown routes. */
export function registerHttp(app: FastifyInstance, ctx: FaceContext): void {
  const send = (req: FastifyRequest, reply: FastifyReply, out: Out) => sendAnswer(req, reply, answerOf(req, ctx.baseUrl(req), out));
  app.addHook('onRequest', async (req) => {
    requestIdOf(req);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', requestIdOf(req));
    const key = idempotencyKeyOf(req);
    if (key !== undefined) reply.header('x-idempotency-key', key);
    const origin = req.headers.origin;
    reply.header('access-control-allow-origin', origin ?? '*');
    if (origin) {
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
    reply.header('access-control-expose-headers', 'x-request-id, x-idempotency-key');
    return payload;
  });
  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'mbill request failed');
    return send(req, reply, { status: w.status, error: w.body });
  });
  app.setNotFoundHandler((req, reply) => send(req, reply, { status: 404, error: { type: 'not_found' } }));
  app.options('/*', async (_req, reply) => {
    reply.header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    reply.header('access-control-allow-headers', 'authorization, content-type, x-request-id, x-idempotency-key');
    reply.header('access-control-max-age', '86400');
    return reply.code(204).send();
  });
}
