// The simulated issuer's 3-D Secure ACS. The browser POSTs PaReq, MD and TermUrl (names as in 3-D
// Secure 1.0); the cardholder approves, declines or enters a one-time code; the ACS then POSTs MD and a
// signed PaRes back to TermUrl. Pages expire with the Clock.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../core/engine.js';
import { isCoreError } from '../core/errors.js';
import { FIXED_TEST_OTP } from '../core/network/test-cards.js';
import { autoPostPage, esc, formFields, layout, nonce, securePage } from '../faces/kit/html.js';
import { isHttpUrl } from '../faces/kit/urls.js';
import { fmt, pickLang, t, type Lang } from '../faces/kit/i18n.js';
import { formatAmount } from '../faces/kit/payment-page.js';

function messagePage(lang: Lang, n: string, title: string, text: string): string {
  return layout({ title, lang, nonce: n, body: `<h1>${esc(title)}</h1><p>${esc(text)}</p>` });
}

export function registerAcs(app: FastifyInstance, engine: Engine): void {
  const render = async (req: FastifyRequest, f: Record<string, string>, error: string | null) => {
    const lang = pickLang(f.lang ?? (req.query as Record<string, string>)?.lang, req.headers['accept-language']);
    const s = t(lang);
    const n = nonce();
    const paReq = f.PaReq ?? '';
    const termUrl = f.TermUrl ?? '';
    const md = f.MD ?? '';
    const id = engine.challenges.challengeIdFromPaReq(paReq);
    const c = id ? await engine.read((tx) => tx.challenges.get(id)) : undefined;
    if (!c || !isHttpUrl(termUrl)) return { n, status: 400, html: messagePage(lang, n, s.acsTitle, s.notFound) };
    if (c.status !== 'pending') return { n, status: 409, html: messagePage(lang, n, s.acsTitle, s.alreadyDone) };
    if (engine.clock.now() >= c.expiresAt) return { n, status: 410, html: messagePage(lang, n, s.expiredTitle, s.expiredTitle) };
    const d = c.display as { merchant: string; amount: string; currency: string; card: string };
    const hidden = `<input type="hidden" name="PaReq" value="${esc(paReq)}"><input type="hidden" name="MD" value="${esc(md)}"><input type="hidden" name="TermUrl" value="${esc(termUrl)}"><input type="hidden" name="lang" value="${lang}">`;
    const controls =
      c.kind === 'otp'
        ? `<label for="otp">${esc(s.otpLabel)}</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required aria-describedby="otp-error otp-hint"${error ? ' aria-invalid="true" autofocus' : ''}>
           <div class="error" id="otp-error" role="alert">${error ? esc(error) : ''}</div>
           <p class="muted" id="otp-hint">${esc(fmt(s.otpHint, FIXED_TEST_OTP))}</p>
           <button type="submit" name="action" value="otp" id="submit-otp"><span class="spinner" aria-hidden="true"></span>${esc(s.submit)}</button>
           <button type="submit" name="action" value="decline" class="secondary" id="decline" formnovalidate>${esc(s.decline)}</button>`
        : `<button type="submit" name="action" value="approve" id="approve"><span class="spinner" aria-hidden="true"></span>${esc(s.approve)}</button>
           <button type="submit" name="action" value="decline" class="danger" id="decline">${esc(s.decline)}</button>`;
    const body = `<h1>${esc(s.acsTitle)}</h1><p class="muted">${esc(s.acsIntro)}</p>
<dl class="facts">
<dt>${esc(s.merchant)}</dt><dd data-testid="acs-merchant">${esc(d.merchant)}</dd>
<dt>${esc(s.amount)}</dt><dd class="amount" data-testid="acs-amount">${esc(formatAmount(d.amount, d.currency))}</dd>
<dt>${esc(s.card)}</dt><dd data-testid="acs-card">${esc(d.card)}</dd>
</dl>
<form method="post" action="/acs/answer" id="acs">${hidden}${controls}</form>`;
    const script = `document.getElementById('acs').addEventListener('submit',function(e){var b=e.submitter;if(this.dataset.sent){e.preventDefault();return}this.dataset.sent='1';if(b){var h=document.createElement('input');h.type='hidden';h.name='action';h.value=b.value;this.appendChild(h);b.setAttribute('aria-busy','true')}var bs=this.querySelectorAll('button');for(var i=0;i<bs.length;i++)bs[i].disabled=true});`;
    return { n, status: 200, html: layout({ title: s.acsTitle, lang, nonce: n, body, script }) };
  };

  app.post('/acs', async (req, reply) => {
    const r = await render(req, formFields(req), null);
    return securePage(reply.code(r.status), r.n, { frameable: true }).send(r.html);
  });

  app.post('/acs/answer', async (req, reply) => {
    const f = formFields(req);
    const lang = pickLang(f.lang, req.headers['accept-language']);
    const s = t(lang);
    const id = engine.challenges.challengeIdFromPaReq(f.PaReq ?? '');
    const termUrl = f.TermUrl ?? '';
    if (!id || !isHttpUrl(termUrl)) {
      const n = nonce();
      return securePage(reply.code(400), n, { frameable: true }).send(messagePage(lang, n, s.acsTitle, s.notFound));
    }
    const answer = f.action === 'otp' ? { otp: f.otp ?? '' } : { approve: f.action === 'approve' };
    try {
      const res = await engine.transaction((tx) => engine.challenges.answer(tx, id, answer));
      if (!res.paRes) {
        const r = await render(req, f, fmt(s.otpWrong, res.attemptsLeft));
        return securePage(reply.code(200), r.n, { frameable: true }).send(r.html);
      }
      const n = nonce();
      return securePage(reply, n, { frameable: true, formTargets: [new URL(termUrl).origin] }).send(
        autoPostPage(termUrl, { MD: f.MD ?? '', PaRes: res.paRes }, n, lang, s.processing),
      );
    } catch (e) {
      const n = nonce();
      if (isCoreError(e, 'CHALLENGE_EXPIRED'))
        return securePage(reply.code(410), n, { frameable: true }).send(messagePage(lang, n, s.expiredTitle, s.expiredTitle));
      if (isCoreError(e)) return securePage(reply.code(409), n, { frameable: true }).send(messagePage(lang, n, s.acsTitle, s.alreadyDone));
      throw e;
    }
  });
}
