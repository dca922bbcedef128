// What a ledger write's store error becomes (src/store/ledger-guards.ts), with errors raised by a real SQLite
// database: an integer overflow and a value too big to bind are AMOUNT_TOO_LARGE; any other error, and anything that
// is not an error object, comes back unchanged. And a ledger whose transfers, written through the store port, add
// up past the 64-bit range is reported by the ledger check as LEDGER_INVARIANT, never as a driver error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Ledger } from '../../src/core/ledger.js';
import { systemClock } from '../../src/core/clock.js';
import { CoreError, isCoreError } from '../../src/core/errors.js';
import type { LedgerAccount } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { guarded, ledgerGuardError } from '../../src/store/ledger-guards.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';

const INT64_MAX = 9223372036854775807n;
const TOO_LARGE = 'the total would exceed what the ledger can hold';

/** The error a call throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('a ledger guard error from SQLite', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(':memory:');
    db.defaultSafeIntegers(true);
  });
  afterAll(() => db?.close());

  it("turns SQLite's integer overflow into AMOUNT_TOO_LARGE, as a guarded write rejects", async () => {
    const overflow = () => db.prepare(`select sum(x) as s from (select ${INT64_MAX} as x union all select 1)`).get();
    const raw = thrown(overflow) as { code?: string; message?: string };
    expect([raw.code, raw.message]).toEqual(['SQLITE_ERROR', 'integer overflow']);
    const mapped = ledgerGuardError(raw);
    expect(isCoreError(mapped, 'AMOUNT_TOO_LARGE')).toBe(true);
    expect((mapped as CoreError).message).toBe(TOO_LARGE);
    await expect(guarded(async () => overflow())).rejects.toSatisfy((e: unknown) => isCoreError(e, 'AMOUNT_TOO_LARGE'));
  });

  it('turns a value too big to bind into AMOUNT_TOO_LARGE', () => {
    const raw = thrown(() => db.prepare('select ? as v').get(2n ** 64n));
    expect(raw).toBeInstanceOf(RangeError);
    const mapped = ledgerGuardError(raw);
    expect(isCoreError(mapped, 'AMOUNT_TOO_LARGE')).toBe(true);
    expect((mapped as CoreError).message).toBe(TOO_LARGE);
  });

  it('returns any other SQLite error, range error or CHECK refusal unchanged', () => {
    const noTable = thrown(() => db.prepare('select * from no_such_table').get()) as { code?: string };
    expect(noTable.code).toBe('SQLITE_ERROR');
    expect(ledgerGuardError(noTable)).toBe(noTable);
    const division = thrown(() => 1n / BigInt(0));
    expect(division).toBeInstanceOf(RangeError);
    expect(ledgerGuardError(division)).toBe(division);
    db.exec('create table other (x integer constraint other_rule check (x > 0))');
    const check = thrown(() => db.prepare('insert into other (x) values (0)').run()) as { code?: string };
    expect(check.code).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(ledgerGuardError(check)).toBe(check);
  });

  it('returns a coded error, and what is not an error object, as it is', async () => {
    const coded = new CoreError('INSUFFICIENT_BALANCE');
    expect(ledgerGuardError(coded)).toBe(coded);
    expect(ledgerGuardError(null)).toBe(null);
    expect(ledgerGuardError(undefined)).toBe(undefined);
    expect(ledgerGuardError('failed')).toBe('failed');
    await expect(guarded(() => Promise.reject(null))).rejects.toBe(null);
  });
});

describe('a SQLite ledger whose transfers add up past the 64-bit range', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: ':memory:', migrations: coreMigrations });
  });
  afterAll(() => store?.close());

  const account = (id: string): LedgerAccount => ({
    id,
    merchantId: 'm1',
    currency: 'RUB',
    kind: id,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    createdAt: 1,
  });

  it('is reported by the ledger check and the transfer totals as LEDGER_INVARIANT', async () => {
    await store.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('src'));
      await tx.ledger.insertAccount(account('dst'));
      for (const refId of ['1', '2'])
        await tx.ledger.insertTransfer({
          kind: 'posted',
          debitAccountId: 'src',
          creditAccountId: 'dst',
          amount: INT64_MAX,
          currency: 'RUB',
          pendingId: null,
          pendingState: null,
          code: 'big',
          refType: 'big',
          refId,
          createdAt: 1,
        });
    });
    const invariant = (e: unknown) =>
      isCoreError(e, 'LEDGER_INVARIANT') && (e as Error).message === "an account's transfers add up to more than the ledger can hold";
    await expect(store.read((tx) => new Ledger(systemClock).verify(tx))).rejects.toSatisfy(invariant);
    await expect(store.read((tx) => tx.ledger.transferTotals())).rejects.toSatisfy(invariant);
  });
});
