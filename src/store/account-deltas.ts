// The account totals one transaction changed. They are written at its end (the ledger repository's flushTotals, or
// on PostgreSQL with the COMMIT: postgres/account-totals.ts), in the order of the account ids: a hot account's row
// (a merchant's balance, its network counter-account) is then locked only for the commit instead of for the rest
// of the command, and two transactions never lock the same accounts in opposite orders. Reads through the
// transaction see the totals with its own changes.
import type { LedgerAccount } from '../core/model.js';
import type { AccountDelta } from '../core/ports.js';

export type AccountTotals = Required<AccountDelta>;

export class AccountDeltas {
  private deltas: Map<string, AccountTotals> | null = null;

  add(id: string, d: AccountDelta): void {
    this.deltas ??= new Map();
    const t = this.deltas.get(id) ?? { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
    t.debitsPending += d.debitsPending ?? 0n;
    t.debitsPosted += d.debitsPosted ?? 0n;
    t.creditsPending += d.creditsPending ?? 0n;
    t.creditsPosted += d.creditsPosted ?? 0n;
    this.deltas.set(id, t);
  }

  /** An account as read, with this transaction's changes to its totals. */
  applyTo(a: LedgerAccount): LedgerAccount {
    const d = this.deltas?.get(a.id);
    if (!d) return a;
    return {
      ...a,
      debitsPending: a.debitsPending + d.debitsPending,
      debitsPosted: a.debitsPosted + d.debitsPosted,
      creditsPending: a.creditsPending + d.creditsPending,
      creditsPosted: a.creditsPosted + d.creditsPosted,
    };
  }

  /** The accounts changed, in id order (the order rows are locked in), without those left as they were. */
  changed(): Array<[string, AccountTotals]> {
    if (!this.deltas) return [];
    return [...this.deltas]
      .filter(([, d]) => d.debitsPending !== 0n || d.debitsPosted !== 0n || d.creditsPending !== 0n || d.creditsPosted !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Forgets the changes (once they are written). */
  clear(): void {
    this.deltas = null;
  }
}
