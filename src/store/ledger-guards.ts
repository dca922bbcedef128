// The stores' own guards on the ledger, and what their refusals mean. Both stores keep account totals and transfer
// amounts as signed 64-bit integers that are never negative, and an account's posted plus pending debits (and
// credits) within that range (migration 0003_ledger_limits). PostgreSQL refuses a sum past the range by itself
// (`bigint out of range`); SQLite would silently turn it into a floating-point number, which its CHECK on the
// value's type refuses. A refusal comes back to the command as a coded CoreError, never as a driver error.
import { CoreError } from '../core/errors.js';

/** CHECK constraints whose refusal means "beyond the 64-bit range": AMOUNT_TOO_LARGE. */
export const RANGE_CONSTRAINTS = ['accounts_integer', 'accounts_totals_fit', 'ledger_transfers_integer'] as const;
/** CHECK constraints whose refusal means a negative total or amount (a defect, not an input): LEDGER_INVARIANT. */
export const SIGN_CONSTRAINTS = ['accounts_nonneg', 'ledger_transfers_positive'] as const;

const TOO_LARGE = 'the total would exceed what the ledger can hold';

/** The name of the CHECK constraint a store error reports refusing a row, if it is such a refusal. */
export function refusingConstraint(e: { code?: unknown; constraint?: unknown; message?: unknown }): string | undefined {
  if (e.code !== '23514' && e.code !== 'SQLITE_CONSTRAINT_CHECK') return undefined;
  if (typeof e.constraint === 'string') return e.constraint; // PostgreSQL
  const m = typeof e.message === 'string' ? /^CHECK constraint failed: (\w+)/.exec(e.message) : null; // SQLite
  return m?.[1];
}

/**
 * The coded error for a store error raised by a ledger guard: AMOUNT_TOO_LARGE for a value beyond the 64-bit range
 * (PostgreSQL numeric_value_out_of_range, SQLite's range CHECKs or integer overflow, or a value too big for the
 * driver to bind), LEDGER_INVARIANT for a negative one. Any other error is returned unchanged.
 */
export function ledgerGuardError(e: unknown): unknown {
  if (typeof e !== 'object' || e === null || e instanceof CoreError) return e;
  const err = e as { code?: unknown; constraint?: unknown; message?: unknown };
  if (err.code === '22003') return new CoreError('AMOUNT_TOO_LARGE', TOO_LARGE);
  if (err.code === '23514' || err.code === 'SQLITE_CONSTRAINT_CHECK') {
    const name = refusingConstraint(err);
    if ((RANGE_CONSTRAINTS as readonly string[]).includes(name ?? '')) return new CoreError('AMOUNT_TOO_LARGE', TOO_LARGE);
    if ((SIGN_CONSTRAINTS as readonly string[]).includes(name ?? ''))
      return new CoreError('LEDGER_INVARIANT', `the store refused a negative ledger value (${name})`);
    return e;
  }
  if (err.code === 'SQLITE_ERROR' && err.message === 'integer overflow') return new CoreError('AMOUNT_TOO_LARGE', TOO_LARGE);
  if (e instanceof RangeError && /too big/.test(e.message)) return new CoreError('AMOUNT_TOO_LARGE', TOO_LARGE);
  return e;
}

/** Runs a ledger write, turning a guard's refusal into its coded error. */
export async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    throw ledgerGuardError(e);
  }
}
