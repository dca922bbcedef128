// NovaPay request plumbing: `x-sign` verification over the raw body bytes, JSON parsing, signed replies
// (`X-Sign` SHA-1 and `x-sign-v2` SHA-256 over the exact response bytes) and error rendering.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/errors.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { gatewayKey } from './keys.js';
import {
  LEGACY_SIGN_HEADER,
  REQUEST_SIGN_HEADER,
  signBody,
  unescapeUnicode,
  V2_SIGN_HEADER,
  verifyEither,
  type SignAlgorithm,
} from './signing.js';
import { novapayStore as S } from './store.js';
import { isObject, kindOf, type Obj } from './validate.js';
import { CORE_ERRORS, errorBody, NovapayError, processing, validation, type ErrorStyle } from './wire.js';

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  /** the algorithm the request was signed with */
  algorithm: SignAlgorithm;
  /** true when the signature only matched the \uXXXX-unescaped body (some PHP clients sign the JSON with Cyrillic unescaped and send it escaped: docs/novapay.md) */
  lenient: boolean;
  body: Obj;
}

declare module 'fastify' {
  interface FastifyRequest {
    novapayStyle?: ErrorStyle;
  }
}

const MAX_CANDIDATES = 200;

export function rawBody(req: FastifyRequest): Buffer {
  const b = req.body;
  return Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b) : Buffer.alloc(0);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The credentials a request may be signed with: by merchant_id, else by the session's merchant, else all. */
async function candidates(ctx: FaceContext, parsed: unknown): Promise<Array<{ credential: Credential; merchant: Merchant }>> {
  const { engine } = ctx;
  return engine.read(async (tx) => {
    const o = isObject(parsed) ? parsed : {};
    const mid = o.merchant_id;
    if ((typeof mid === 'number' && Number.isSafeInteger(mid)) || (typeof mid === 'string' && /^\d{1,18}$/.test(mid.trim()))) {
      const found = await engine.merchants.authenticate(tx, 'novapay', String(mid).trim());
      if (!found) throw processing('MERCHANT_NOT_FOUND');
      return [found];
    }
    let merchants: Merchant[];
    if (typeof o.session_id === 'string' && o.session_id.length <= 255) {
      const s = await S.getSession(tx, o.session_id);
      const m = s && (await tx.merchants.get(s.merchantId));
      merchants = m ? [m] : [];
    } else {
      merchants = (await tx.merchants.list()).slice(0, MAX_CANDIDATES);
    }
    const out: Array<{ credential: Credential; merchant: Merchant }> = [];
    for (const m of merchants) {
      for (const c of await tx.credentials.list(m.id))
        if (c.face === 'novapay' && c.status === 'active') out.push({ credential: c, merchant: m });
    }
    return out;
  });
}

/**
 * Verifies `x-sign` over exactly the bytes received (SHA-1 or SHA-256) against the merchant's registered
 * public key; as a fallback, over the body with its `\uXXXX` escapes of non-ASCII characters unescaped
 * (clients that sign the JSON_UNESCAPED_UNICODE text but send plain json_encode). Then parses the body.
 */
export async function authenticate(req: FastifyRequest, ctx: FaceContext): Promise<Authed> {
  req.novapayStyle = 'legacy';
  const raw = rawBody(req);
  const sign = header(req, REQUEST_SIGN_HEADER);
  const text = raw.toString('utf8');
  let parsed: unknown;
  let parsedOk = true;
  try {
    parsed = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    parsedOk = false;
  }
  if (!sign) throw processing('SIGN_INVALID');
  const list = await candidates(ctx, parsedOk ? parsed : undefined);
  let found: { credential: Credential; merchant: Merchant; algorithm: SignAlgorithm; lenient: boolean } | undefined;
  for (const c of list) {
    const pem = typeof c.credential.data.publicKey === 'string' ? c.credential.data.publicKey : '';
    const alg = verifyEither(raw, sign, pem);
    if (alg) {
      found = { ...c, algorithm: alg, lenient: false };
      break;
    }
  }
  if (!found) {
    const unescaped = unescapeUnicode(text);
    if (unescaped !== null) {
      for (const c of list) {
        const pem = typeof c.credential.data.publicKey === 'string' ? c.credential.data.publicKey : '';
        const alg = verifyEither(Buffer.from(unescaped, 'utf8'), sign, pem);
        if (alg) {
          found = { ...c, algorithm: alg, lenient: true };
          break;
        }
      }
    }
  }
  if (!found) throw processing('SIGN_INVALID');
  req.novapayStyle = found.algorithm === 'sha256' ? 'current' : 'legacy';
  if (!parsedOk || !isObject(parsed)) {
    throw validation([
      {
        path: [],
        code: 'invalid_type',
        message: `Invalid input: expected object, received ${parsedOk ? kindOf(parsed) : 'invalid JSON'}`,
        legacy: 'should be object',
      },
    ]);
  }
  return { merchant: found.merchant, credential: found.credential, algorithm: found.algorithm, lenient: found.lenient, body: parsed };
}

/** Sends exact JSON bytes signed with the gateway key: `X-Sign` (SHA-1) and `x-sign-v2` (SHA-256). */
export async function sendSigned(reply: FastifyReply, ctx: FaceContext, status: number, text: string): Promise<FastifyReply> {
  const key = await gatewayKey(ctx.engine);
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .header(LEGACY_SIGN_HEADER, signBody(text, key.privateKey, 'sha1'))
    .header(V2_SIGN_HEADER, signBody(text, key.privateKey, 'sha256'))
    .send(text);
}

export function sendJson(reply: FastifyReply, ctx: FaceContext, body: unknown, status = 200): Promise<FastifyReply> {
  return sendSigned(reply, ctx, status, JSON.stringify(body));
}

/** Anything thrown in a NovaPay route → NovaPay's error body with a 4xx (5xx only for our own faults). */
export function toNovapayError(e: unknown): NovapayError {
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

export async function sendError(reply: FastifyReply, ctx: FaceContext, e: NovapayError, style: ErrorStyle): Promise<FastifyReply> {
  const { status, body } = errorBody(e, style);
  return sendJson(reply, ctx, body, status);
}
