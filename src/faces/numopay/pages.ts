// Numopay's payer pages: the `charge_link` (3-D Secure hand-off, then `redirect_url`) and the payment page of
// checkout sessions (the shared card form). A page opened twice, reloaded or submitted twice cannot pay twice: only a
// `created` payment accepts card data, and a challenge is used once. Each page is served through the kit's
// command()/query() under the order's merchant, so it appears in the payment's timeline.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseExpiry } from '../../core/cards.js';
import { safeEqual } from '../../core/crypto.js';
import { isCoreError, type ErrorCode } from '../../core/errors.js';
import { formatMajor } from '../../core/money.js';
import type { Challenge, Payment } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { command, query, type Answer } from '../kit/command.js';
import { autoPostPage, esc, formFields, layout, nonce, securePage } from '../kit/html.js';
import { pickLang, t, type Lang } from '../kit/i18n.js';
import { renderPaymentPage } from '../kit/payment-page.js';
import { safeLocation } from '../kit/urls.js';
import { send } from './http.js';
import type { NumopayService } from './service.js';
import { numopayStore as S, type CheckoutSession } from './store.js';

/** A payment as a page shows it, with its pending 3-D Secure challenge. */
interface Shown {
  p: Payment;
  c: Challenge | undefined;
}
/** A checkout session's page: the session, its payment and the merchant's name. */
interface SessionPage extends Shown {
  s: CheckoutSession;
  merchant: string;
}

async function shown(tx: Tx, p: Payment): Promise<Shown> {
  return { p, c: p.challengeId ? await tx.challenges.get(p.challengeId) : undefined };
}

/** Refusals of a card for a session another request already decided (or whose lifetime passed): the page shows it anew. */
const SETTLED: ReadonlySet<ErrorCode> = new Set(['INVALID_STATE', 'CHECKOUT_USED', 'CHECKOUT_EXPIRED', 'CHECKOUT_BUSY', 'CHECKOUT_PAID']);

const redirect = (url: string, status: number): Answer => ({ status, headers: { location: url }, body: '' });

