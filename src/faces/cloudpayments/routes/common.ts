// What every route of the authenticated API shares: the authenticated terminal on the request (HTTP Basic, then a
// slot of the per-terminal concurrency limit), and running a request through the kit's command()/query(), which
// record the merchant and the objects touched for the request log, with X-Request-ID idempotency for commands.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../../../core/ports.js';
import { command, query } from '../../kit/command.js';
import { annotate, type Subject } from '../../kit/request-context.js';
import type { FaceContext } from '../../face.js';
import type { KeyRing } from '../cryptogram.js';
import { authenticate, type Authed } from '../auth.js';
import { CpError, idempotency, jsonAnswer, send } from '../http.js';
import { tooManyRequests, type ConcurrencyLimiter } from '../limits.js';
import type { WireContext } from '../wire/transaction.js';

declare module 'fastify' {
  interface FastifyRequest {
    cloudpayments?: Authed;
  }
}

/** What the route modules are given. */
export interface Routes {
  ctx: FaceContext;
  keys: KeyRing;
}

/** The authenticated terminal of the request. */
export function authed(req: FastifyRequest): Authed {
  const a = req.cloudpayments;
  if (!a) throw new CpError('Authorization has been denied for this request.', 401);
  return a;
}

/** The wire context of the terminal (PublicId), with a time-zone offset for lists. */
export function wireOf(a: Authed, offsetMinutes = 0): WireContext {
  return { publicId: a.credential.key, offsetMinutes };
}

/** `{Model, Success: true, Message: null}`. */
export function modelBody(model: unknown): { Model: unknown; Success: true; Message: null } {
  return { Model: model, Success: true, Message: null };
}

/** Runs a state change (idempotent with X-Request-ID) and sends its JSON answer. */
export async function change<R>(
  r: Routes,
  req: FastifyRequest,
  reply: FastifyReply,
  spec: { work(tx: Tx): Promise<R>; subjects?(result: R): Subject[]; body(result: R, tx: Tx): unknown },
): Promise<FastifyReply> {
  const a = authed(req);
  const answer = await command(r.ctx.engine, req, {
    merchantId: a.merchant.id,
    idempotent: idempotency(req, a.merchant.id),
    work: spec.work,
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    render: async (result, tx) => jsonAnswer(await spec.body(result, tx)),
  });
  return send(reply, answer);
}

/** Runs a read and sends its JSON answer. */
export async function look<R>(
  r: Routes,
  req: FastifyRequest,
  reply: FastifyReply,
  spec: { read(tx: Tx): Promise<R>; subjects?(result: R): Subject[]; body(result: R): unknown },
): Promise<FastifyReply> {
  const a = authed(req);
  const answer = await query(r.ctx.engine, req, {
    merchantId: a.merchant.id,
    read: spec.read,
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    render: (result) => jsonAnswer(spec.body(result)),
  });
  return send(reply, answer);
}

/** Whether an answer is kept for this request's X-Request-ID (it is then replayed before any side effect). */
export async function hasKeptAnswer(r: Routes, req: FastifyRequest): Promise<boolean> {
  const i = idempotency(req, authed(req).merchant.id);
  if (!i) return false;
  const { engine } = r.ctx;
  const rec = await engine.read((tx) => tx.idempotency.get(i.scope, i.key));
  return rec !== undefined && rec !== null && rec.expiresAt > engine.clock.now();
}

/**
 * Registers the authenticated API: every route under it is authenticated (HTTP Basic) and takes a slot of the
 * terminal's concurrency limit until its response is written (429 beyond it).
 */
export function registerAuthenticated(
  app: FastifyInstance,
  ctx: FaceContext,
  limiter: ConcurrencyLimiter | null,
  routes: (api: FastifyInstance) => void,
): void {
  app.register(async (api) => {
    api.addHook('preHandler', async (req, reply) => {
      const a = await authenticate(req, ctx);
      req.cloudpayments = a;
      annotate(req, { merchantId: a.merchant.id });
      if (limiter) {
        const release = limiter.acquire(a.credential.key);
        if (!release) throw new CpError(tooManyRequests(limiter.max), 429);
        reply.raw.once('close', release);
      }
    });
    routes(api);
  });
}
