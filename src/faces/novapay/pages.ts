// NovaPay payer pages behind each `url`: `/pay?sid=…` (acquiring), `/frames/pay?sid=…` (the frameable
// variant for /frames/init) and `/checkout/pay?sid=…`. The shared card form, 3-D Secure through the ACS
// at /acs (PaReq, MD, TermUrl), then a status page whose button returns to success_url or fail_url.
// A page opened twice, reloaded or submitted twice cannot pay twice: only a created payment accepts card
// data, and a challenge is used once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseExpiry } from '../../core/cards.js';
import { isCoreError } from '../../core/errors.js';
import { formatMajor } from '../../core/money.js';
import type { Payment } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { command, type Answer } from '../kit/command.js';
import { formFields } from '../kit/html.js';
import { autoPostPage, esc, layout, nonce, securePage } from '../kit/html.js';
import { declineText, pickLang, t, type Lang } from '../kit/i18n.js';
import { formatAmount, renderPaymentPage } from '../kit/payment-page.js';
import type { FaceContext } from '../face.js';
import { sessionSubjects, type NovapayService } from './service.js';
import { novapayStore as S, type NovapaySession, type SessionStatus } from './store.js';
import { effectiveStatus } from './wire.js';

type Variant = 'pay' | 'frames/pay' | 'checkout/pay';

interface Loaded {
  s: NovapaySession;
  p: Payment | undefined;
  merchant: string;
}

/** What a payer's step answers through command(): nothing, as the page is drawn after the step has committed. */
const PAGE_STEP: Answer = { status: 204, headers: {}, body: '' };

const SUCCESS: ReadonlySet<SessionStatus> = new Set(['holded', 'hold_confirmed', 'processing_hold_completion', 'paid']);

const TITLES: Record<Lang, { hold: string; voided: string; notReady: string }> = {
  uk: { hold: 'Кошти заблоковано', voided: 'Платіж скасовано', notReady: 'Платіж ще не створено' },
  ru: { hold: 'Средства заблокированы', voided: 'Платёж отменён', notReady: 'Платёж ещё не создан' },
  en: { hold: 'Funds are on hold', voided: 'Payment cancelled', notReady: 'The payment is not ready yet' },
};

