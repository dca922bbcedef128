// What every route of Numopay's signed API shares: the account of the path, and running a request through the
// kit's command() (a state change, the request's signature used up in its transaction) or query() (a read).
import type { FastifyRequest } from 'fastify';
import { CoreError } from '../../../core/errors.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { command, query, type Answer } from '../../kit/command.js';
import type { Subject } from '../../kit/request-context.js';
import { caller } from '../auth.js';
import type { NumopayService } from '../service.js';
import { numopayStore as S, type NumopayAccount } from '../store.js';

/** What a route file is registered with. */
export interface RouteDeps {
  ctx: FaceContext;
  service: NumopayService;
}

/** The path's `:account_id`, when it is one of the caller's accounts (404 otherwise). */
export async function accountIn(tx: Tx, req: FastifyRequest): Promise<NumopayAccount> {
  const id = (req.params as { account_id: string }).account_id;
  const a = await S.getAccount(tx, caller(req).merchant.id, id);
  if (!a) throw new CoreError('ACCOUNT_NOT_FOUND');
  return a;
}

/** The path's account, read before a command (its currency shapes what the body may hold). */
export function accountOf(d: RouteDeps, req: FastifyRequest): Promise<NumopayAccount> {
  return d.ctx.engine.read((tx) => accountIn(tx, req));
}

/** A state change of the caller's: one transaction, in which the request's signature is used up first. */
export function signedCommand<R>(
  d: RouteDeps,
  req: FastifyRequest,
  spec: { work(tx: Tx): Promise<R>; subjects?(r: R): Subject[]; render(r: R): Answer },
): Promise<Answer> {
  const who = caller(req);
  return command(d.ctx.engine, req, {
    merchantId: who.merchant.id,
    work: async (tx) => {
      await d.service.useSignature(tx, who.credential.key, req.method, who.signature);
      return spec.work(tx);
    },
    subjects: spec.subjects,
    render: spec.render,
  });
}

/** A read of the caller's. */
export function signedQuery<R>(
  d: RouteDeps,
  req: FastifyRequest,
  spec: { read(tx: Tx): Promise<R>; subjects?(r: R): Subject[]; render(r: R): Answer },
): Promise<Answer> {
  return query(d.ctx.engine, req, { merchantId: caller(req).merchant.id, ...spec });
}
