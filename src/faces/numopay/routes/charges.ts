// Charges: a charge token (the amount, in the account's currency or converted from another), then the charge
// with the card, whose `charge_link` is the hosted page where the payer passes 3-D Secure.
import type { FastifyInstance } from 'fastify';
import { parseExpiry, type CardInput } from '../../../core/cards.js';
import { CoreError } from '../../../core/errors.js';
import { isSupportedCurrency } from '../../../core/money.js';
import { isPlainObject, type Fields } from '../../kit/fields.js';
import { caller } from '../auth.js';
import { bodyFields, data, minorAmount, send } from '../http.js';
import { convert, hasRate } from '../rates.js';
import { tokenView } from '../wire.js';
import { accountOf, signedCommand, type RouteDeps } from './signed.js';

export function registerChargeRoutes(api: FastifyInstance, d: RouteDeps): void {
  const { service } = d;

  api.post('/v2/accounts/:account_id/charge/token', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const amount = minorAmount(f);
    const redirectUrl = f.url('redirect_url') ?? null;
    const currency = (f.str('currency', { max: 3 }) ?? a.currency).toUpperCase();
    if (!isSupportedCurrency(currency) || !hasRate(currency)) f.custom('currency', 'supported', 'Unsupported currency');
    const charged = convert(amount, currency, a.currency);
    if (charged <= 0n) f.custom('amount', 'converted', 'amount is too small');
    const original = currency === a.currency ? null : { amount, currency };
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.createChargeToken(tx, a, { charged, original, redirectUrl }),
        subjects: (t) => [['payment', t.subjectId]],
        render: (t) => data(tokenView(t)),
      }),
    );
  });

  api.post('/v2/accounts/:account_id/charge', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const token = f.str('token', { required: true, max: 100 })!;
    const card = cardInfo(f);
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.charge(tx, a, token, card, caller(req).merchant.name),
        subjects: (r) => [['payment', r.payment.id]],
        render: (r) => data({ charge_link: `${d.ctx.baseUrl(req)}${d.ctx.prefix}/v2/charge/${r.link}` }),
      }),
    );
  });
}

const textOrNumber = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/** `card_info{number, month, year, cvv, holder}`: month and year as strings or numbers, the CVV of 3 or 4 digits. */
function cardInfo(f: Fields): CardInput {
  if (!isPlainObject(f.raw('card_info'))) f.custom('card_info', 'required', 'card_info is required');
  const c = f.obj('card_info', { required: true })!;
  const number = c.str('number', { required: true, max: 32 })!;
  const month = c.raw('month');
  const year = c.raw('year');
  if (!textOrNumber(month) || !textOrNumber(year)) c.custom('month', 'required', 'card_info.month and card_info.year are required');
  const cvv = c.raw('cvv');
  if (!textOrNumber(cvv)) c.custom('cvv', 'required', 'card_info.cvv is required');
  if (!/^\d{3,4}$/.test(String(cvv))) throw new CoreError('CARD_CVV_INVALID');
  const holder = c.raw('holder');
  const exp = parseExpiry(month as string | number, year as string | number);
  return { number, ...exp, cvv: String(cvv), holder: holder === undefined || holder === null ? undefined : String(holder).slice(0, 100) };
}
