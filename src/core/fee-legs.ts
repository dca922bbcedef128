// Money moved with a fee, in two legs that move together: the amount from `from` to `to`, and the fee from `from` to
// the merchant's own fees account. Both legs are held (frozen while the operation is in flight) and then posted or
// voided together, or posted at once; a reversal moves each leg back (`to` → `from`, fees → `from`). A leg of zero
// is not written. Way2Pay's pay-ins (network → payment balance, the commission to fees) and pay-outs (payout
// balance → network, the commission to fees) are each one.
import { CoreError } from './errors.js';
import { FEES_ACCOUNT, type Ledger } from './ledger.js';
import type { LedgerAccount } from './model.js';
import type { Tx } from './ports.js';

export interface FeeMove {
  merchantId: string;
  currency: string;
  from: LedgerAccount;
  to: LedgerAccount;
  /** the amount leg (from → to) */
  amount: bigint;
  /** the fee leg (from → the merchant's fees account) */
  fee: bigint;
}

/** The transfer codes of each leg. */
export interface LegCodes {
  amount: string;
  fee: string;
}

/** What the transfers belong to. */
export interface LegRef {
  refType: string;
  refId: string;
}

/** The pending transfers of a held move (null: a leg of zero, not written). */
export interface LegHolds {
  amountId: number | null;
  feeId: number | null;
}

export interface LegOptions {
  /** the legs that debit a merchant's balance (forward: `from`; reversed: `to`) need its funds there */
  requireFunds?: boolean;
}

export class FeeLegs {
  constructor(private readonly ledger: Ledger) {}

  /** Freezes both legs: pending transfers, posted or voided later with `postHolds` / `voidHolds`. */
  async hold(tx: Tx, m: FeeMove, codes: LegCodes, ref: LegRef, opts: LegOptions = {}): Promise<LegHolds> {
    this.check(m);
    const funds = { requireFunds: opts.requireFunds === true };
    const amountId = m.amount > 0n ? await this.ledger.hold(tx, m.from, m.to, m.amount, { code: codes.amount, ...ref }, funds) : null;
    const feeId = m.fee > 0n ? await this.ledger.hold(tx, m.from, await this.fees(tx, m), m.fee, { code: codes.fee, ...ref }, funds) : null;
    return { amountId, feeId };
  }

  /** Moves both legs at once. */
  async post(tx: Tx, m: FeeMove, codes: LegCodes, ref: LegRef, opts: LegOptions = {}): Promise<void> {
    this.check(m);
    const funds = { requireFunds: opts.requireFunds === true };
    if (m.amount > 0n) await this.ledger.post(tx, m.from, m.to, m.amount, { code: codes.amount, ...ref }, funds);
    if (m.fee > 0n) await this.ledger.post(tx, m.from, await this.fees(tx, m), m.fee, { code: codes.fee, ...ref }, funds);
  }

  /** Moves both legs back: the amount `to` → `from` (with its funds there, when asked), the fee fees → `from`. */
  async reverse(tx: Tx, m: FeeMove, codes: LegCodes, ref: LegRef, opts: LegOptions = {}): Promise<void> {
    this.check(m);
    if (m.amount > 0n)
      await this.ledger.post(tx, m.to, m.from, m.amount, { code: codes.amount, ...ref }, { requireFunds: opts.requireFunds === true });
    if (m.fee > 0n) await this.ledger.post(tx, await this.fees(tx, m), m.from, m.fee, { code: codes.fee, ...ref });
  }

  /** Posts both held legs in full. */
  async postHolds(tx: Tx, holds: LegHolds, code: string, ref: LegRef): Promise<void> {
    for (const id of [holds.amountId, holds.feeId]) if (id !== null) await this.ledger.postPending(tx, id, null, { code, ...ref });
  }

  /** Releases both held legs. */
  async voidHolds(tx: Tx, holds: LegHolds, code: string, ref: LegRef): Promise<void> {
    for (const id of [holds.amountId, holds.feeId]) if (id !== null) await this.ledger.voidPending(tx, id, { code, ...ref });
  }

  private fees(tx: Tx, m: FeeMove): Promise<LedgerAccount> {
    return this.ledger.systemAccount(tx, m.merchantId, m.currency, FEES_ACCOUNT);
  }

  private check(m: FeeMove): void {
    if (m.amount < 0n || m.fee < 0n) throw new CoreError('AMOUNT_INVALID', 'a leg cannot be negative');
    if (m.amount === 0n && m.fee === 0n) throw new CoreError('AMOUNT_TOO_SMALL', 'nothing to move');
  }
}
