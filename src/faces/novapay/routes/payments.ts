// NovaPay payments: `/payment` and `/checkout/payment` (the payment of a session, answered with the payer's page
// `url`), `/frames/init` (a session and its payment at once, for the frameable page), `/complete-hold` (full or
// partial) and `/void`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPlainObject } from '../../kit/fields.js';
import { command } from '../../kit/command.js';
import { readTogether } from '../../../core/unit-of-work.js';
import type { FaceContext } from '../../face.js';
import { signedRoute, type Authed } from '../auth.js';
import { jsonAnswer, processing } from '../http.js';
import { amount, bodyFields, eachObject, list, paymentInput, sessionIdOf, sessionInput, str } from '../input.js';
import { sessionSubjects, type NovapayService } from '../service.js';
import { novapayStore as S, type SessionKind } from '../store.js';

export function registerPaymentRoutes(app: FastifyInstance, ctx: FaceContext, service: NovapayService): void {
  const { engine } = ctx;
  const payUrl = (req: FastifyRequest, s: { id: string; kind: SessionKind }) =>
    `${ctx.baseUrl(req)}${ctx.prefix}${s.kind === 'checkout' ? '/checkout/pay' : s.kind === 'frames' ? '/frames/pay' : '/pay'}?sid=${encodeURIComponent(s.id)}`;

  const addPayment = (kind: 'acquiring' | 'checkout') => async (a: Authed, req: FastifyRequest) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    const pre = id ? await engine.read((tx) => S.getSession(tx, id)) : undefined;
    const input = paymentInput(f, { minWeight: '0.1', recipientsRequired: true, fallbackDelivery: pre?.checkoutDelivery ?? null });
    f.done();
    if (!pre || pre.merchantId !== a.merchant.id) throw processing('SESSION_NOT_FOUND');
    if ((kind === 'checkout') !== (pre.kind === 'checkout')) throw processing('SESSION_NOT_FOUND');
    const deliveryAmount = input!.delivery ? await service.deliveryPrice(a.merchant.id, input!.amount, input!.delivery) : null;
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        // the payment's id drawn with the session's lock, where the store draws ids among reads made together
        const [s] = await readTogether(tx, () => Promise.all([service.lockOwned(tx, a.merchant.id, id!), tx.sequences.drawAhead?.()]));
        const p = await service.addPayment(tx, s, { ...input!, deliveryAmount });
        return { s, p };
      },
      subjects: ({ s }) => sessionSubjects(s),
      render: ({ s, p }) =>
        jsonAnswer(
          kind === 'checkout' ? { url: payUrl(req, s), session_id: s.id } : { url: payUrl(req, s), id: String(p.id), session_id: s.id },
        ),
    });
  };
  signedRoute(app, ctx, '/v1/payment', addPayment('acquiring'));
  signedRoute(app, ctx, '/v1/checkout/payment', addPayment('checkout'));

  signedRoute(app, ctx, '/v1/frames/init', async (a, req) => {
    const f = bodyFields(a.body);
    const sInput = sessionInput(f, a.merchant.id, 'frames', false);
    const pInput = paymentInput(f, { minWeight: '0.01', recipientsRequired: false });
    f.done();
    const deliveryAmount = pInput!.delivery ? await service.deliveryPrice(a.merchant.id, pInput!.amount, pInput!.delivery) : null;
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        const s = await service.createSession(tx, { ...sInput, status: 'created' });
        await service.addPayment(tx, s, { ...pInput!, deliveryAmount });
        return s;
      },
      subjects: sessionSubjects,
      render: (s) => jsonAnswer({ session_id: s.id, url: payUrl(req, s) }),
    });
  });

  signedRoute(app, ctx, '/v1/void', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        const s = await service.lockOwned(tx, a.merchant.id, id!);
        await service.void(tx, s);
        return s;
      },
      subjects: sessionSubjects,
      render: () => jsonAnswer(null),
    });
  });

  signedRoute(app, ctx, '/v1/complete-hold', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    let total = amount(f, 'amount') ?? null;
    const ops = list(f, 'operations', { max: 100 });
    if (ops)
      eachObject(f, 'operations', ops, (op) => {
        str(op, 'id', { required: true });
        str(op, 'recipient_identifier');
        const v = amount(op, 'amount');
        if (v !== undefined && total === null) total = v;
      });
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        const s = await service.lockOwned(tx, a.merchant.id, id!);
        if (ops?.length && s.paymentId !== null && !ops.some((op) => isPlainObject(op) && String(op.id) === String(s.paymentId)))
          throw processing('SESSION_NOT_FOUND');
        await service.completeHold(tx, s, total);
        return s;
      },
      subjects: sessionSubjects,
      render: () => jsonAnswer(null),
    });
  });
}
