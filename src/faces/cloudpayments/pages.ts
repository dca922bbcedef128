// The hosted page of an order (/orders/create → Model.Url = <base>/cloudpayments/orders/<Id>): the shared card
// form, 3-D Secure through the gateway's ACS, then SuccessRedirectUrl / FailRedirectUrl (or a result page).
// A declined attempt may be retried; an order is paid at most once (service/orders.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseExpiry } from '../../core/cards.js';
import { isCoreError } from '../../core/errors.js';
import { formatMajor } from '../../core/money.js';
import type { Payment } from '../../core/model.js';
import { autoPostPage, esc, formFields, layout, nonce, securePage } from '../kit/html.js';
import { safeLocation } from '../kit/urls.js';
import { pickLang, t, type Lang } from '../kit/i18n.js';
import { formatAmount, renderPaymentPage } from '../kit/payment-page.js';
import type { FaceContext } from '../face.js';
import { completeOrderAuthentication, IN_FLIGHT, PAID, payOrder, prepare, type PayInput } from './service.js';
import { cpStore, type Order } from './store.js';
import { cultureOf, declineFields } from './wire.js';

export function orderUrl(ctx: FaceContext, id: string, req?: FastifyRequest): string {
  return `${ctx.baseUrl(req)}${ctx.prefix}/orders/${encodeURIComponent(id)}`;
}

function acsUrl(ctx: FaceContext, req: FastifyRequest): string {
  return `${ctx.baseUrl(req)}/acs`;
}

