// The request log's redaction, as a property: a valid card number written with any separators normalizePan
// accepts, in JSON (plain or with \u escapes, as a string or a number) or in a form (percent-encoded or not),
// under each face's documented card fields or under any other key, never comes out with its digits in sequence;
// a CVV never comes out next to its key. The field locations below are written from the providers' request
// shapes, not read from the faces' declarations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePan } from '../../src/core/cards.js';
import { cloudpaymentsFace } from '../../src/faces/cloudpayments/face.js';
import type { Face } from '../../src/faces/face.js';
import { mbillFace } from '../../src/faces/mbill/face.js';
import { novapayFace } from '../../src/faces/novapay/face.js';
import { numopayFace } from '../../src/faces/numopay/face.js';
import { way2payFace } from '../../src/faces/way2pay/face.js';
import { parseRawJson, writeRawJson } from '../../src/server/raw-json.js';
import { Redactor } from '../../src/server/redaction.js';
import { luhnComplete } from '../helpers/luhn.js';

const RUNS = Number(process.env.POLYPAY_FUZZ_RUNS ?? 300);

/**
 * Every character normalizePan drops between two digits: the accepted separators, found by asking it about each
 * code point (so a separator it starts to accept is generated here at once).
 */
const SEPARATORS: string[] = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const c = String.fromCodePoint(cp);
  if (normalizePan(`1${c}2`) === '12') SEPARATORS.push(c);
}

const panArb = fc
  .integer({ min: 13, max: 19 })
  .chain((len) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: len - 1, maxLength: len - 1 }))
  .map((ds) => luhnComplete(String(1 + (ds[0]! % 9)) + ds.slice(1).join('')));

/** The card number with 0 to 3 accepted separators in each gap between digits. */
const formattedArb = (pan: string) =>
  fc
    .array(fc.array(fc.constantFrom(...SEPARATORS), { maxLength: 3 }), { minLength: pan.length - 1, maxLength: pan.length - 1 })
    .map((gaps) => [...pan].map((d, i) => d + (gaps[i]?.join('') ?? '')).join(''));

const unicodeEscape = (unit: number) => '\\u' + unit.toString(16).padStart(4, '0');
const percentEscape = (c: string) => [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');

/** A JSON string literal of a text, each character written plainly or as a \u escape (escaped where JSON requires it). */
const jsonLiteralArb = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((esc) => {
    let out = '"';
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      out += esc[i] || unit < 0x20 || text[i] === '"' || text[i] === '\\' ? unicodeEscape(unit) : text[i];
    }
    return out + '"';
  });

