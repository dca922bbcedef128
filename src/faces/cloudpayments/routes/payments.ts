// Payments: by card cryptogram (one-stage `charge`, two-stage `auth`), the 3-D Secure return (`post3ds`), and by
// saved token (no 3-D Secure); confirming or voiding a two-stage payment; refunds. The Check notification is sent before the payment's transaction; a kept answer for
// the request's X-Request-ID is replayed before it, so a repeat sends no second Check.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoreError } from '../../../core/errors.js';
import type { AuthorizeResult } from '../../../core/payments.js';
import { decodeCryptogram } from '../cryptogram.js';
import { bodyFields, ok } from '../http.js';
import { currency, amount, integer, jsonData, object, text } from '../parameters.js';
import {
  checkCardInput,
  completeAuthentication,
  confirm,
  pay,
  prepare,
  refund,
  tokenCard,
  voidPayment,
  type PayInput,
  type Prepared,
} from '../service.js';
import { chargeBody } from '../wire/payment.js';
import { authed, change, hasKeptAnswer, modelBody, wireOf, type Routes } from './common.js';

/** The answer to a payment, an approved, declined or 3-D Secure one. */
function answerOf(r: Routes, req: FastifyRequest, result: AuthorizeResult): unknown {
  const threeDs =
    result.kind === 'challenge' ? { paReq: r.ctx.engine.challenges.paReq(result.challenge), acsUrl: `${r.ctx.baseUrl(req)}/acs` } : null;
  return chargeBody(result, wireOf(authed(req)), threeDs);
}

/** Makes the payment: Check first (unless a kept answer is replayed), then one transaction. */
async function payment(r: Routes, req: FastifyRequest, reply: FastifyReply, input: PayInput): Promise<FastifyReply> {
  const prepared: Prepared | null = (await hasKeptAnswer(r, req)) ? null : await prepare(r.ctx, input);
  return change(r, req, reply, {
    work: (tx) => {
      // the kept answer expired between the look and the transaction: the client repeats the request
      if (!prepared) throw new CoreError('CONFLICT');
      return pay(tx, r.ctx, input, prepared);
    },
    subjects: (result) => [['payment', result.payment.id]],
    body: (result) => answerOf(r, req, result),
  });
}

export function registerPaymentRoutes(api: FastifyInstance, r: Routes): void {
  const byCryptogram = (captureMode: 'auto' | 'manual') => async (req: FastifyRequest, reply: FastifyReply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const cur = currency(f);
    const sum = amount(f, cur)!;
    // required by the docs, yet the documented example omits it: accepted without
    const ip = text(f, 'IpAddress', 64);
    const packet = text(f, 'CardCryptogramPacket', 8192, true)!;
    const name = text(f, 'Name', 100);
    const card = decodeCryptogram(await r.keys.get(), packet, a.credential.key);
    const cardInput = { number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvv: card.cvv, holder: name };
    checkCardInput(cardInput);
    return payment(r, req, reply, {
      merchant: a.merchant,
      amount: sum,
      currency: cur,
      captureMode,
      invoiceId: text(f, 'InvoiceId', 100),
      accountId: text(f, 'AccountId', 200),
      email: text(f, 'Email', 200),
      description: text(f, 'Description', 1000),
      ip,
      name,
      jsonData: jsonData(f, 'JsonData'),
      cultureName: text(f, 'CultureName', 10),
      payer: object(f, 'Payer'),
      source: { kind: 'card', card: cardInput },
    });
  };
  api.post('/payments/cards/charge', byCryptogram('auto'));
  api.post('/payments/cards/auth', byCryptogram('manual'));

  api.post('/payments/cards/post3ds', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const id = integer(f, 'TransactionId', { required: true })!;
    const paRes = text(f, 'PaRes', 10_000, true)!;
    return change(r, req, reply, {
      work: (tx) => completeAuthentication(tx, r.ctx, a.merchant.id, id, paRes),
      subjects: (result) => [['payment', result.payment.id]],
      body: (result) => answerOf(r, req, result),
    });
  });

  const byToken = (captureMode: 'auto' | 'manual') => async (req: FastifyRequest, reply: FastifyReply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const cur = currency(f);
    const sum = amount(f, cur)!;
    const accountId = text(f, 'AccountId', 200, true)!;
    const token = text(f, 'Token', 200, true)!;
    integer(f, 'TrInitiatorCode', { max: 1 });
    integer(f, 'PaymentScheduled', { max: 1 });
    const card = await r.ctx.engine.read((tx) => tokenCard(tx, a.merchant.id, token, accountId));
    return payment(r, req, reply, {
      merchant: a.merchant,
      amount: sum,
      currency: cur,
      captureMode,
      invoiceId: text(f, 'InvoiceId', 100),
      accountId,
      email: text(f, 'Email', 200),
      description: text(f, 'Description', 1000),
      ip: text(f, 'IpAddress', 64),
      name: text(f, 'Name', 100) ?? card.holder,
      jsonData: jsonData(f, 'JsonData'),
      cultureName: text(f, 'CultureName', 10),
      payer: object(f, 'Payer'),
      source: { kind: 'token', token, card },
    });
  };
  api.post('/payments/tokens/charge', byToken('auto'));
  api.post('/payments/tokens/auth', byToken('manual'));

  // two-stage payments: confirm (all or part) and void; refunds (a transaction of their own)
  api.post('/payments/confirm', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const id = integer(f, 'TransactionId', { required: true })!;
    const data = jsonData(f, 'JsonData');
    return change(r, req, reply, {
      work: (tx) => confirm(tx, r.ctx, a.merchant.id, id, (cur) => amount(f, cur, { required: false }), data),
      subjects: (p) => [['payment', p.id]],
      body: () => ok(),
    });
  });

  api.post('/payments/void', async (req, reply) => {
    const a = authed(req);
    const id = integer(bodyFields(req), 'TransactionId', { required: true })!;
    return change(r, req, reply, {
      work: (tx) => voidPayment(tx, r.ctx, a.merchant.id, id),
      subjects: (p) => [['payment', p.id]],
      body: () => ok(),
    });
  });

  api.post('/payments/refund', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const id = integer(f, 'TransactionId', { required: true })!;
    const data = jsonData(f, 'JsonData');
    return change(r, req, reply, {
      work: (tx) => refund(tx, r.ctx, a.merchant.id, id, (cur) => amount(f, cur, { required: false }), data),
      subjects: (x) => [
        ['payment', x.paymentId],
        ['refund', x.id],
      ],
      body: (x) => modelBody({ TransactionId: x.id }),
    });
  });
}
