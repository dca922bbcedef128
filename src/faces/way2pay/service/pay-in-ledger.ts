// What a Way2Pay pay-in's transitions move on the ledger, between the merchant's network counter-account, its
// payment balance (the amount less the commission) and the commissions (fees): frozen while the reported transfer
// awaits confirmation, credited when it completes, taken back on a refund.
import type { Tx } from '../../../core/ports.js';
import type { PayIn, Way2PayStatus } from '../wire.js';
import type { Balances } from './balances.js';
import { PAYIN_SUBJECT } from './config.js';

/** PENDING → PROCESSING: the expected money frozen. Records the holds on `q`. */
export async function freezePayIn(tx: Tx, money: Balances, q: PayIn): Promise<void> {
  const ref = { refType: PAYIN_SUBJECT, refId: q.id };
  const net = q.amount - q.commission;
  const network = await money.network(tx, q.merchantId, q.currency);
  if (net > 0n)
    q.holdNetId = await money.hold(tx, network, await money.account(tx, q.merchantId, q.currency, 'payment'), net, {
      code: 'way2pay_payin_hold',
      ...ref,
    });
  if (q.commission > 0n)
    q.holdFeeId = await money.hold(tx, network, await money.fees(tx, q.merchantId, q.currency), q.commission, {
      code: 'way2pay_payin_fee_hold',
      ...ref,
    });
}

/**
 * PENDING | PROCESSING (`from`) → COMPLETED (`exact`) or INCORRECT_AMOUNT: from PROCESSING the holds are posted
 * (exact) or voided; from PENDING the exact amount is credited at once, a wrong one credits nothing.
 */
export async function settlePayIn(tx: Tx, money: Balances, q: PayIn, from: Way2PayStatus, exact: boolean): Promise<void> {
  const ref = { refType: PAYIN_SUBJECT, refId: q.id };
  if (from === 'PROCESSING') {
    if (exact) await money.postHolds(tx, [q.holdNetId, q.holdFeeId], { code: 'way2pay_payin', ...ref });
    else await money.voidHolds(tx, [q.holdNetId, q.holdFeeId], { code: 'way2pay_payin_incorrect_amount', ...ref });
  } else if (exact) {
    const network = await money.network(tx, q.merchantId, q.currency);
    const net = q.amount - q.commission;
    if (net > 0n)
      await money.post(tx, network, await money.account(tx, q.merchantId, q.currency, 'payment'), net, {
        code: 'way2pay_payin',
        ...ref,
      });
    if (q.commission > 0n)
      await money.post(tx, network, await money.fees(tx, q.merchantId, q.currency), q.commission, {
        code: 'way2pay_payin_fee',
        ...ref,
      });
  }
}

/** COMPLETED → REFUNDED: the credit and the commission taken back. */
export async function reversePayIn(tx: Tx, money: Balances, q: PayIn): Promise<void> {
  const ref = { refType: PAYIN_SUBJECT, refId: q.id };
  const network = await money.network(tx, q.merchantId, q.currency);
  const net = q.amount - q.commission;
  if (net > 0n)
    await money.post(
      tx,
      await money.account(tx, q.merchantId, q.currency, 'payment'),
      network,
      net,
      { code: 'way2pay_payin_refund', ...ref },
      true,
    );
  if (q.commission > 0n)
    await money.post(tx, await money.fees(tx, q.merchantId, q.currency), network, q.commission, {
      code: 'way2pay_payin_fee_refund',
      ...ref,
    });
}
