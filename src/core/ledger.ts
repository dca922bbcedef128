// Double-entry ledger. Every money movement is a transfer from a debit account to a credit account in
// one currency. A hold is a pending transfer, later posted (fully or partly) or voided, exactly once.
// Account totals are kept beside the transfers and asserted against them.
//
// Limits: one transfer moves at most MAX_AMOUNT, and an account's debits (posted plus pending) and its credits
// (posted plus pending) each stay within a signed 64-bit integer, the store's column. Keeping posted plus pending
// within range means posting or voiding a hold can never overflow either. The check here uses the totals this
// transaction read; a concurrent transaction's share is caught by the store's own guards (CHECK constraints),
// which come back as the same coded error.
import { CoreError, invariant } from './errors.js';
import { uuid } from './ids.js';
import type { Clock } from './clock.js';
import { checkedAdd, MAX_AMOUNT } from './money.js';
import type { LedgerAccount, LedgerTransfer } from './model.js';
import type { Tx } from './ports.js';

/** Where a merchant's card money comes from and goes to: the outside world, per merchant and currency. */
export const NETWORK_ACCOUNT = 'network';
/** The gateway's fee income from a merchant, per merchant and currency. */
export const FEES_ACCOUNT = 'fees';
/** The counter-accounts a merchant has of its own (see Ledger.systemAccount). */
export const SYSTEM_KINDS: readonly string[] = [NETWORK_ACCOUNT, FEES_ACCOUNT];
/** A merchant's spendable balance, per currency. */
export const AVAILABLE = 'available';

export interface BalanceView {
  /** '' for an account not yet created (nothing was ever posted to it) */
  accountId: string;
  currency: string;
  kind: string;
  /** credits minus debits that are posted */
  posted: bigint;
  /** posted, plus pending credits (incoming holds) */
  pendingIn: bigint;
  /** posted, minus pending debits (outgoing holds): what can be spent now */
  available: bigint;
  /** money held: pending credits plus pending debits */
  frozenIn: bigint;
  frozenOut: bigint;
}

export function balanceOf(a: LedgerAccount): BalanceView {
  const posted = a.creditsPosted - a.debitsPosted;
  return {
    accountId: a.id,
    currency: a.currency,
    kind: a.kind,
    posted,
    pendingIn: posted + a.creditsPending,
    available: posted - a.debitsPending,
    frozenIn: a.creditsPending,
    frozenOut: a.debitsPending,
  };
}

export interface TransferRef {
  code: string;
  refType?: string;
  refId?: string;
}

export class Ledger {
  constructor(private readonly clock: Clock) {}

  /** The account of an owner in a currency, created on first use. */
  async account(tx: Tx, merchantId: string, currency: string, kind: string): Promise<LedgerAccount> {
    const found = await tx.ledger.findAccount(merchantId, currency, kind);
    if (found) return found;
    await tx.ledger.insertAccount({
      id: uuid(),
      merchantId,
      currency,
      kind,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
      createdAt: this.clock.now(),
    });
    return (await tx.ledger.findAccount(merchantId, currency, kind))!;
  }

  /**
   * A merchant's counter-account of a system kind (NETWORK_ACCOUNT, FEES_ACCOUNT) in a currency, created on first
   * use. Each merchant has its own, so that no merchant's volume can fill a row another merchant's payments need.
   * (Stores made before this kept one per currency for every merchant, owned by the merchant id `_system`; transfers
   * already on them stay there, and holds on them are resolved there.)
   */
  systemAccount(tx: Tx, merchantId: string, currency: string, kind: string): Promise<LedgerAccount> {
    invariant(SYSTEM_KINDS.includes(kind), `${kind} is not a system account kind`);
    return this.account(tx, merchantId, currency, kind);
  }

  /**
   * Moves money now. With `requireFunds`, the debit account must have that much available
   * (posted credits minus posted and pending debits) once its row is locked.
   */
  async post(
    tx: Tx,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: bigint,
    ref: TransferRef,
    opts: { requireFunds?: boolean } = {},
  ): Promise<number> {
    this.check(debit, credit, amount);
    if (opts.requireFunds) await this.assertFunds(tx, debit.id, amount);
    assertRoom(debit, credit, amount);
    const id = await this.insert(tx, 'posted', debit, credit, amount, null, null, ref);
    await tx.ledger.addToAccount(debit.id, { debitsPosted: amount });
    await tx.ledger.addToAccount(credit.id, { creditsPosted: amount });
    return id;
  }

  /** Reserves money: a pending transfer that is later posted or voided, exactly once. */
  async hold(
    tx: Tx,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: bigint,
    ref: TransferRef,
    opts: { requireFunds?: boolean } = {},
  ): Promise<number> {
    this.check(debit, credit, amount);
    if (opts.requireFunds) await this.assertFunds(tx, debit.id, amount);
    assertRoom(debit, credit, amount);
    const id = await this.insert(tx, 'pending', debit, credit, amount, null, 'pending', ref);
    await tx.ledger.addToAccount(debit.id, { debitsPending: amount });
    await tx.ledger.addToAccount(credit.id, { creditsPending: amount });
    return id;
  }

  /** Posts `amount` (≤ the held amount) of a pending transfer and releases the rest. */
  async postPending(tx: Tx, pendingId: number, amount: bigint | null, ref: TransferRef): Promise<number> {
    const p = await this.pending(tx, pendingId);
    const value = amount ?? p.amount;
    if (value < 0n || value > p.amount) throw new CoreError('AMOUNT_EXCEEDS_AVAILABLE', 'cannot post more than was held');
    if (!(await tx.ledger.setPendingState(p.id, 'pending', 'posted'))) throw new CoreError('INVALID_STATE', 'hold already resolved');
    const id = await this.insert(
      tx,
      'post_pending',
      { id: p.debitAccountId, currency: p.currency },
      { id: p.creditAccountId, currency: p.currency },
      value,
      p.id,
      null,
      ref,
    );
    await tx.ledger.addToAccount(p.debitAccountId, { debitsPending: -p.amount, debitsPosted: value });
    await tx.ledger.addToAccount(p.creditAccountId, { creditsPending: -p.amount, creditsPosted: value });
    return id;
  }

