// Numopay's payer pages: the `charge_link` (3-D Secure hand-off, then `redirect_url`) and the payment
// page of checkout sessions (the shared card form). A page opened twice, reloaded or submitted twice
// cannot pay twice: only a `created` payment accepts card data, and a challenge is used once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseExpiry } from '../../core/cards.js';
import { safeEqual } from '../../core/crypto.js';
import { isCoreError } from '../../core/errors.js';
import { formatMajor } from '../../core/money.js';
import type { Payment } from '../../core/model.js';
import { formFields } from '../kit/html.js';
import { autoPostPage, esc, layout, nonce, securePage } from '../kit/html.js';
import { safeLocation } from '../kit/urls.js';
import { pickLang, t, type Lang } from '../kit/i18n.js';
import { renderPaymentPage } from '../kit/payment-page.js';
import type { FaceContext } from '../face.js';
import { numopayStore as S, type CheckoutSession } from './store.js';

export function registerNumopayPages(app: FastifyInstance, ctx: FaceContext): void {
  const { engine } = ctx;
  const base = (req: FastifyRequest) => ctx.baseUrl(req);
  const langOf = (req: FastifyRequest, f?: Record<string, string>) =>
    pickLang(f?.lang ?? (req.query as Record<string, string>).lang, req.headers['accept-language']);

  const resultPage = (reply: FastifyReply, lang: Lang, p: Payment | undefined, returnUrl: string | null, status = 200) => {
    const s = t(lang);
    const n = nonce();
    const ok = p && (p.status === 'captured' || p.status === 'authorized');
    const back = safeLocation(returnUrl);
    const title = !p ? s.notFound : ok ? s.doneTitle : p.status === 'expired' ? s.expiredTitle : s.failedTitle;
    const body = `<h1 class="status ${ok ? 'ok' : 'fail'}" data-testid="result">${esc(title)}</h1>${
      p ? `<p class="muted">${esc(formatMajor(p.amount, p.currency))} ${esc(p.currency)}</p>` : ''
    }${back ? `<a class="button" href="${esc(back)}">${esc(s.returnToShop)}</a>` : ''}`;
    return securePage(reply.code(status), n).send(layout({ title, lang, nonce: n, body }));
  };

  /** Sends the payer's browser to the ACS for the payment's pending challenge. */
  const toAcs = async (req: FastifyRequest, reply: FastifyReply, p: Payment, md: string, termUrl: string, lang: Lang) => {
    const c = p.challengeId ? await engine.read((tx) => tx.challenges.get(p.challengeId!)) : undefined;
    if (!c) return resultPage(reply, lang, p, null, 409);
    const n = nonce();
    // the payer's language rides along through the ACS and back (the ACS reads `lang`; TermUrl keeps it)
    const back = termUrl + (termUrl.includes('?') ? '&' : '?') + `lang=${lang}`;
    return securePage(reply, n).send(
      autoPostPage(`${base(req)}/acs`, { PaReq: engine.challenges.paReq(c), MD: md, TermUrl: back, lang }, n, lang, t(lang).processing),
    );
  };

  // ---- charge_link
  app.get('/v2/charge/:link', async (req, reply) => {
    const lang = langOf(req);
    const link = (req.params as { link: string }).link;
    const found = await engine.read(async (tx) => {
      const tok = await S.getTokenByLink(tx, link);
      return tok && { tok, p: await tx.payments.get(tok.subjectId) };
    });
    if (!found?.p) return resultPage(reply, lang, undefined, null, 404);
    const { tok, p } = found;
    if (p.status === 'requires_authentication') return toAcs(req, reply, p, link, `${base(req)}${ctx.prefix}/v2/charge/${link}/3ds`, lang);
    const to = safeLocation(tok.redirectUrl);
    if (to) return reply.redirect(to, 302);
    return resultPage(reply, lang, p, null);
  });

  app.post('/v2/charge/:link/3ds', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const link = (req.params as { link: string }).link;
    const tok = await engine.read((tx) => S.getTokenByLink(tx, link));
    if (!tok) return resultPage(reply, lang, undefined, null, 404);
    const p = await complete(tok.subjectId, f.PaRes ?? '');
    const to = safeLocation(tok.redirectUrl);
    if (to) return reply.redirect(to, 303);
    return resultPage(reply, lang, p, null);
  });

  /** Completes 3-D Secure; a repeated or forged PaRes leaves the payment as it is. */
  const complete = async (paymentId: number, paRes: string): Promise<Payment | undefined> => {
    try {
      const r = await engine.transaction((tx) => engine.payments.completeAuthentication(tx, paymentId, paRes));
      return r.payment;
    } catch (e) {
      if (!isCoreError(e)) throw e;
      return engine.read((tx) => tx.payments.get(paymentId));
    }
  };

  // ---- checkout session payment page
  const session = async (req: FastifyRequest): Promise<{ s: CheckoutSession; p: Payment; merchant: string } | undefined> => {
    const sid = (req.params as { sid: string }).sid;
    const token = (req.query as Record<string, string>).token ?? '';
    return engine.read(async (tx) => {
      const s = await S.getSession(tx, sid);
      // the session token is a secret: compared in constant time
      if (!s || !safeEqual(s.token, token)) return undefined;
      const p = await tx.payments.get(s.paymentId);
      const m = await tx.merchants.get(s.merchantId);
      return p && m ? { s, p, merchant: m.name } : undefined;
    });
  };

  const selfUrl = (req: FastifyRequest, sid: string, token: string) =>
    `${base(req)}${ctx.prefix}/pay/${encodeURIComponent(sid)}?token=${encodeURIComponent(token)}`;

  const showForm = (
    req: FastifyRequest,
    reply: FastifyReply,
    x: { s: CheckoutSession; p: Payment; merchant: string },
    lang: Lang,
    error: string | null,
    status = 200,
  ) => {
    const n = nonce();
    const url = selfUrl(req, x.s.id, x.s.token);
    const html = renderPaymentPage({
      lang,
      nonce: n,
      merchant: x.merchant,
      amount: formatMajor(x.p.amount, x.p.currency),
      currency: x.p.currency,
      description: x.p.description,
      action: url,
      cancelUrl: x.s.cancelUrl,
      error,
      hidden: { lang },
      selfUrl: url,
    });
    return securePage(reply.code(status), n).send(html);
  };

  const route = (req: FastifyRequest, reply: FastifyReply, x: { s: CheckoutSession; p: Payment; merchant: string }, lang: Lang) => {
    const p = x.p;
    if (p.status === 'created') return showForm(req, reply, x, lang, null);
    if (p.status === 'requires_authentication')
      return toAcs(req, reply, p, x.s.id, `${selfUrl(req, x.s.id, x.s.token).replace('?', '/3ds?')}`, lang);
    const success = safeLocation(x.s.successUrl);
    if ((p.status === 'captured' || p.status === 'authorized') && success) return reply.redirect(success, 303);
    return resultPage(reply, lang, p, x.s.cancelUrl);
  };

  app.get('/pay/:sid', async (req, reply) => {
    const lang = langOf(req);
    const x = await session(req);
    if (!x) return resultPage(reply, lang, undefined, null, 404);
    return route(req, reply, x, lang);
  });

  app.post('/pay/:sid', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const x = await session(req);
    if (!x) return resultPage(reply, lang, undefined, null, 404);
    if (x.p.status !== 'created') return route(req, reply, x, lang);
    const s = t(lang);
    const m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(f.exp ?? '');
    if (!/^\d{3,4}$/.test(f.cvv ?? '')) return showForm(req, reply, x, lang, s.errCvv, 400);
    if (!m) return showForm(req, reply, x, lang, s.errExpiry, 400);
    try {
      const exp = parseExpiry(m[1]!, m[2]!);
      const r = await engine.transaction((tx) =>
        engine.payments.authorize(tx, x.p.id, {
          source: { kind: 'card', card: { number: f.number ?? '', ...exp, cvv: f.cvv, holder: f.holder || undefined } },
          merchantName: x.merchant,
        }),
      );
      return route(req, reply, { ...x, p: r.payment }, lang);
    } catch (e) {
      if (isCoreError(e, 'CARD_NUMBER_INVALID')) return showForm(req, reply, x, lang, s.errCardNumber, 400);
      if (isCoreError(e, 'CARD_BRAND_UNSUPPORTED')) return showForm(req, reply, x, lang, s.errBrand, 400);
      if (isCoreError(e, 'CARD_EXPIRY_INVALID')) return showForm(req, reply, x, lang, s.errExpiry, 400);
      if (isCoreError(e, 'INVALID_STATE')) {
        const again = await session(req);
        return again ? route(req, reply, again, lang) : resultPage(reply, lang, undefined, null, 404);
      }
      throw e;
    }
  });

  app.post('/pay/:sid/3ds', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const x = await session(req);
    if (!x) return resultPage(reply, lang, undefined, null, 404);
    const p = await complete(x.p.id, f.PaRes ?? '');
    return route(req, reply, { ...x, p: p ?? x.p }, lang);
  });
}
