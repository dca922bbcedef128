// Money attacks: amounts at and beyond every limit. Huge Numopay charges converted from EUR, a checkout session of
// 100 huge items, an account pushed to the edge of what a store can hold, and CloudPayments amounts with more
// decimals than the currency has. Every answer is the provider's own error (never a 5xx), one merchant's volume
// never affects another merchant's payments, and the ledger verifies after each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { call, CP, errorShape, NP, REL_SEED, sign, W2P, type Res } from './faces.js';

/** the largest number a signed 64-bit column holds (PostgreSQL bigint, SQLite integer) */
const INT64_MAX = 2n ** 63n - 1n;
/** the largest amount Numopay's wire format lets a client write: 15 digits of kopecks (cents) */
const HUGE = '999999999999999';
/** a test card that pays without 3-D Secure */
const NO_3DS = '4000000000003055';
const CARD_INFO = { number: NO_3DS, month: '12', year: '2099', cvv: '123', holder: 'IVAN IVANOV' };

describe.each(STORES)('money attacks on %s', (kind) => {
  let h: TestGateway;
  let cpB: CloudPaymentsClient;
  const answers: Res[] = [];

  beforeAll(async () => {
    h = await startTestGateway(kind, REL_SEED);
    cpB = new CloudPaymentsClient({ endpoint: `${h.url}/cloudpayments`, ...CP.B });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function numopay(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Res> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const r = await call(
      `${h.url}/numopay${path}`,
      method,
      { 'content-type': 'application/json', ...sign.numopay(NP.A, method, path, '', text) },
      text || undefined,
    );
    answers.push(r);
    return r;
  }
  const accountPath = `/v2/accounts/${NP.A.account}`;
  const isNumopayRefusal = (r: Res) => r.status >= 400 && r.status < 500 && errorShape.numopay(r.json);

  async function verifyLedger(): Promise<void> {
    const r = await call(`${h.url}/admin/api/ledger/verify`, 'GET', { authorization: `Bearer ${h.gw.adminToken}` });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.json.ok).toBe(true);
  }

  async function merchantBPaysRub(amount: number | string = 10): Promise<void> {
    const r = await cpB.chargeCryptogram({
      Amount: amount,
      Currency: 'RUB',
      CardCryptogramPacket: await cpB.cryptogram({ number: '5205000000003055', expMonth: 12, expYear: 2035, cvv: '123' }),
    });
    expect(r.status, r.raw.slice(0, 300)).toBe(200);
    expect(r.Success, r.raw.slice(0, 300)).toBe(true);
  }

  /** A no-3-D Secure Numopay charge: the token answer and, when a token was issued, the charge answer. */
  async function charge(amount: string, currency?: string): Promise<{ token: Res; charge?: Res }> {
    const token = await numopay('POST', `${accountPath}/charge/token`, {
      amount,
      ...(currency ? { currency } : {}),
      redirect_url: 'https://shop.example/done',
    });
    if (token.status !== 200) return { token };
    return { token, charge: await numopay('POST', `${accountPath}/charge`, { token: token.json.data.token, card_info: CARD_INFO }) };
  }

  it('refuses 100 charges of 999999999999999 EUR on a RUB account with Numopay errors; the ledger verifies and merchant B still pays', async () => {
    for (let i = 0; i < 100; i++) {
      const r = await charge(HUGE, 'EUR');
      // ×100 into kopecks: far beyond one operation's limit, refused before anything is written
      expect(isNumopayRefusal(r.token), `charge ${i}: ${r.token.status} ${r.token.text.slice(0, 200)}`).toBe(true);
      expect(r.token.status).toBe(400);
      expect(r.charge).toBeUndefined();
    }
    await verifyLedger();
    await merchantBPaysRub();
    await verifyLedger();
  });

  it('accepts the largest 15-digit charge in the account currency', async () => {
    const r = await charge(HUGE);
    expect(r.token.status, r.token.text).toBe(200);
    expect(r.charge?.status, r.charge?.text).toBe(200);
    const status = await numopay('GET', `${accountPath}/payment/${r.token.json.data.order_slug}`);
    expect(status.json.data).toMatchObject({ status: 'success', amount: HUGE });
    await verifyLedger();
  });

  it('refuses a checkout session of 100 items of 999999999999999 with a Numopay error', async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ name: `item ${i}`, amount: HUGE, currency: 'EUR' }));
    const r = await numopay('POST', `${accountPath}/checkout/sessions`, {
      items,
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/cancel',
    });
    expect(isNumopayRefusal(r), `${r.status} ${r.text.slice(0, 200)}`).toBe(true);
    expect(r.status).toBe(400);
    // the same in the account's own currency: 100 × 15 digits is beyond one operation too
    const rub = await numopay('POST', `${accountPath}/checkout/sessions`, {
      items: items.map((i) => ({ ...i, currency: 'RUB' })),
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/cancel',
    });
    expect(isNumopayRefusal(rub), `${rub.status} ${rub.text.slice(0, 200)}`).toBe(true);
    await verifyLedger();
  });

  it('refuses a charge that would take an account past what the store can hold, and keeps the other merchant working', async () => {
    // One real charge shows which two accounts a payment of merchant A moves money between.
    const first = await charge('100');
    expect(first.charge?.status, first.charge?.text).toBe(200);
    const paymentId = await h.gw.engine.read(
      async (tx) => (await tx.refs.find('numopay', 'rel_a', 'order_slug', first.token.json.data.order_slug))!.subjectId,
    );
    const [capture] = await h.gw.engine.read(async (tx) =>
      (await tx.ledger.listTransfersByRef('payment', paymentId)).filter((t) => t.kind === 'post_pending'),
    );
    expect(capture).toBeDefined();
    // Fill both of them up to 10 kopecks below the store's limit with one transfer written through the store
    // port (a consistent ledger: the transfer and both totals), as years of volume would.
    await h.gw.engine.transaction(async (tx) => {
      const debit = (await tx.ledger.getAccount(capture!.debitAccountId))!;
      const credit = (await tx.ledger.getAccount(capture!.creditAccountId))!;
      const used = [debit.debitsPosted + debit.debitsPending, credit.creditsPosted + credit.creditsPending].reduce((a, b) =>
        a > b ? a : b,
      );
      const amount = INT64_MAX - used - 10n;
      await tx.ledger.insertTransfer({
        kind: 'posted',
        debitAccountId: debit.id,
        creditAccountId: credit.id,
        amount,
        currency: debit.currency,
        pendingId: null,
        pendingState: null,
        code: 'test_volume',
        refType: null,
        refId: null,
        createdAt: Date.now(),
      });
      await tx.ledger.addToAccount(debit.id, { debitsPosted: amount });
      await tx.ledger.addToAccount(credit.id, { creditsPosted: amount });
    });
    await verifyLedger();

    // 11 kopecks more no longer fit: refused with Numopay's error, nothing half-written
    const over = await charge('11');
    expect(over.token.status, over.token.text).toBe(200);
    expect(isNumopayRefusal(over.charge!), `${over.charge?.status} ${over.charge?.text.slice(0, 200)}`).toBe(true);
    await verifyLedger();
    // 10 kopecks still fit exactly
    const edge = await charge('10');
    expect(edge.charge?.status, edge.charge?.text).toBe(200);
    await verifyLedger();
    const full = await charge('1');
    expect(isNumopayRefusal(full.charge!), `${full.charge?.status} ${full.charge?.text.slice(0, 200)}`).toBe(true);

    // merchant B's payments in the same currency are not affected by A's volume
    await merchantBPaysRub();
    await verifyLedger();
  });

  it('refuses a CloudPayments Amount with more decimals than the currency has, and takes 1.5 and "1.50"', async () => {
    for (const amount of [1.005, '1.005', 10.001]) {
      const r = await cpB.chargeCryptogram({
        Amount: amount,
        Currency: 'RUB',
        CardCryptogramPacket: await cpB.cryptogram({ number: '5205000000003055', expMonth: 12, expYear: 2035, cvv: '123' }),
      });
      expect(r.status).toBeLessThan(500);
      expect(errorShape.cloudpayments(JSON.parse(r.raw)), r.raw).toBe(true);
      expect(r.Success).toBe(false);
      expect(r.Model ?? null).toBeNull();
    }
    await merchantBPaysRub(1.5);
    await merchantBPaysRub('1.50');
    await verifyLedger();
  });

  it('refuses a Way2Pay amount beyond 13 digits before the point with 30007 "amount greater than max"', async () => {
    let n = 0;
    for (const amount of ['99999999999999', '100000000000000.00', 1e15]) {
      const body = Buffer.from(
        JSON.stringify({ externalID: `huge-${n++}`, currency: 'RUB', callbackURL: 'https://shop.example/cb', description: 'huge', amount }),
      );
      const r = await call(
        `${h.url}/way2pay/api/v1/pay-in`,
        'POST',
        { 'content-type': 'application/json', ...sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', body) },
        body,
      );
      answers.push(r);
      expect(r.status, `${amount}: ${r.text}`).toBe(400);
      expect(r.json).toEqual({ success: false, error: { message: 'amount greater than max', code: 30007 } });
    }
  });

  it('answered nothing with a 5xx', () => {
    expect(answers.filter((r) => r.status >= 500).map((r) => `${r.status} ${r.text.slice(0, 120)}`)).toEqual([]);
  });
});
