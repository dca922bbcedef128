// Money moved with a fee, through the Engine over both real stores: the amount leg and the fee leg (to the merchant's
// own fees account) are held, posted or voided together, posted at once, or reversed; a leg of zero writes nothing;
// a reversal that needs funds the balance does not have is refused and moves nothing. Every expected figure is
// worked out here from the amounts.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { FeeMove } from '../../src/core/fee-legs.js';
import { FEES_ACCOUNT, NETWORK_ACCOUNT } from '../../src/core/ledger.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, useEngineRig } from './engine-harness.js';

const CODES = { amount: 'test_amount', fee: 'test_fee' };

describe.each(STORES)('moves with a fee on %s', (kind) => {
  let engine: Engine;
  useEngineRig(kind, (rig) => {
    engine = rig.engine;
  });

  let n = 0;
  /** a merchant of its own per test, so that each test's balances start at zero */
  const merchant = async () => {
    const id = `fl-${kind}-${++n}`;
    await engine.transaction((tx) => engine.merchants.create(tx, { id, name: id, credentials: [], currencies: ['RUB'] }));
    return id;
  };
  const moveOf = (merchantId: string, amount: bigint, fee: bigint) =>
    engine.transaction(async (tx): Promise<FeeMove> => ({
      merchantId,
      currency: 'RUB',
      from: await engine.ledger.systemAccount(tx, merchantId, 'RUB', NETWORK_ACCOUNT),
      to: await engine.ledger.account(tx, merchantId, 'RUB', 'payment'),
      amount,
      fee,
    }));
  const balances = (merchantId: string) =>
    engine.read(async (tx) => {
      const b = async (k: string) => {
        const v = await engine.ledger.balance(tx, merchantId, 'RUB', k);
        return { posted: v.posted, frozenIn: v.frozenIn, frozenOut: v.frozenOut };
      };
      return { network: await b(NETWORK_ACCOUNT), to: await b('payment'), fees: await b(FEES_ACCOUNT) };
    });
  const transfers = (refId: string) =>
    engine.read(async (tx) => (await tx.ledger.listTransfersByRef('test', refId)).map((t) => [t.kind, t.code, t.amount]));
  const none = { posted: 0n, frozenIn: 0n, frozenOut: 0n };

  it('holds both legs (frozen on both sides), then posts both in full', async () => {
    const m = await merchant();
    const move = await moveOf(m, 9_700n, 300n);
    const holds = await engine.transaction((tx) => engine.feeLegs.hold(tx, move, CODES, { refType: 'test', refId: `${m}-a` }));
    expect(holds.amountId).not.toBeNull();
    expect(holds.feeId).not.toBeNull();
    expect(await balances(m)).toEqual({
      network: { posted: 0n, frozenIn: 0n, frozenOut: 10_000n },
      to: { posted: 0n, frozenIn: 9_700n, frozenOut: 0n },
      fees: { posted: 0n, frozenIn: 300n, frozenOut: 0n },
    });
    await engine.transaction((tx) => engine.feeLegs.postHolds(tx, holds, 'test_done', { refType: 'test', refId: `${m}-a` }));
    expect(await balances(m)).toEqual({
      network: { posted: -10_000n, frozenIn: 0n, frozenOut: 0n },
      to: { posted: 9_700n, frozenIn: 0n, frozenOut: 0n },
      fees: { posted: 300n, frozenIn: 0n, frozenOut: 0n },
    });
    expect(await transfers(`${m}-a`)).toEqual([
      ['pending', 'test_amount', 9_700n],
      ['pending', 'test_fee', 300n],
      ['post_pending', 'test_done', 9_700n],
      ['post_pending', 'test_done', 300n],
    ]);
    // a hold is resolved once
    expect(
      await codeOf(engine.transaction((tx) => engine.feeLegs.voidHolds(tx, holds, 'again', { refType: 'test', refId: `${m}-a` }))),
    ).toBe('INVALID_STATE');
  });

  it('voids both held legs, and nothing is left moved', async () => {
    const m = await merchant();
    const move = await moveOf(m, 500n, 25n);
    const holds = await engine.transaction((tx) => engine.feeLegs.hold(tx, move, CODES, { refType: 'test', refId: `${m}-v` }));
    await engine.transaction((tx) => engine.feeLegs.voidHolds(tx, holds, 'test_released', { refType: 'test', refId: `${m}-v` }));
    expect(await balances(m)).toEqual({ network: none, to: none, fees: none });
    expect((await transfers(`${m}-v`)).map(([k, c]) => `${k} ${c}`)).toEqual([
      'pending test_amount',
      'pending test_fee',
      'void_pending test_released',
      'void_pending test_released',
    ]);
  });

  it('a leg of zero is not written: a fee of 0, or an amount wholly taken by the fee', async () => {
    const m = await merchant();
    const [noFeeMove, allFeeMove, nothing, negative] = [
      await moveOf(m, 800n, 0n),
      await moveOf(m, 0n, 40n),
      await moveOf(m, 0n, 0n),
      await moveOf(m, 10n, -1n),
    ];
    const noFee = await engine.transaction((tx) => engine.feeLegs.hold(tx, noFeeMove, CODES, { refType: 'test', refId: `${m}-z1` }));
    expect(noFee.feeId).toBeNull();
    await engine.transaction((tx) => engine.feeLegs.post(tx, allFeeMove, CODES, { refType: 'test', refId: `${m}-z2` }));
    expect(await transfers(`${m}-z1`)).toEqual([['pending', 'test_amount', 800n]]);
    expect(await transfers(`${m}-z2`)).toEqual([['posted', 'test_fee', 40n]]);
    expect(await codeOf(engine.transaction((tx) => engine.feeLegs.post(tx, nothing, CODES, { refType: 'test', refId: 'x' })))).toBe(
      'AMOUNT_TOO_SMALL',
    );
    expect(await codeOf(engine.transaction((tx) => engine.feeLegs.post(tx, negative, CODES, { refType: 'test', refId: 'x' })))).toBe(
      'AMOUNT_INVALID',
    );
  });

  it('reverses both legs; with requireFunds the amount must still be on the balance, or nothing moves', async () => {
    const m = await merchant();
    const move = await moveOf(m, 1_000n, 50n);
    await engine.transaction((tx) => engine.feeLegs.post(tx, move, CODES, { refType: 'test', refId: `${m}-r` }));
    const reverse = () =>
      engine.transaction((tx) =>
        engine.feeLegs.reverse(
          tx,
          move,
          { amount: 'test_back', fee: 'test_fee_back' },
          { refType: 'test', refId: `${m}-r` },
          { requireFunds: true },
        ),
      );
    // 400.00 of the 1 000 leaves the balance: the reversal with funds required is refused, and nothing moves
    const away = await engine.transaction((tx) => engine.ledger.account(tx, m, 'RUB', 'elsewhere'));
    await engine.transaction((tx) =>
      engine.ledger.post(tx, move.to, away, 400n, { code: 'test_away', refType: 'test', refId: `${m}-away` }),
    );
    expect(await codeOf(reverse())).toBe('INSUFFICIENT_BALANCE');
    expect((await balances(m)).to.posted).toBe(600n);
    await engine.transaction((tx) =>
      engine.ledger.post(tx, away, move.to, 400n, { code: 'test_back_in', refType: 'test', refId: `${m}-away` }),
    );
    await reverse();
    expect(await balances(m)).toEqual({ network: none, to: none, fees: none });
    expect(await transfers(`${m}-r`)).toEqual([
      ['posted', 'test_amount', 1_000n],
      ['posted', 'test_fee', 50n],
      ['posted', 'test_back', 1_000n],
      ['posted', 'test_fee_back', 50n],
    ]);
    expect(await engine.read((tx) => engine.ledger.verify(tx))).toBeTruthy();
  });
});
