// Way2Pay request authentication at its edges, over real HTTP on SQLite and PostgreSQL: which header is missing
// (10000 only when all four are), header values trimmed (an empty or whitespace-only value is a missing header),
// the Public-Key's length and characters, the Signature's lengths and hex digits (anchored at both ends), the nonce's
// digits, Expires without a Nonce, a signature made with the other generation's scheme or with the secret an unknown
// key is checked against, what generation 1 and 3 sign for an empty body (a read: "" or "{}"; a write: "{}", never
// the read's ""), PHP-style "{}"/"[]" bodies signed as empty, bodies that are not JSON or nested too deep signed as
// sent, HEAD as a read, generation 1's nonce window at both ends (now and now + 3900 s), replays refused before the
// request's transaction (the request log keeps them under no merchant), the request log's subjects, and an internal
// fault that rolls the whole request back (its nonce included, so the same signed request may be sent again).
// Expected signatures are computed here with node:crypto from the documented formulas (helpers.ts), expected codes
// and messages come from the documented error table (documented.ts).
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { startTestGateway, useGateway, type TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { nextNonce } from '../../../src/faces/way2pay/signing.js';
import type { Seed } from '../../../src/operator/seed.js';
import { ERROR_TABLE } from './documented.js';
import { ext, FACES, GEN1, GEN3, raw, UUID, W2P_SEED, type Keys, type RawOptions, type RawResponse } from './helpers.js';

type Way2PayCode = keyof typeof ERROR_TABLE;

const keys = (name: string, generation: 1 | 3): Keys => ({
  merchantId: `w2p_edge_${name}`,
  publicKey: `w2p_pk_edge_${name}`,
  secretKey: `w2p_sk_edge_${name}`,
  generation,
  callbackSecret: `w2p_sk_edge_${name}`,
});
/** one merchant per edge that depends on a key's last nonce, so that the tests do not depend on each other */
const AT_NOW = keys('now', 1);
const AHEAD = keys('ahead', 1);
const BEYOND = keys('beyond', 1);
const REPLAY1 = keys('replay1', 1);
const REPLAY3 = keys('replay3', 3);
const CROSS1 = keys('cross1', 1);
const CROSS3 = keys('cross3', 3);
const FAULT = keys('fault', 1);
const EDGE_KEYS = [AT_NOW, AHEAD, BEYOND, REPLAY1, REPLAY3, CROSS1, CROSS3, FAULT];

const SEED: Seed = {
  merchants: [
    ...W2P_SEED.merchants,
    ...EDGE_KEYS.map((k) => ({
      id: k.merchantId,
      name: `Way2Pay edge ${k.merchantId}`,
      way2pay: { publicKey: k.publicKey, secretKey: k.secretKey, generation: k.generation },
    })),
  ],
};

/** The dummy secret the face checks an unknown Public-Key's signature with: a signature made with it must not pass either. */
const DUMMY_SECRET = '\u0000no-such-public-key';
const UUID0 = '00000000-0000-4000-8000-000000000000';
const CANCEL0 = `/api/v1/pay-in/${UUID0}/cancel`;

function expectError(r: RawResponse, code: Way2PayCode, what = '') {
  const [message, status] = ERROR_TABLE[code];
  expect(r.status, `${what} ${r.text}`).toBe(status);
  expect(r.json, `${what} ${r.text}`).toEqual({ success: false, error: { message, code } });
}

function expectOk(r: RawResponse, what = '') {
  expect(r.status, `${what} ${r.text}`).toBe(200);
  expect(r.json?.success, `${what} ${r.text}`).toBe(true);
}

const nowS = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a request whose nonce is computed from the current second, at the start of a fresh second, so that the
 * server reads the same second (a request to localhost takes milliseconds). Should the second change all the same
 * before the answer arrives, the outcome says nothing about the edge and the request is made again (at most thrice;
 * each retry uses a later second, so its nonce still exceeds any that the earlier try may have used).
 */
async function atFreshSecond(send: (second: number) => Promise<RawResponse>): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    await sleep(1000 - (Date.now() % 1000) + 5);
    const second = nowS();
    const r = await send(second);
    if (nowS() === second || attempt === 3) return r;
  }
}

async function logged(h: TestGateway, requestId: string | null) {
  expect(requestId).toMatch(/^req_/);
  await h.gw.apiLog.flush();
  const all = await h.gw.engine.read((tx) => tx.apiRequests.list({ limit: 10_000 }));
  const rec = all.find((x) => x.requestId === requestId);
  expect(rec, `request ${requestId} in the request log`).toBeDefined();
  return rec!;
}

