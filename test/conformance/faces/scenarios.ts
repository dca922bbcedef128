// The one list of scenarios every face is run through (test/conformance/faces.test.ts). Each scenario drives a face
// through its adapter and asserts what a merchant sees through the face's own API (normalised by the adapter), the
// provider's documented wire fields (written in the adapter), and the operator's view (the admin API's timeline).
import { expect } from 'vitest';
import { TEST_CARDS } from '../../../src/core/network/test-cards.js';
import { MERCHANT_A } from '../../reliability/faces.js';
import { eventually } from '../../helpers/eventually.js';
import type { Received } from '../../helpers/receiver.js';
import type { DeclineReason, Env, FaceAdapter, Made, ScenarioName, Seen } from './adapter.js';

export interface Case {
  title: string;
  run(a: FaceAdapter, e: Env): Promise<void>;
}

const APPROVED_CARD = '4000000000003055'; // Visa, no 3-D Secure, approved
const THREE_DS_CARD = '4242424242424242'; // Visa, 3-D Secure (approve/decline page), approved
const AMOUNT = 150_000n; // 1 500.00 in every currency the faces use

/** The decline card of each reason a card payment can be declined with (docs/test-cards.md). */
export const DECLINES: Array<{ reason: DeclineReason; pan: string }> = TEST_CARDS.filter(
  (c) => c.group === 'decline' && c.payment !== 'approve',
).map((c) => ({ reason: c.payment as DeclineReason, pan: c.pan }));

function need<T>(op: T | undefined, what: string): T {
  if (op === undefined) throw new Error(`the adapter has no ${what}: implement it, or skip the scenario with the provider's reason`);
  return op;
}

/** What the face shows settles on `want` (some faces finish completions and voids in a job right after the request). */
async function settles(a: FaceAdapter, e: Env, m: Made, want: Partial<Seen>): Promise<void> {
  await eventually(async () => expect(await a.read(e, m)).toMatchObject(want));
}

async function declined(a: FaceAdapter, e: Env, m: Made, reason: DeclineReason): Promise<void> {
  await settles(a, e, m, { state: 'declined' });
  expect(await need(a.declineOf, 'declineOf')(e, m)).toEqual(need(a.expectedDecline, 'expectedDecline')(reason));
}

function isFor(a: FaceAdapter, r: Received, m: Made, path: string): boolean {
  if (!r.url.startsWith(path)) return false;
  try {
    return need(a.webhook, 'webhook').isFor(r, m);
  } catch {
    return false;
  }
}

const one = (title: string, run: Case['run']): Case[] => [{ title, run }];

export const CASES: Record<ScenarioName, Case[]> = {
  'approved payment': one('approved payment', async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT });
    await settles(a, e, m, { state: 'approved', amount: AMOUNT });
  }),

  'declined with each reason': DECLINES.map(({ reason, pan }) => ({
    title: `declined: ${reason}`,
    async run(a, e) {
      await declined(a, e, await a.pay(e, { pan, amount: AMOUNT }), reason);
    },
  })),

  '3-D Secure approved': one('3-D Secure approved', async (a, e) => {
    const m = await need(a.pay3ds, 'pay3ds')(e, { pan: THREE_DS_CARD, amount: AMOUNT, approve: true });
    await settles(a, e, m, { state: 'approved', amount: AMOUNT });
  }),

  '3-D Secure declined': one('3-D Secure declined', async (a, e) => {
    const m = await need(a.pay3ds, 'pay3ds')(e, { pan: THREE_DS_CARD, amount: AMOUNT, approve: false });
    await declined(a, e, m, 'authentication_failed');
  }),

  'partial refund': one('partial refund, then the rest', async (a, e) => {
    const refund = need(a.refund, 'refund');
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT });
    await settles(a, e, m, { state: 'approved' });
    await refund(e, m, 50_000n);
    await settles(a, e, m, { state: 'partially_refunded', amount: AMOUNT });
    await refund(e, m, AMOUNT - 50_000n);
    await settles(a, e, m, { state: 'refunded', amount: AMOUNT });
  }),

  'full refund': one('full refund', async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT });
    await settles(a, e, m, { state: 'approved' });
    await need(a.refund, 'refund')(e, m, AMOUNT);
    await settles(a, e, m, { state: 'refunded', amount: AMOUNT });
  }),

  'hold then capture': one('hold then capture', async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT, hold: true });
    await settles(a, e, m, { state: 'held', amount: AMOUNT });
    await need(a.capture, 'capture')(e, m, AMOUNT);
    await settles(a, e, m, { state: 'approved', amount: AMOUNT });
  }),

  'hold then void': one('hold then void', async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT, hold: true });
    await settles(a, e, m, { state: 'held', amount: AMOUNT });
    await need(a.void, 'void')(e, m);
    await settles(a, e, m, { state: 'voided' });
  }),

  'signed webhook': one('a signed webhook reaches a real receiver and its signature verifies', async (a, e) => {
    const hooks = need(a.webhook, 'webhook');
    const path = `/conformance/${a.face}`;
    const m = await hooks.make(e, `${e.rx.url}${path}`);
    const got = (await e.rx.waitFor((rs) => rs.some((r) => isFor(a, r, m, path)))).filter((r) => isFor(a, r, m, path));
    for (const r of got) expect(await hooks.verify(e, r), `${r.method} ${r.url} ${r.body}`).toBe(true);
    // the check can fail: an altered body no longer verifies
    expect(await hooks.verify(e, { ...got[0]!, body: got[0]!.body + ' ' })).toBe(false);
  }),

  'idempotent replay': one("a repeat through the provider's idempotency mechanism makes one object", async (a, e) => {
    const r = await need(a.replay, 'replay')(e);
    if (r.mode === 'replayed') expect(r.second).toEqual(r.first);
    else expect(r.second).toMatchObject(need(r.expectedSecond as object | undefined, 'expectedSecond'));
    expect(r.made).toBe(1);
  }),

  'cross-merchant access refused': one("merchant B's credentials on merchant A's object are refused", async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT });
    await settles(a, e, m, { state: 'approved' });
    const before = await a.read(e, m);
    const attempts = await a.crossMerchant(e, m);
    expect(attempts.length).toBeGreaterThan(0);
    for (const t of attempts) expect(t.answer, t.what).toMatchObject(t.expected as object);
    expect(await a.read(e, m)).toEqual(before);
  }),

  'request in the timeline': one('the request that made a payment is in its timeline, under the merchant', async (a, e) => {
    const m = await a.pay(e, { pan: APPROVED_CARD, amount: AMOUNT });
    const s = await a.subject(e, m);
    const tl = await e.admin('GET', `/objects/${s.type}/${s.id}/timeline`);
    expect(tl.status).toBe(200);
    const requests = (tl.json.entries as Array<{ kind: string; data: { face: string; merchantId: string | null; path: string } }>)
      .filter((x) => x.kind === 'request')
      .map((x) => x.data);
    expect(requests).toContainEqual(
      expect.objectContaining({ face: a.face, merchantId: MERCHANT_A, path: expect.stringMatching(a.creatingRequest) }),
    );
  }),
};
