// Mbill's pages: `tokenizer.js` and the card iframe (tokenizer.ts), and the 3-D Secure terminal (the TermUrl the ACS
// posts MD + PaRes to, which completes the transfer's payment and then sends the browser to `arrival`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { command, type Answer } from '../kit/command.js';
import { esc, formFields, layout, nonce, securePage } from '../kit/html.js';
import { pickLang, type Lang } from '../kit/i18n.js';
import { safeLocation } from '../kit/urls.js';
import type { FaceContext } from '../face.js';
import { EXP_YEAR_MAX, EXP_YEAR_MIN } from './limits.js';
import type { MbillService } from './service.js';
import { mbillStore as S, TRANSFER_SUBJECT, type Transfer } from './store.js';
import { framePage, frameScript, originOf, tokenizerScript } from './tokenizer.js';
import type { TransferStatus } from './wire.js';

const STRINGS = {
  en: {
    title: 'Card details',
    number: 'Card number',
    month: 'Month (MM)',
    year: 'Year (YYYY)',
    cvv: 'CVV / CVC',
    submit: 'Continue',
    busy: 'Checking…',
    errNumber: 'Check the card number',
    errBrand: 'Only Visa and Mastercard cards are accepted',
    errMonth: 'Enter the month as 01–12',
    errYear: `Enter a year from ${EXP_YEAR_MIN} to ${EXP_YEAR_MAX}`,
    errExpired: 'The card has expired',
    errCvv: 'The CVV is 3 or 4 digits',
    badOrigin: 'The tokenizer needs the origin of the page that embeds it.',
    terminalTitle: 'Transfer',
    processing: 'The transfer is being processed.',
    completed: 'The transfer is completed.',
    declined: 'The transfer was declined.',
    waiting: 'The transfer is waiting for the recipient to claim it.',
    authentication: 'The transfer still needs authentication.',
    notFound: 'Transfer not found.',
  },
  uk: {
    title: 'Дані картки',
    number: 'Номер картки',
    month: 'Місяць (ММ)',
    year: 'Рік (РРРР)',
    cvv: 'CVV / CVC',
    submit: 'Продовжити',
    busy: 'Перевірка…',
    errNumber: 'Перевірте номер картки',
    errBrand: 'Приймаються лише картки Visa і Mastercard',
    errMonth: 'Вкажіть місяць 01–12',
    errYear: `Вкажіть рік від ${EXP_YEAR_MIN} до ${EXP_YEAR_MAX}`,
    errExpired: 'Термін дії картки минув',
    errCvv: 'CVV — 3 або 4 цифри',
    badOrigin: 'Токенізатору потрібне походження сторінки, що його вбудовує.',
    terminalTitle: 'Переказ',
    processing: 'Переказ обробляється.',
    completed: 'Переказ виконано.',
    declined: 'Переказ відхилено.',
    waiting: 'Переказ очікує, поки одержувач його отримає.',
    authentication: 'Переказ ще потребує підтвердження.',
    notFound: 'Переказ не знайдено.',
  },
  ru: {
    title: 'Данные карты',
    number: 'Номер карты',
    month: 'Месяц (ММ)',
    year: 'Год (ГГГГ)',
    cvv: 'CVV / CVC',
    submit: 'Продолжить',
    busy: 'Проверка…',
    errNumber: 'Проверьте номер карты',
    errBrand: 'Принимаются только карты Visa и Mastercard',
    errMonth: 'Укажите месяц 01–12',
    errYear: `Укажите год от ${EXP_YEAR_MIN} до ${EXP_YEAR_MAX}`,
    errExpired: 'Срок действия карты истёк',
    errCvv: 'CVV — 3 или 4 цифры',
    badOrigin: 'Токенизатору нужен источник страницы, которая его встраивает.',
    terminalTitle: 'Перевод',
    processing: 'Перевод обрабатывается.',
    completed: 'Перевод выполнен.',
    declined: 'Перевод отклонён.',
    waiting: 'Перевод ждёт, пока получатель его заберёт.',
    authentication: 'Переводу ещё нужно подтверждение.',
    notFound: 'Перевод не найден.',
  },
} as const;

type Strings = (typeof STRINGS)[Lang];

