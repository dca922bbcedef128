// The limits on amounts and the checked arithmetic of ledger totals, with literal values: one operation moves at
// most fifteen digits of minor units, and a total never leaves the signed 64-bit range a store column holds.
import { describe, expect, it } from 'vitest';
import { CoreError, isCoreError, type ErrorCode } from '../../src/core/errors.js';
import { checkAmount, checkedAdd, MAX_AMOUNT, MAX_STORED } from '../../src/core/money.js';
import { convert } from '../../src/faces/numopay/rates.js';
import { ledgerGuardError } from '../../src/store/ledger-guards.js';

function codeOf(f: () => unknown): ErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (e) {
    return isCoreError(e) ? e.code : 'none';
  }
}

describe('amount limits', () => {
  it('are fifteen digits per operation and a signed 64-bit integer per stored value', () => {
    expect(MAX_AMOUNT).toBe(999999999999999n);
    expect(MAX_STORED).toBe(9223372036854775807n);
  });

  it('checkAmount takes 1 to 999 999 999 999 999 minor units', () => {
    expect(checkAmount(1n)).toBe(1n);
    expect(checkAmount(999999999999999n)).toBe(999999999999999n);
    expect(codeOf(() => checkAmount(1000000000000000n))).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf(() => checkAmount(99999999999999900n))).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf(() => checkAmount(0n))).toBe('AMOUNT_TOO_SMALL');
    expect(codeOf(() => checkAmount(-1n))).toBe('AMOUNT_TOO_SMALL');
  });

  it('checkedAdd refuses a sum outside -2^63 .. 2^63 - 1', () => {
    expect(checkedAdd(9223372036854775806n, 1n)).toBe(9223372036854775807n);
    expect(checkedAdd(9223372036854775807n, 0n)).toBe(9223372036854775807n);
    expect(checkedAdd(-5n, 3n)).toBe(-2n);
    expect(checkedAdd(-9223372036854775807n, -1n)).toBe(-9223372036854775808n);
    expect(codeOf(() => checkedAdd(9223372036854775807n, 1n))).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf(() => checkedAdd(9223372036854775000n, 999999999999999n))).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf(() => checkedAdd(-9223372036854775808n, -1n))).toBe('AMOUNT_TOO_LARGE');
    // 100 charges of 999 999 999 999 999 EUR cents at 100 roubles per euro: past the range at the 93rd
    let total = 0n;
    let refusedAt = 0;
    for (let i = 1; i <= 100 && refusedAt === 0; i++) {
      try {
        total = checkedAdd(total, 99999999999999900n);
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        refusedAt = i;
      }
    }
    expect(refusedAt).toBe(93);
    expect(total).toBe(9199999999999990800n);
  });
});

describe('Numopay conversion bound', () => {
  it('converts within the limit and refuses a converted amount above it', () => {
    expect(convert(100n, 'EUR', 'RUB')).toBe(10000n);
    expect(convert(9999999999999n, 'EUR', 'RUB')).toBe(999999999999900n);
    expect(codeOf(() => convert(10000000000000n, 'EUR', 'RUB'))).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf(() => convert(999999999999999n, 'EUR', 'RUB'))).toBe('AMOUNT_TOO_LARGE');
    expect(convert(999999999999999n, 'RUB', 'RUB')).toBe(999999999999999n);
    expect(codeOf(() => convert(1000000000000000n, 'RUB', 'RUB'))).toBe('AMOUNT_TOO_LARGE');
  });
});

describe('store guard errors', () => {
  const mapped = (e: unknown) => {
    const m = ledgerGuardError(e);
    return isCoreError(m) ? m.code : m;
  };
  it('maps each store refusal to its coded error and leaves others alone', () => {
    expect(mapped(Object.assign(new Error('bigint out of range'), { code: '22003' }))).toBe('AMOUNT_TOO_LARGE');
    expect(mapped(Object.assign(new Error('violates check constraint'), { code: '23514', constraint: 'accounts_totals_fit' }))).toBe(
      'AMOUNT_TOO_LARGE',
    );
    expect(mapped(Object.assign(new Error('violates check constraint'), { code: '23514', constraint: 'accounts_nonneg' }))).toBe(
      'LEDGER_INVARIANT',
    );
    expect(mapped(Object.assign(new Error('CHECK constraint failed: accounts_integer'), { code: 'SQLITE_CONSTRAINT_CHECK' }))).toBe(
      'AMOUNT_TOO_LARGE',
    );
    expect(
      mapped(Object.assign(new Error('CHECK constraint failed: ledger_transfers_positive'), { code: 'SQLITE_CONSTRAINT_CHECK' })),
    ).toBe('LEDGER_INVARIANT');
    expect(mapped(new RangeError('The bound string, buffer, or bigint is too big'))).toBe('AMOUNT_TOO_LARGE');
    const other = Object.assign(new Error('CHECK constraint failed: payments_amounts'), { code: 'SQLITE_CONSTRAINT_CHECK' });
    expect(ledgerGuardError(other)).toBe(other);
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(ledgerGuardError(unique)).toBe(unique);
  });
});