  /** Releases a pending transfer entirely. */
  async voidPending(tx: Tx, pendingId: number, ref: TransferRef): Promise<number> {
    const p = await this.pending(tx, pendingId);
    if (!(await tx.ledger.setPendingState(p.id, 'pending', 'voided'))) throw new CoreError('INVALID_STATE', 'hold already resolved');
    const id = await this.insert(
      tx,
      'void_pending',
      { id: p.debitAccountId, currency: p.currency },
      { id: p.creditAccountId, currency: p.currency },
      p.amount,
      p.id,
      null,
      ref,
    );
    await tx.ledger.addToAccount(p.debitAccountId, { debitsPending: -p.amount });
    await tx.ledger.addToAccount(p.creditAccountId, { creditsPending: -p.amount });
    return id;
  }

  /** The balance of an account; an account not yet used has none (it is not created: this may be a read). */
  async balance(tx: Tx, merchantId: string, currency: string, kind = AVAILABLE): Promise<BalanceView> {
    const found = await tx.ledger.findAccount(merchantId, currency, kind);
    if (found) return balanceOf(found);
    return balanceOf({
      id: '',
      merchantId,
      currency,
      kind,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
      createdAt: this.clock.now(),
    });
  }

  /**
   * Checks the whole ledger: every account's totals equal the sum of its transfers, totals are never
   * negative, and per currency all debits equal all credits (the sum of postings is zero).
   */
  async verify(tx: Tx): Promise<{ accounts: number; currencies: Record<string, { debits: bigint; credits: bigint }> }> {
    // one statement, one snapshot: a payment committing meanwhile cannot make an account and its transfers disagree
    const rows = await tx.ledger.accountsWithTransferTotals();
    const accounts = rows.map((r) => r.account);
    const currencies: Record<string, { debits: bigint; credits: bigint }> = {};
    for (const { account: a, transfers: t } of rows) {
      invariant(
        a.debitsPosted === t.debitsPosted && a.creditsPosted === t.creditsPosted,
        `account ${a.id}: posted totals differ from its transfers`,
      );
      invariant(
        a.debitsPending === t.debitsPending && a.creditsPending === t.creditsPending,
        `account ${a.id}: pending totals differ from its transfers`,
      );
      invariant(
        a.debitsPending >= 0n && a.creditsPending >= 0n && a.debitsPosted >= 0n && a.creditsPosted >= 0n,
        `account ${a.id}: negative totals`,
      );
      const c = (currencies[a.currency] ??= { debits: 0n, credits: 0n });
      c.debits += a.debitsPosted + a.debitsPending;
      c.credits += a.creditsPosted + a.creditsPending;
    }
    for (const [cur, c] of Object.entries(currencies))
      invariant(c.debits === c.credits, `currency ${cur}: debits ${c.debits} != credits ${c.credits}`);
    return { accounts: accounts.length, currencies };
  }

  private check(debit: Pick<LedgerAccount, 'id' | 'currency'>, credit: Pick<LedgerAccount, 'id' | 'currency'>, amount: bigint): void {
    invariant(amount > 0n, 'a transfer moves a positive amount');
    invariant(debit.currency === credit.currency, 'a transfer stays in one currency');
    invariant(debit.id !== credit.id, 'a transfer moves money between two accounts');
    if (amount > MAX_AMOUNT) throw new CoreError('AMOUNT_TOO_LARGE', `a transfer moves at most ${MAX_AMOUNT} minor units`);
  }

  private async assertFunds(tx: Tx, accountId: string, amount: bigint): Promise<void> {
    const a = await tx.ledger.lockAccount(accountId);
    invariant(a, 'account exists');
    const available = a.creditsPosted - a.debitsPosted - a.debitsPending;
    if (available <= 0n) throw new CoreError('ZERO_BALANCE');
    if (available < amount) throw new CoreError('INSUFFICIENT_BALANCE');
  }

  private async pending(tx: Tx, id: number): Promise<LedgerTransfer> {
    const p = await tx.ledger.getTransfer(id);
    invariant(p && p.kind === 'pending', `transfer ${id} is not a hold`);
    return p;
  }

  private insert(
    tx: Tx,
    kind: LedgerTransfer['kind'],
    debit: Pick<LedgerAccount, 'id' | 'currency'>,
    credit: Pick<LedgerAccount, 'id' | 'currency'>,
    amount: bigint,
    pendingId: number | null,
    pendingState: LedgerTransfer['pendingState'],
    ref: TransferRef,
  ): Promise<number> {
    return tx.ledger.insertTransfer({
      kind,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount,
      currency: debit.currency,
      pendingId,
      pendingState,
      code: ref.code,
      refType: ref.refType ?? null,
      refId: ref.refId ?? null,
      createdAt: this.clock.now(),
    });
  }
}

/**
 * Refuses (AMOUNT_TOO_LARGE) a transfer after which the debit account's debits or the credit account's credits,
 * posted plus pending, would pass what the store can hold.
 */
function assertRoom(debit: LedgerAccount, credit: LedgerAccount, amount: bigint): void {
  checkedAdd(checkedAdd(debit.debitsPosted, debit.debitsPending), amount);
  checkedAdd(checkedAdd(credit.creditsPosted, credit.creditsPending), amount);
}
