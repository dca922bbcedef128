// Checkout: sessions (items, success and cancel URLs; a payment of their total) and, without authentication, the
// payment page of a session for the merchant's publishable key.
import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../../../core/crypto.js';
import { CoreError } from '../../../core/errors.js';
import { isSupportedCurrency } from '../../../core/money.js';
import { query } from '../../kit/command.js';
import { isPlainObject, type Fields } from '../../kit/fields.js';
import { boundedAmount, bodyFields, data, minorAmount, send } from '../http.js';
import { convert, hasRate } from '../rates.js';
import { numopayStore as S, type CheckoutItem } from '../store.js';
import { checkoutSessionView } from '../wire.js';
import { accountOf, signedCommand, type RouteDeps } from './signed.js';

export function registerCheckoutRoutes(api: FastifyInstance, d: RouteDeps): void {
  api.post('/v2/accounts/:account_id/checkout/sessions', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const items = checkoutItems(f);
    const successUrl = f.url('success_url', { required: true })!;
    const cancelUrl = f.url('cancel_url', { required: true })!;
    const currency = items[0]!.currency;
    const total = boundedAmount(
      f,
      'the total of items',
      items.reduce((s, i) => s + BigInt(i.amount), 0n),
    );
    const charged = convert(total, currency, a.currency);
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => d.service.createCheckoutSession(tx, a, { items, total: { amount: total, currency }, charged, successUrl, cancelUrl }),
        subjects: (r) => [['payment', r.paymentId]],
        render: (r) => data(checkoutSessionView(r.session)),
      }),
    );
  });
}

/** POST /v2/payment-pages: the URL of a checkout session's payment page, for the merchant's publishable key. */
export function registerPaymentPageRoutes(app: FastifyInstance, d: RouteDeps): void {
  const { engine } = d.ctx;
  app.post('/v2/payment-pages', async (req, reply) => {
    const f = bodyFields(req);
    const key = f.str('key', { required: true, max: 200 })!;
    const sessionId = f.str('session_id', { required: true, max: 200 })!;
    const sessionToken = f.str('session_token', { required: true, max: 200 })!;
    const s = await engine.read(async (tx) => {
      const found = await S.getSession(tx, sessionId);
      // the session token is a secret: compared in constant time
      if (!found || !safeEqual(found.token, sessionToken)) return undefined;
      const creds = await tx.credentials.list(found.merchantId);
      return creds.some((c) => c.face === 'numopay' && c.status === 'active' && c.data.publishableKey === key) ? found : undefined;
    });
    if (!s) throw new CoreError('NOT_FOUND', 'Checkout session not found');
    // the request is the merchant's once its publishable key and the session's secret token match
    const answer = await query(engine, req, {
      merchantId: s.merchantId,
      read: async () => s,
      subjects: () => [['payment', s.paymentId]],
      render: () => data({ url: `${d.ctx.baseUrl(req)}${d.ctx.prefix}/pay/${sessionId}?token=${encodeURIComponent(sessionToken)}` }),
    });
    return send(reply, answer);
  });
}

/** `items[]{name, description?, images?[≤1], amount, currency}`: 1 to 100 items, all of one supported currency. */
function checkoutItems(f: Fields): CheckoutItem[] {
  const raw = f.raw('items');
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100) f.custom('items', 'list', 'items must be a list of 1 to 100 items');
  const items = f.list('items', (value, path, i) => {
    if (!isPlainObject(value)) return f.custom('items', 'item', `items[${i}] must be an object`);
    const it = f.itemFields(value, path)!;
    const name = it.str('name', { required: true, max: 255 })!;
    const description = it.str('description', { max: 1000 });
    const images = it.raw('images');
    if (images !== undefined && (!Array.isArray(images) || images.length > 1 || images.some((x) => typeof x !== 'string')))
      it.custom('images', 'images', `items[${i}].images must hold at most one URL`);
    const amount = minorAmount(it).toString();
    const currency = (it.str('currency', { required: true, max: 3 }) ?? '').toUpperCase();
    if (!isSupportedCurrency(currency) || !hasRate(currency)) it.custom('currency', 'supported', `items[${i}].currency is not supported`);
    const item: CheckoutItem = { name, amount, currency };
    if (description !== undefined) item.description = description;
    if (images !== undefined) item.images = images as string[];
    return item;
  })!;
  if (new Set(items.map((i) => i.currency)).size !== 1) f.custom('items', 'currency', 'all items must have the same currency');
  return items;
}
