// Operator endpoints of the Mbill face (under /admin/api/faces/mbill, behind the admin token): a transfer
// or a claim with its core legs and its authentication, including the one-time code the sandbox generated.
import type { FastifyInstance } from 'fastify';
import type { Challenge, Payment, Payout } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { MbillService } from './service.js';
import { mbillStore as S } from './store.js';
import { claimView, transferView } from './views.js';

function challengeView(c: Challenge | undefined) {
  return c
    ? { id: c.id, kind: c.kind, status: c.status, otpCode: c.otpCode, attempts: c.attempts, expiresAt: new Date(c.expiresAt).toISOString() }
    : null;
}
function paymentView(p: Payment | undefined) {
  return p
    ? {
        id: p.id,
        status: p.status,
        amount: p.amount.toString(),
        refundedAmount: p.refundedAmount.toString(),
        currency: p.currency,
        declineReason: p.declineReason,
        card: p.card && `${p.card.first6}******${p.card.last4}`,
      }
    : null;
}
function payoutView(p: Payout | undefined) {
  return p
    ? {
        id: p.id,
        status: p.status,
        amount: p.amount.toString(),
        currency: p.currency,
        declineReason: p.declineReason,
        card: p.card && `${p.card.first6}******${p.card.last4}`,
      }
    : null;
}

export function registerMbillAdmin(app: FastifyInstance, ctx: FaceContext): void {
  const svc = new MbillService(ctx);
  const json = (data: unknown, status = 200) => ({ status, body: JSON.stringify(data) });

  app.get('/transfers/:id', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const out = await ctx.engine.read(async (tx) => {
      const t = Number.isSafeInteger(id) ? await S.getTransfer(tx, id) : undefined;
      if (!t) return json({ error: 'transfer not found' }, 404);
      return json({
        merchantId: t.merchantId,
        transfer: await transferView(ctx.engine, tx, t, svc.bases(req)),
        payment: paymentView(await tx.payments.get(t.paymentId)),
        payout: payoutView(t.payoutId !== null ? await tx.payouts.get(t.payoutId) : undefined),
        challenge: challengeView(t.challengeId ? await tx.challenges.get(t.challengeId) : undefined),
        activeClaimId: t.activeClaimId,
      });
    });
    return reply.code(out.status).header('content-type', 'application/json; charset=utf-8').send(out.body);
  });

  app.get('/claims/:id', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const out = await ctx.engine.read(async (tx) => {
      const c = Number.isSafeInteger(id) ? await S.getClaim(tx, id) : undefined;
      if (!c) return json({ error: 'claim not found' }, 404);
      return json({
        merchantId: c.merchantId,
        transferId: String(c.transferId),
        claim: await claimView(tx, c),
        payout: payoutView(c.payoutId !== null ? await tx.payouts.get(c.payoutId) : undefined),
        challenge: challengeView(c.challengeId ? await tx.challenges.get(c.challengeId) : undefined),
      });
    });
    return reply.code(out.status).header('content-type', 'application/json; charset=utf-8').send(out.body);
  });
}