export function registerNumopayPages(app: FastifyInstance, ctx: FaceContext, service: NumopayService): void {
  const { engine } = ctx;
  const base = (req: FastifyRequest) => ctx.baseUrl(req);
  const langOf = (req: FastifyRequest, f?: Record<string, string>) =>
    pickLang(f?.lang ?? (req.query as Record<string, string>).lang, req.headers['accept-language']);

  /** An HTML page: the kit's security headers on the reply, the page itself in the answer. */
  const page = (reply: FastifyReply, status: number, html: (n: string) => string): Answer => {
    const n = nonce();
    securePage(reply, n);
    return { status, headers: {}, body: html(n) };
  };

  const resultPage = (reply: FastifyReply, lang: Lang, p: Payment | undefined, returnUrl: string | null, status = 200): Answer => {
    const s = t(lang);
    const ok = p && (p.status === 'captured' || p.status === 'authorized');
    const back = safeLocation(returnUrl);
    const title = !p ? s.notFound : ok ? s.doneTitle : p.status === 'expired' ? s.expiredTitle : s.failedTitle;
    const body = `<h1 class="status ${ok ? 'ok' : 'fail'}" data-testid="result">${esc(title)}</h1>${
      p ? `<p class="muted">${esc(formatMajor(p.amount, p.currency))} ${esc(p.currency)}</p>` : ''
    }${back ? `<a class="button" href="${esc(back)}">${esc(s.returnToShop)}</a>` : ''}`;
    return page(reply, status, (n) => layout({ title, lang, nonce: n, body }));
  };

  /** Sends the payer's browser to the ACS for the payment's pending challenge. */
  const toAcs = (req: FastifyRequest, reply: FastifyReply, x: Shown, md: string, termUrl: string, lang: Lang): Answer => {
    if (!x.c) return resultPage(reply, lang, x.p, null, 409);
    const c = x.c;
    // the payer's language rides along through the ACS and back (the ACS reads `lang`; TermUrl keeps it)
    const back = termUrl + (termUrl.includes('?') ? '&' : '?') + `lang=${lang}`;
    return page(reply, 200, (n) =>
      autoPostPage(`${base(req)}/acs`, { PaReq: engine.challenges.paReq(c), MD: md, TermUrl: back, lang }, n, lang, t(lang).processing),
    );
  };

  /** Completes 3-D Secure; a repeated or forged PaRes leaves the payment as it is. */
  const complete = async (
    req: FastifyRequest,
    merchantId: string,
    paymentId: number,
    paRes: string,
    render: (x: Shown | undefined) => Answer,
  ): Promise<Answer> => {
    try {
      return await command<Shown>(engine, req, {
        merchantId,
        work: async (tx) => shown(tx, await service.completeAuthentication(tx, paymentId, paRes)),
        subjects: (x) => [['payment', x.p.id]],
        render,
      });
    } catch (e) {
      if (!isCoreError(e)) throw e;
      return query(engine, req, {
        merchantId,
        read: async (tx) => {
          const p = await tx.payments.get(paymentId);
          return p && shown(tx, p);
        },
        subjects: (x) => (x ? [['payment', x.p.id]] : []),
        render,
      });
    }
  };

  // ---- charge_link
  const linkOf = (req: FastifyRequest) => (req.params as { link: string }).link;
  const chargeToken = (req: FastifyRequest) => engine.read((tx) => S.getTokenByLink(tx, linkOf(req)));

  app.get('/v2/charge/:link', async (req, reply) => {
    const lang = langOf(req);
    const tok = await chargeToken(req);
    if (!tok) return send(reply, resultPage(reply, lang, undefined, null, 404));
    const answer = await query(engine, req, {
      merchantId: tok.merchantId,
      read: async (tx) => {
        const p = await tx.payments.get(tok.subjectId);
        return p && shown(tx, p);
      },
      subjects: (x) => (x ? [['payment', x.p.id]] : []),
      render: (x) => {
        if (!x) return resultPage(reply, lang, undefined, null, 404);
        if (x.p.status === 'requires_authentication')
          return toAcs(req, reply, x, linkOf(req), `${base(req)}${ctx.prefix}/v2/charge/${linkOf(req)}/3ds`, lang);
        const to = safeLocation(tok.redirectUrl);
        return to ? redirect(to, 302) : resultPage(reply, lang, x.p, null);
      },
    });
    return send(reply, answer);
  });

  app.post('/v2/charge/:link/3ds', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const tok = await chargeToken(req);
    if (!tok) return send(reply, resultPage(reply, lang, undefined, null, 404));
    const to = safeLocation(tok.redirectUrl);
    const answer = await complete(req, tok.merchantId, tok.subjectId, f.PaRes ?? '', (x) =>
      to ? redirect(to, 303) : resultPage(reply, lang, x?.p, null),
    );
    return send(reply, answer);
  });

  // ---- checkout session payment page
  /** The session of the path, when the query's token is its secret token. */
  const session = async (req: FastifyRequest): Promise<SessionPage | undefined> => {
    const sid = (req.params as { sid: string }).sid;
    const token = (req.query as Record<string, string>).token ?? '';
    return engine.read(async (tx) => {
      const s = await S.getSession(tx, sid);
      // the session token is a secret: compared in constant time
      if (!s || !safeEqual(s.token, token)) return undefined;
      const p = await tx.payments.get(s.paymentId);
      const m = await tx.merchants.get(s.merchantId);
      return p && m ? { s, merchant: m.name, ...(await shown(tx, p)) } : undefined;
    });
  };

  const selfUrl = (req: FastifyRequest, sid: string, token: string) =>
    `${base(req)}${ctx.prefix}/pay/${encodeURIComponent(sid)}?token=${encodeURIComponent(token)}`;

  const showForm = (req: FastifyRequest, reply: FastifyReply, x: SessionPage, lang: Lang, error: string | null, status = 200): Answer => {
    const url = selfUrl(req, x.s.id, x.s.token);
    return page(reply, status, (n) =>
      renderPaymentPage({
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
      }),
    );
  };

  /** What the session's page shows for its payment's state. */
  const route = (req: FastifyRequest, reply: FastifyReply, x: SessionPage, lang: Lang): Answer => {
    const p = x.p;
    if (p.status === 'created') return showForm(req, reply, x, lang, null);
    if (p.status === 'requires_authentication')
      return toAcs(req, reply, x, x.s.id, selfUrl(req, x.s.id, x.s.token).replace('?', '/3ds?'), lang);
    const success = safeLocation(x.s.successUrl);
    if ((p.status === 'captured' || p.status === 'authorized') && success) return redirect(success, 303);
    return resultPage(reply, lang, p, x.s.cancelUrl);
  };

  /** A read of the session's page, under its merchant. */
  const view = (req: FastifyRequest, x: SessionPage, render: (x: SessionPage) => Answer) =>
    query(engine, req, { merchantId: x.s.merchantId, read: async () => x, subjects: () => [['payment', x.p.id]], render });

  app.get('/pay/:sid', async (req, reply) => {
    const lang = langOf(req);
    const x = await session(req);
    if (!x) return send(reply, resultPage(reply, lang, undefined, null, 404));
    return send(reply, await view(req, x, (y) => route(req, reply, y, lang)));
  });

  app.post('/pay/:sid', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const x = await session(req);
    if (!x) return send(reply, resultPage(reply, lang, undefined, null, 404));
    if (x.p.status !== 'created') return send(reply, await view(req, x, (y) => route(req, reply, y, lang)));
    const s = t(lang);
    const m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(f.exp ?? '');
    if (!/^\d{3,4}$/.test(f.cvv ?? '')) return send(reply, await view(req, x, (y) => showForm(req, reply, y, lang, s.errCvv, 400)));
    if (!m) return send(reply, await view(req, x, (y) => showForm(req, reply, y, lang, s.errExpiry, 400)));
    try {
      const exp = parseExpiry(m[1]!, m[2]!);
      const card = { number: f.number ?? '', ...exp, cvv: f.cvv, holder: f.holder || undefined };
      const answer = await command(engine, req, {
        merchantId: x.s.merchantId,
        work: async (tx) => ({ ...x, ...(await shown(tx, await service.payCheckout(tx, x.s.id, x.p.id, card, x.merchant))) }),
        subjects: (y) => [['payment', y.p.id]],
        render: (y) => route(req, reply, y, lang),
      });
      return send(reply, answer);
    } catch (e) {
      const form = (error: string) => view(req, x, (y) => showForm(req, reply, y, lang, error, 400));
      if (isCoreError(e, 'CARD_NUMBER_INVALID')) return send(reply, await form(s.errCardNumber));
      if (isCoreError(e, 'CARD_BRAND_UNSUPPORTED')) return send(reply, await form(s.errBrand));
      if (isCoreError(e, 'CARD_EXPIRY_INVALID')) return send(reply, await form(s.errExpiry));
      if (isCoreError(e) && SETTLED.has(e.code)) {
        const again = await session(req);
        return send(
          reply,
          again ? await view(req, again, (y) => route(req, reply, y, lang)) : resultPage(reply, lang, undefined, null, 404),
        );
      }
      throw e;
    }
  });

  app.post('/pay/:sid/3ds', async (req, reply) => {
    const f = formFields(req);
    const lang = langOf(req, f);
    const x = await session(req);
    if (!x) return send(reply, resultPage(reply, lang, undefined, null, 404));
    const answer = await complete(req, x.s.merchantId, x.p.id, f.PaRes ?? '', (y) => route(req, reply, { ...x, ...y }, lang));
    return send(reply, answer);
  });
}
