// The Mbill API Manifest envelope over real HTTP, on SQLite and PostgreSQL: request ids, every error type
// the face answers with (400, 401, 404, 409, 413, 415, 422), X-Idempotency-Key (echoed, and a repeat
// answered with the first result), and the transfer list with cursors.
import { describe, expect, it } from 'vitest';
import { FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import type { TransferView } from '../../../src/faces/mbill/client.js';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { API_TOKEN, CARDS, card, client, OTHER_TOKEN, raw, startMbill, transferBody } from './helpers.js';

describe.each(STORES)('Mbill API envelope on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  const body = (amount = 1000, fee = 10) =>
    JSON.stringify(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }, amount, fee));

  describe('errors', () => {
    it('answers corrupted JSON with 400 request_malformed', async () => {
      const r = await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: '{"amount":' });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        meta: { url: `${g.h.url}/mbill/transfers`, type: 'object', code: 400, request_id: expect.any(String) },
        error: {
          type: 'request_malformed',
          invalid: [{ entry_type: 'request', rules: [{ rule: 'json' }] }],
          message: 'Malformed request. Probably, you have sent corrupted JSON.',
        },
      });
      expect((await raw(g.h, 'POST', '/tokens', { body: '{"number": 4242' })).status).toBe(400);
    });

    it('answers a body of another content type with 415 content_type_invalid', async () => {
      const r = await raw(g.h, 'POST', '/tokens', {
        body: 'number=4242424242424242',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(r.status).toBe(415);
      expect(r.json.error).toEqual({
        type: 'content_type_invalid',
        invalid: [{ entry_type: 'header', entry: 'Content-Type' }],
        message: expect.stringContaining('Content-Type: application/json'),
      });
      // JSON with a charset, or vendor JSON, is fine
      expect(
        (
          await raw(g.h, 'POST', '/tokens', {
            body: JSON.stringify(card(CARDS.visa3ds)),
            headers: { 'content-type': 'application/json; charset=utf-8' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await raw(g.h, 'POST', '/tokens', {
            body: JSON.stringify(card(CARDS.visa3ds)),
            headers: { 'content-type': 'application/vnd.api+json' },
          })
        ).status,
      ).toBe(201);
    });

    it('answers an oversized body with 413 request_too_large', async () => {
      const r = await raw(g.h, 'POST', '/tokens', { body: JSON.stringify({ ...card(CARDS.visa3ds), pad: 'x'.repeat(1_100_000) }) });
      expect(r.status).toBe(413);
      expect(r.json.error).toEqual({
        type: 'request_too_large',
        invalid: [{ entry_type: 'request', rules: [{ rule: 'size' }] }],
        message: 'Request body is too large.',
      });
      expect(r.json.meta.code).toBe(413);
    });

    it('answers unknown routes with 404 not_found', async () => {
      for (const [method, path] of [
        ['GET', '/nothing'],
        ['POST', '/transfers/1/cancel'],
        ['DELETE', '/transfers/1'],
      ] as const) {
        const r = await raw(g.h, method, path);
        expect(r.status, path).toBe(404);
        expect(r.json, path).toEqual({
          meta: { url: `${g.h.url}/mbill${path}`, type: 'object', code: 404, request_id: expect.any(String) },
          error: { type: 'not_found' },
        });
      }
    });
  });

  describe('request ids', () => {
    it('echoes X-Request-ID in meta.request_id and the x-request-id header, on success and on error', async () => {
      const ok = await raw(g.h, 'POST', '/tokens', {
        body: JSON.stringify(card(CARDS.visa3ds)),
        headers: { 'x-request-id': 'req-adasdoijasdojsda' },
      });
      expect(ok.headers.get('x-request-id')).toBe('req-adasdoijasdojsda');
      expect(ok.json.meta.request_id).toBe('req-adasdoijasdojsda');
      const err = await raw(g.h, 'GET', '/transfers/0', { headers: { 'x-request-id': 'req-404' } });
      expect(err.headers.get('x-request-id')).toBe('req-404');
      expect(err.json.meta.request_id).toBe('req-404');
      // an unusable id is replaced by a fresh one
      const long = await raw(g.h, 'GET', '/transfers/0', { headers: { 'x-request-id': 'x'.repeat(201) } });
      expect(long.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(long.json.meta.request_id).toBe(long.headers.get('x-request-id'));
    });
  });

  describe('idempotency', () => {
    it('echoes X-Idempotency-Key in the header and meta.idempotency_key', async () => {
      const r = await raw(g.h, 'GET', '/transfers/0', { headers: { 'x-idempotency-key': 'idemp-ssjssdjoa8308u0us0' } });
      expect(r.headers.get('x-idempotency-key')).toBe('idemp-ssjssdjoa8308u0us0');
      expect(r.json.meta).toEqual({
        url: `${g.h.url}/mbill/transfers/0`,
        type: 'object',
        code: 404,
        request_id: expect.any(String),
        idempotency_key: 'idemp-ssjssdjoa8308u0us0',
      });
    });

    it('answers a repeated key with the same body with the first result, once per merchant', async () => {
      const size = async (token = API_TOKEN) => (await client(g.h, token).listTransfers({ limit: 1 })).paging!.size!;
      const before = await size();
      const first = await raw(g.h, 'POST', '/transfers', {
        token: API_TOKEN,
        body: body(),
        headers: { 'x-idempotency-key': 'key-1', 'x-request-id': 'req-first' },
      });
      expect(first.status).toBe(201);
      expect(first.json.meta).toEqual({
        url: `${g.h.url}/mbill/transfers/${first.json.data.id}`,
        type: 'object',
        code: 201,
        request_id: 'req-first',
        idempotency_key: 'key-1',
      });
      const second = await raw(g.h, 'POST', '/transfers', {
        token: API_TOKEN,
        body: body(),
        headers: { 'x-idempotency-key': 'key-1', 'x-request-id': 'req-second' },
      });
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.headers.get('x-request-id')).toBe('req-second');
      expect(second.json.data).toEqual(first.json.data);
      expect(second.json.meta).toEqual({ ...first.json.meta, request_id: 'req-second' });
      expect(await size()).toBe(before + 1);
      // another body under the same key is refused
      const other = await raw(g.h, 'POST', '/transfers', {
        token: API_TOKEN,
        body: body(2000, 20),
        headers: { 'x-idempotency-key': 'key-1' },
      });
      expect(other.status).toBe(409);
      expect(other.json.error).toEqual({
        type: 'request_conflict',
        message: 'This X-Idempotency-Key was already used with another request.',
      });
      // another merchant's key space is its own
      const mine = await raw(g.h, 'POST', '/transfers', { token: OTHER_TOKEN, body: body(), headers: { 'x-idempotency-key': 'key-1' } });
      expect(mine.status).toBe(201);
      expect(mine.json.data.id).not.toBe(first.json.data.id);
      expect(mine.headers.get('idempotent-replayed')).toBeNull();
    });

    it('runs concurrent repeats once', async () => {
      const results = await Promise.all(
        [0, 1, 2, 3].map(() =>
          raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: body(3000, 30), headers: { 'x-idempotency-key': 'key-concurrent' } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.json.data.id)).size).toBe(1);
    });

    it('replays card tokens and lookup-code answers; a refused request is not kept', async () => {
      const c1 = await raw(g.h, 'POST', '/tokens', {
        body: JSON.stringify(card(CARDS.visa3ds)),
        headers: { 'x-idempotency-key': 'tok-1' },
      });
      const c2 = await raw(g.h, 'POST', '/tokens', {
        body: JSON.stringify(card(CARDS.visa3ds)),
        headers: { 'x-idempotency-key': 'tok-1' },
      });
      expect(c2.json.data).toEqual(c1.json.data);
      const t = JSON.parse((await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: body() })).text).data as TransferView;
      const wrong = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, {
        token: t.token,
        body: JSON.stringify({ code: '000000' }),
        headers: { 'x-idempotency-key': 'auth-1' },
      });
      expect(wrong.status).toBe(422);
      const ok = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, {
        token: t.token,
        body: JSON.stringify({ code: FIXED_TEST_OTP }),
        headers: { 'x-idempotency-key': 'auth-2' },
      });
      expect(ok.status).toBe(201);
      const again = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, {
        token: t.token,
        body: JSON.stringify({ code: FIXED_TEST_OTP }),
        headers: { 'x-idempotency-key': 'auth-2' },
      });
      expect(again.status).toBe(201);
      expect(again.json.data).toEqual(ok.json.data);
      // without the key the same call meets the transfer as it is now
      const plain = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) });
      expect(plain.status).toBe(409);
    });
  });

  describe('GET /transfers: a list with cursors', () => {
    it('pages newest first with starting_after / ending_before, has_more and the total size', async () => {
      const other = client(g.h, OTHER_TOKEN);
      const start = (await other.listTransfers()).paging!.size!;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (await other.createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }, 100 + i, 5))).data
            .id,
        );
      const newest = [...ids].reverse();
      const r = await raw(g.h, 'GET', '/transfers?limit=2', { token: OTHER_TOKEN });
      expect(r.status).toBe(200);
      expect(Object.keys(r.json)).toEqual(['meta', 'data', 'paging']);
      expect(r.json.meta).toEqual({ url: `${g.h.url}/mbill/transfers`, type: 'list', code: 200, request_id: expect.any(String) });
      expect(r.json.data.map((t: TransferView) => t.id)).toEqual(newest.slice(0, 2));
      expect(r.json.data[0]).toMatchObject({ type: 'transfer', status: 'authentication', amount: 104, fee: 5 });
      expect(r.json.paging).toEqual({
        limit: 2,
        cursors: { starting_after: newest[1], ending_before: newest[0] },
        has_more: true,
        size: start + 5,
      });
      const p2 = await other.listTransfers({ limit: 2, starting_after: newest[1] });
      expect(p2.data.map((t) => t.id)).toEqual(newest.slice(2, 4));
      expect(p2.paging).toMatchObject({ cursors: { starting_after: newest[3], ending_before: newest[2] }, has_more: true });
      const p3 = await other.listTransfers({ limit: 2, starting_after: newest[3] });
      // the last of these five, then whatever the merchant made before them
      expect(p3.data[0]!.id).toBe(newest[4]);
      expect(p3.data).toHaveLength(Math.min(2, 1 + start));
      expect(p3.paging).toMatchObject({
        has_more: start > 1,
        cursors: { starting_after: p3.data[p3.data.length - 1]!.id, ending_before: newest[4] },
      });
      const back = await other.listTransfers({ limit: 2, ending_before: newest[2] });
      expect(back.data.map((t) => t.id)).toEqual(newest.slice(0, 2));
      expect(back.paging?.has_more).toBe(false);
      const back2 = await other.listTransfers({ limit: 2, ending_before: newest[4] });
      expect(back2.data.map((t) => t.id)).toEqual(newest.slice(2, 4));
      expect(back2.paging?.has_more).toBe(true);
      // merchants see only their own transfers
      const mine = await client(g.h).listTransfers({ limit: 100 });
      expect(mine.data.length).toBeGreaterThan(0);
      expect(mine.data.some((t) => ids.includes(t.id))).toBe(false);
      const empty = await other.listTransfers({ starting_after: '1' });
      expect(empty.data).toEqual([]);
      expect(empty.paging?.cursors).toEqual({ starting_after: null, ending_before: null });
    });

    it('checks limit and cursors, and needs the API token', async () => {
      const q = (s: string) => raw(g.h, 'GET', `/transfers${s}`, { token: API_TOKEN });
      const range = { greater_than_or_equal_to: 1, less_than_or_equal_to: 100 };
      expect((await q('?limit=0')).json.error.invalid).toEqual([
        {
          entry_type: 'query_parameter',
          entry: '$.limit',
          rules: [{ rule: 'number', params: range, description: 'must be greater than or equal to 1' }],
        },
      ]);
      expect((await q('?limit=101')).json.error.invalid).toEqual([
        {
          entry_type: 'query_parameter',
          entry: '$.limit',
          rules: [{ rule: 'number', params: range, description: 'must be less than or equal to 100' }],
        },
      ]);
      expect((await q('?limit=ten')).json.error.invalid).toEqual([
        { entry_type: 'query_parameter', entry: '$.limit', rules: [{ rule: 'cast', params: ['integer'], description: 'is invalid' }] },
      ]);
      expect((await q('?starting_after=abc')).json.error.invalid).toEqual([
        {
          entry_type: 'query_parameter',
          entry: '$.starting_after',
          rules: [{ rule: 'format', params: ['~r/^[0-9]+$/'], description: 'has invalid format' }],
        },
      ]);
      expect((await q('?limit=100')).json.paging.limit).toBe(100);
      expect((await q('')).json.paging.limit).toBe(50);
      expect((await raw(g.h, 'GET', '/transfers')).status).toBe(401);
    });
  });
});
