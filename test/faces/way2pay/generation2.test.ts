// Way2Pay's intermediate auth generation (2), over real HTTP on SQLite and PostgreSQL: headers `Public-Key`,
// `Expires`, `Signature` = hex HMAC-SHA512(secret key, path + JSON body with sorted keys + Expires), the body ""
// for a GET (`/api/v1/balance1721585422`); Expires is a unix time in seconds after which the request is refused.
// The expected signatures are computed here with node:crypto from that formula, not with the face's code.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Way2PayClient } from '../../../src/faces/way2pay/client.js';
import { startTestGateway, useGateway } from '../../helpers/gateway.js';
import { bodyOf } from '../../helpers/http.js';
import { STORES } from '../../helpers/stores.js';
import { ext, FACES, GEN1, sortObjectKeys, UUID, W2P_SEED } from './helpers.js';
import type { Seed } from '../../../src/operator/seed.js';

const GEN2 = { merchantId: 'w2p_gen2', publicKey: 'w2p_pk_gen2', secretKey: 'w2p_sk_gen2' };
const SEED: Seed = {
  merchants: [
    ...W2P_SEED.merchants,
    {
      id: GEN2.merchantId,
      name: 'Way2Pay Expires Shop',
      way2pay: { publicKey: GEN2.publicKey, secretKey: GEN2.secretKey, generation: 2, payoutBalance: '1000.00' },
    },
  ],
};

/** Generation 2: hex HMAC-SHA512 of path + body with sorted keys ("" without one) + Expires. */
function sign2(secret: string, path: string, body: string, expires: string): string {
  return createHmac('sha512', secret).update(`${path}${body}${expires}`).digest('hex');
}

const nowS = () => Math.floor(Date.now() / 1000);
let bump = 0;
/** A fresh Expires: five minutes ahead, one more second for each request (each must exceed the last). */
const freshExpires = () => String(nowS() + 300 + ++bump);

interface Gen2Request {
  keys?: { publicKey: string; secretKey: string };
  body?: Record<string, unknown>;
  expires?: string;
  secret?: string;
  headers?: Record<string, string | undefined>;
}

