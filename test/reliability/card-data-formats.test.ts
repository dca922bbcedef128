// Card data in the request log whatever its formatting. Clients may write a card number with any separators the
// gateway accepts (double hyphens, tabs, line breaks, no-break and other Unicode spaces), with JSON `\uXXXX`
// escapes inside it, as a JSON number, in nested objects, in form bodies, and send the CVV as a number. Each face
// gets such requests (accepted or refused, they are all logged); then every row of `api_requests`, the admin
// timeline API's answers and the dashboard's timeline pages are scanned for the card number's digits (after
// undoing JSON, HTML and URL escapes and dropping every non-digit) and for the CVV next to its key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { NovapayClient } from '../../src/faces/novapay/client.js';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { parseForm } from '../helpers/browser-lite.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { call, CP, MB, NOVA, NP, REL_SEED, sign, W2P } from './faces.js';
import { luhnComplete } from '../helpers/luhn.js';

/** A Mastercard number no test-card rule knows, with digits distinctive enough to be found anywhere. */
const PAN = luhnComplete('539208176543210');
const CVV = '864';
const groups = (pan: string) => pan.match(/.{1,4}/g)!;

/** The card number as JSON string literals (raw text, quotes included), one per formatting. */
const JSON_FORMS: Record<string, string> = {
  'double hyphens': JSON.stringify(groups(PAN).join('--')),
  tabs: JSON.stringify(groups(PAN).join('\t')),
  'line breaks': JSON.stringify(groups(PAN).join('\r\n')),
  'no-break spaces (raw)': `"${groups(PAN).join('\u00a0')}"`,
  'no-break spaces (escaped)': `"${groups(PAN).join('\\u00a0')}"`,
  'unicode spaces': `"${groups(PAN).join('\u2003\u3000\ufeff')}"`,
  'mixed separators': `"${groups(PAN)[0]} -\\t${groups(PAN)[1]}\u00a0-${groups(PAN)[2]}\\n${groups(PAN)[3]}"`,
  // every fourth digit written as a \u escape: no run of plain digits is longer than three
  'escaped digits': '"' + [...PAN].map((d, i) => (i % 4 === 3 ? `\\u003${d}` : d)).join('') + '"',
  'JSON number': PAN,
};

/** The card number as form values (already encoded), one per formatting. */
const FORM_FORMS: Record<string, string> = {
  'double hyphens': encodeURIComponent(groups(PAN).join('--')),
  'plus signs (spaces)': groups(PAN).join('+'),
  tabs: groups(PAN).join('%09'),
  'line breaks': groups(PAN).join('%0D%0A'),
  'no-break spaces': groups(PAN).join('%C2%A0'),
  'encoded digits': [...PAN].map((d, i) => (i % 3 === 0 ? `%3${d}` : d)).join(''),
};

const json = { 'content-type': 'application/json' };
const formType = { 'content-type': 'application/x-www-form-urlencoded' };

