// NovaPay authentication: `x-sign` (RSA, SHA-1 or SHA-256) over the raw body bytes against the merchant's registered
// public key, then the body parsed; and the signed API route built on it (authenticate, run, send the signed answer).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Credential, Merchant } from '../../core/model.js';
import type { Answer } from '../kit/command.js';
import { isPlainObject, kindOf } from '../kit/fields.js';
import type { FaceContext } from '../face.js';
import { processing, rawBody, sendAnswer, validation } from './http.js';
import { REQUEST_SIGN_HEADER, unescapeUnicode, verifyEither, type SignAlgorithm } from './signing.js';
import { novapayStore as S } from './store.js';

type Obj = Record<string, unknown>;

export interface Authed {
  merchant: Merchant;
  credential: Credential;
  /** the algorithm the request was signed with */
  algorithm: SignAlgorithm;
  /** true when the signature only matched the \uXXXX-unescaped body (some PHP clients sign the JSON with Cyrillic unescaped and send it escaped: docs/novapay.md) */
  lenient: boolean;
  body: Obj;
}

const MAX_CANDIDATES = 200;

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The credentials a request may be signed with: by merchant_id, else by the session's merchant, else all. */
async function candidates(ctx: FaceContext, parsed: unknown): Promise<Array<{ credential: Credential; merchant: Merchant }>> {
  const { engine } = ctx;
  return engine.read(async (tx) => {
    const o = isPlainObject(parsed) ? parsed : {};
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
  if (!parsedOk || !isPlainObject(parsed)) {
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

/** A signed API route (a POST under /v1): authenticate, run the handler, send its answer signed. */
export function signedRoute(
  app: FastifyInstance,
  ctx: FaceContext,
  path: string,
  handler: (a: Authed, req: FastifyRequest) => Promise<Answer>,
): void {
  app.post(path, async (req, reply) => sendAnswer(reply, ctx, await handler(await authenticate(req, ctx), req)));
}
