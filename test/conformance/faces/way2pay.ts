// Way2Pay through its typed client (merchant A signs with generation 1, merchant B with generation 3). Way2Pay's
// payment is a pay-in: the payer transfers the amount to the requisites it shows, and the provider confirms the
// transfer; here the gateway's sandbox route (behind the admin token) plays the payer and the provider.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'vitest';
import { Way2PayClient, type Way2PayStatus } from '../../../src/faces/way2pay/client.js';
import { W2P } from '../../reliability/faces.js';
import type { Received } from '../../helpers/receiver.js';
import type { Env, FaceAdapter, Made, State } from './adapter.js';
import { answerOf, findSubject, headerOf, majorOf, minorOf } from './common.js';

type Who = keyof typeof W2P;
type PayIn = Made;

const client = (e: Env, who: Who = 'A') =>
  new Way2PayClient({
    baseUrl: `${e.h.url}/way2pay`,
    publicKey: W2P[who].publicKey,
    secretKey: W2P[who].secretKey,
    generation: W2P[who].generation,
  });

let external = 0;
const externalId = () => `conf-${process.pid}-${++external}`;

/** The pay-in and pay-out statuses of Way2Pay's documents. */
const STATE_OF: Record<Way2PayStatus, State> = {
  CREATED: 'pending',
  PENDING: 'pending',
  PROCESSING: 'pending',
  COMPLETED: 'approved',
  TIMEOUT: 'declined',
  CANCELLED: 'voided',
  ERROR: 'declined',
  INCORRECT_AMOUNT: 'declined',
  REFUNDED: 'refunded',
};

/** A pay-in of merchant A (the original README's body), then the payer's transfer, confirmed. */
async function payIn(e: Env, amount: bigint, callbackURL?: string): Promise<PayIn> {
  const p = await client(e).createPayIn({
    externalID: externalId(),
    currency: 'RUB',
    amount: majorOf(amount),
    ...(callbackURL ? { callbackURL } : {}),
  });
  const paid = await fetch(`${e.h.url}/way2pay/sandbox/pay-in/${p.id}/pay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.h.gw.adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(paid.status, await paid.clone().text()).toBe(200);
  return { ref: p.id };
}

/** A signed request of merchant `who`, whatever its answer. */
async function raw(e: Env, who: Who, method: string, path: string, body?: Record<string, unknown>) {
  const r = client(e, who).sign(method, path, body);
  return answerOf(await fetch(r.url, { method: r.method, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) }));
}

/** Way2Pay's documented error answer with its code. */
const error = (status: number, code: number) => ({ status, body: { success: false, error: { code, message: expect.any(String) } } });

export const way2pay: FaceAdapter<PayIn> = {
  face: 'way2pay',
  skip: [
    {
      reason:
        'Way2Pay pay-ins are transfers the payer makes to the requisites shown: no card is charged, so there is no issuer decline and no 3-D Secure',
      scenarios: ['declined with each reason', '3-D Secure approved', '3-D Secure declined'],
    },
    {
      reason: "Way2Pay's merchant API has no refund (REFUNDED is set by the provider) and no holds to capture or void",
      scenarios: ['partial refund', 'full refund', 'hold then capture', 'hold then void'],
    },
  ],
  knownFailures: [],

  pay: (e, o) => payIn(e, o.amount),

  async read(e, m) {
    const p = await client(e).getPayIn(m.ref);
    return { state: STATE_OF[p.status], amount: minorOf(p.amount) };
  },

  webhook: {
    make: (e, url) => payIn(e, 12_345n, url),
    isFor: (r: Received, m: PayIn) => (JSON.parse(r.body) as { id?: string }).id === m.ref,
    async verify(_e, r) {
      // X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, X-Webhook-Timestamp + "." + raw body)>
      const ts = headerOf(r.headers, 'x-webhook-timestamp');
      const expected = Buffer.from('sha256=' + createHmac('sha256', W2P.A.secretKey).update(`${ts}.${r.body}`, 'utf8').digest('hex'));
      const got = Buffer.from(headerOf(r.headers, 'x-webhook-signature'));
      return ts !== '' && got.length === expected.length && timingSafeEqual(got, expected);
    },
  },

  async replay(e) {
    // externalID: unique per merchant; a repeat is refused (60010) and makes nothing
    const body = { externalID: externalId(), currency: 'RUB', amount: '1500.00' };
    const first = await raw(e, 'A', 'POST', '/api/v1/pay-in', body);
    const second = await raw(e, 'A', 'POST', '/api/v1/pay-in', body);
    expect(first.body.success, first.text).toBe(true);
    const list = await client(e).listPayIns({ externalID: body.externalID });
    return {
      mode: 'refused',
      first,
      second: { status: second.status, body: second.body },
      expectedSecond: error(409, 60010),
      made: list.total,
    };
  },

  async crossMerchant(e, m) {
    return [
      { what: "B reads A's pay-in", answer: await raw(e, 'B', 'GET', `/api/v1/pay-in/${m.ref}`), expected: error(404, 60011) },
      { what: "B cancels A's pay-in", answer: await raw(e, 'B', 'PATCH', `/api/v1/pay-in/${m.ref}/cancel`), expected: error(404, 60011) },
    ].map((a) => ({ ...a, answer: { status: a.answer.status, body: a.answer.body } }));
  },

  creatingRequest: /^\/way2pay\/api\/v1\/pay-in$/,
  subject: (e, m) => findSubject(e, m.ref, 'way2pay_payin'),
};