export function registerNovapayPages(app: FastifyInstance, ctx: FaceContext, sessions: NovapayService): void {
  const { engine } = ctx;
  const langOf = (req: FastifyRequest, f?: Record<string, string>) =>
    pickLang(f?.lang ?? (req.query as Record<string, string>).lang, req.headers['accept-language'] ?? 'uk');
  const sidOf = (req: FastifyRequest) => {
    const sid = (req.query as Record<string, unknown>).sid;
    return typeof sid === 'string' && sid.length <= 100 ? sid : '';
  };
  const selfUrl = (req: FastifyRequest, v: Variant, sid: string) => `${ctx.baseUrl(req)}${ctx.prefix}/${v}?sid=${encodeURIComponent(sid)}`;
  // the payer's language rides along through the ACS and back (the ACS takes `lang`; TermUrl keeps it)
  const termUrl = (req: FastifyRequest, v: Variant, sid: string, lang: Lang) =>
    `${ctx.baseUrl(req)}${ctx.prefix}/${v}/3ds?sid=${encodeURIComponent(sid)}&lang=${lang}`;
  const frameable = (v: Variant) => v === 'frames/pay';

  const load = async (sid: string, v: Variant): Promise<Loaded | undefined> =>
    engine.read(async (tx) => {
      const s = sid ? await S.getSession(tx, sid) : undefined;
      if (!s || (v === 'checkout/pay') !== (s.kind === 'checkout')) return undefined;
      const m = await tx.merchants.get(s.merchantId);
      return { s, p: await sessions.payment(tx, s), merchant: m?.name ?? '' };
    });

  /**
   * A payer's step on a session (opening the page, card data, the return from the ACS): one transaction through the
   * kit's command(), so that the request log records it under the session's merchant and in its timeline.
   */
  const step = (req: FastifyRequest, x: Loaded, work: (tx: Tx, s: NovapaySession) => Promise<unknown>) =>
    command(engine, req, {
      merchantId: x.s.merchantId,
      work: async (tx) => {
        const s = await S.lockSession(tx, x.s.id);
        if (!s) throw new Error('session vanished');
        await work(tx, s);
        return s;
      },
      subjects: sessionSubjects,
      render: () => PAGE_STEP,
    });

  const resultPage = (reply: FastifyReply, v: Variant, lang: Lang, x: Loaded | undefined, status = 200) => {
    const s = t(lang);
    const n = nonce();
    let title: string;
    let ok = false;
    let back: string | null = null;
    if (!x) title = s.notFound;
    else {
      const st = effectiveStatus(x.s, x.p);
      ok = SUCCESS.has(st);
      back = ok ? x.s.successUrl : st === 'created' || st === 'precreated' ? null : x.s.failUrl;
      if (st === 'precreated' || st === 'created') title = TITLES[lang].notReady;
      else if (st === 'holded' || st === 'hold_confirmed') title = TITLES[lang].hold;
      else if (ok) title = s.doneTitle;
      else if (st === 'expired') title = s.expiredTitle;
      else if (st === 'voided' || st === 'processing_void') title = TITLES[lang].voided;
      else title = s.failedTitle;
    }
    const amount = x?.p
      ? `<p class="muted" data-testid="amount">${esc(formatAmount(formatMajor(x.p.amount, x.p.currency), x.p.currency))}</p>`
      : '';
    // NovaPay's processing_result is Ukrainian: other languages get the reason in their words first
    const pr = x && !ok ? x.s.processingResult : null;
    const reason = !pr
      ? ''
      : lang === 'uk' || !x?.p?.declineReason
        ? `<p data-testid="reason">${esc(pr)}</p>`
        : `<p data-testid="reason">${esc(declineText(lang, x.p.declineReason))}</p><p class="muted" lang="uk" data-testid="processing-result">${esc(pr)}</p>`;
    // in the frames variant the way back leaves the merchant's iframe for the whole window
    const button = back
      ? `<a class="button" id="return" href="${esc(back)}"${frameable(v) ? ' target="_top"' : ''}>${esc(s.returnToShop)}</a>`
      : '';
    const status_ = x ? `<p hidden data-testid="status">${esc(effectiveStatus(x.s, x.p))}</p>` : '';
    const body = `<h1 class="status ${ok ? 'ok' : 'fail'}" data-testid="result">${esc(title)}</h1>${amount}${reason}${status_}${button}`;
    let html = layout({ title, lang, nonce: n, body });
    const wait = x?.s.successRedirectTimeout;
    if (back && typeof wait === 'number')
      html = html.replace('<head>', `<head>\n<meta http-equiv="refresh" content="${Math.max(0, Math.min(wait, 3600))};url=${esc(back)}">`);
    return securePage(reply.code(status), n, { frameable: frameable(v) }).send(html);
  };

  const showForm = (req: FastifyRequest, reply: FastifyReply, v: Variant, x: Loaded, lang: Lang, error: string | null, status = 200) => {
    const n = nonce();
    const url = selfUrl(req, v, x.s.id);
    const html = renderPaymentPage({
      lang,
      nonce: n,
      merchant: x.merchant,
      amount: formatMajor(x.p!.amount, x.p!.currency),
      currency: x.p!.currency,
      description: x.p!.description,
      action: url,
      cancelUrl: x.s.failUrl,
      error,
      hidden: { lang },
      selfUrl: url,
      ...(frameable(v) ? { linkTarget: '_top' as const } : {}),
    });
    return securePage(reply.code(status), n, { frameable: frameable(v) }).send(html);
  };

  /** Sends the payer's browser to the ACS for the payment's pending challenge. */
  const toAcs = async (req: FastifyRequest, reply: FastifyReply, v: Variant, x: Loaded, lang: Lang) => {
    const c = x.p?.challengeId ? await engine.read((tx) => tx.challenges.get(x.p!.challengeId!)) : undefined;
    if (!c) return resultPage(reply, v, lang, x, 409);
    const n = nonce();
    const html = autoPostPage(
      `${ctx.baseUrl(req)}/acs`,
      { PaReq: engine.challenges.paReq(c), MD: x.s.id, TermUrl: termUrl(req, v, x.s.id, lang), lang },
      n,
      lang,
      t(lang).processing,
    );
    return securePage(reply, n, { frameable: frameable(v) }).send(html);
  };

  const route = (req: FastifyRequest, reply: FastifyReply, v: Variant, x: Loaded, lang: Lang) => {
    const st = effectiveStatus(x.s, x.p);
    if (st === 'processing' && x.p?.status === 'created') return showForm(req, reply, v, x, lang, null);
    if (st === 'processing' && x.p?.status === 'requires_authentication') return toAcs(req, reply, v, x, lang);
    return resultPage(reply, v, lang, x);
  };

  for (const v of ['pay', 'frames/pay', 'checkout/pay'] as const) {
    app.get(`/${v}`, async (req, reply) => {
      const lang = langOf(req);
      const sid = sidOf(req);
      let x = await load(sid, v);
      if (!x) return resultPage(reply, v, lang, undefined, 404);
      if (x.s.status === 'created' && x.p) {
        await step(req, x, (tx, s) => sessions.open(tx, s));
        x = (await load(sid, v)) ?? x;
      }
      return route(req, reply, v, x, lang);
    });

    app.post(`/${v}`, async (req, reply) => {
      const f = formFields(req);
      const lang = langOf(req, f);
      const sid = sidOf(req);
      const x = await load(sid, v);
      if (!x) return resultPage(reply, v, lang, undefined, 404);
      const st = effectiveStatus(x.s, x.p);
      if ((st !== 'processing' && st !== 'created') || x.p?.status !== 'created') return route(req, reply, v, x, lang);
      const s = t(lang);
      const m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(f.exp ?? '');
      if (!/^\d{3,4}$/.test(f.cvv ?? '')) return showForm(req, reply, v, x, lang, s.errCvv, 400);
      if (!m) return showForm(req, reply, v, x, lang, s.errExpiry, 400);
      try {
        const exp = parseExpiry(m[1]!, m[2]!);
        await step(req, x, (tx, s) =>
          sessions.submitCard(
            tx,
            s,
            { number: f.number ?? '', ...exp, cvv: f.cvv, holder: f.holder || undefined },
            req.ip ?? null,
            x.merchant,
          ),
        );
      } catch (e) {
        if (isCoreError(e, 'CARD_NUMBER_INVALID')) return showForm(req, reply, v, x, lang, s.errCardNumber, 400);
        if (isCoreError(e, 'CARD_BRAND_UNSUPPORTED')) return showForm(req, reply, v, x, lang, s.errBrand, 400);
        if (isCoreError(e, 'CARD_EXPIRY_INVALID')) return showForm(req, reply, v, x, lang, s.errExpiry, 400);
        if (!isCoreError(e, 'INVALID_STATE')) throw e;
      }
      const again = await load(sid, v);
      return again ? route(req, reply, v, again, lang) : resultPage(reply, v, lang, undefined, 404);
    });

    // TermUrl: the ACS posts MD and PaRes back here
    app.post(`/${v}/3ds`, async (req, reply) => {
      const f = formFields(req);
      const sid = sidOf(req) || f.MD || '';
      const x = await load(sid, v);
      if (!x) return resultPage(reply, v, langOf(req, f), undefined, 404);
      try {
        await step(req, x, async (tx, s) => {
          if (s.status === 'processing') await sessions.completeAuthentication(tx, s, f.PaRes ?? '');
        });
      } catch (e) {
        // a repeated or forged PaRes leaves the session as it is
        if (!isCoreError(e)) throw e;
      }
      const lang = f.lang ?? (req.query as Record<string, string | undefined>).lang;
      return reply.redirect(selfUrl(req, v, sid) + (lang ? `&lang=${encodeURIComponent(pickLang(lang, undefined))}` : ''), 303);
    });
  }
}
