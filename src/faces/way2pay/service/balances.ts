// A merchant's two Way2Pay balances on the ledger (payment: collected pay-ins; payout: what pay-outs spend), its
// own counter-accounts for the outside world (network) and the commissions (fees); pay-ins and pay-outs move money
// between them with a fee (core/fee-legs.ts).
import type { Engine } from '../../../core/engine.js';
import type { FeeLegs } from '../../../core/fee-legs.js';
import { FEES_ACCOUNT, NETWORK_ACCOUNT } from '../../../core/ledger.js';
import { MAX_AMOUNT } from '../../../core/money.js';
import type { LedgerAccount } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { Way2PayError } from '../http.js';
import { PAYMENT_KIND, PAYOUT_KIND } from './config.js';

export interface BalanceView {
  currency: string;
  available: bigint;
  frozen: bigint;
}

export type BalanceName = 'payment' | 'payout';

export class Balances {
  constructor(private readonly engine: Engine) {}

  /** Moves with a fee (the amount and the commission legs, moved together). */
  get legs(): FeeLegs {
    return this.engine.feeLegs;
  }

  /** One of the merchant's two balances. */
  account(tx: Tx, merchantId: string, currency: string, balance: BalanceName): Promise<LedgerAccount> {
    return this.engine.ledger.account(tx, merchantId, currency, balance === 'payment' ? PAYMENT_KIND : PAYOUT_KIND);
  }

  /** The merchant's own counter-account for money from and to the outside world. */
  network(tx: Tx, merchantId: string, currency: string): Promise<LedgerAccount> {
    return this.engine.ledger.systemAccount(tx, merchantId, currency, NETWORK_ACCOUNT);
  }

  /** The gateway's commission income from this merchant. */
  fees(tx: Tx, merchantId: string, currency: string): Promise<LedgerAccount> {
    return this.engine.ledger.systemAccount(tx, merchantId, currency, FEES_ACCOUNT);
  }

  /** The payment and payout balances: available (spendable now) and frozen (held either way). */
  async balances(tx: Tx, merchantId: string, currency: string): Promise<{ payment: BalanceView; payout: BalanceView }> {
    const view = async (kind: string): Promise<BalanceView> => {
      const b = await this.engine.ledger.balance(tx, merchantId, currency, kind);
      return { currency, available: b.available, frozen: b.frozenIn + b.frozenOut };
    };
    return { payment: await view(PAYMENT_KIND), payout: await view(PAYOUT_KIND) };
  }

  /** Sandbox or operator top-up of a balance from outside (the network account). */
  async deposit(tx: Tx, merchantId: string, currency: string, amount: bigint, balance: BalanceName = 'payout'): Promise<void> {
    if (amount <= 0n) throw new Way2PayError(20000, 'amount must be greater than zero');
    if (amount > MAX_AMOUNT) throw new Way2PayError(30007);
    const to = await this.account(tx, merchantId, currency, balance);
    await this.engine.ledger.post(tx, await this.network(tx, merchantId, currency), to, amount, {
      code: 'way2pay_deposit',
      refType: 'merchant',
      refId: merchantId,
    });
  }

  /** Moves collected pay-in money to the payout balance (operator). */
  async transferToPayout(tx: Tx, merchantId: string, currency: string, amount: bigint): Promise<void> {
    if (amount <= 0n) throw new Way2PayError(20000, 'amount must be greater than zero');
    const from = await this.account(tx, merchantId, currency, 'payment');
    const to = await this.account(tx, merchantId, currency, 'payout');
    await this.engine.ledger.post(
      tx,
      from,
      to,
      amount,
      { code: 'way2pay_balance_transfer', refType: 'merchant', refId: merchantId },
      { requireFunds: true },
    );
  }
}