export function registerMbillPages(app: FastifyInstance, ctx: FaceContext, svc: MbillService): void {
  const { engine } = ctx;
  const strings = (req: FastifyRequest, f?: Record<string, string>) => {
    const lang = pickLang(f?.lang ?? (req.query as Record<string, string>).lang, req.headers['accept-language']);
    return { lang, s: STRINGS[lang] };
  };

  app.get('/tokenizer.js', async (req, reply) => {
    return reply
      .code(200)
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(tokenizerScript(ctx.baseUrl(req) + ctx.prefix));
  });

  app.get('/tokenizer/frame', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const { lang, s } = strings(req);
    const n = nonce();
    const origin = originOf(q.origin);
    if (!origin) {
      return securePage(reply.code(400), n).send(
        layout({ title: s.title, lang, nonce: n, body: `<h1>${esc(s.title)}</h1><p>${esc(s.badOrigin)}</p>` }),
      );
    }
    securePage(reply, n, { frameable: true });
    // only the configured parent may frame the card form (it is the only window messages go to)
    const csp = String(reply.getHeader('content-security-policy') ?? '').replace(/frame-ancestors [^;]*/, `frame-ancestors ${origin}`);
    reply.header('content-security-policy', csp);
    const script = frameScript({ origin, endpoint: `${ctx.prefix}/tokens`, s });
    return reply.send(framePage(n, lang, s, q.button !== '0', script));
  });

  const resultHtml = (n: string, lang: Lang, s: Strings, status: TransferStatus | null): string => {
    const text =
      status === null
        ? s.notFound
        : status === 'completed'
          ? s.completed
          : status === 'processing'
            ? s.processing
            : status === 'waiting_for_claim'
              ? s.waiting
              : status === 'authentication'
                ? s.authentication
                : s.declined;
    const ok = status === 'completed' || status === 'processing' || status === 'waiting_for_claim';
    return layout({
      title: s.terminalTitle,
      lang,
      nonce: n,
      body: `<h1>${esc(s.terminalTitle)}</h1><p class="status ${ok ? 'ok' : 'fail'}" data-testid="result" data-status="${esc(status ?? 'not_found')}">${esc(text)}</p>`,
    });
  };
  const sendPage = (reply: FastifyReply, n: string, a: Answer) =>
    a.status === 303 && a.headers.location
      ? reply.redirect(a.headers.location, 303)
      : securePage(reply.code(a.status), n, { frameable: true }).send(a.body);

  /**
   * Where the terminal may send the browser: `arrival` (the merchant's page, added to the TermUrl it gave the
   * ACS) when the request carries the ACS's signed answer for this transfer's challenge, which only that
   * hand-off can bring; the gateway's own pages always. Anything else (a forged post naming a known MD, say)
   * gets the result page: the terminal is no open redirect.
   */
  const arrivalFor = (req: FastifyRequest, t: Transfer, paRes: string): string | null => {
    const to = safeLocation((req.query as Record<string, string | undefined>).arrival);
    if (!to) return null;
    if (new URL(to).origin === new URL(ctx.baseUrl(req)).origin) return to;
    try {
      return t.challengeId !== null && engine.challenges.verifyPaRes(paRes).challengeId === t.challengeId ? to : null;
    } catch {
      return null;
    }
  };

  // The TermUrl of 3-D Secure: MD names the transfer (its external_id), PaRes completes the payment.
  app.post('/3ds/terminal', async (req, reply) => {
    const f = formFields(req);
    const { lang, s } = strings(req, f);
    const n = nonce();
    const md = (f.MD ?? '').trim();
    const t = md ? await engine.read((tx) => S.getTransferByExternalId(tx, md)) : undefined;
    if (!t) return sendPage(reply, n, { status: 404, headers: {}, body: resultHtml(n, lang, s, null) });
    const paRes = f.PaRes ?? '';
    const answer = await command(engine, req, {
      merchantId: t.merchantId,
      work: (tx) => svc.transfers.completeThreeDs(tx, t.id, paRes, svc.bases(req)),
      subjects: (after) => [
        [TRANSFER_SUBJECT, after.id],
        ['payment', after.id],
      ],
      render: (after): Answer => {
        const to = arrivalFor(req, t, paRes);
        return to
          ? { status: 303, headers: { location: to }, body: '' }
          : { status: 200, headers: {}, body: resultHtml(n, lang, s, after.status) };
      },
    });
    return sendPage(reply, n, answer);
  });
}
