// The Way2Pay balances (`GET /balance`): the payment and the payout balance, available and frozen.
import { money } from '../wire.js';

interface BalanceSide {
  currency: string;
  available: bigint;
  frozen: bigint;
}

/** `GET /balance`'s data: both balances, available and frozen, in major units. */
export function balanceView(b: { payment: BalanceSide; payout: BalanceSide }) {
  const side = (x: BalanceSide) => ({
    currency: x.currency,
    available: money(x.available, x.currency),
    frozen: money(x.frozen, x.currency),
  });
  return { balance: { payment: side(b.payment), payout: side(b.payout) } };
}