/** The text as it is, and with JSON, HTML and URL escapes undone (repeatedly: a JSON string inside a JSON answer). */
function decodedForms(text: string): string[] {
  const out = [text];
  let t = text;
  for (let i = 0; i < 3; i++) {
    t = t
      .replace(/\\+u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\+([btnfr"\\/])/g, (_m, c: string) => ({ b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' })[c] ?? c)
      .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&nbsp;/g, '\u00a0')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'))
      .replace(/\+/g, ' ');
    out.push(t);
  }
  return out;
}

/** What of the card data a text shows: the card number's digits in sequence, or the CVV next to its key. */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (const t of decodedForms(text)) {
    if (t.replace(/[^0-9]/g, '').includes(PAN)) found.add('card number');
    if (new RegExp(`(cvv|cvc|csc|cvn)\\w*[^0-9a-z]{0,16}${CVV}(?![0-9])`, 'i').test(t)) found.add('cvv');
  }
  return [...found];
}

/** The neighbourhood of the first leak, for the failure message. */
function around(text: string): string {
  for (const t of decodedForms(text)) {
    const digits = t.replace(/[^0-9]/g, '');
    const at = digits.indexOf(PAN);
    if (at >= 0) return t.slice(0, 600);
    const m = new RegExp(`(cvv|cvc|csc|cvn)\\w*[^0-9a-z]{0,16}${CVV}`, 'i').exec(t);
    if (m) return t.slice(Math.max(0, m.index - 200), m.index + 200);
  }
  return '';
}

describe.each(STORES)('card data in the request log, whatever its formatting, on %s', (store) => {
  let h: TestGateway;
  const url = (p: string) => `${h.url}${p}`;
  const sent: Array<{ face: string; what: string; status: number }> = [];
  const note = (face: string, what: string, r: { status: number }) => sent.push({ face, what, status: r.status });

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps no card number and no CVV in the log, the timeline API or the dashboard', async () => {
    // ---- Numopay: charges (card_info nested), refills, the checkout payment page (a form)
    const np = new NumopayClient({ baseUrl: url('/numopay'), apiKey: NP.A.apiKey, secret: NP.A.secret });
    const npPost = (path: string, body: string) =>
      call(url(`/numopay${path}`), 'POST', { ...json, ...sign.numopay(NP.A, 'POST', path, '', body) }, body);
    let amount = 1000;
    for (const [what, number] of Object.entries(JSON_FORMS)) {
      // (a distinct amount each time: the same signed request twice is refused as a replay)
      const t = await np.createChargeToken(NP.A.account, { amount: String(amount++) });
      const body = `{"token":"${t.token}","card_info":{"number":${number},"month":"12","year":"2099","cvv":${CVV},"holder":"IVAN"}}`;
      note('numopay', `charge, ${what}`, await npPost(`/v2/accounts/${NP.A.account}/charge`, body));
      const r = await np.createRefillToken(NP.A.account, { amount: String(amount++) });
      note(
        'numopay',
        `refill, ${what}`,
        await npPost(`/v2/accounts/${NP.A.account}/refill`, `{"token":"${r.token}","card_number":${number}}`),
      );
    }
    const session = await np.createCheckoutSession(NP.A.account, {
      items: [{ name: 'x', amount: '500', currency: 'RUB' }],
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/no',
    });
    const { url: pageUrl } = await np.createPaymentPage({ key: 'pk_live_rel_a', session_id: session.id, session_token: session.token });
    const npForm = parseForm(await (await fetch(pageUrl)).text(), pageUrl, 'pay');
    for (const [what, number] of Object.entries(FORM_FORMS)) {
      const body = `${new URLSearchParams(npForm.fields).toString()}&number=${number}&exp=12%2F99&cvv=${CVV}&holder=IVAN`;
      note('numopay', `payment page, ${what}`, await call(npForm.action, 'POST', formType, body));
    }

    // ---- CloudPayments: form-urlencoded and JSON API bodies (card data in free fields and in JsonData), the order page
    const cp = new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.A });
    const packet = await cp.cryptogram({ number: PAN, expMonth: 12, expYear: 2035, cvv: CVV });
    const cpHeaders = (type: Record<string, string>) => ({ ...type, ...sign.cloudpayments(CP.A) });
    for (const [what, number] of Object.entries(FORM_FORMS)) {
      const jsonData = encodeURIComponent(
        JSON.stringify({ card: { number: decodeURIComponent(number.replace(/\+/g, ' ')), cvv: Number(CVV) } }),
      );
      const body = `Amount=10&Currency=RUB&CardCryptogramPacket=${encodeURIComponent(packet)}&Name=IVAN&AccountId=${number}&Description=${number}&JsonData=${jsonData}&cvv=${CVV}&CardNumber=${number}`;
      note(
        'cloudpayments',
        `form charge, ${what}`,
        await call(url('/cloudpayments/payments/cards/charge'), 'POST', cpHeaders(formType), body),
      );
    }
    for (const [what, number] of Object.entries(JSON_FORMS)) {
      const body = `{"Amount":10,"Currency":"RUB","CardCryptogramPacket":"${packet}","Description":${number},"JsonData":{"card":{"Number":${number},"Cvv":${CVV}}},"cvv":${CVV}}`;
      note('cloudpayments', `JSON charge, ${what}`, await call(url('/cloudpayments/payments/cards/charge'), 'POST', cpHeaders(json), body));
    }
    const order = ((await cp.createOrder({ Amount: 10, Currency: 'RUB', Description: 'order' })).Model as { Id: string }).Id;
    const orderUrl = url(`/cloudpayments/orders/${order}`);
    const cpForm = parseForm(await (await fetch(orderUrl)).text(), orderUrl, 'pay');
    for (const [what, number] of Object.entries(FORM_FORMS)) {
      const body = `${new URLSearchParams(cpForm.fields).toString()}&number=${number}&exp=12%2F35&cvv=${CVV}&holder=IVAN`;
      note('cloudpayments', `order page, ${what}`, await call(cpForm.action, 'POST', formType, body));
    }

    // ---- NovaPay: metadata with card data (nested), the payer page (a form)
    const nova = new NovapayClient({
      baseUrl: url('/novapay/v1'),
      merchantId: NOVA.A.merchantId,
      merchantIdAsNumber: true,
      privateKey: NOVA.A.privateKey,
      algorithm: 'sha1',
    });
    for (const [what, number] of Object.entries(JSON_FORMS)) {
      const body = `{"merchant_id":${NOVA.A.merchantId},"client_phone":"+380501112233","metadata":{"card":${number},"card_cvv":${CVV},"deep":{"list":[${number}]}}}`;
      note(
        'novapay',
        `session metadata, ${what}`,
        await call(url('/novapay/v1/session'), 'POST', { ...json, ...sign.novapay(NOVA.A.privateKey, body) }, body),
      );
    }
    const ns = await nova.createSession({ client_phone: '+380501112233' });
    const pay = (await nova.addPayment({ session_id: ns.id, amount: 100 } as never)) as { url: string };
    const novaForm = parseForm(await (await fetch(pay.url)).text(), pay.url, 'pay');
    for (const [what, number] of Object.entries(FORM_FORMS)) {
      const body = `${new URLSearchParams(novaForm.fields).toString()}&number=${number}&exp=12%2F35&cvv=${CVV}`;
      note('novapay', `payer page, ${what}`, await call(novaForm.action, 'POST', formType, body));
    }

    // ---- Mbill: card tokens (public), transfers with a card sender and a card-number recipient (nested)
    for (const [what, number] of Object.entries(JSON_FORMS)) {
      const token = `{"type":"card","number":${number},"expiration_month":"12","expiration_year":"2030","cvv":${CVV}}`;
      note('mbill', `token, ${what}`, await call(url('/mbill/tokens'), 'POST', json, token));
      const transfer = `{"amount":1000,"fee":10,"description":"transfer","sender":{"phone":"+380631112233","credential":{"type":"card","number":${number},"expiration_month":"12","expiration_year":"2030","cvv":${CVV}}},"recipient":{"phone":"+380631112244","credential":{"type":"card-number","number":${number}}}}`;
      note('mbill', `transfer, ${what}`, await call(url('/mbill/transfers'), 'POST', { ...json, ...sign.mbill(MB.A) }, transfer));
    }
    // a body that is not JSON at all: it cannot be read, so it must not be kept as text
    const broken = `{"number":${JSON_FORMS['escaped digits']},"cvv":${CVV},`;
    note('mbill', 'unparseable token body', await call(url('/mbill/tokens'), 'POST', json, broken));

    // ---- Way2Pay: pay-outs to a card
    let n = 0;
    for (const [what, number] of Object.entries(JSON_FORMS)) {
      const body = Buffer.from(
        `{"externalID":"fmt-${n++}","bankId":1,"method":"CARD","currencyId":1,"callbackURL":"http://127.0.0.1:1/cb","amount":"100","receiver":${number},"holder":"Ivan Ivanov"}`,
      );
      note(
        'way2pay',
        `pay-out, ${what}`,
        await call(url('/way2pay/api/v1/pay-out'), 'POST', { ...json, ...sign.way2pay(W2P.A, 'POST', '/api/v1/pay-out', body) }, body),
      );
    }

    // every request reached a face (none was a 5xx: bad input gets the provider's answer)
    expect(
      sent.filter((s) => s.status >= 500),
      JSON.stringify(sent),
    ).toEqual([]);
    await h.gw.apiLog.flush();

    // ---- the scan
    const rows = await h.gw.engine.read((tx) => tx.apiRequests.list({ limit: 100_000 }));
    expect(rows.length).toBeGreaterThanOrEqual(sent.length);
    const problems: string[] = [];
    for (const r of rows) {
      const text = JSON.stringify(r);
      const l = leaks(text);
      if (l.length) problems.push(`api_requests row ${r.requestId} (${r.method} ${r.path.slice(0, 80)}): ${l.join(', ')}: ${around(text)}`);
    }
    const admin = { authorization: `Bearer ${h.gw.adminToken}` };
    const subjects = new Set(rows.flatMap((r) => r.subjects));
    expect(subjects.size).toBeGreaterThan(5);
    const login = await fetch(url('/dashboard/login'), {
      method: 'POST',
      headers: formType,
      body: new URLSearchParams({ token: h.gw.adminToken, next: '/dashboard' }).toString(),
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/=/);
    let pages = 0;
    let maskedOnPages = 0;
    const masked = `${PAN.slice(0, 6)}******${PAN.slice(-4)}`;
    for (const s of subjects) {
      const [type, id] = s.split(':') as [string, string];
      const tl = await call(url(`/admin/api/objects/${encodeURIComponent(type)}/${encodeURIComponent(id)}/timeline`), 'GET', admin);
      expect(tl.status, s).toBe(200);
      const l = leaks(tl.text);
      if (l.length) problems.push(`admin timeline of ${s}: ${l.join(', ')}: ${around(tl.text)}`);
      if (type === 'payment' || type === 'payout') {
        const page = await call(url(`/dashboard/${type}s/${id}`), 'GET', { cookie });
        expect(page.status, s).toBe(200);
        expect(page.text).toContain('id="timeline"');
        pages++;
        if (page.text.includes(masked)) maskedOnPages++;
        const lp = leaks(page.text);
        if (lp.length) problems.push(`dashboard page of ${s}: ${lp.join(', ')}: ${around(page.text)}`);
      }
    }
    expect(problems).toEqual([]);
    // the scan read the right data: every page was there, and the masked form and the redaction marks are in the log
    expect(pages).toBeGreaterThan(5);
    expect(maskedOnPages).toBeGreaterThan(5);
    const all = rows.map((r) => JSON.stringify(r)).join('\n');
    expect(all).toContain(masked);
    expect(all).toContain('[redacted]');
    expect(all).toContain('[unparsed body, ');
  });
});
