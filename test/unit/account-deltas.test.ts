// The account totals one transaction changed (src/store/account-deltas.ts): an account read through the transaction
// carries its changes; the accounts written at its end come in id order (the order their rows are locked in, so two
// transactions never lock the same accounts in opposite orders), without those whose changes cancel out; once
// written, the changes are forgotten.
import { describe, expect, it } from 'vitest';
import type { LedgerAccount } from '../../src/core/model.js';
import { AccountDeltas } from '../../src/store/account-deltas.js';

function stored(id: string, totals: Partial<LedgerAccount> = {}): LedgerAccount {
  return {
    id,
    merchantId: 'm1',
    currency: 'RUB',
    kind: 'available',
    debitsPending: 100n,
    debitsPosted: 200n,
    creditsPending: 300n,
    creditsPosted: 400n,
    createdAt: 1,
    ...totals,
  };
}

const NONE = { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };

describe('account deltas', () => {
  it('reads an account with each of its four totals changed, and one it did not change as stored', () => {
    const d = new AccountDeltas();
    expect(d.applyTo(stored('a'))).toEqual(stored('a'));
    d.add('a', { debitsPending: 1n, debitsPosted: 2n });
    d.add('a', { creditsPending: 3n, creditsPosted: 4n, debitsPosted: 10n });
    expect(d.applyTo(stored('a'))).toEqual(
      stored('a', { debitsPending: 101n, debitsPosted: 212n, creditsPending: 303n, creditsPosted: 404n }),
    );
    expect(d.applyTo(stored('b'))).toEqual(stored('b'));
    // a hold resolved in the same transaction: pending goes down, posted up
    d.add('b', { creditsPending: -300n, creditsPosted: 250n });
    expect(d.applyTo(stored('b'))).toEqual(stored('b', { creditsPending: 0n, creditsPosted: 650n }));
  });

  it('lists the changed accounts in id order, without those whose changes cancel out', () => {
    const d = new AccountDeltas();
    expect(d.changed()).toEqual([]);
    d.add('acc_c', { creditsPosted: 5n });
    d.add('acc_a', { debitsPending: 7n });
    d.add('acc_e', { debitsPosted: 1n });
    d.add('acc_d', { creditsPending: 9n });
    d.add('acc_b', { debitsPosted: 3n });
    d.add('acc_e', { debitsPosted: -1n });
    expect(d.changed()).toEqual([
      ['acc_a', { ...NONE, debitsPending: 7n }],
      ['acc_b', { ...NONE, debitsPosted: 3n }],
      ['acc_c', { ...NONE, creditsPosted: 5n }],
      ['acc_d', { ...NONE, creditsPending: 9n }],
    ]);
  });

  it('keeps an account whose only change is in any one of its four totals', () => {
    const d = new AccountDeltas();
    d.add('p4', { creditsPosted: 1n });
    d.add('p3', { creditsPending: 1n });
    d.add('p2', { debitsPosted: 1n });
    d.add('p1', { debitsPending: 1n });
    expect(d.changed().map(([id]) => id)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('forgets its changes once cleared: the accounts read as stored and nothing is left to write', () => {
    const d = new AccountDeltas();
    d.add('a', { debitsPosted: 50n });
    d.clear();
    expect(d.changed()).toEqual([]);
    expect(d.applyTo(stored('a'))).toEqual(stored('a'));
    d.add('a', { creditsPosted: 1n });
    expect(d.changed()).toEqual([['a', { ...NONE, creditsPosted: 1n }]]);
  });
});