async function gen2(url: string, method: string, path: string, o: Gen2Request = {}) {
  const k = o.keys ?? GEN2;
  const expires = o.expires ?? freshExpires();
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const signedBody = o.body === undefined ? '' : JSON.stringify(sortObjectKeys(o.body));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'public-key': k.publicKey,
    expires,
    signature: sign2(o.secret ?? k.secretKey, path, signedBody, expires),
  };
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const res = await fetch(`${url}/way2pay${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, ...(await bodyOf(res)) };
}

const GEN2_PAYIN_KEYS = [
  'id',
  'externalID',
  'trackerID',
  'status',
  'amount',
  'commission',
  'currency',
  'bank',
  'method',
  'cardNumber',
  'accountNumber',
  'phoneNumber',
  'nspkURL',
  'holder',
  'description',
  'createdAt',
  'updatedAt',
];

const payInBody = () => ({ amount: '1000', bankId: 1, currencyId: 1, externalID: ext('g2'), method: 'CARD' });

describe.each(STORES)('Way2Pay generation 2 (Expires) on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, SEED, undefined, { faces: FACES }));

  it('serves a request signed over path + sorted body + Expires, and a GET over path + Expires', async () => {
    const made = await gen2(g.h.url, 'POST', '/api/v1/pay-in', { body: payInBody() });
    expect(made.status, made.text).toBe(200);
    expect(made.json.success).toBe(true);
    expect(made.json.data).toMatchObject({ id: expect.stringMatching(UUID), status: 'PENDING', amount: '1000', currency: 'RUB' });
    // the pay-in of that generation's documents: the requisite under its kind's own key, not `receiver`
    expect(Object.keys(made.json.data)).toEqual(GEN2_PAYIN_KEYS);
    expect(made.json.data).toMatchObject({ bank: 'Сбер', method: 'CARD', accountNumber: null, phoneNumber: null, nspkURL: null });
    expect(made.json.data.cardNumber).toMatch(/^\d{16}$/);
    const read = await gen2(g.h.url, 'GET', `/api/v1/pay-in/${made.json.data.id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.json.data.id).toBe(made.json.data.id);
    const balance = await gen2(g.h.url, 'GET', '/api/v1/balance');
    expect(balance.status, balance.text).toBe(200);
    expect(balance.json.data.balance.payout).toEqual({ currency: 'RUB', available: '1000', frozen: '0' });
  });

  it('refuses an expired Expires with "request timeout", a replayed or lower one, and one too far ahead', async () => {
    const expired = await gen2(g.h.url, 'GET', '/api/v1/balance', { expires: String(nowS() - 5) });
    expect(expired.status, expired.text).toBe(408);
    expect(expired.json).toEqual({ success: false, error: { message: 'request timeout', code: 60007 } });

    const expires = freshExpires();
    const first = await gen2(g.h.url, 'POST', '/api/v1/pay-in', { body: payInBody(), expires });
    expect(first.status, first.text).toBe(200);
    const replay = await gen2(g.h.url, 'GET', '/api/v1/balance', { expires });
    expect(replay.status, replay.text).toBe(400);
    expect(replay.json).toEqual({ success: false, error: { message: 'nonce header value missing or outdated', code: 20006 } });
    const lower = await gen2(g.h.url, 'GET', '/api/v1/balance', { expires: String(Number(expires) - 1) });
    expect(lower.json.error.code, lower.text).toBe(20006);

    const farAhead = await gen2(g.h.url, 'GET', '/api/v1/balance', { expires: String(nowS() + 86_400) });
    expect(farAhead.status, farAhead.text).toBe(400);
    expect(farAhead.json.error.code).toBe(20006);
    // none of the refused ones used up a later Expires: the next fresh one passes
    expect((await gen2(g.h.url, 'GET', '/api/v1/balance')).status).toBe(200);
  });

  it("answers a wrong signature, an unknown key and another generation's key alike: 60006", async () => {
    const wrong = await gen2(g.h.url, 'GET', '/api/v1/balance', { secret: 'not-the-secret' });
    expect(wrong.status, wrong.text).toBe(401);
    expect(wrong.json).toEqual({ success: false, error: { message: 'invalid Signature', code: 60006 } });
    const unknown = await gen2(g.h.url, 'GET', '/api/v1/balance', { keys: { publicKey: 'w2p_pk_nobody', secretKey: 'x' } });
    expect(unknown.json).toEqual(wrong.json);
    // a generation 1 merchant's key signed the generation 2 way is not a generation 2 merchant
    const otherGen = await gen2(g.h.url, 'GET', '/api/v1/balance', { keys: GEN1 });
    expect(otherGen.json).toEqual(wrong.json);
    // the body is signed: another body under the same signature fails
    const expires = freshExpires();
    const body = payInBody();
    const tampered = await fetch(`${g.h.url}/way2pay/api/v1/pay-in`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'public-key': GEN2.publicKey,
        expires,
        signature: sign2(GEN2.secretKey, '/api/v1/pay-in', JSON.stringify(sortObjectKeys(body)), expires),
      },
      body: JSON.stringify({ ...body, amount: '999' }),
    });
    expect(tampered.status).toBe(401);
  });

  it('is a stored generation: the admin API creates and describes it, the export keeps it, the client signs it', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${g.h.url}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${g.h.gw.adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
    const created = await admin('POST', '/merchants', { id: 'w2p_gen2_admin', name: 'Gen 2 by admin', way2pay: { generation: 2 } });
    expect(created.status).toBe(201);
    const described = created.json.faces.way2pay as { publicKey: string; secretKey: string; generation: string };
    expect(described.generation).toBe('2');
    const exported = await admin('GET', '/export');
    const section = exported.json.merchants.find((m: { id: string }) => m.id === 'w2p_gen2_admin').way2pay;
    expect(JSON.stringify(section)).toContain('"generation":2');

    const c = new Way2PayClient({
      baseUrl: `${g.h.url}/way2pay`,
      publicKey: described.publicKey,
      secretKey: described.secretKey,
      generation: 2,
      nonce: () => '1721585422',
    });
    const signed = c.sign('GET', '/api/v1/balance');
    expect(signed.headers).toEqual({
      'Content-Type': 'application/json',
      Expires: '1721585422',
      'Public-Key': described.publicKey,
      Signature: sign2(described.secretKey, '/api/v1/balance', '', '1721585422'),
    });
    const live = new Way2PayClient({
      baseUrl: `${g.h.url}/way2pay`,
      publicKey: described.publicKey,
      secretKey: described.secretKey,
      generation: 2,
    });
    const p = await live.createPayIn({ bankId: 1, externalID: ext('g2c'), currencyId: 1, amount: '1500', method: 'CARD' });
    expect(p.status).toBe('PENDING');
    expect((await live.getPayIn(p.id)).id).toBe(p.id);
    expect((await live.balance()).balance.payment.currency).toBe('RUB');
  });
});