export function registerOrderPages(app: FastifyInstance, ctx: FaceContext): void {
  const { engine } = ctx;

  const langOf = (req: FastifyRequest, o: Order | undefined, f?: Record<string, string>): Lang => {
    const q = (req.query as Record<string, string> | undefined)?.lang;
    const explicit = f?.lang ?? q;
    if (explicit) return pickLang(explicit, undefined);
    if (o?.cultureName) return cultureOf(o.cultureName) === 'en' ? 'en' : 'ru';
    return pickLang(undefined, req.headers['accept-language']);
  };

  const load = (id: string) =>
    engine.read(async (tx) => {
      const o = await cpStore.getOrder(tx, id);
      if (!o) return undefined;
      const p = o.paymentId !== null ? await tx.payments.get(o.paymentId) : undefined;
      const m = await tx.merchants.get(o.merchantId);
      return { o, p, merchant: m?.name ?? '' };
    });

  const resultPage = (reply: FastifyReply, lang: Lang, title: string, ok: boolean, o: Order | undefined, status = 200) => {
    const s = t(lang);
    const n = nonce();
    const body = `<h1 class="status ${ok ? 'ok' : 'fail'}" data-testid="result">${esc(title)}</h1>${o ? `<p class="muted">${esc(o.description)}</p><p class="amount" data-testid="amount">${esc(formatAmount(formatMajor(o.amount, o.currency), o.currency))}</p>` : ''}${
      o && !ok && o.status === 'Created' ? `<a class="button" href="?lang=${lang}">${esc(s.pay)}</a>` : ''
    }`;
    return securePage(reply.code(status), n).send(layout({ title, lang, nonce: n, body }));
  };

  const form = (
    req: FastifyRequest,
    reply: FastifyReply,
    x: { o: Order; merchant: string },
    lang: Lang,
    error: string | null,
    status = 200,
  ) => {
    const n = nonce();
    const url = orderUrl(ctx, x.o.id, req);
    const html = renderPaymentPage({
      lang,
      nonce: n,
      merchant: x.merchant,
      amount: formatMajor(x.o.amount, x.o.currency),
      currency: x.o.currency,
      description: x.o.description,
      action: url,
      cancelUrl: x.o.failRedirectUrl,
      error,
      hidden: { lang },
      selfUrl: url,
    });
    return securePage(reply.code(status), n).send(html);
  };

  const toAcs = async (req: FastifyRequest, reply: FastifyReply, o: Order, p: Payment, lang: Lang) => {
    const c = p.challengeId ? await engine.read((tx) => tx.challenges.get(p.challengeId!)) : undefined;
    if (!c) return resultPage(reply, lang, t(lang).failedTitle, false, o, 409);
    const n = nonce();
    return securePage(reply, n).send(
      autoPostPage(
        acsUrl(ctx, req),
        { PaReq: engine.challenges.paReq(c), MD: String(p.id), TermUrl: `${orderUrl(ctx, o.id, req)}/3ds?lang=${lang}`, lang },
        n,
        lang,
        t(lang).processing,
      ),
    );
  };

  const declinedMessage = (p: Payment, lang: Lang) =>
    declineFields(p.declineReason, p.metadata, lang === 'en' ? 'en' : 'ru').CardHolderMessage ?? t(lang).failedTitle;

  /** Where an order stands: the form, the ACS, or the outcome. */
  const route = async (
    req: FastifyRequest,
    reply: FastifyReply,
    x: { o: Order; p: Payment | undefined; merchant: string },
    lang: Lang,
    justDeclined = false,
  ) => {
    const { o, p } = x;
    const s = t(lang);
    if (o.status === 'Paid' || (p && PAID.has(p.status))) {
      const success = safeLocation(o.successRedirectUrl);
      if (success) return reply.redirect(success, 303);
      return resultPage(reply, lang, s.doneTitle, true, o);
    }
    if (o.status === 'Cancelled') return resultPage(reply, lang, s.expiredTitle, false, o, 410);
    if (p && IN_FLIGHT.has(p.status)) return toAcs(req, reply, o, p, lang);
    if (justDeclined && p) {
      const fail = safeLocation(o.failRedirectUrl);
      if (fail) return reply.redirect(fail, 303);
      return form(req, reply, x, lang, declinedMessage(p, lang), 200);
    }
    return form(req, reply, x, lang, null);
  };

  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get('/orders/:id', async (req, reply) => {
    const x = await load(idOf(req));
    const lang = langOf(req, x?.o);
    if (!x) return resultPage(reply, lang, t(lang).notFound, false, undefined, 404);
    return route(req, reply, x, lang);
  });

  app.post('/orders/:id', async (req, reply) => {
    const f = formFields(req);
    const x = await load(idOf(req));
    const lang = langOf(req, x?.o, f);
    if (!x) return resultPage(reply, lang, t(lang).notFound, false, undefined, 404);
    if (x.o.status !== 'Created' || (x.p && (IN_FLIGHT.has(x.p.status) || PAID.has(x.p.status)))) return route(req, reply, x, lang);
    const s = t(lang);
    const m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(f.exp ?? '');
    if (!/^\d{3,4}$/.test(f.cvv ?? '')) return form(req, reply, x, lang, s.errCvv, 400);
    if (!m) return form(req, reply, x, lang, s.errExpiry, 400);
    const merchant = await engine.read((tx) => tx.merchants.get(x.o.merchantId));
    if (!merchant) return resultPage(reply, lang, s.notFound, false, undefined, 404);
    try {
      const exp = parseExpiry(m[1]!, m[2]!);
      const input: PayInput = {
        merchant,
        amount: x.o.amount,
        currency: x.o.currency,
        captureMode: x.o.requireConfirmation ? 'manual' : 'auto',
        invoiceId: x.o.invoiceId,
        accountId: x.o.accountId,
        email: x.o.email,
        description: x.o.description,
        ip: req.ip,
        name: f.holder || null,
        jsonData: x.o.jsonData,
        cultureName: x.o.cultureName,
        orderId: x.o.id,
        source: {
          kind: 'card',
          card: { number: (f.number ?? '').replace(/[\s-]/g, ''), ...exp, cvv: f.cvv, holder: f.holder || undefined },
        },
      };
      const prepared = await prepare(ctx, input);
      const out = await engine.transaction((tx) => payOrder(tx, ctx, x.o.id, input, prepared));
      if (!out) {
        const again = await load(x.o.id);
        return again ? route(req, reply, again, lang) : resultPage(reply, lang, s.notFound, false, undefined, 404);
      }
      return route(req, reply, { o: out.o, p: out.r.payment, merchant: x.merchant }, lang, out.r.kind === 'declined');
    } catch (e) {
      if (isCoreError(e, 'CARD_NUMBER_INVALID')) return form(req, reply, x, lang, s.errCardNumber, 400);
      if (isCoreError(e, 'CARD_BRAND_UNSUPPORTED')) return form(req, reply, x, lang, s.errBrand, 400);
      if (isCoreError(e, 'CARD_EXPIRY_INVALID')) return form(req, reply, x, lang, s.errExpiry, 400);
      throw e;
    }
  });

  // TermUrl of the ACS: MD (the transaction) and PaRes
  app.post('/orders/:id/3ds', async (req, reply) => {
    const f = formFields(req);
    const x = await load(idOf(req));
    const lang = langOf(req, x?.o, f);
    if (!x) return resultPage(reply, lang, t(lang).notFound, false, undefined, 404);
    const paymentId = Number(f.MD);
    if (!x.p || x.p.id !== paymentId || x.p.status !== 'requires_authentication') return route(req, reply, x, lang);
    let result: { o: Order; p: Payment; declined: boolean } | null = null;
    try {
      result = await engine.transaction((tx) => completeOrderAuthentication(tx, ctx, x.o.id, paymentId, f.PaRes ?? ''));
    } catch (e) {
      if (!isCoreError(e)) throw e;
    }
    if (!result) {
      const again = await load(x.o.id);
      return again ? route(req, reply, again, lang) : resultPage(reply, lang, t(lang).notFound, false, undefined, 404);
    }
    return route(req, reply, { o: result.o, p: result.p, merchant: x.merchant }, lang, result.declined);
  });
}
