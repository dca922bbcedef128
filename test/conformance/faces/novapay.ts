// NovaPay through its typed client (x-sign: RSA over the exact body bytes). A payment is a session, a payment added
// to it (`use_hold` for two-stage), and the payer on the hosted page (the card form, then the ACS for 3-D Secure
// cards); it is read back with /get-status.
import { verify } from 'node:crypto';
import { expect } from 'vitest';
import { NovapayClient } from '../../../src/faces/novapay/client.js';
import { NOVA } from '../../reliability/faces.js';
import { parseForm, postForm } from '../../helpers/browser-lite.js';
import type { Received } from '../../helpers/receiver.js';
import type { Env, FaceAdapter, Made, State } from './adapter.js';
import { answerAcs, answerOf, findSubject, headerOf, majorOf, minorOf } from './common.js';

type Who = keyof typeof NOVA;
interface Session extends Made {
  /** whether the session was paid (completed) before a void: NovaPay's refund is the void of a paid session */
  paid: boolean;
}

const PHONE = '+380982850620';
const client = (e: Env, who: Who = 'A') =>
  new NovapayClient({ baseUrl: `${e.h.url}/novapay/v1`, merchantId: NOVA[who].merchantId, privateKey: NOVA[who].privateKey });

/** The session statuses of NovaPay's documents. */
const STATE_OF: Record<string, State> = {
  created: 'pending',
  processing: 'pending',
  holded: 'held',
  hold_confirmed: 'held',
  processing_hold_completion: 'pending',
  paid: 'approved',
  failed: 'declined',
  expired: 'declined',
  processing_void: 'pending',
  voided: 'voided',
};

/** The payer on the hosted page: the card form, then (for a 3-D Secure card) the ACS and back to the page. */
async function payOnPage(url: string, pan: string, acs?: boolean): Promise<void> {
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`the payment page answered ${page.status}`);
  const form = parseForm(await page.text(), url, 'pay');
  const res = await postForm(form.action, { ...form.fields, number: pan, exp: '12/30', cvv: '123', holder: 'TARAS SHEVCHENKO' });
  if (acs === undefined) return;
  const term = await answerAcs(parseForm(await res.text(), form.action), acs);
  await postForm(term.action, term.fields);
}

async function session(e: Env, amount: bigint, o: { hold?: boolean; callbackUrl?: string } = {}) {
  const c = client(e);
  const s = await c.createSession({ client_phone: PHONE, ...(o.callbackUrl ? { callback_url: o.callbackUrl } : {}) });
  const p = await c.addPayment({ session_id: s.id, amount: Number(majorOf(amount)), use_hold: o.hold === true });
  return { id: s.id, url: p.url };
}

/** A NovaPay answer of merchant `who`, whatever its status. */
async function raw(e: Env, who: Who, path: string, body: Record<string, unknown>) {
  const r = await client(e, who).raw(path, JSON.stringify({ merchant_id: NOVA[who].merchantId, ...body }));
  return answerOf(new Response(r.text, { status: r.status }));
}

/** RSA PKCS#1 v1.5 over the exact body bytes, base64: X-Sign with SHA-1, x-sign-v2 with SHA-256. */
const rsaHolds = (body: string, signature: string, key: string, algorithm: 'sha1' | 'sha256') =>
  signature !== '' && verify(algorithm, Buffer.from(body), key, Buffer.from(signature, 'base64'));

/** NovaPay's documented processing error for a session the merchant does not have. */
const notFound = { status: 400, body: { type: 'processing', error: 'session not found' } };

export const novapay: FaceAdapter<Session> = {
  face: 'novapay',
  skip: [
    {
      reason: 'NovaPay refunds by voiding a paid session (its whole amount, until 23:59 of the payment day); it has no partial refund',
      scenarios: ['partial refund'],
    },
    {
      reason:
        'NovaPay documents no idempotency mechanism: its x-sign covers the body only (no nonce or time), and a repeated request is served again',
      scenarios: ['idempotent replay'],
    },
  ],
  knownFailures: [],

  async pay(e, o) {
    const s = await session(e, o.amount, { hold: o.hold === true });
    await payOnPage(s.url, o.pan);
    return { ref: s.id, paid: o.hold !== true };
  },

  async pay3ds(e, o) {
    const s = await session(e, o.amount);
    await payOnPage(s.url, o.pan, o.approve);
    return { ref: s.id, paid: o.approve };
  },

  async read(e, m) {
    const s = await client(e).getStatus(m.ref);
    const state = s.status === 'voided' && m.paid ? 'refunded' : STATE_OF[s.status];
    if (!state) throw new Error(`an undocumented session status: ${s.status}`);
    return { state, amount: minorOf(s.amount ?? '0') };
  },

  async declineOf(e, m) {
    const s = await client(e).getStatus(m.ref);
    return { processing_result: s.processing_result };
  },

  // NovaPay documents no decline codes: a declined session is `failed` and says why in processing_result (free text)
  expectedDecline: () => ({ processing_result: expect.stringMatching(/\S/) }),

  async refund(e, m, amount) {
    expect((await client(e).getStatus(m.ref)).amount, 'NovaPay refunds a whole session').toBe(majorOf(amount));
    expect(await client(e).void(m.ref)).toBeNull();
  },

  async capture(e, m, amount) {
    expect(await client(e).completeHold(m.ref, Number(majorOf(amount)))).toBeNull();
    m.paid = true;
  },

  async void(e, m) {
    expect(await client(e).void(m.ref)).toBeNull();
  },

  webhook: {
    async make(e, url) {
      const s = await session(e, 12_345n, { callbackUrl: url });
      await payOnPage(s.url, '4000000000003055');
      return { ref: s.id, paid: true };
    },
    isFor: (r: Received, m: Session) => (JSON.parse(r.body) as { id?: string }).id === m.ref,
    async verify(e, r) {
      const key = await client(e).publicKey();
      return (
        rsaHolds(r.body, headerOf(r.headers, 'x-sign'), key, 'sha1') && rsaHolds(r.body, headerOf(r.headers, 'x-sign-v2'), key, 'sha256')
      );
    },
  },

  async crossMerchant(e, m) {
    return [
      { what: "B reads A's session", answer: await raw(e, 'B', '/get-status', { session_id: m.ref }), expected: notFound },
      { what: "B voids A's session", answer: await raw(e, 'B', '/void', { session_id: m.ref }), expected: notFound },
      { what: "B expires A's session", answer: await raw(e, 'B', '/expire', { session_id: m.ref }), expected: notFound },
    ];
  },

  creatingRequest: /^\/novapay\/v1\/(session|payment)$/,
  subject: (e, m) => findSubject(e, m.ref, 'payment'),
};