/** A form value of a text, each character percent-encoded or not, a space maybe as '+' (characters that would break the form always encoded). */
const formValueArb = (text: string) =>
  fc.array(fc.constantFrom('plain', 'percent', 'plus'), { minLength: text.length, maxLength: text.length }).map((how) =>
    [...text]
      .map((c, i) => {
        if (c === ' ' && how[i] === 'plus') return '+';
        const mustEncode = /[&=%+#]/.test(c) || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
        return how[i] === 'plain' && !mustEncode ? c : percentEscape(c);
      })
      .join(''),
  );

interface Where {
  face: Face;
  /** builds the body with the card number (a JSON literal, or a form value) and the CVV (likewise) in place */
  json?: (pan: string, cvv: string) => string;
  form?: (pan: string, cvv: string) => string;
}

/** Where each provider's clients and payer pages send a card number and its CVV. */
const PLACES: Record<string, Where> = {
  'Numopay charge (card_info)': {
    face: numopayFace,
    json: (p, c) => `{"token":"t","card_info":{"number":${p},"month":"12","year":"2099","cvv":${c},"holder":"IVAN"}}`,
  },
  'Numopay refill (card_number)': { face: numopayFace, json: (p) => `{"token":"t","card_number":${p}}` },
  'Numopay payment page': { face: numopayFace, form: (p, c) => `lang=ru&number=${p}&exp=12%2F30&cvv=${c}&holder=IVAN` },
  'CloudPayments order page': { face: cloudpaymentsFace, form: (p, c) => `lang=ru&number=${p}&exp=12%2F30&cvv=${c}&holder=IVAN` },
  'NovaPay payer page': { face: novapayFace, form: (p, c) => `number=${p}&exp=12%2F30&cvv=${c}` },
  'Mbill card token': {
    face: mbillFace,
    json: (p, c) => `{"type":"card","number":${p},"expiration_month":"12","expiration_year":"2030","cvv":${c}}`,
  },
  'Mbill transfer (sender card, recipient card number)': {
    face: mbillFace,
    json: (p, c) =>
      `{"amount":1000,"fee":10,"sender":{"phone":"+380631112233","credential":{"type":"card","number":${p},"expiration_month":"12","expiration_year":"2030","cvv":${c}}},"recipient":{"credential":{"type":"card-number","number":${p}}}}`,
  },
  'Mbill claim': { face: mbillFace, json: (p) => `{"id":"x","credential":{"type":"card-number","number":${p}}}` },
  'Way2Pay pay-out': {
    face: way2payFace,
    json: (p) => `{"externalID":"e","method":"CARD","amount":"100","receiver":${p},"holder":"Ivan Ivanov"}`,
  },
};

const redactors = new Map<Face, Redactor>();
const redactorOf = (f: Face) => redactors.get(f) ?? redactors.set(f, new Redactor(f.sensitive)).get(f)!;

/** The output with JSON and URL escapes undone and every accepted separator dropped. */
function flattened(out: string): string {
  const decoded = out
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\([btnfr])/g, (_m, c: string) => ({ b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' })[c]!)
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'))
    .replace(/\+/g, ' ');
  return [...decoded].filter((c) => !SEPARATORS.includes(c)).join('');
}

const cvvNextToKey = (out: string, cvv: string) => new RegExp(`(cvv|cvc)["']?\\s*[:=]\\s*["']?${cvv}(?![0-9])`, 'i').test(out);

describe('request log redaction', () => {
  it('knows the separators normalizePan accepts', () => {
    for (const c of [' ', '-', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff']) expect(SEPARATORS).toContain(c);
    expect(SEPARATORS).not.toContain('+');
    expect(SEPARATORS).not.toContain('.');
  });

  for (const [name, where] of Object.entries(PLACES)) {
    it(`masks the card number and the CVV of ${name}, whatever the formatting`, () => {
      const r = redactorOf(where.face);
      const arb = panArb.chain((pan) =>
        fc.record({
          pan: fc.constant(pan),
          formatted: formattedArb(pan),
          cvv: fc.integer({ min: 100, max: 9999 }).map(String),
          cvvAsNumber: fc.boolean(),
          panAsNumber: fc.boolean(),
        }),
      );
      fc.assert(
        fc.property(
          arb.chain((x) =>
            fc.record({
              x: fc.constant(x),
              lit: jsonLiteralArb(x.formatted),
              formValue: formValueArb(x.formatted),
              cvvLit: jsonLiteralArb(x.cvv),
            }),
          ),
          ({ x, lit, formValue, cvvLit }) => {
            expect(normalizePan(x.formatted)).toBe(x.pan);
            const outs: string[] = [];
            if (where.json) {
              const panText = x.panAsNumber ? x.pan : lit;
              const body = where.json(panText, x.cvvAsNumber ? x.cvv : cvvLit);
              expect(() => JSON.parse(body)).not.toThrow();
              outs.push(r.request(Buffer.from(body))!);
            }
            if (where.form) outs.push(r.request(Buffer.from(where.form(formValue, x.cvv)))!);
            for (const out of outs) {
              expect(flattened(out), out).not.toContain(x.pan);
              expect(cvvNextToKey(flattened(out), x.cvv), out).toBe(false);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it('masks a card number under any other key, in JSON (nested, escaped, a number) and in forms, and in a URL', () => {
    const faces = [numopayFace, cloudpaymentsFace, novapayFace, mbillFace, way2payFace];
    const key = fc.stringMatching(/^[A-Za-z_]{1,12}$/);
    fc.assert(
      fc.property(
        panArb
          .chain((pan) =>
            fc.record({
              pan: fc.constant(pan),
              formatted: formattedArb(pan),
              face: fc.constantFrom(...faces),
              k1: key,
              k2: key,
              asNumber: fc.boolean(),
            }),
          )
          .chain((x) => fc.record({ x: fc.constant(x), lit: jsonLiteralArb(x.formatted), formValue: formValueArb(x.formatted) })),
        ({ x, lit, formValue }) => {
          const r = redactorOf(x.face);
          const value = x.asNumber ? x.pan : lit;
          const outs = [
            r.request(Buffer.from(`{${JSON.stringify(x.k1)}:{${JSON.stringify(x.k2)}:[1,${value}]}}`))!,
            r.request(Buffer.from(`${x.k1}=${formValue}&${x.k2}[a]=${formValue}`))!,
            // a JSON document inside a form value (CloudPayments' JsonData)
            r.request(Buffer.from(`${x.k1}=${encodeURIComponent(`{"${x.k2}":${value}}`)}`))!,
            r.url(`/x/${formValue}/y?${x.k1}=${formValue}`),
          ];
          for (const out of outs) expect(flattened(out), out).not.toContain(x.pan);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads JSON as JSON.parse does (the tree the redaction walks holds what a face reads)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, spaced) => {
        const text = JSON.stringify(v, null, spaced ? 2 : undefined).replace(/[\u0080-\uffff]/g, (c) => unicodeEscape(c.charCodeAt(0)));
        expect(JSON.parse(writeRawJson(parseRawJson(text)))).toEqual(JSON.parse(text));
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]",:\\ 0123456789.eE+-truefalsn'.split('')), maxLength: 24 }), (text) => {
        let native = true;
        try {
          JSON.parse(text.trim());
        } catch {
          native = false;
        }
        let ours = true;
        try {
          parseRawJson(text);
        } catch {
          ours = false;
        }
        expect(ours, text).toBe(native);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('never throws and keeps excerpts short, whatever the bytes', () => {
    const r = new Redactor(cloudpaymentsFace.sensitive);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json({ maxDepth: 4 }),
      fc.string({ unit: fc.constantFrom(...'{}[]"=&%+:,\\u0123456789abcvCVV'.split('')), maxLength: 200 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          text.map((t) => Buffer.from(t)),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        text,
        (body, url) => {
          for (const out of [r.request(body), r.answer(body), r.url('/' + url)]) expect((out ?? '').length).toBeLessThanOrEqual(4097);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('keeps a body it cannot read as nothing but its size, and keeps other data legible', () => {
    const r = new Redactor(numopayFace.sensitive);
    for (const body of [
      '{"card_info":{"number":"4242\\u00342424242424242",',
      'number=4242\t4242\t4242\t4242',
      '['.repeat(100) + ']'.repeat(100),
      '"4242 4242 4242 4242',
    ]) {
      expect(r.request(Buffer.from(body))).toBe(`[unparsed body, ${Buffer.byteLength(body)} bytes]`);
    }
    expect(r.answer('<html></html>')).toBe('[unparsed body, 13 bytes]');
    expect(r.request(Buffer.from('{"token":"abc","amount":"1000","items":[{"amount":12345678901234567890123}]}'))).toBe(
      '{"token":"abc","amount":"1000","items":[{"amount":"[redacted]"}]}',
    );
    expect(r.request(Buffer.from('{"token":"abc","amount":"1000","card_info":{"number":"4000 0000 0000 3055","cvv":"123"}}'))).toBe(
      '{"token":"abc","amount":"1000","card_info":{"number":"400000******3055","cvv":"[redacted]"}}',
    );
    // masked forms in answers stay as they are; other numbers keep their exact text
    expect(r.answer('{"data":{"card_number":"4000********3055","amount":1.50,"n":12345678901,"e":1e400}}')).toBe(
      '{"data":{"card_number":"4000********3055","amount":1.50,"n":12345678901,"e":1e400}}',
    );
    expect(r.url('/numopay/v2/accounts/abc/transactions?limit=10&from=2024-01-01')).toBe(
      '/numopay/v2/accounts/abc/transactions?limit=10&from=2024-01-01',
    );
    // a CVV of CloudPayments in any letter case, a numeric CVV, an OTP code of Mbill only at the top level
    expect(new Redactor(cloudpaymentsFace.sensitive).request(Buffer.from('{"CVV":864,"cardcryptogrampacket":"abc"}'))).toBe(
      '{"CVV":"[redacted]","cardcryptogrampacket":"[redacted]"}',
    );
    expect(new Redactor(mbillFace.sensitive).answer('{"meta":{"code":422},"code":"123456"}')).toBe(
      '{"meta":{"code":422},"code":"[redacted]"}',
    );
  });
});