describe.each(STORES)('Way2Pay authentication edges on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, SEED, undefined, { faces: FACES }));
  const get = (o: RawOptions = {}) => raw(g.h, 'GET', '/api/v1/balance', o);

  describe('headers', () => {
    it('answers 10000 only when all four auth headers are missing, else the first one missing', async () => {
      const drop = (...names: string[]) => Object.fromEntries(names.map((n) => [n, undefined]));
      expectError(await get({ headers: drop('public-key', 'nonce', 'signature') }), 10000, 'none');
      expectError(await get({ headers: drop('nonce', 'signature') }), 60004, 'only Public-Key');
      expectError(await get({ headers: drop('public-key', 'signature') }), 60003, 'only Nonce');
      expectError(await get({ headers: drop('public-key', 'nonce') }), 60003, 'only Signature');
      expectError(await get({ headers: { ...drop('public-key', 'nonce', 'signature'), expires: '1721585422' } }), 60003, 'only Expires');
    });

    it('treats an empty or whitespace-only header as missing and trims the others', async () => {
      // Node's HTTP parser drops spaces and tabs around a value; the face trims what is left (a no-break space too)
      expectError(await get({ headers: { 'public-key': '' } }), 60003, 'empty Public-Key');
      expectError(await get({ headers: { 'public-key': '\u00a0' } }), 60003, 'no-break space as Public-Key');
      expectError(await get({ headers: { nonce: '' } }), 60004, 'empty Nonce');
      expectError(await get({ headers: { nonce: '\u00a0' } }), 60004, 'no-break space as Nonce');
      expectError(await get({ headers: { signature: '' } }), 60005, 'empty Signature');
      expectError(await get({ headers: { signature: '\u00a0' } }), 60005, 'no-break space as Signature');
      expectError(await get({ headers: { 'public-key': '', nonce: '', signature: '\u00a0', expires: '' } }), 10000, 'all four empty');
      expectOk(await get({ headers: { 'public-key': `${GEN1.publicKey}\u00a0` } }), 'Public-Key with a trailing no-break space');
      expectOk(await get({ headers: { 'public-key': `\t ${GEN1.publicKey} ` } }), 'Public-Key with spaces and a tab around it');
    });

    it('refuses a Public-Key longer than 256 characters or with a character that is not visible ASCII (20005)', async () => {
      expectError(await get({ headers: { 'public-key': 'k'.repeat(257) } }), 20005, '257 characters');
      // 256 visible characters are well-formed: an unknown key, a wrong signature
      expectError(await get({ headers: { 'public-key': 'k'.repeat(256) } }), 60006, '256 characters');
      for (const bad of ['has space', '\u00e9key', 'key\u00e9', `${GEN1.publicKey}\u00a0x`])
        expectError(await get({ headers: { 'public-key': bad } }), 20005, JSON.stringify(bad));
    });

    it('takes a signature of exactly 64 or 128 hex digits only (20004)', async () => {
      const hex = (n: number) => 'ab01'.repeat(80).slice(0, n);
      for (const n of [1, 63, 65, 127, 129, 256]) expectError(await get({ headers: { signature: hex(n) } }), 20004, `${n} hex digits`);
      for (const n of [64, 128]) {
        for (const bad of ['g'.repeat(n), `z${hex(n - 1)}`, `${hex(n - 1)}z`, `${hex(n / 2 - 1)}-${hex(n / 2)}`])
          expectError(await get({ headers: { signature: bad } }), 20004, `${n} characters: ${bad}`);
      }
      // upper-case hex digits are hex digits
      expectOk(await get({ headers: {} }), 'lower case');
      const nonce = nextNonce(GEN1.publicKey, 1);
      const sig = createHmac('sha256', GEN1.secretKey).update(nonce).digest('hex').toUpperCase();
      expectOk(await get({ nonce, headers: { signature: sig } }), 'upper case');
    });

    it('claims generation 2 with Expires and no Nonce: its signature must have 128 hex digits (20004)', async () => {
      const expires = String(nowS() + 300);
      const sig64 = createHmac('sha256', GEN1.secretKey).update(`/api/v1/balance${expires}`).digest('hex');
      expectError(await get({ headers: { nonce: undefined, expires, signature: sig64 } }), 20004, 'Expires, 64 digits');
      // with 128 digits it is a generation 2 request of a generation 1 key: a wrong signature
      expectError(await get({ headers: { nonce: undefined, expires, signature: 'a'.repeat(128) } }), 60006, 'Expires, 128 digits');
    });

    it('takes a nonce of 1 to 18 digits only (20006, generation 3: 2007)', async () => {
      for (const nonce of ['x123', '-5', '+5', '123x', '1.5', '1e9', '0x1f', '1'.repeat(19)]) {
        expectError(await get({ nonce }), 20006, `generation 1 nonce ${nonce}`);
        expectError(await get({ keys: GEN3, nonce }), 2007, `generation 3 nonce ${nonce}`);
      }
    });
  });

  describe('whose signature', () => {
    it("refuses a signature made with the other generation's scheme, with the key's secret or the dummy one", async () => {
      // a generation 3 key signing as generation 1 does (64 hex digits: HMAC-SHA256 over body + nonce)
      for (const secret of [CROSS3.secretKey, DUMMY_SECRET]) {
        expectError(await get({ keys: { ...CROSS3, generation: 1 }, secret }), 60006, `gen 3 key, gen 1 scheme, ${JSON.stringify(secret)}`);
        expectError(
          await raw(g.h, 'PATCH', CANCEL0, { keys: { ...CROSS3, generation: 1 }, secret, body: '{}' }),
          60006,
          `gen 3 key, gen 1 scheme, a write, ${JSON.stringify(secret)}`,
        );
      }
      // a generation 1 key signing as generation 3 does (128 hex digits: HMAC-SHA512 over path + body + nonce)
      for (const secret of [CROSS1.secretKey, DUMMY_SECRET])
        expectError(await get({ keys: { ...CROSS1, generation: 3 }, secret }), 2005, `gen 1 key, gen 3 scheme, ${JSON.stringify(secret)}`);
      // and each key still works with its own scheme
      expectOk(await get({ keys: CROSS3 }), 'gen 3 key, gen 3 scheme');
      expectOk(await get({ keys: CROSS1 }), 'gen 1 key, gen 1 scheme');
    });

    it('refuses an unknown Public-Key whatever secret its signature was made with', async () => {
      const nobody1: Keys = { ...GEN1, publicKey: 'w2p_pk_edge_nobody' };
      const nobody3: Keys = { ...GEN3, publicKey: 'w2p_pk_edge_nobody' };
      for (const secret of [DUMMY_SECRET, '', GEN1.secretKey]) {
        expectError(await get({ keys: nobody1, secret }), 60006, `gen 1, ${JSON.stringify(secret)}`);
        expectError(
          await raw(g.h, 'PATCH', CANCEL0, { keys: nobody1, secret, body: '{}' }),
          60006,
          `gen 1 write, ${JSON.stringify(secret)}`,
        );
        expectError(await get({ keys: nobody3, secret }), 2005, `gen 3, ${JSON.stringify(secret)}`);
      }
    });
  });

  describe('what is signed for an empty body', () => {
    it('generation 1: a read signs "" or "{}", a write without a body "{}" only', async () => {
      expectOk(await get({ signBody: '' }), 'GET over ""');
      expectOk(await get({ signBody: '{}' }), 'GET over "{}"');
      expectError(await get({ signBody: '[]' }), 60006, 'GET over "[]"');
      for (const [method, path] of [
        ['PATCH', CANCEL0],
        ['PUT', `/api/v1/pay-in/${UUID0}/status/CANCELLED`],
      ] as const) {
        // 60011 (no such pay-in) tells that the signature was accepted
        expectError(await raw(g.h, method, path, { body: '', signBody: '{}' }), 60011, `${method} without a body over "{}"`);
        expectError(await raw(g.h, method, path, { body: '', signBody: '' }), 60006, `${method} without a body over ""`);
        expectError(await raw(g.h, method, path, { body: '{}', signBody: '' }), 60006, `${method} with "{}" over ""`);
        expectError(await raw(g.h, method, path, { body: '{}', signBody: '{}' }), 60011, `${method} with "{}" over "{}"`);
      }
      // a pay-in created with an empty body signed over "{}" gets as far as its fields
      expectError(await raw(g.h, 'POST', '/api/v1/pay-in', { body: '', signBody: '{}' }), 60009, 'POST without a body over "{}"');
      expectError(await raw(g.h, 'POST', '/api/v1/pay-in', { body: '', signBody: '' }), 60006, 'POST without a body over ""');
      // and a real cancellation without a body
      const id = (
        await raw(g.h, 'POST', '/api/v1/pay-in', { body: JSON.stringify({ externalID: ext('e1'), currency: 'RUB', amount: '1000' }) })
      ).json.data.id as string;
      expect(id).toMatch(UUID);
      const cancelled = await raw(g.h, 'PATCH', `/api/v1/pay-in/${id}/cancel`, { body: '', signBody: '{}' });
      expectOk(cancelled, 'cancel without a body');
      expect(cancelled.json.data).toEqual({ id, status: 'CANCELLED' });
    });

    it('generation 3: a read signs path + "", a write without a body path + "" or path + "{}"', async () => {
      expectOk(await get({ keys: GEN3, signBody: '' }), 'GET over ""');
      expectError(await get({ keys: GEN3, signBody: '{}' }), 2005, 'GET over "{}"');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: '', signBody: '{}' }), 60011, 'PATCH without a body over "{}"');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: '', signBody: '' }), 60011, 'PATCH without a body over ""');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: '', signBody: '[]' }), 2005, 'PATCH without a body over "[]"');
    });

    it('generation 3: "{}" and "[]" bodies may be signed as empty (PHP and Python clients do)', async () => {
      for (const body of ['{}', '[]', ' { } ']) {
        expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body, signBody: '' }), 60011, `${body} over ""`);
        expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body, signBody: body.replace(/ /g, '') }), 60011, `${body} over itself`);
      }
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: '{"a":1}', signBody: '' }), 2005, 'a body with a field over ""');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: '[0]', signBody: '' }), 2005, 'a non-empty array over ""');
    });

    it('generation 3: a body that is not JSON, or nested too deep to sort, is signed as sent', async () => {
      for (const body of ['hello', '{"a":', 'null x']) {
        expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body, signBody: body }), 60011, `${body} as sent`);
        expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body, signBody: '' }), 2005, `${body} over ""`);
      }
      // 70 levels of arrays under an object whose keys are out of order: only the text as sent is accepted
      const deep = `{"b":1,"a":${'['.repeat(70)}${']'.repeat(70)}}`;
      const sorted = `{"a":${'['.repeat(70)}${']'.repeat(70)},"b":1}`;
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: deep, signBody: deep }), 60011, 'deep, as sent');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: deep, signBody: sorted }), 2005, 'deep, sorted');
      // a shallow one is signed sorted (and then not as sent)
      const shallow = '{"b":1,"a":[[]]}';
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: shallow, signBody: '{"a":[[]],"b":1}' }), 60011, 'shallow, sorted');
      expectError(await raw(g.h, 'PATCH', CANCEL0, { keys: GEN3, body: shallow, signBody: shallow }), 2005, 'shallow, as sent');
    });

    it('HEAD is a read as GET is', async () => {
      const head = (o: RawOptions) => raw(g.h, 'HEAD', '/api/v1/balance', o);
      expect((await head({ signBody: '' })).status).toBe(200);
      expect((await head({ signBody: '{}' })).status).toBe(200);
      expect((await head({ secret: 'wrong' })).status).toBe(ERROR_TABLE[60006][1]);
      expect((await head({ keys: GEN3, signBody: '' })).status).toBe(200);
      // generation 3 signs "" for a read, never "{}"
      expect((await head({ keys: GEN3, signBody: '{}' })).status).toBe(ERROR_TABLE[2005][1]);
    });
  });

  describe('nonces', () => {
    it('generation 1: accepts a nonce of exactly now (unix seconds), refuses one a second earlier (60007)', async () => {
      const late = await get({ keys: AT_NOW, nonce: String(nowS() - 1) });
      expectError(late, 60007, 'now - 1');
      const r = await atFreshSecond((s) => get({ keys: AT_NOW, nonce: String(s) }));
      expectOk(r, 'now');
    });

    it('generation 1: accepts a nonce of now + 3900 s, refuses now + 3901 s (20006)', async () => {
      expectError(await atFreshSecond((s) => get({ keys: BEYOND, nonce: String(s + 3901) })), 20006, 'now + 3901');
      expectOk(await atFreshSecond((s) => get({ keys: AHEAD, nonce: String(s + 3900) })), 'now + 3900');
    });

    for (const [k, code] of [
      [REPLAY1, 20006],
      [REPLAY3, 2007],
    ] as const) {
      it(`generation ${k.generation}: refuses a nonce not above the last one (${code}) before the request's transaction`, async () => {
        const first = k.generation === 1 ? BigInt(nowS() + 300) : BigInt(Date.now()) * 100_000n;
        const send = (n: bigint) => get({ keys: k, nonce: String(n) });
        // the key's first request (no nonce accepted before)
        const ok = await send(first);
        expectOk(ok, 'first');
        const again = await send(first);
        expectError(again, code, 'the same nonce');
        const lower = await send(first - 1n);
        expectError(lower, code, 'a lower nonce');
        const higher = await send(first + 1n);
        expectOk(higher, 'a higher nonce');
        // the refused ones never reached the request's transaction: the request log keeps them under no merchant
        for (const [r, merchantId] of [
          [ok, k.merchantId],
          [again, null],
          [lower, null],
          [higher, k.merchantId],
        ] as const) {
          const rec = await logged(g.h, r.headers.get('x-polypay-request-id'));
          expect(rec.merchantId, `${rec.status}`).toBe(merchantId);
          expect(rec.subjects).toEqual([]);
        }
      });
    }
  });

  describe('the signed request', () => {
    it("lists a pay-in's creation in its timeline, and no object for a refused request", async () => {
      const created = await raw(g.h, 'POST', '/api/v1/pay-in', {
        body: JSON.stringify({ externalID: ext('tl'), currency: 'RUB', amount: '1000' }),
      });
      expectOk(created, 'create');
      const id = created.json.data.id as string;
      const requestId = created.headers.get('x-polypay-request-id');
      const res = await fetch(`${g.h.url}/admin/api/objects/way2pay_payin/${id}/timeline`, {
        headers: { authorization: `Bearer ${g.h.gw.adminToken}` },
      });
      expect(res.status).toBe(200);
      const entries = ((await res.json()) as { entries: Array<{ kind: string; data: Record<string, unknown> }> }).entries;
      const requests = entries.filter((e) => e.kind === 'request');
      expect(requests.map((e) => [e.data.requestId, e.data.method, e.data.path, e.data.merchantId, e.data.status])).toEqual([
        [requestId, 'POST', '/way2pay/api/v1/pay-in', GEN1.merchantId, 200],
      ]);
      expect((await logged(g.h, requestId)).subjects).toEqual([`way2pay_payin:${id}`]);
      // a business error touches nothing: its record names the merchant and no object
      const missing = await raw(g.h, 'GET', `/api/v1/pay-in/${UUID0}`);
      expectError(missing, 60011);
      const rec = await logged(g.h, missing.headers.get('x-polypay-request-id'));
      expect(rec.merchantId).toBe(GEN1.merchantId);
      expect(rec.subjects).toEqual([]);
    });

    it('rolls the whole request back on an internal fault, its nonce too: the same signed request may be sent again', async () => {
      const externalID = ext('fault');
      // the database refuses this one insert, as it would on a full disk (a trigger: nothing of the gateway is replaced)
      const ddl =
        store === 'sqlite'
          ? [
              sql`create trigger w2p_edge_fault before insert on way2pay_payins when new.external_id = ${sql.lit(externalID)}
                  begin select raise(abort, 'injected fault'); end`,
            ]
          : [
              sql`create function w2p_edge_fault() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`,
              sql`create trigger w2p_edge_fault before insert on way2pay_payins for each row
                  when (new.external_id = ${sql.lit(externalID)}) execute function w2p_edge_fault()`,
            ];
      const undo =
        store === 'sqlite'
          ? [sql`drop trigger w2p_edge_fault`]
          : [sql`drop trigger w2p_edge_fault on way2pay_payins`, sql`drop function w2p_edge_fault()`];
      const run = (stmts: typeof ddl) =>
        g.h.gw.engine.transaction(async (tx) => {
          for (const s of stmts) await s.execute(tx.db());
        });
      const nonce = String(nowS() + 300);
      const send = () =>
        raw(g.h, 'POST', '/api/v1/pay-in', { keys: FAULT, nonce, body: JSON.stringify({ externalID, currency: 'RUB', amount: '1000' }) });
      await run(ddl);
      let failed: RawResponse;
      try {
        failed = await send();
      } finally {
        await run(undo);
      }
      expectError(failed, 40000, 'internal fault');
      const again = await send();
      expectOk(again, 'the same request again');
      expect(again.json.data.externalID).toBe(externalID);
      // the nonce is used now
      expectError(await send(), 20006, 'a third time');
    });
  });
});
