// Payouts (top-ups) from the merchant's balance: to a card by cryptogram (`/payments/cards/topup`) or by saved token
// (`/payments/token/topup`, which the npm client requests with a trailing space; `/payments/cards/topup` with a
// Token too).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeCryptogram } from '../cryptogram.js';
import type { Fields } from '../../kit/fields.js';
import { bodyFields } from '../http.js';
import { amount, currency, jsonData, object, text } from '../parameters.js';
import { checkCardInput, tokenCard, topup, type PayoutInput } from '../service.js';
import { payoutBody } from '../wire/payout.js';
import { authed, change, wireOf, type Routes } from './common.js';

async function payout(r: Routes, req: FastifyRequest, reply: FastifyReply, input: PayoutInput): Promise<FastifyReply> {
  const a = authed(req);
  return change(r, req, reply, {
    work: (tx) => topup(tx, r.ctx, input),
    subjects: (p) => [['payout', p.id]],
    body: (p) => payoutBody(p, wireOf(a)),
  });
}

export function registerPayoutRoutes(api: FastifyInstance, r: Routes): void {
  const tokenPayout = async (req: FastifyRequest, reply: FastifyReply, f: Fields, cur: string, sum: bigint, accountRequired: boolean) => {
    const a = authed(req);
    const token = text(f, 'Token', 200, true)!;
    const accountId = text(f, 'AccountId', 200, accountRequired) ?? null;
    const card = await r.ctx.engine.read((tx) => tokenCard(tx, a.merchant.id, token, accountId));
    return payout(r, req, reply, {
      merchant: a.merchant,
      amount: sum,
      currency: cur,
      accountId,
      email: text(f, 'Email', 200),
      description: text(f, 'Description', 1000),
      invoiceId: text(f, 'InvoiceId', 100),
      name: text(f, 'Name', 100) ?? card.holder,
      jsonData: jsonData(f, 'JsonData'),
      cultureName: text(f, 'CultureName', 10),
      payer: object(f, 'Payer'),
      receiver: object(f, 'Receiver'),
      target: { kind: 'token', token, card },
    });
  };

  api.post('/payments/cards/topup', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const cur = currency(f);
    const sum = amount(f, cur)!;
    // a published client sends a saved Token here instead of a cryptogram: a token payout, AccountId optional
    if (!f.has('CardCryptogramPacket') && f.has('Token')) return tokenPayout(req, reply, f, cur, sum, false);
    const packet = text(f, 'CardCryptogramPacket', 8192, true)!;
    const name = text(f, 'Name', 100);
    const card = decodeCryptogram(await r.keys.get(), packet, a.credential.key);
    checkCardInput({ number: card.number, expMonth: card.expMonth, expYear: card.expYear });
    return payout(r, req, reply, {
      merchant: a.merchant,
      amount: sum,
      currency: cur,
      accountId: text(f, 'AccountId', 200),
      email: text(f, 'Email', 200),
      description: text(f, 'Description', 1000),
      invoiceId: text(f, 'InvoiceId', 100),
      name,
      jsonData: jsonData(f, 'JsonData'),
      cultureName: text(f, 'CultureName', 10),
      ip: text(f, 'IpAddress', 64),
      payer: object(f, 'Payer'),
      receiver: object(f, 'Receiver'),
      target: {
        kind: 'card',
        card: { number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvv: card.cvv, holder: name },
      },
    });
  });

  const byToken = async (req: FastifyRequest, reply: FastifyReply) => {
    const f = bodyFields(req);
    const cur = currency(f);
    const sum = amount(f, cur)!;
    return tokenPayout(req, reply, f, cur, sum, true);
  };
  api.post('/payments/token/topup', byToken);
  // the npm client asks for "/payments/token/topup " (a trailing space): accept it as %20 too
  api.post('/payments/token/topup ', byToken);
}
