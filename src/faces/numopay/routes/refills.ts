// Refills: a refill token (an amount of the account's currency), then the refill of a card from the balance.
import type { FastifyInstance } from 'fastify';
import { bodyFields, data, minorAmount, send } from '../http.js';
import { tokenView } from '../wire.js';
import { accountOf, signedCommand, type RouteDeps } from './signed.js';

export function registerRefillRoutes(api: FastifyInstance, d: RouteDeps): void {
  const { service } = d;

  api.post('/v2/accounts/:account_id/refill/token', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const amount = minorAmount(f);
    const redirectUrl = f.url('redirect_url') ?? null;
    const currency = (f.str('currency', { max: 3 }) ?? a.currency).toUpperCase();
    if (currency !== a.currency) f.custom('currency', 'account', 'Refills are made in the account currency');
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.createRefillToken(tx, a, amount, redirectUrl),
        subjects: (t) => [['payout', t.subjectId]],
        render: (t) => data(tokenView(t)),
      }),
    );
  });

  api.post('/v2/accounts/:account_id/refill', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const token = f.str('token', { required: true, max: 100 })!;
    const cardNumber = f.str('card_number', { required: true, max: 32 })!;
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.refill(tx, a, token, cardNumber),
        subjects: (payoutId) => [['payout', payoutId]],
        render: () => data({ token }),
      }),
    );
  });
}
