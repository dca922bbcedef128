// Numopay's request plumbing at its edges, over real HTTP on SQLite and PostgreSQL: the NP-ACCESS-TOKEN header's
// parts (version, timestamp window to the second), the path and query as signed (duplicate slashes, a lone `?`),
// bodies (empty, blank, not an object), the field errors' exact texts, the replay answer, the content type of
// answers, errors the HTTP layer raises, and the merchant a refused request is attributed to.
// Expected values come from Numopay's documents (the header, the prehash string, `{"error": "<message>"}`) and the
// face's own documented answers (docs/numopay.md); nothing here is computed with the face's code.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWire } from '../../../src/faces/numopay/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const USD = '523e5010-24d7-11ea-a0af-ad4afa2c683d';
const KEY = 'np_test_key_1';
const SECRET = 'np_test_secret_1';
const JSON_UTF8 = 'application/json; charset=utf-8';

/** Hex HMAC-SHA256, keyed with the secret, of `timestamp + METHOD + requestPath + query + body` (the documented prehash). */
function documentedSignature(secret: string, timestamp: number, method: string, requestPath: string, query: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}${method}${requestPath}${query}${body}`).digest('hex');
}

interface Signing {
  version?: string;
  ts?: number;
  key?: string;
  secret?: string;
  /** the path and query the client signs (the request's own by default) */
  path?: string;
  query?: string;
  /** the body the client signs (the one sent by default) */
  body?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** `NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>` as Numopay documents it. */
function authorization(method: string, path: string, query: string, body: string, s: Signing = {}): string {
  const ts = s.ts ?? now();
  const sig = documentedSignature(s.secret ?? SECRET, ts, method, s.path ?? path, s.query ?? query, s.body ?? body);
  return `NP-ACCESS-TOKEN ${s.version ?? '2019-12-22'}.${ts}.${s.key ?? KEY}.${sig}`;
}

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
  json: unknown;
}

describe.each(STORES)('Numopay request edges on %s', (store) => {
  let h: TestGateway;

  beforeAll(async () => {
    h = await startTestGateway(store);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** One request with the exact request target written on the wire (node:http does not normalise it). */
  function exchange(method: string, target: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const { port } = new URL(h.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path: `/numopay${target}`, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text, json });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  /**
   * A signed request: `path` is what follows the base URL and what is signed (unless `s.path` says otherwise),
   * `query` is sent and signed as written, `body` is sent as is (with a content length, even when empty).
   */
  function signed(method: string, path: string, opts: { query?: string; body?: string; target?: string; s?: Signing } = {}) {
    const query = opts.query ?? '';
    const body = opts.body;
    const headers: Record<string, string> = { authorization: authorization(method, path, query, body ?? '', opts.s) };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return exchange(method, opts.target ?? path + query, headers, body);
  }

  /**
   * Runs a request whose timestamp is `now + offset` seconds, again until it was sent and answered within one second
   * of the test's clock: the gateway (in this process, on the same clock) then saw exactly that difference.
   */
  async function atOffset(offset: number): Promise<Answer> {
    for (;;) {
      const before = now();
      const a = await signed('GET', '/v2/accounts', { s: { ts: before + offset } });
      if (now() === before) return a;
    }
  }

  const expectError = (a: Answer, status: number, error: string, what = '') => {
    expect({ status: a.status, json: a.json }, what).toEqual({ status, json: { error } });
    expect(a.contentType, what).toBe(JSON_UTF8);
  };

  describe('the NP-ACCESS-TOKEN header', () => {
    it('names a missing or malformed header', async () => {
      expectError(await exchange('GET', '/v2/accounts', {}), 401, 'Authorization header is required');
      const sig = documentedSignature(SECRET, now(), 'GET', '/v2/accounts', '', '');
      for (const header of [
        'Bearer x',
        `NP-ACCESS-TOKEN 2019-12-22.${now()}.${sig}`, // three parts: no API key
        `NP-ACCESS-TOKEN ${now()}.${KEY}.${sig}`,
        `NP-ACCESS-TOKEN 2019-12-22.${now()}.${KEY}.${sig.slice(1)}`,
      ])
        expectError(await exchange('GET', '/v2/accounts', { authorization: header }), 401, 'Invalid authorization header', header);
    });

    it('takes version 2019-12-22 only, even when the signature is right', async () => {
      // the version is not part of the prehash string: this request is otherwise correctly signed
      expectError(await signed('GET', '/v2/accounts', { s: { version: '2020-01-01' } }), 401, 'Unsupported API version');
      expectError(await signed('GET', '/v2/accounts', { s: { version: '' } }), 401, 'Unsupported API version');
      expect((await signed('GET', '/v2/accounts')).status).toBe(200);
    });

    it('accepts a timestamp exactly 30 seconds away either way, and refuses 31', async () => {
      expect((await atOffset(-30)).status).toBe(200);
      expect((await atOffset(30)).status).toBe(200);
      expectError(await atOffset(-31), 401, 'Request expired');
      expectError(await atOffset(31), 401, 'Request expired');
    });
  });

  describe('the signed path, query and body', () => {
    it('signs the path with duplicate slashes collapsed', async () => {
      const a = await signed('GET', '/v2/accounts', { target: '/v2//accounts' });
      expect(a.status, a.text).toBe(200);
      expect(a.json).toEqual({
        data: [
          { id: RUB, currency: 'RUB' },
          { id: USD, currency: 'USD' },
        ],
      });
      // a client that signs the slashes as sent is refused
      expectError(await signed('GET', '/v2/accounts', { target: '/v2//accounts', s: { path: '/v2//accounts' } }), 401, 'Invalid signature');
    });

    it('signs a lone "?" as no query at all', async () => {
      expect((await signed('GET', '/v2/accounts', { target: '/v2/accounts?' })).status).toBe(200);
      expectError(await signed('GET', '/v2/accounts', { target: '/v2/accounts?', s: { query: '?' } }), 401, 'Invalid signature');
      // a real query is signed as sent, with its "?"
      expect((await signed('GET', `/v2/accounts/${RUB}/transactions`, { query: '?limit=1' })).status).toBe(200);
    });

    it('signs "" as the body of GET and HEAD, whatever they carry', async () => {
      const get = await exchange(
        'GET',
        '/v2/accounts',
        {
          authorization: authorization('GET', '/v2/accounts', '', ''),
          'content-type': 'application/json',
          'content-length': '2',
        },
        '{}',
      );
      expect(get.status, get.text).toBe(200);
      const head = await exchange('HEAD', `/v2/accounts/${RUB}`, { authorization: authorization('HEAD', `/v2/accounts/${RUB}`, '', '') });
      expect({ status: head.status, text: head.text }).toEqual({ status: 200, text: '' });
      expect(
        (await exchange('HEAD', `/v2/accounts/${RUB}`, { authorization: authorization('GET', `/v2/accounts/${RUB}`, '', '') })).status,
      ).toBe(401);
    });

    it('signs an empty body as "" and reads it as {}', async () => {
      // no body at all (content-length 0, no content type): the prehash string ends with the path
      const headers = { authorization: authorization('POST', `/v2/accounts/${RUB}/charge/token`, '', ''), 'content-length': '0' };
      expectError(await exchange('POST', `/v2/accounts/${RUB}/charge/token`, headers), 400, 'amount is required');
      expectError(await signed('POST', `/v2/accounts/${RUB}/charge/token`, { body: '' }), 400, 'amount is required');
      // blank is empty too
      expectError(await signed('POST', `/v2/accounts/${RUB}/charge/token`, { body: ' \n\t ' }), 400, 'amount is required');
    });

    it('refuses a JSON body that is not an object', async () => {
      for (const body of ['5', 'null', '"amount"', 'true', '[]'])
        expectError(await signed('POST', `/v2/accounts/${RUB}/charge/token`, { body }), 400, 'Request body must be a JSON object', body);
      expectError(await signed('POST', `/v2/accounts/${RUB}/charge/token`, { body: '{"amount":"100"' }), 400, 'Invalid JSON body');
    });

    it('answers a replayed state-changing request with 401 Request signature already used', async () => {
      const body = JSON.stringify({ url: 'https://example.com/webhook/replay', event: 'order' });
      const ts = now();
      const first = await signed('POST', `/v2/accounts/${USD}/webhook-endpoints`, { body, s: { ts } });
      expect(first.status, first.text).toBe(200);
      expectError(
        await signed('POST', `/v2/accounts/${USD}/webhook-endpoints`, { body, s: { ts } }),
        401,
        'Request signature already used',
      );
    });
  });

  describe('field errors, with their exact texts', () => {
    const chargeToken = (body: unknown) => signed('POST', `/v2/accounts/${RUB}/charge/token`, { body: JSON.stringify(body) });
    const transactions = (query: string) => signed('GET', `/v2/accounts/${RUB}/transactions`, { query });

    it('reads amount as a string of digits or an integer, from 1 to 999999999999999', async () => {
      // the largest amount of one operation passes; one more is refused with the limit in the message
      const max = await chargeToken({ amount: '999999999999999', redirect_url: 'https://example.com/done' });
      expect(max.status, max.text).toBe(200);
      expect(Object.keys((max.json as { data: object }).data).sort()).toEqual(['order_slug', 'token']);
      expectError(await chargeToken({ amount: '1000000000000000' }), 400, 'amount is too large: at most 999999999999999');
      expectError(await chargeToken({ amount: '12345678901234567890' }), 400, 'amount is too large: at most 999999999999999');
      expectError(await chargeToken({ amount: '0' }), 400, 'amount must be greater than zero');
      // an integer is taken as its digits; white space around the digits is not part of the amount
      expect((await chargeToken({ amount: 100 })).status).toBe(200);
      expect((await chargeToken({ amount: ' 100 ' })).status).toBe(200);
    });

    it('names a field that is too long', async () => {
      expectError(await chargeToken({ amount: '100', currency: 'RUBL' }), 400, 'currency is too long');
      expectError(
        await signed('POST', `/v2/accounts/${RUB}/charge`, { body: JSON.stringify({ token: 't'.repeat(101), card_info: {} }) }),
        400,
        'token is too long',
      );
    });

    it("names the query's integers, dates and positive integers", async () => {
      expectError(await transactions('?limit=ten'), 400, 'limit must be an integer');
      expectError(await transactions('?offset=1.5'), 400, 'offset must be an integer');
      expectError(await transactions('?limit=101'), 400, 'limit must be between 0 and 100');
      expectError(await transactions('?from=yesterday'), 400, 'from must be an ISO 8601 date');
      expectError(await transactions('?to=2020-13-45T00%3A00%3A00Z'), 400, 'to must be an ISO 8601 date');
      expect((await transactions('?from=2020-01-01T00%3A00%3A00Z&limit=1')).status).toBe(200);
      const rates = (query: string) => signed('GET', `/v2/accounts/${RUB}/rates/latest`, { query });
      expectError(await rates('?amount=abc'), 400, 'amount must be a positive integer');
      expectError(await rates('?amount=-5'), 400, 'amount must be a positive integer');
      expect((await rates('?amount=200&base=EUR')).status).toBe(200);
    });
  });

  describe('answers', () => {
    it('are application/json; charset=utf-8, data and errors alike', async () => {
      const ok = await signed('GET', `/v2/accounts/${RUB}`);
      expect(ok.status).toBe(200);
      expect(ok.contentType).toBe(JSON_UTF8);
      expect(ok.json).toEqual({ data: { id: RUB, currency: 'RUB' } });
      const time = await exchange('GET', '/v2/time', {});
      expect(time.contentType).toBe(JSON_UTF8);
      expectError(await signed('GET', `/v2/accounts/${RUB}/payment/client_wof_1_deadbeef`), 404, 'Payment not found');
      expectError(await exchange('GET', '/v2/nothing-here', {}), 404, 'Not found');
    });

    it("answers the HTTP layer's own refusals in the face's shape, with their own status", async () => {
      // a content type that is no media type: 415, not taken for another error
      const body = '{"amount":"100"}';
      const headers = {
        authorization: authorization('POST', `/v2/accounts/${RUB}/charge/token`, '', body),
        'content-type': 'not a media type',
        'content-length': String(body.length),
      };
      expectError(await exchange('POST', `/v2/accounts/${RUB}/charge/token`, headers, body), 415, 'Unsupported Media Type');
      // a body beyond the limit: 413
      const big = JSON.stringify({ amount: '100', pad: 'x'.repeat(1_100_000) });
      expectError(await signed('POST', `/v2/accounts/${RUB}/charge/token`, { body: big }), 413, 'Request body is too large');
    });

    it('maps errors the HTTP layer raises by their status, and anything else to a bare 500', () => {
      // (the HTTP layer's 4xx errors other than 413 and 415, and our own faults, cannot be caused from a client)
      expect(toWire({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', message: 'Request body size did not match' })).toEqual({
        status: 400,
        error: 'Request body size did not match',
      });
      expect(toWire({ statusCode: 499, code: 'X' })).toEqual({ status: 499, error: 'Bad request' });
      expect(toWire({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'x' })).toEqual({
        status: 413,
        error: 'Request body is too large',
      });
      for (const e of [
        new TypeError('secret detail'),
        { statusCode: 500, message: 'secret detail' },
        { statusCode: 503, message: 'secret detail' },
        { statusCode: 399, message: 'secret detail' },
        { statusCode: '404', message: 'secret detail' },
        null,
        undefined,
      ])
        expect(toWire(e), JSON.stringify(e)).toEqual({ status: 500, error: 'Internal server error' });
    });

    it('attributes a request it refuses after authentication to its merchant', async () => {
      // a fault rule for the merchant acts on its answered requests only: it shows which requests were the merchant's
      const route = `/v2/accounts/${USD}/refill/token`;
      const rule = await h.gw.faults.add({ face: 'numopay', route, merchantId: 'shop1', status: 503, body: '{"error":"fault"}' });
      try {
        // refused at the body (before any work is done), after authentication
        const a = await signed('POST', route, { body: '{}' });
        expect({ status: a.status, json: a.json }).toEqual({ status: 503, json: { error: 'fault' } });
        // a request that is not authenticated is no merchant's
        expectError(await signed('POST', route, { body: '{}', s: { secret: 'wrong' } }), 401, 'Invalid signature');
      } finally {
        await h.gw.faults.remove(rule.id);
      }
    });
  });
});
