// The payment state machine through the Engine over both real stores, with exact amounts, times, events and
// ledger balances at every step (the figures a face reports come from here).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { CardSource, CreatePayment } from '../../src/core/payments.js';
import { deserializePayment, draftPayment, isFinal, serializePayment } from '../../src/core/payments.js';
import type { Payment } from '../../src/core/model.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, money, openEngine, type EngineRig } from './engine-harness.js';

/** Cards from the published test-card list (docs/test-cards.md). */
const NO_3DS = '4000000000003055';
const WITH_3DS = '4242424242424242';
const OTP_CARD = '4000000000000101';
const THEN_DECLINED = '4000000000000200';
const TOKEN_DECLINES = '4111111111111111';
const STOLEN = '4000005043000000';

const card = (number: string, expYear = 2099): CardSource => ({ kind: 'card', card: { number, expMonth: 12, expYear, cvv: '123' } });

describe.each(STORES)('payments on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  let t0: number;

  // set up in the first test's hook, not in beforeAll: mutation testing then knows which test ran the setup code
  beforeEach(async () => {
    if (rig) return;
    rig = await openEngine(kind);
    engine = rig.engine;
    await engine.transaction((tx) => engine.merchants.create(tx, { id: 'm2', name: 'M2', credentials: [] }));
  });
  afterAll(() => rig?.close());

  const create = (amount: bigint, more: Partial<CreatePayment> = {}) =>
    engine.transaction((tx) =>
      engine.payments.create(tx, { merchantId: 'm1', face: 'cloudpayments', amount, currency: 'RUB', captureMode: 'manual', ...more }),
    );
  const authorize = (id: number, source: CardSource = card(NO_3DS), more: Record<string, unknown> = {}) =>
    engine.transaction((tx) => engine.payments.authorize(tx, id, { source, merchantName: 'Shop M1', ...more }));
  const get = (id: number) => engine.read((tx) => engine.payments.get(tx, id));
  const events = (id: number) => engine.read((tx) => tx.outbox.list('payment', String(id)));
  const transfers = (refType: string, id: number) => engine.read((tx) => tx.ledger.listTransfersByRef(refType, String(id)));
  const tick = () => {
    engine.clock.advance(1000);
    return engine.clock.now();
  };

  it('creates a payment with its defaults, its event and nothing in the ledger', async () => {
    t0 = tick();
    const before = money(await rig.balance());
    const p = await create(1050n);
    expect(p).toMatchObject({
      merchantId: 'm1',
      face: 'cloudpayments',
      status: 'created',
      amount: 1050n,
      currency: 'RUB',
      capturedAmount: 0n,
      refundedAmount: 0n,
      captureMode: 'manual',
      card: null,
      declineReason: null,
      authCode: null,
      rrn: null,
      holdTransferId: null,
      challengeId: null,
      description: null,
      invoiceId: null,
      payerRef: null,
      email: null,
      ip: null,
      metadata: {},
      testMode: true,
      expiresAt: null,
      createdAt: t0,
      updatedAt: t0,
      authorizedAt: null,
      capturedAt: null,
      voidedAt: null,
      declinedAt: null,
    });
    expect(await get(p.id)).toEqual(p);
    const [e] = await events(p.id);
    expect([e!.type, e!.merchantId, e!.face, e!.subjectType, e!.subjectId]).toEqual([
      'payment.created',
      'm1',
      'cloudpayments',
      'payment',
      String(p.id),
    ]);
    expect((e!.payload.payment as Record<string, unknown>).amount).toBe('1050');
    expect(money(await rig.balance())).toEqual(before);
  });

  it('keeps what the face gives, and uses the id it reserved', async () => {
    const id = await engine.transaction((tx) => tx.sequences.nextTransactionId());
    const p = await create(7n, {
      id,
      description: 'd',
      invoiceId: 'inv',
      payerRef: 'payer',
      email: 'a@b.c',
      ip: '10.0.0.1',
      metadata: { k: 'v' },
      testMode: false,
      captureMode: 'auto',
    });
    expect(p).toMatchObject({
      id,
      description: 'd',
      invoiceId: 'inv',
      payerRef: 'payer',
      email: 'a@b.c',
      ip: '10.0.0.1',
      metadata: { k: 'v' },
      testMode: false,
      captureMode: 'auto',
    });
  });

  it('refuses an amount of zero or above fifteen digits', async () => {
    expect(await codeOf(create(0n))).toBe('AMOUNT_TOO_SMALL');
    expect(await codeOf(create(1_000_000_000_000_000n))).toBe('AMOUNT_TOO_LARGE');
    expect((await create(999_999_999_999_999n)).amount).toBe(999_999_999_999_999n);
  });

  it('authorizes a manual payment: a hold from the network to the merchant, exact to the kopeck', async () => {
    const bal = money(await rig.balance());
    const net = money(await rig.network());
    const p = await create(2500n);
    const at = tick();
    const r = await authorize(p.id);
    expect(r.kind).toBe('approved');
    expect(r.payment).toMatchObject({ status: 'authorized', authorizedAt: at, updatedAt: at, capturedAmount: 0n });
    expect(r.payment.authCode).toMatch(/^[A-HJ-NP-Z0-9]{6}$/);
    expect(r.payment.rrn).toMatch(/^\d{12}$/);
    expect(r.payment.card).toMatchObject({ first6: '400000', last4: '3055', brand: 'Visa', expMonth: 12, expYear: 2099, holder: null });
    expect(money(await rig.balance())).toEqual({ ...bal, pendingIn: bal.pendingIn + 2500n, frozenIn: bal.frozenIn + 2500n });
    expect(money(await rig.network())).toEqual({ ...net, available: net.available - 2500n, frozenOut: net.frozenOut + 2500n });
    const hold = (await transfers('payment', p.id)).find((t) => t.id === r.payment.holdTransferId)!;
    expect([hold.kind, hold.amount, hold.code, hold.pendingState]).toEqual(['pending', 2500n, 'authorization', 'pending']);
    expect((await events(p.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.authorized']);
    expect(await get(p.id)).toEqual(r.payment);

    // capture part of it: the rest of the hold is released
    const c = tick();
    const captured = await engine.transaction((tx) => engine.payments.capture(tx, p.id, 1000n));
    expect(captured).toMatchObject({ status: 'captured', capturedAmount: 1000n, capturedAt: c, updatedAt: c });
    expect(money(await rig.balance())).toEqual({
      ...bal,
      posted: bal.posted + 1000n,
      available: bal.available + 1000n,
      pendingIn: bal.pendingIn + 1000n,
    });
    expect(money(await rig.network())).toEqual({
      ...net,
      posted: net.posted - 1000n,
      pendingIn: net.pendingIn - 1000n,
      available: net.available - 1000n,
    });
    const last = (await events(p.id)).at(-1)!;
    expect([last.type, last.payload.amount, last.payload.partial]).toEqual(['payment.captured', '1000', true]);
  });

  it('captures in full by default, and says so', async () => {
    const p = await create(300n);
    await authorize(p.id);
    const c = await engine.transaction((tx) => engine.payments.capture(tx, p.id, null));
    expect([c.status, c.capturedAmount]).toEqual(['captured', 300n]);
    const last = (await events(p.id)).at(-1)!;
    expect([last.payload.amount, last.payload.partial]).toEqual(['300', false]);
  });

  it('refuses a capture of nothing, of more than was authorized, for another merchant, or twice', async () => {
    const p = await create(300n);
    await authorize(p.id);
    expect(await codeOf(engine.transaction((tx) => engine.payments.capture(tx, p.id, 0n)))).toBe('AMOUNT_TOO_SMALL');
    expect(await codeOf(engine.transaction((tx) => engine.payments.capture(tx, p.id, -1n)))).toBe('AMOUNT_TOO_SMALL');
    expect(await codeOf(engine.transaction((tx) => engine.payments.capture(tx, p.id, 301n)))).toBe('AMOUNT_EXCEEDS_AVAILABLE');
    expect(await codeOf(engine.transaction((tx) => engine.payments.capture(tx, p.id, 300n, 'm2')))).toBe('PAYMENT_NOT_FOUND');
    expect((await get(p.id)).status).toBe('authorized');
    expect((await engine.transaction((tx) => engine.payments.capture(tx, p.id, 300n, 'm1'))).capturedAmount).toBe(300n);
    expect(await codeOf(engine.transaction((tx) => engine.payments.capture(tx, p.id, 1n)))).toBe('INVALID_STATE');
    expect(await codeOf(engine.read((tx) => engine.payments.get(tx, p.id, 'm2')))).toBe('PAYMENT_NOT_FOUND');
    expect(await codeOf(engine.read((tx) => engine.payments.get(tx, 987_654_321)))).toBe('PAYMENT_NOT_FOUND');
    expect((await engine.read((tx) => engine.payments.get(tx, p.id, 'm1'))).id).toBe(p.id);
  });

  it('captures an automatic payment in the same command, after its authorization event', async () => {
    const bal = money(await rig.balance());
    const p = await create(4200n, { captureMode: 'auto' });
    const at = tick();
    const r = await authorize(p.id);
    expect(r.payment).toMatchObject({ status: 'captured', capturedAmount: 4200n, authorizedAt: at, capturedAt: at });
    expect((await events(p.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    expect(money(await rig.balance())).toEqual({
      ...bal,
      posted: bal.posted + 4200n,
      available: bal.available + 4200n,
      pendingIn: bal.pendingIn + 4200n,
    });
    expect(await get(p.id)).toEqual(r.payment);
  });

  it('refuses to authorize a payment twice', async () => {
    const p = await create(10n);
    await authorize(p.id);
    expect(await codeOf(authorize(p.id))).toBe('INVALID_STATE');
  });

  it('declines with the reason of the card, records when, and moves no money', async () => {
    const bal = money(await rig.balance());
    const p = await create(500n);
    const at = tick();
    const r = await authorize(p.id, card(STOLEN));
    expect(r.kind).toBe('declined');
    expect(r.payment).toMatchObject({
      status: 'declined',
      declineReason: 'stolen_card',
      declinedAt: at,
      updatedAt: at,
      holdTransferId: null,
    });
    expect(r.payment.rrn).toMatch(/^\d{12}$/);
    const last = (await events(p.id)).at(-1)!;
    expect([last.type, last.payload.reason]).toEqual(['payment.declined', 'stolen_card']);
    expect(money(await rig.balance())).toEqual(bal);
    expect(
      await codeOf(engine.transaction(async (tx) => engine.payments.decline(tx, await engine.payments.lock(tx, p.id), 'do_not_honor'))),
    ).toBe('INVALID_STATE');
  });

  it('declines a card past its expiry month', async () => {
    const p = await create(500n);
    const r = await authorize(p.id, card(NO_3DS, 2001));
    expect([r.payment.status, r.payment.declineReason]).toEqual(['declined', 'expired_card']);
  });

  it('declines a token payment with a card whose token payments fail, and approves the same card otherwise', async () => {
    const a = await create(100n);
    expect((await authorize(a.id, card(TOKEN_DECLINES), { operation: 'token_payment' })).payment.declineReason).toBe('insufficient_funds');
    const b = await create(100n);
    expect((await authorize(b.id, card(TOKEN_DECLINES))).kind).toBe('approved');
  });

  it('expires instead of authorizing once its time is up (at the instant itself)', async () => {
    const now = engine.clock.now();
    const p = await create(100n, { expiresAt: now + 5000 });
    engine.clock.advance(5000);
    const r = await authorize(p.id);
    expect(r.kind).toBe('declined');
    expect(r.payment).toMatchObject({ status: 'expired', declineReason: null });
    const last = (await events(p.id)).at(-1)!;
    expect([last.type, last.payload.from]).toEqual(['payment.expired', 'created']);
    const q = await create(100n, { expiresAt: engine.clock.now() + 5000 });
    engine.clock.advance(4999);
    expect((await authorize(q.id)).kind).toBe('approved');
  });

  it('asks for 3-D Secure, shows the ACS what it needs, then authorizes once the cardholder confirms', async () => {
    const bal = money(await rig.balance());
    const p = await create(12345n, { expiresAt: engine.clock.now() + 3_600_000 });
    const at = tick();
    const r = await authorize(p.id, card(WITH_3DS));
    if (r.kind !== 'challenge') throw new Error(r.kind);
    expect(r.payment).toMatchObject({ status: 'requires_authentication', challengeId: r.challenge.id, updatedAt: at });
    expect(r.challenge).toMatchObject({
      kind: '3ds',
      status: 'pending',
      subjectType: 'payment',
      subjectId: String(p.id),
      merchantId: 'm1',
      otpCode: null,
      display: { merchant: 'Shop M1', amount: '123.45', currency: 'RUB', card: '424242******4242' },
      expiresAt: at + 15 * 60_000,
    });
    expect(await get(p.id)).toEqual(r.payment);
    expect((await events(p.id)).at(-1)!.type).toBe('payment.requires_authentication');
    expect(money(await rig.balance())).toEqual(bal);

    const { paRes } = await engine.transaction((tx) => engine.challenges.answer(tx, r.challenge.id, { approve: true }));
    const done = await engine.transaction((tx) => engine.payments.completeAuthentication(tx, p.id, paRes!));
    expect(done.kind).toBe('approved');
    expect(done.payment.status).toBe('authorized');
    expect(money(await rig.balance()).frozenIn).toBe(bal.frozenIn + 12345n);
    // the PaRes is used up
    expect(await codeOf(engine.transaction((tx) => engine.payments.completeAuthentication(tx, p.id, paRes!)))).toBe('INVALID_STATE');
  });

  it('declines when the cardholder refuses 3-D Secure, or when the issuer declines after it', async () => {
    const p = await create(100n);
    const r = await authorize(p.id, card(WITH_3DS));
    if (r.kind !== 'challenge') throw new Error(r.kind);
    const { paRes } = await engine.transaction((tx) => engine.challenges.answer(tx, r.challenge.id, { approve: false }));
    const done = await engine.transaction((tx) => engine.payments.completeAuthentication(tx, p.id, paRes!));
    expect([done.kind, done.payment.status, done.payment.declineReason]).toEqual(['declined', 'declined', 'authentication_failed']);

    const q = await create(100n);
    const s = await authorize(q.id, card(THEN_DECLINED));
    if (s.kind !== 'challenge') throw new Error(s.kind);
    const ok = await engine.transaction((tx) => engine.challenges.answer(tx, s.challenge.id, { approve: true }));
    const after = await engine.transaction((tx) => engine.payments.completeAuthentication(tx, q.id, ok.paRes!));
    expect([after.kind, after.payment.declineReason]).toEqual(['declined', 'do_not_honor']);
    // a payment that asked for no authentication has none to complete
    const plain = await create(100n);
    expect(await codeOf(engine.transaction((tx) => engine.payments.completeAuthentication(tx, plain.id, ok.paRes!)))).toBe('INVALID_STATE');
  });

  it('asks for a one-time code for the OTP card, or when the face requires authentication; skips it when told', async () => {
    const a = await create(100n);
    const ra = await authorize(a.id, card(OTP_CARD));
    expect(ra.kind === 'challenge' && [ra.challenge.kind, ra.challenge.otpCode?.length]).toEqual(['otp', 6]);
    const b = await create(100n);
    const rb = await authorize(b.id, card(NO_3DS), { requireAuthentication: true });
    expect(rb.kind === 'challenge' && rb.challenge.kind).toBe('otp');
    const c = await create(100n);
    expect((await authorize(c.id, card(WITH_3DS), { skipAuthentication: true })).kind).toBe('approved');
    const d = await create(100n);
    expect((await authorize(d.id, card(NO_3DS), { requireAuthentication: false })).kind).toBe('approved');
  });

  it('pays with a stored card, with the expiry and holder given for this payment', async () => {
    const first = await create(100n);
    const r1 = await authorize(first.id, card(NO_3DS));
    const cardId = r1.payment.card!.cardId;
    const p = await create(100n);
    const r = await authorize(p.id, { kind: 'stored', cardId, expMonth: 3, expYear: 2098, holder: 'IVAN PETROV' });
    expect(r.payment.card).toEqual({
      cardId,
      first6: '400000',
      last4: '3055',
      brand: 'Visa',
      expMonth: 3,
      expYear: 2098,
      holder: 'IVAN PETROV',
    });
    const q = await create(100n);
    const s = await authorize(q.id, { kind: 'stored', cardId });
    expect(s.payment.card).toEqual({ cardId, first6: '400000', last4: '3055', brand: 'Visa', expMonth: 12, expYear: 2099, holder: null });
  });

  it('voids an authorized payment: the hold is released, the time and the state it came from recorded', async () => {
    const bal = money(await rig.balance());
    const p = await create(800n);
    await authorize(p.id);
    const at = tick();
    const v = await engine.transaction((tx) => engine.payments.void(tx, p.id));
    expect(v).toMatchObject({ status: 'voided', voidedAt: at, updatedAt: at });
    expect(money(await rig.balance())).toEqual(bal);
    const last = (await events(p.id)).at(-1)!;
    expect([last.type, last.payload.from]).toEqual(['payment.voided', 'authorized']);
    const resolved = (await transfers('payment', p.id)).filter((t) => t.kind === 'void_pending');
    expect(resolved.map((t) => [t.code, t.amount])).toEqual([['void', 800n]]);
    expect(await codeOf(engine.transaction((tx) => engine.payments.void(tx, p.id)))).toBe('INVALID_STATE');
  });

  it('voids an unpaid payment, and one waiting for authentication', async () => {
    const a = await create(100n);
    expect((await engine.transaction((tx) => engine.payments.void(tx, a.id))).status).toBe('voided');
    expect((await events(a.id)).at(-1)!.payload.from).toBe('created');
    const b = await create(100n);
    await authorize(b.id, card(WITH_3DS));
    expect((await engine.transaction((tx) => engine.payments.void(tx, b.id))).status).toBe('voided');
    expect((await events(b.id)).at(-1)!.payload.from).toBe('requires_authentication');
    expect(await codeOf(engine.transaction((tx) => engine.payments.void(tx, b.id, { merchantId: 'm2' })))).toBe('PAYMENT_NOT_FOUND');
  });

  it('reverses a captured payment in full only where the face allows it and nothing was refunded', async () => {
    const bal = money(await rig.balance());
    const p = await create(900n, { captureMode: 'auto' });
    await authorize(p.id);
    expect(await codeOf(engine.transaction((tx) => engine.payments.void(tx, p.id)))).toBe('INVALID_STATE');
    const v = await engine.transaction((tx) => engine.payments.void(tx, p.id, { allowCaptured: true }));
    expect(v.status).toBe('voided');
    expect((await events(p.id)).at(-1)!.payload.from).toBe('captured');
    expect(money(await rig.balance())).toEqual(bal);
    const reversal = (await transfers('payment', p.id)).filter((t) => t.code === 'void');
    expect(reversal.map((t) => [t.kind, t.amount])).toEqual([['posted', 900n]]);

    const q = await create(900n, { captureMode: 'auto' });
    await authorize(q.id);
    await engine.transaction((tx) => engine.payments.refund(tx, q.id, 1n));
    expect(await codeOf(engine.transaction((tx) => engine.payments.void(tx, q.id, { allowCaptured: true })))).toBe('INVALID_STATE');
  });

  it('refunds: a record of its own, a reversal in the ledger under the refund, and the event', async () => {
    const bal = money(await rig.balance());
    const p = await create(1000n, { captureMode: 'auto' });
    await authorize(p.id);
    const at = tick();
    const { payment, refund } = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 250n, { metadata: { why: 'asked' } }));
    expect(refund).toMatchObject({
      paymentId: p.id,
      merchantId: 'm1',
      amount: 250n,
      currency: 'RUB',
      status: 'completed',
      metadata: { why: 'asked' },
      createdAt: at,
    });
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 250n, updatedAt: at });
    const [t] = await transfers('refund', refund.id);
    expect([t!.id, t!.kind, t!.amount, t!.code]).toEqual([refund.transferId, 'posted', 250n, 'refund']);
    expect(money(await rig.balance())).toEqual({
      ...bal,
      posted: bal.posted + 750n,
      available: bal.available + 750n,
      pendingIn: bal.pendingIn + 750n,
    });
    const last = (await events(p.id)).at(-1)!;
    expect([last.type, last.payload.refundId, last.payload.amount]).toEqual(['payment.refunded', refund.id, '250']);
    expect(await engine.read((tx) => tx.refunds.list(p.id))).toHaveLength(1);
    const rest = await engine.transaction((tx) => engine.payments.refund(tx, p.id, null));
    expect([rest.refund.amount, rest.payment.status, rest.refund.metadata]).toEqual([750n, 'refunded', {}]);
    expect(money(await rig.balance())).toEqual(bal);
    expect(await codeOf(engine.transaction((tx) => engine.payments.refund(tx, p.id, 1n)))).toBe('INVALID_STATE');
  });

  it('refuses a refund of nothing, of an uncaptured payment, for another merchant, or after the refund window', async () => {
    const held = await create(100n);
    await authorize(held.id);
    expect(await codeOf(engine.transaction((tx) => engine.payments.refund(tx, held.id, 1n)))).toBe('INVALID_STATE');
    const p = await create(100n, { captureMode: 'auto' });
    await authorize(p.id);
    expect(await codeOf(engine.transaction((tx) => engine.payments.refund(tx, p.id, 0n)))).toBe('AMOUNT_TOO_SMALL');
    expect(await codeOf(engine.transaction((tx) => engine.payments.refund(tx, p.id, 1n, { merchantId: 'm2' })))).toBe('PAYMENT_NOT_FOUND');
    engine.clock.advance(10_000);
    expect(await codeOf(engine.transaction((tx) => engine.payments.refund(tx, p.id, 1n, { refundWindowMs: 9_999 })))).toBe(
      'REFUND_WINDOW_PASSED',
    );
    const ok = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 1n, { refundWindowMs: 10_000, merchantId: 'm1' }));
    expect(ok.payment.refundedAmount).toBe(1n);
  });

  it('expires by the scheduler: an unpaid payment at its time, a hold at its time, an abandoned authentication at once', async () => {
    const now = engine.clock.now();
    const unpaid = await create(100n, { expiresAt: now + 10_000 });
    const held = await create(100n, { expiresAt: now + 20_000 });
    await authorize(held.id);
    const waiting = await create(100n);
    const ch = await authorize(waiting.id, card(WITH_3DS));
    const bal = money(await rig.balance());

    expect(await engine.transaction((tx) => engine.payments.expire(tx, unpaid.id))).toBeNull();
    expect(await engine.transaction((tx) => engine.payments.expire(tx, held.id))).toBeNull();
    engine.clock.advance(10_000);
    expect((await engine.transaction((tx) => engine.payments.expire(tx, unpaid.id)))!.status).toBe('expired');
    expect(await engine.transaction((tx) => engine.payments.expire(tx, held.id))).toBeNull();
    engine.clock.advance(10_000);
    const h = await engine.transaction((tx) => engine.payments.expire(tx, held.id));
    expect([h!.status, h!.declineReason]).toEqual(['expired', null]);
    expect(money(await rig.balance())).toEqual({ ...bal, pendingIn: bal.pendingIn - 100n, frozenIn: bal.frozenIn - 100n });
    expect((await transfers('payment', held.id)).filter((t) => t.kind === 'void_pending').map((t) => t.code)).toEqual(['hold_expired']);
    expect((await events(held.id)).at(-1)!.payload.from).toBe('authorized');

    const w = await engine.transaction((tx) => engine.payments.expire(tx, waiting.id));
    expect([w!.status, w!.declineReason]).toEqual(['expired', 'expired_authentication']);
    if (ch.kind !== 'challenge') throw new Error(ch.kind);
    expect((await engine.read((tx) => tx.challenges.get(ch.challenge.id)))!.status).toBe('expired');

    // nothing to do for a payment that is gone, final, captured, or a hold without an end
    expect(await engine.transaction((tx) => engine.payments.expire(tx, 987_654_321))).toBeNull();
    expect(await engine.transaction((tx) => engine.payments.expire(tx, unpaid.id))).toBeNull();
    const captured = await create(100n, { captureMode: 'auto' });
    await authorize(captured.id);
    expect(await engine.transaction((tx) => engine.payments.expire(tx, captured.id))).toBeNull();
    const open = await create(100n);
    await authorize(open.id);
    expect(await engine.transaction((tx) => engine.payments.expire(tx, open.id))).toBeNull();
    const noEnd = await create(100n);
    expect((await engine.transaction((tx) => engine.payments.expire(tx, noEnd.id)))!.status).toBe('expired');
  });

  it('runs expiry as a job at the payment time, moved to the hold time once authorized, and dropped once captured', async () => {
    const now = engine.clock.now();
    const p = await create(100n, { expiresAt: now + 30_000 });
    const q = await create(100n, { expiresAt: now + 30_000 });
    await authorize(q.id);
    const c = await create(100n, { expiresAt: now + 30_000, captureMode: 'auto' });
    await authorize(c.id);
    engine.clock.advance(29_999);
    await engine.scheduler.drain();
    expect([(await get(p.id)).status, (await get(q.id)).status]).toEqual(['created', 'authorized']);
    engine.clock.advance(1);
    await engine.scheduler.drain();
    expect([(await get(p.id)).status, (await get(q.id)).status, (await get(c.id)).status]).toEqual(['expired', 'expired', 'captured']);
  });

  it('schedules an abandoned authentication to expire with its challenge, before the payment would', async () => {
    const p = await create(100n, { expiresAt: engine.clock.now() + 3_600_000 });
    await authorize(p.id, card(WITH_3DS));
    engine.clock.advance(15 * 60_000 - 1);
    await engine.scheduler.drain();
    expect((await get(p.id)).status).toBe('requires_authentication');
    engine.clock.advance(1);
    await engine.scheduler.drain();
    expect((await get(p.id)).status).toBe('expired');
  });

  it('keeps face metadata without a change of state', async () => {
    const p = await create(100n);
    const at = tick();
    const m = await engine.transaction(async (tx) => engine.payments.setMetadata(tx, await engine.payments.lock(tx, p.id), { a: 1 }));
    expect([m.metadata, m.updatedAt, m.status]).toEqual([{ a: 1 }, at, 'created']);
    expect((await get(p.id)).metadata).toEqual({ a: 1 });
  });
});

