// What a Way2Pay pay-in's transitions move on the ledger: the amount less the commission from the merchant's network
// counter-account to its payment balance, and the commission to its fees, as one move with a fee (core/fee-legs.ts):
// frozen while the reported transfer awaits confirmation, credited when it completes, taken back on a refund.
import type { FeeMove } from '../../../core/fee-legs.js';
import type { Tx } from '../../../core/ports.js';
import type { PayIn, Way2PayStatus } from '../wire.js';
import type { Balances } from './balances.js';
import { PAYIN_SUBJECT } from './config.js';

const refOf = (q: PayIn) => ({ refType: PAYIN_SUBJECT, refId: q.id });

async function moveOf(tx: Tx, money: Balances, q: PayIn): Promise<FeeMove> {
  return {
    merchantId: q.merchantId,
    currency: q.currency,
    from: await money.network(tx, q.merchantId, q.currency),
    to: await money.account(tx, q.merchantId, q.currency, 'payment'),
    amount: q.amount - q.commission,
    fee: q.commission,
  };
}

/** PENDING → PROCESSING: the expected money frozen. Records the holds on `q`. */
export async function freezePayIn(tx: Tx, money: Balances, q: PayIn): Promise<void> {
  const holds = await money.legs.hold(
    tx,
    await moveOf(tx, money, q),
    { amount: 'way2pay_payin_hold', fee: 'way2pay_payin_fee_hold' },
    refOf(q),
  );
  q.holdNetId = holds.amountId;
  q.holdFeeId = holds.feeId;
}

/**
 * PENDING | PROCESSING (`from`) → COMPLETED (`exact`) or INCORRECT_AMOUNT: from PROCESSING the holds are posted
 * (exact) or voided; from PENDING the exact amount is credited at once, a wrong one credits nothing.
 */
export async function settlePayIn(tx: Tx, money: Balances, q: PayIn, from: Way2PayStatus, exact: boolean): Promise<void> {
  const holds = { amountId: q.holdNetId, feeId: q.holdFeeId };
  if (from === 'PROCESSING') {
    if (exact) await money.legs.postHolds(tx, holds, 'way2pay_payin', refOf(q));
    else await money.legs.voidHolds(tx, holds, 'way2pay_payin_incorrect_amount', refOf(q));
  } else if (exact) {
    await money.legs.post(tx, await moveOf(tx, money, q), { amount: 'way2pay_payin', fee: 'way2pay_payin_fee' }, refOf(q));
  }
}

/** PROCESSING → a failure (cancelled, expired, declined): the frozen money released. */
export async function releasePayIn(tx: Tx, money: Balances, q: PayIn): Promise<void> {
  await money.legs.voidHolds(tx, { amountId: q.holdNetId, feeId: q.holdFeeId }, 'way2pay_payin_released', refOf(q));
}

/** COMPLETED → REFUNDED: the credit (with the funds still on the payment balance) and the commission taken back. */
export async function reversePayIn(tx: Tx, money: Balances, q: PayIn): Promise<void> {
  await money.legs.reverse(tx, await moveOf(tx, money, q), { amount: 'way2pay_payin_refund', fee: 'way2pay_payin_fee_refund' }, refOf(q), {
    requireFunds: true,
  });
}
