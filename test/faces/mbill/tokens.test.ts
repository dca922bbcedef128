// Mbill card tokens over real HTTP on SQLite and PostgreSQL: the 201 shape, every card rule with its
// exact invalid[] entry, one-time use (also under concurrency), the 15-minute life on the gateway clock,
// the card data sealed at rest and removed on use or expiry, and the tokenizer script and iframe.
import { describe, expect, it } from 'vitest';
import { mbillStore } from '../../../src/faces/mbill/store.js';
import { STORES } from '../../helpers/stores.js';
import { eventually } from '../../helpers/eventually.js';
import { ChildGateway, startChildGateways } from '../../helpers/child-gateway.js';
import { useGateway } from '../../helpers/gateway.js';
import { MbillClient } from '../../../src/faces/mbill/client.js';
import { API_TOKEN, CARDS, card, client, EXP, raw, startMbill, transferBody } from './helpers.js';

const VALIDATION_MESSAGE =
  'Validation failed. You can find validators description at our API Manifest: http://docs.apimanifest.apiary.io/#introduction/interacting-with-api/errors.';

describe.each(STORES)('Mbill card tokens on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  async function invalidOf(body: unknown) {
    const r = await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(body) });
    expect(r.status).toBe(422);
    expect(r.json.meta).toMatchObject({ type: 'object', code: 422 });
    expect(r.json.error.type).toBe('validation_failed');
    expect(r.json.error.message).toBe(VALIDATION_MESSAGE);
    return r.json.error.invalid;
  }

  it('exchanges card data for a one-time token: 201 with the API Manifest envelope', async () => {
    const before = g.h.gw.clock.now();
    const r = await raw(g.h, 'POST', '/tokens', {
      body: JSON.stringify({ type: 'card', number: '5591587543706253', expiration_month: '01', expiration_year: '2030', cvv: '160' }),
      headers: { 'x-request-id': 'req-adasdoijasdojsda' },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('x-request-id')).toBe('req-adasdoijasdojsda');
    expect(Object.keys(r.json)).toEqual(['meta', 'data']);
    expect(r.json.meta).toEqual({ url: `${g.h.url}/mbill/tokens`, type: 'object', code: 201, request_id: 'req-adasdoijasdojsda' });
    expect(Object.keys(r.json.data)).toEqual(['type', 'token', 'token_expires_at']);
    expect(r.json.data.type).toBe('card-token');
    expect(r.json.data.token).toMatch(/^card-token-6253-[0-9a-f]{40}$/);
    expect(r.json.data.token_expires_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const expires = Date.parse(r.json.data.token_expires_at);
    expect(expires - before).toBeGreaterThanOrEqual(15 * 60_000 - 1);
    expect(expires - before).toBeLessThan(15 * 60_000 + 5_000);
    // nothing readable is kept: no PAN, no CVV
    const row = await g.h.gw.engine.read((tx) => mbillStore.getCardToken(tx, r.json.data.token));
    expect(row?.sealed).toBeTruthy();
    expect(row!.sealed).not.toContain('5591587543706253');
    expect(row!.sealed).not.toContain('160"');
    expect(JSON.parse(row!.sealed!)).toEqual({
      v: 1,
      kid: g.h.gw.engine.vault.currentKeyId,
      wk: expect.any(String),
      iv: expect.any(String),
      ct: expect.any(String),
      mac: expect.any(String),
    });
  });

  it('generates a request id when none is sent', async () => {
    const r = await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(card(CARDS.visa3ds)) });
    expect(r.status).toBe(201);
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(r.json.meta.request_id).toBe(id);
  });

  describe('every card rule, with its exact invalid[] entry', () => {
    const entry = (path: string, rule: string, params: unknown, description: string) => ({
      entry_type: 'json_data_property',
      entry: path,
      rules: [{ rule, params, description }],
    });

    it('requires every field', async () => {
      expect(await invalidOf({})).toEqual([
        entry('$.cvv', 'required', [], "can't be blank"),
        entry('$.expiration_month', 'required', [], "can't be blank"),
        entry('$.expiration_year', 'required', [], "can't be blank"),
        entry('$.number', 'required', [], "can't be blank"),
      ]);
      expect(await invalidOf({ number: '', expiration_month: ' ', expiration_year: null, cvv: '' })).toHaveLength(4);
    });

    it('checks the number: Luhn, and Visa or Mastercard only', async () => {
      const numberRule = [entry('$.number', 'card_number', [], 'is not a valid card number')];
      expect(await invalidOf(card(CARDS.luhnBad))).toEqual(numberRule);
      expect(await invalidOf(card(CARDS.mir))).toEqual(numberRule); // MIR passes Luhn but is not accepted
      expect(await invalidOf(card('378282246310005'))).toEqual(numberRule); // American Express
      expect(await invalidOf(card('4242 4242 4242 424x'))).toEqual(numberRule);
      // a number sent as a JSON number is read as its digits (as a browser form would send it)
      expect(
        (await raw(g.h, 'POST', '/tokens', { body: JSON.stringify({ ...card(CARDS.visa3ds), number: 4242424242424242 }) })).status,
      ).toBe(201);
      expect(await invalidOf({ ...card(CARDS.visa3ds), number: { x: 1 } })).toEqual([entry('$.number', 'cast', ['string'], 'is invalid')]);
      // spaces and dashes are accepted
      const ok = await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(card('5555-5555-5555-4444')) });
      expect(ok.status).toBe(201);
      expect(ok.json.data.token).toMatch(/^card-token-4444-/);
    });

    it('checks the expiry month (1–12) and year (2016–2030, as the reference server)', async () => {
      const month = entry('$.expiration_month', 'format', ['~r/^(0?[1-9]|1[0-2])$/'], 'has invalid format');
      for (const m of ['00', '13', '1a', '123', '-1'])
        expect(await invalidOf(card(CARDS.visa3ds, { expiration_month: m })), m).toEqual([month]);
      for (const m of ['1', '01', '9', '12'])
        expect((await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(card(CARDS.visa3ds, { expiration_month: m })) })).status, m).toBe(
          201,
        );
      expect(await invalidOf(card(CARDS.visa3ds, { expiration_year: '30' }))).toEqual([
        entry('$.expiration_year', 'format', ['~r/^[0-9]{4}$/'], 'has invalid format'),
      ]);
      const range = { greater_than_or_equal_to: 2016, less_than_or_equal_to: 2030 };
      expect(await invalidOf(card(CARDS.visa3ds, { expiration_year: '2015' }))).toEqual([
        entry('$.expiration_year', 'number', range, 'must be greater than or equal to 2016'),
      ]);
      expect(await invalidOf(card(CARDS.visa3ds, { expiration_year: '2031' }))).toEqual([
        entry('$.expiration_year', 'number', range, 'must be less than or equal to 2030'),
      ]);
      expect((await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(card(CARDS.visa3ds, { expiration_year: '2016' })) })).status).toBe(
        201,
      );
    });

    it('checks the CVV /^[0-9]{3,4}$/', async () => {
      const cvv = entry('$.cvv', 'format', ['~r/^[0-9]{3,4}$/'], 'has invalid format');
      for (const v of ['12', '12345', '12a', ' 123']) expect(await invalidOf(card(CARDS.visa3ds, { cvv: v })), v).toEqual([cvv]);
      for (const v of ['123', '1234', '000'])
        expect((await raw(g.h, 'POST', '/tokens', { body: JSON.stringify(card(CARDS.visa3ds, { cvv: v })) })).status, v).toBe(201);
    });

    it('reports every failure at once, sorted by path (the reference test card)', async () => {
      expect(await invalidOf({ number: '5591587543706251', expiration_month: '12', expiration_year: '1997', cvv: '11160' })).toEqual([
        entry('$.cvv', 'format', ['~r/^[0-9]{3,4}$/'], 'has invalid format'),
        entry(
          '$.expiration_year',
          'number',
          { greater_than_or_equal_to: 2016, less_than_or_equal_to: 2030 },
          'must be greater than or equal to 2016',
        ),
        entry('$.number', 'card_number', [], 'is not a valid card number'),
      ]);
    });
  });

  describe('one-time use and the 15-minute life', () => {
    async function token(pan = CARDS.visaNo3ds): Promise<string> {
      return (await client(g.h).createToken(card(pan))).data.token;
    }
    const senderToken = (t: string) => transferBody({ type: 'card-token', token: t }, { type: 'card-number', number: CARDS.mc3ds });

    it('a token pays once; a second use is `token` is invalid', async () => {
      const t = await token();
      const first = await client(g.h).createTransfer(senderToken(t));
      expect(first.status).toBe(201);
      expect(first.data.sender.credential).toMatchObject({ type: 'card-token', token: t, number: '400000******3055' });
      // used: the row (and the card data) is gone
      expect(await g.h.gw.engine.read((tx) => mbillStore.getCardToken(tx, t))).toBeUndefined();
      const again = await raw(g.h, 'POST', '/transfers', { token: 'DGRsMpXDCj', body: JSON.stringify(senderToken(t)) });
      expect(again.status).toBe(422);
      expect(again.json.error.invalid).toEqual([
        {
          entry_type: 'json_data_property',
          entry: '$.sender.credential.token',
          rules: [{ rule: 'token', params: [], description: 'is invalid' }],
        },
      ]);
    });

    it('an unknown token is invalid, and bad input does not use a token', async () => {
      const t = await token();
      const bad = await raw(g.h, 'POST', '/transfers', { token: 'DGRsMpXDCj', body: JSON.stringify({ ...senderToken(t), fee: 11 }) });
      expect(bad.status).toBe(422);
      expect(bad.json.error.invalid.map((e: { entry: string }) => e.entry)).toEqual(['$.fee']);
      // the token still works after a refused request
      expect((await client(g.h).createTransfer(senderToken(t))).status).toBe(201);
      const unknown = await raw(g.h, 'POST', '/transfers', {
        token: 'DGRsMpXDCj',
        body: JSON.stringify(senderToken('card-token-3055-deadbeef')),
      });
      expect(unknown.json.error.invalid).toEqual([
        {
          entry_type: 'json_data_property',
          entry: '$.sender.credential.token',
          rules: [{ rule: 'token', params: [], description: 'is invalid' }],
        },
      ]);
    });

    it('two concurrent transfers with one token: exactly one succeeds', async () => {
      for (let round = 0; round < 3; round++) {
        const t = await token();
        const results = await Promise.all(
          [0, 1, 2].map(() => raw(g.h, 'POST', '/transfers', { token: 'DGRsMpXDCj', body: JSON.stringify(senderToken(t)) })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
        for (const r of results.filter((x) => x.status === 422)) expect(r.json.error.invalid[0].rules[0].rule).toBe('token');
      }
    });

    it('expires after 15 minutes on the gateway clock: token_expiration, card data wiped, then gone', async () => {
      const t = await token();
      const t2 = await token();
      g.h.gw.clock.advance(14 * 60_000);
      expect((await client(g.h).createTransfer(senderToken(t2))).status).toBe(201);
      g.h.gw.clock.advance(60_000 + 1000);
      const r = await raw(g.h, 'POST', '/transfers', { token: 'DGRsMpXDCj', body: JSON.stringify(senderToken(t)) });
      expect(r.status).toBe(422);
      expect(r.json.error.invalid).toEqual([
        {
          entry_type: 'json_data_property',
          entry: '$.sender.credential.token',
          rules: [{ rule: 'token_expiration', params: [], description: 'card token is expired' }],
        },
      ]);
      // the expiry job removes the card data; a tombstone keeps saying "expired" for a day
      await eventually(async () => {
        await g.h.gw.engine.scheduler.drain();
        expect(await g.h.gw.engine.read((tx) => mbillStore.getCardToken(tx, t))).toMatchObject({ token: t, sealed: null });
      });
      g.h.gw.clock.advance(24 * 60 * 60_000);
      await eventually(async () => {
        await g.h.gw.engine.scheduler.drain();
        expect(await g.h.gw.engine.read((tx) => mbillStore.getCardToken(tx, t))).toBeUndefined();
      });
      const later = await raw(g.h, 'POST', '/transfers', { token: 'DGRsMpXDCj', body: JSON.stringify(senderToken(t)) });
      expect(later.json.error.invalid[0].rules[0].rule).toBe('token');
    });

    it.runIf(store === 'postgres')(
      'works across two gateway processes sharing the database: made on one, used once on either',
      async () => {
        // two gateway child processes (the CLI's `start`), sharing only the database with this one
        const [one, two] = await startChildGateways(g.h.target, 2);
        try {
          const at = (c: ChildGateway) => new MbillClient({ baseUrl: `${c.info!.url}/mbill`, apiToken: API_TOKEN });
          const made = await at(one!).createToken(card(CARDS.visaNo3ds));
          const used = await at(two!).createTransfer(senderToken(made.data.token));
          expect(used.data.sender.credential).toMatchObject({ type: 'card-token', number: '400000******3055' });
          for (let round = 0; round < 3; round++) {
            const t = (await at(two!).createToken(card(CARDS.visaNo3ds))).data.token;
            // fired at both processes at once: exactly one transfer is made
            const results = await Promise.all(
              [one!, two!, one!, two!].map((c) =>
                fetch(`${c.info!.url}/mbill/transfers`, {
                  method: 'POST',
                  headers: {
                    authorization: 'Basic ' + Buffer.from(`${API_TOKEN}:`).toString('base64'),
                    'content-type': 'application/json',
                  },
                  body: JSON.stringify(senderToken(t)),
                }),
              ),
            );
            expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
          }
        } finally {
          await Promise.all([one, two].map((c) => c?.stop()));
        }
      },
    );

    it('a token used as the recipient card', async () => {
      const t = await token(CARDS.mc3ds);
      const r = await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-token', token: t }));
      expect(r.data.recipient.credential).toEqual({
        type: 'card-token',
        token: t,
        token_expires_at: expect.stringMatching(/Z$/),
        number: '555555******4444',
      });
    });
  });

  describe('tokenizer.js and its iframe', () => {
    it('serves tokenizer.js as cacheable JavaScript for any origin', async () => {
      const res = await fetch(`${g.h.url}/mbill/tokenizer.js`, { headers: { origin: 'https://shop.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const js = await res.text();
      expect(js).toContain('MbillTokenizer');
      expect(js).toContain('/tokenizer/frame?');
      expect(() => new Function(js)).not.toThrow();
    });

    it('serves the frame only to a configured origin, frameable by that origin alone, never cached', async () => {
      const res = await fetch(`${g.h.url}/mbill/tokenizer/frame?origin=${encodeURIComponent('https://shop.example')}&lang=uk`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toContain('no-store');
      expect(res.headers.get('x-frame-options')).toBeNull();
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain('frame-ancestors https://shop.example');
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toMatch(/script-src 'nonce-[^']+'/);
      const html = await res.text();
      expect(html).toContain('lang="uk"');
      expect(html).toContain('"origin":"https://shop.example"');
      expect(html).toContain('"endpoint":"/mbill/tokens"');
      expect(html).toContain('postMessage(m,C.origin)');
      for (const id of ['number', 'month', 'year', 'cvv']) expect(html).toContain(`id="${id}"`);
      for (const bad of ['', '?origin=javascript:alert(1)', '?origin=https://shop.example/path', '?origin=*']) {
        const r = await fetch(`${g.h.url}/mbill/tokenizer/frame${bad}`);
        expect(r.status, bad).toBe(400);
        expect(r.headers.get('x-frame-options')).toBe('DENY');
      }
    });

    it('answers CORS preflights (the reference server allows any origin)', async () => {
      const res = await fetch(`${g.h.url}/mbill/tokens`, {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(EXP.expiration_year).toBe('2030');
    });
  });
});
