// NovaPay request plumbing: the face's error (`{type:"validation", errors}` / `{type:"processing", error, code}` for
// legacy SHA-1 clients, with `uuid` and the current field names for SHA-256 clients), the reporter that turns the
// kit's field problems into NovaPay's `errors[]` (both generations of texts), core errors → NovaPay errors, and
// answers sent as exact bytes signed with the gateway key (`X-Sign` SHA-1 and `x-sign-v2` SHA-256).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/errors.js';
import type { JsonObject } from '../../core/model.js';
import type { Answer } from '../kit/command.js';
import { collectProblems, type Path, type Problem, type Reporter } from '../kit/fields.js';
import type { FaceContext } from '../face.js';
import { gatewayKey } from './keys.js';
import { LEGACY_SIGN_HEADER, signBody, V2_SIGN_HEADER } from './signing.js';
import { CORE_ERRORS, PROCESSING_ERRORS, type ProcessingErrorKey } from './wire.js';

// ---------------------------------------------------------------------------------------------- errors

/** One validation problem, described for both generations of clients. */
export interface Issue {
  /** property path: ['products', 0, 'count'] */
  path: Path;
  /** the current API's code (zod): invalid_type, too_small, too_big, invalid_format, custom */
  code: string;
  /** the current API's message */
  message: string;
  /** the legacy clients' message (ajv): "should be string", "should have required property 'x'" */
  legacy: string;
  /** for a missing property, ajv reports it at the parent with this name */
  missingProperty?: string;
}

export class NovapayError extends Error {
  constructor(
    readonly kind: 'processing' | 'validation' | 'fatal',
    readonly key: ProcessingErrorKey | null,
    readonly issues: Issue[] = [],
    message?: string,
  ) {
    super(message ?? (key ? PROCESSING_ERRORS[key].error : kind === 'validation' ? 'validation failed' : 'internal error'));
  }
  get status(): number {
    if (this.kind === 'validation') return 400;
    if (this.kind === 'fatal') return 500;
    return this.key ? PROCESSING_ERRORS[this.key].status : 400;
  }
}

export const processing = (key: ProcessingErrorKey): NovapayError => new NovapayError('processing', key);
export const validation = (issues: Issue[]): NovapayError => new NovapayError('validation', null, issues);

/**
 * Error response style: `legacy` for legacy clients (SHA-1 signatures, or before the signature is
 * known), `current` for clients of today's API (SHA-256).
 */
export type ErrorStyle = 'legacy' | 'current';

declare module 'fastify' {
  interface FastifyRequest {
    novapayStyle?: ErrorStyle;
  }
}

/** The ajv (legacy) dataPath: `.products[0].count`; a missing property is reported at its parent. */
function legacyDataPath(i: Issue): string {
  return i.path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `['${p}']`)).join('');
}

export function errorBody(e: NovapayError, style: ErrorStyle): { status: number; body: JsonObject } {
  if (e.kind === 'validation') {
    if (style === 'legacy') {
      return {
        status: 400,
        body: { type: 'validation', errors: e.issues.map((i) => ({ dataPath: legacyDataPath(i), message: i.legacy })) },
      };
    }
    const errors = e.issues.map((i) => {
      const path = (i.missingProperty !== undefined ? [...i.path, i.missingProperty] : i.path).join('.');
      return { message: i.message, code: i.code, path };
    });
    return { status: 400, body: { uuid: randomUUID(), type: 'validation', errors } };
  }
  if (e.kind === 'fatal') {
    return {
      status: 500,
      body:
        style === 'legacy'
          ? { type: 'fatal', error: 'internal error' }
          : { uuid: randomUUID(), type: 'fatal', error: 'internal error', description: '', code: 'InternalError' },
    };
  }
  const def = e.key ? PROCESSING_ERRORS[e.key] : { error: e.message, code: 'ProcessingError', status: 400 };
  return {
    status: def.status,
    body:
      style === 'legacy'
        ? { type: 'processing', error: def.error, code: def.code }
        : { uuid: randomUUID(), type: 'processing', error: def.error, description: '', code: def.code },
  };
}

/** Anything thrown in a NovaPay route → NovaPay's error body with a 4xx (5xx only for our own faults). */
function toNovapayError(e: unknown): NovapayError {
  if (e instanceof NovapayError) return e;
  if (isCoreError(e)) {
    const m = CORE_ERRORS[e.code];
    if (m === 'validation') return validation([{ path: [], code: 'custom', message: e.message, legacy: e.message }]);
    if (m === 'fatal') return new NovapayError('fatal', null);
    return processing(m);
  }
  const fe = e as { statusCode?: number; code?: string };
  if (fe && fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return processing('BODY_TOO_LARGE');
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return validation([{ path: [], code: 'invalid_type', message: 'Invalid input', legacy: 'should be object' }]);
  }
  return new NovapayError('fatal', null);
}

// ------------------------------------------------------------------------------------- field problems

/** A custom problem named `maxItems` is a list longer than its maximum (its value); see input.ts. */
export const MAX_ITEMS = 'maxItems';

