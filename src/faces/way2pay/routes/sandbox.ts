// Sandbox operator routes (no merchant signature; the admin token, `Authorization: Bearer <admin token>`): what the
// payer and the provider's operator do in real life. Not served with `--sandbox-routes off` or in production mode.
//   POST /sandbox/pay-in/{id}/pay {amount?, confirm?}  the payer transfers `amount` (default: the expected one);
//                                                      confirm:false stops at PROCESSING (awaiting the operator)
//   POST /sandbox/pay-in/{id}/confirm {amount?}        the operator confirms the transfer
//   POST /sandbox/pay-in/{id}/fail | /refund           ERROR | REFUNDED
//   POST /sandbox/pay-out/{id}/complete | /fail        executes or fails a pay-out
//   POST /sandbox/balance {publicKey, amount, currency?, balance?: "payout"|"payment"}  tops a balance up
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { command } from '../../kit/command.js';
import type { Fields } from '../../kit/fields.js';
import { generationOf } from '../auth.js';
import { answer, errorBody, parseJson, rawBody, sendAnswer, success, Way2PayError } from '../http.js';
import { CURRENCIES } from '../reference-data.js';
import * as F from '../request-fields.js';
import type { Way2PayService } from '../service.js';
import { PAYIN_SUBJECT, PAYOUT_SUBJECT } from '../service/config.js';
import type { Generation, PayIn, PayOut } from '../wire.js';
import { balanceView } from '../wire/balance.js';
import { payInView } from '../wire/pay-in.js';
import { payOutView } from '../wire/pay-out.js';

export function registerSandboxRoutes(parent: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  void parent.register(async (app) => {
    // before the body is read: without the admin token nothing else is looked at
    app.addHook('onRequest', async (req, reply) => {
      if (ctx.sandbox.authorized(req)) return;
      const e = errorBody(10000);
      return sendAnswer(reply.header('www-authenticate', 'Bearer realm="polypay sandbox"'), answer(e.status, e.body));
    });
    sandboxRoutes(app, ctx, svc);
  });
}

/** The merchant's generation decides how the answer looks. */
async function generationFor(tx: Tx, merchantId: string): Promise<Generation> {
  const c = (await tx.credentials.list(merchantId)).find((x) => x.face === 'way2pay' && x.status === 'active');
  return c ? generationOf(c) : 1;
}

const fields = (req: FastifyRequest): Fields => F.bodyFields(parseJson(rawBody(req)));

function sandboxRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  const { engine } = ctx;

  /** An action on one pay-in: its merchant found first (60011), then the command, answered as the merchant sees it. */
  async function onPayIn(req: FastifyRequest, reply: FastifyReply, work: (tx: Tx, p: PayIn) => Promise<PayIn>): Promise<FastifyReply> {
    const id = F.idParam(req);
    const p0 = await engine.read((tx) => svc.getPayIn(tx, id));
    const a = await command(engine, req, {
      merchantId: p0.merchantId,
      work: async (tx) => work(tx, await svc.getPayIn(tx, id)),
      subjects: (p) => [[PAYIN_SUBJECT, p.id]],
      render: async (p, tx) => success(payInView(p, await generationFor(tx, p.merchantId))),
    });
    return sendAnswer(reply, a);
  }

  async function onPayOut(req: FastifyRequest, reply: FastifyReply, work: (tx: Tx, id: string) => Promise<PayOut>): Promise<FastifyReply> {
    const id = F.idParam(req);
    const p0 = await engine.read((tx) => svc.getPayOut(tx, id));
    const a = await command(engine, req, {
      merchantId: p0.merchantId,
      work: (tx) => work(tx, id),
      subjects: (p) => [[PAYOUT_SUBJECT, p.id]],
      render: async (p, tx) => success(payOutView(p, await generationFor(tx, p.merchantId))),
    });
    return sendAnswer(reply, a);
  }

  app.post('/sandbox/pay-in/:id/pay', (req, reply) =>
    onPayIn(req, reply, async (tx, p0) => {
      const f = fields(req);
      const amount = F.optionalAmount(f, p0.currency);
      const confirm = f.raw('confirm');
      if (confirm !== undefined && typeof confirm !== 'boolean')
        f.problem({ rule: 'type', path: ['confirm'], key: 'confirm', expected: ['boolean'], got: 'object', value: confirm });
      return confirm === false ? svc.markPayInPaid(tx, p0.id, amount) : svc.confirmPayIn(tx, p0.id, amount);
    }),
  );

  app.post('/sandbox/pay-in/:id/confirm', (req, reply) =>
    onPayIn(req, reply, async (tx, p0) => svc.confirmPayIn(tx, p0.id, F.optionalAmount(fields(req), p0.currency))),
  );

  app.post('/sandbox/pay-in/:id/fail', (req, reply) => onPayIn(req, reply, (tx, p0) => svc.failPayIn(tx, p0.id)));
  app.post('/sandbox/pay-in/:id/refund', (req, reply) => onPayIn(req, reply, (tx, p0) => svc.refundPayIn(tx, p0.id)));
  app.post('/sandbox/pay-out/:id/complete', (req, reply) => onPayOut(req, reply, (tx, id) => svc.completePayOut(tx, id)));
  app.post('/sandbox/pay-out/:id/fail', (req, reply) => onPayOut(req, reply, (tx, id) => svc.failPayOut(tx, id)));

  app.post('/sandbox/balance', async (req, reply) => {
    const f = fields(req);
    const key = f.str('publicKey', { required: true })!;
    const cred = await engine.read((tx) => tx.credentials.find('way2pay', key));
    if (!cred || cred.status !== 'active') throw new Way2PayError(60008);
    const a = await command(engine, req, {
      merchantId: cred.merchantId,
      async work(tx) {
        const currency = F.currency(f, CURRENCIES[0]);
        const which = f.enumOf('balance', ['payout', 'payment'] as const) ?? 'payout';
        await svc.deposit(tx, cred.merchantId, currency.key, F.amount(f, currency.key), which);
        return svc.balances(tx, cred.merchantId, currency.key);
      },
      render: (b) => success(balanceView(b)),
    });
    return sendAnswer(reply, a);
  });
}