describe('payment records', () => {
  const draft = (): Payment =>
    draftPayment({ id: 7, merchantId: 'm', face: 'numopay', amount: 12n, currency: 'USD', captureMode: 'auto' }, 1000);

  it('round-trip through JSON with their amounts as decimal strings', () => {
    const p = { ...draft(), capturedAmount: 10n, refundedAmount: 3n };
    const j = serializePayment(p);
    expect([j.amount, j.capturedAmount, j.refundedAmount, j.card]).toEqual(['12', '10', '3', null]);
    expect(deserializePayment(JSON.parse(JSON.stringify(j)))).toEqual(p);
    const withCard = {
      ...p,
      card: { cardId: 'c', first6: '400000', last4: '3055', brand: 'Visa' as const, expMonth: 1, expYear: 2030, holder: null },
    };
    expect(deserializePayment(JSON.parse(JSON.stringify(serializePayment(withCard))))).toEqual(withCard);
  });

  it('are final once refunded, voided, declined, expired or failed', () => {
    const final = ['refunded', 'voided', 'declined', 'expired', 'failed'] as const;
    const open = ['created', 'requires_authentication', 'authorized', 'captured', 'partially_refunded'] as const;
    for (const s of final) expect(isFinal(s), s).toBe(true);
    for (const s of open) expect(isFinal(s), s).toBe(false);
  });

  it('start as a draft with the card given', () => {
    const c = { cardId: 'c', first6: '1', last4: '2', brand: 'MIR' as const, expMonth: 1, expYear: 2030, holder: 'X' };
    const d = draftPayment({ id: 1, merchantId: 'm', face: 'mbill', amount: 1n, currency: 'RUB', captureMode: 'manual' }, 5, c);
    expect([d.card, d.createdAt, d.updatedAt, d.testMode, d.status]).toEqual([c, 5, 5, true, 'created']);
  });
});