/** A field problem as NovaPay describes it: the current API's zod texts and the legacy clients' ajv texts. */
function issueOf(p: Problem): Issue {
  switch (p.rule) {
    case 'required':
      return {
        path: p.path.slice(0, -1),
        missingProperty: p.key,
        code: 'invalid_type',
        message: `Invalid input: expected ${p.expected}, received undefined`,
        legacy: `should have required property '${p.key}'`,
      };
    case 'type':
      return {
        path: p.path,
        code: 'invalid_type',
        message: `Invalid input: expected ${p.expected[0]}, received ${p.got}`,
        legacy: `should be ${p.expected.join(',')}`,
      };
    case 'length':
      return p.failed === 'max'
        ? {
            path: p.path,
            code: 'too_big',
            message: `Too big: expected string to have <=${p.max} characters`,
            legacy: `should NOT be longer than ${p.max} characters`,
          }
        : {
            path: p.path,
            code: 'too_small',
            message: `Too small: expected string to have >=${p.min} characters`,
            legacy: `should NOT be shorter than ${p.min} characters`,
          };
    case 'range':
      return p.failed === 'min'
        ? { path: p.path, code: 'too_small', message: `Too small: expected number to be >=${p.min}`, legacy: `should be >= ${p.min}` }
        : { path: p.path, code: 'too_big', message: `Too big: expected number to be <=${p.max}`, legacy: `should be <= ${p.max}` };
    case 'format': {
      const message = p.format === 'uri' ? 'Invalid URL' : p.format === 'email' ? 'Invalid email address' : 'Invalid UUID';
      return { path: p.path, code: 'invalid_format', message, legacy: `should match format "${p.format}"` };
    }
    case 'depth':
      return {
        path: p.path,
        code: 'too_big',
        message: `Too big: expected at most ${p.max} levels of nesting`,
        legacy: `should NOT be nested more than ${p.max} levels deep`,
      };
    case 'precision':
      return {
        path: p.path,
        code: 'custom',
        message: 'Invalid amount: at most 2 decimal places',
        legacy: 'should pass "validAmount" keyword validation',
      };
    case 'enum':
      return {
        path: p.path,
        code: 'invalid_value',
        message: `Invalid option: expected one of ${p.allowed.map((a) => JSON.stringify(a)).join('|')}`,
        legacy: 'should be equal to one of the allowed values',
      };
    case 'custom':
      if (p.name === MAX_ITEMS)
        return {
          path: p.path,
          code: 'too_big',
          message: `Too big: expected array to have <=${String(p.value)} items`,
          legacy: `should NOT have more than ${String(p.value)} items`,
        };
      return { path: p.path, code: 'custom', message: p.message, legacy: `should pass "${p.name}" keyword validation` };
  }
}

/** NovaPay answers every problem of a body at once, in `errors[]`. */
export function novapayReporter(): Reporter {
  return collectProblems((ps) => validation(ps.map(issueOf)));
}

// ------------------------------------------------------------------------------------------- answers

/** A JSON answer (the literal `null` for an undefined or null body). */
export function jsonAnswer(body: unknown, status = 200): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: body === undefined ? 'null' : JSON.stringify(body),
  };
}

/** A PDF answer: the body holds the file's bytes as latin1 text (see `sendAnswer`). */
export const PDF_TYPE = 'application/pdf';

/** Sends an answer's exact bytes signed with the gateway key: `X-Sign` (SHA-1) and `x-sign-v2` (SHA-256). */
export async function sendAnswer(reply: FastifyReply, ctx: FaceContext, a: Answer): Promise<FastifyReply> {
  const key = await gatewayKey(ctx.engine);
  const bytes = a.headers['content-type'] === PDF_TYPE ? Buffer.from(a.body, 'latin1') : a.body;
  return reply
    .code(a.status)
    .headers(a.headers)
    .header(LEGACY_SIGN_HEADER, signBody(bytes, key.privateKey, 'sha1'))
    .header(V2_SIGN_HEADER, signBody(bytes, key.privateKey, 'sha256'))
    .send(bytes);
}

function sendError(reply: FastifyReply, ctx: FaceContext, e: NovapayError, style: ErrorStyle): Promise<FastifyReply> {
  const { status, body } = errorBody(e, style);
  return sendAnswer(reply, ctx, jsonAnswer(body, status));
}

/** The face's error and not-found handlers: NovaPay's error bodies, signed. */
export function installErrorHandlers(app: FastifyInstance, ctx: FaceContext): void {
  app.setErrorHandler(async (err, req, reply) => {
    const e = toNovapayError(err);
    if (e.kind === 'fatal') req.log.error({ err }, 'novapay request failed');
    return sendError(reply, ctx, e, req.novapayStyle ?? 'legacy');
  });
  app.setNotFoundHandler(async (req, reply) => sendError(reply, ctx, processing('NOT_FOUND'), req.novapayStyle ?? 'legacy'));
}

export function rawBody(req: FastifyRequest): Buffer {
  const b = req.body;
  return Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b) : Buffer.alloc(0);
}
