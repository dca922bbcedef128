// Card-to-card transfers through the Engine over both real stores: the sender leg is a payment of amount + fee; once
// paid, the fee moves to the merchant's fees account and the recipient leg pays the amount out to a card; a
// recipient leg that fails returns the fee and refunds the sender in full. Every figure is worked out here from the
// amounts; the test cards are the simulated network's documented ones.
import { describe, expect, it } from 'vitest';
import type { CardTransferLegs } from '../../src/core/card-transfers.js';
import type { Engine } from '../../src/core/engine.js';
import { FEES_ACCOUNT } from '../../src/core/ledger.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, useEngineRig } from './engine-harness.js';

const SENDER = '4000000000003055';
const RECIPIENT = '5205000000003055';
/** payments succeed, payouts are declined (payout_not_permitted) */
const NO_PAYOUTS = '4000009022000007';

describe.each(STORES)('card-to-card transfers on %s', (kind) => {
  let engine: Engine;
  useEngineRig(kind, (rig) => {
    engine = rig.engine;
  });

  let n = 0;
  /** a merchant of its own per test, and a transfer of 100.00 with a fee of 5.00 whose sender paid */
  const paidTransfer = async (): Promise<CardTransferLegs> => {
    const merchantId = `ct-${kind}-${++n}`;
    await engine.transaction((tx) =>
      engine.merchants.create(tx, { id: merchantId, name: merchantId, credentials: [], currencies: ['UAH'] }),
    );
    const p = await engine.transaction((tx) =>
      engine.cardTransfers.createSenderLeg(tx, {
        merchantId,
        face: 'test',
        amount: 10_000n,
        fee: 500n,
        currency: 'UAH',
        metadata: { t: String(n) },
      }),
    );
    expect(p).toMatchObject({ amount: 10_500n, captureMode: 'auto', status: 'created', metadata: { t: String(n) } });
    const r = await engine.transaction((tx) =>
      engine.payments.authorize(tx, p.id, {
        source: { kind: 'card', card: { number: SENDER, expMonth: 1, expYear: 2099 } },
        merchantName: 'M',
      }),
    );
    expect(r.payment.status).toBe('captured');
    return {
      merchantId,
      face: 'test',
      currency: 'UAH',
      amount: 10_000n,
      fee: 500n,
      paymentId: p.id,
      ledger: { feeCode: 'test_fee', feeReturnCode: 'test_fee_back', refType: 'test_transfer', refId: String(p.id) },
      metadata: { t: String(n) },
    };
  };
  const balances = (t: CardTransferLegs) =>
    engine.read(async (tx) => ({
      available: (await engine.ledger.balance(tx, t.merchantId, 'UAH')).posted,
      fees: (await engine.ledger.balance(tx, t.merchantId, 'UAH', FEES_ACCOUNT)).posted,
    }));

  it('keeps the fee once the sender paid, and pays the amount out to the recipient: nothing is left on the balance', async () => {
    const t = await paidTransfer();
    expect(await balances(t)).toEqual({ available: 10_500n, fees: 0n });
    await engine.transaction((tx) => engine.cardTransfers.keepFee(tx, t));
    expect(await balances(t)).toEqual({ available: 10_000n, fees: 500n });
    const out = await engine.transaction((tx) =>
      engine.cardTransfers.payRecipient(tx, t, { number: RECIPIENT, expMonth: 12, expYear: 2030 }),
    );
    expect(out).toMatchObject({ outcome: 'completed', reason: null });
    const payout = await engine.read((tx) => tx.payouts.get(out.payoutId));
    expect(payout).toMatchObject({
      merchantId: t.merchantId,
      face: 'test',
      amount: 10_000n,
      currency: 'UAH',
      status: 'completed',
      metadata: { t: t.metadata!.t },
    });
    expect(await balances(t)).toEqual({ available: 0n, fees: 500n });
    const fee = await engine.read((tx) => tx.ledger.listTransfersByRef('test_transfer', t.ledger.refId));
    expect(fee.map((x) => [x.code, x.amount])).toEqual([['test_fee', 500n]]);
  });

  it('a recipient card that refuses payouts declines the leg; the sender is refunded in full and the fee returned', async () => {
    const t = await paidTransfer();
    await engine.transaction((tx) => engine.cardTransfers.keepFee(tx, t));
    const out = await engine.transaction((tx) => engine.cardTransfers.payRecipient(tx, t, { number: NO_PAYOUTS }));
    expect(out).toMatchObject({ outcome: 'declined', reason: 'payout_not_permitted' });
    expect(await balances(t)).toEqual({ available: 10_000n, fees: 500n });
    await engine.transaction((tx) => engine.cardTransfers.refundSender(tx, t));
    expect(await balances(t)).toEqual({ available: 0n, fees: 0n });
    const p = await engine.read((tx) => tx.payments.get(t.paymentId));
    expect(p).toMatchObject({ status: 'refunded', refundedAmount: 10_500n });
    const refunds = await engine.read((tx) => tx.refunds.list(t.paymentId));
    expect(refunds.map((r) => [r.amount, r.metadata])).toEqual([[10_500n, { t: t.metadata!.t }]]);
    const fee = await engine.read((tx) => tx.ledger.listTransfersByRef('test_transfer', t.ledger.refId));
    expect(fee.map((x) => [x.code, x.amount])).toEqual([
      ['test_fee', 500n],
      ['test_fee_back', 500n],
    ]);
  });

  it('with no card to pay, the recipient leg is an error (processing_error) and its payout is left unpaid', async () => {
    const t = await paidTransfer();
    const out = await engine.transaction((tx) => engine.cardTransfers.payRecipient(tx, t, undefined));
    expect(out).toMatchObject({ outcome: 'error', reason: 'processing_error' });
    expect((await engine.read((tx) => tx.payouts.get(out.payoutId)))!.status).toBe('created');
    expect(await balances(t)).toEqual({ available: 10_500n, fees: 0n });
  });

  it('refuses a negative fee', async () => {
    expect(
      await codeOf(
        engine.transaction((tx) =>
          engine.cardTransfers.createSenderLeg(tx, { merchantId: 'm1', face: 'test', amount: 100n, fee: -1n, currency: 'RUB' }),
        ),
      ),
    ).toBe('AMOUNT_INVALID');
  });
});
