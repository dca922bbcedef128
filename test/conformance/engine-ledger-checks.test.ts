// The ledger's own checks over both real stores: the whole-ledger check (its totals per currency, and each kind of
// disagreement it finds), a hold posted or voided within its amount and exactly once, what is not a hold, a transfer
// to its own account, funds available for a debit (posted credits minus posted and pending debits), a transfer past
// the store's range refused at the call, and the ledger port's own answers (account inserted or not, accounts
// listed, each account's transfer totals, a transaction's reads including its own changes).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import { isCoreError } from '../../src/core/errors.js';
import { AVAILABLE, FEES_ACCOUNT, NETWORK_ACCOUNT, type TransferRef } from '../../src/core/ledger.js';
import type { LedgerAccount } from '../../src/core/model.js';
import type { AccountDelta } from '../../src/core/ports.js';
import { STORES } from '../helpers/stores.js';
import { money, type EngineRig, useEngineRig } from './engine-harness.js';

const INT64_MAX = 9223372036854775807n;

/** The code and message a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? 'none', (e as Error).message];
  }
  throw new Error('expected a refusal');
}

const ref = (refId: string): TransferRef => ({ code: 'test', refType: 'checks', refId });

describe.each(STORES)('the whole-ledger check on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  let rub: { avail: LedgerAccount; net: LedgerAccount };
  const holds: Record<string, number> = {};

  useEngineRig(kind, (r) => {
    rig = r;
    engine = r.engine;
  });

  const accountsOf = (merchantId: string, currency: string) =>
    engine.transaction(async (tx) => ({
      avail: await engine.ledger.account(tx, merchantId, currency, AVAILABLE),
      net: await engine.ledger.systemAccount(tx, merchantId, currency, NETWORK_ACCOUNT),
    }));
  const verify = () => engine.read((tx) => engine.ledger.verify(tx));
  const write = (id: string, delta: AccountDelta) => rig.store.transaction((tx) => tx.ledger.addToAccount(id, delta));

  it('sums every account per currency, with a hold outstanding, one posted in part and one voided', async () => {
    engine.clock.advance(1000);
    rub = await accountsOf('v1', 'RUB');
    const { avail, net } = rub;
    holds.open = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 1000n, ref('open')));
    await engine.transaction((tx) => engine.ledger.post(tx, net, avail, 500n, ref('posted')));
    holds.part = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 300n, ref('part')));
    await engine.transaction((tx) => engine.ledger.postPending(tx, holds.part!, 200n, ref('part')));
    holds.gone = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 70n, ref('gone')));
    await engine.transaction((tx) => engine.ledger.voidPending(tx, holds.gone!, ref('gone')));
    engine.clock.advance(1000);
    const usd = await accountsOf('v1', 'USD');
    await engine.transaction((tx) => engine.ledger.post(tx, usd.net, usd.avail, 9n, ref('usd')));

    // m1's RUB and USD balances (made with the merchant, never used), and v1's four accounts
    expect(await verify()).toEqual({
      accounts: 6,
      currencies: { RUB: { debits: 1700n, credits: 1700n }, USD: { debits: 9n, credits: 9n } },
    });
    expect(money(await rig.balance('v1'))).toEqual({ posted: 700n, pendingIn: 1700n, available: 700n, frozenIn: 1000n, frozenOut: 0n });
    expect(money(await rig.network('v1'))).toEqual({ posted: -700n, pendingIn: -700n, available: -1700n, frozenIn: 0n, frozenOut: 1000n });
    // each hold records how it was resolved
    const state = async (refId: string) =>
      (await engine.read((tx) => tx.ledger.listTransfersByRef('checks', refId))).map((t) => [t.kind, t.amount, t.pendingState]);
    expect(await state('open')).toEqual([['pending', 1000n, 'pending']]);
    expect(await state('part')).toEqual([
      ['pending', 300n, 'posted'],
      ['post_pending', 200n, null],
    ]);
    expect(await state('gone')).toEqual([
      ['pending', 70n, 'voided'],
      ['void_pending', 70n, null],
    ]);
  });

  it('finds an account whose totals, any of the four, differ from its transfers', async () => {
    const id = rub.avail.id;
    const cases: Array<[keyof AccountDelta, string]> = [
      ['debitsPosted', 'posted'],
      ['creditsPosted', 'posted'],
      ['debitsPending', 'pending'],
      ['creditsPending', 'pending'],
    ];
    for (const [field, which] of cases) {
      await write(id, { [field]: 5n } as AccountDelta);
      expect(await refusal(verify()), field).toEqual(['LEDGER_INVARIANT', `account ${id}: ${which} totals differ from its transfers`]);
      await write(id, { [field]: -5n } as AccountDelta);
    }
    expect((await verify()).accounts).toBe(6);
  });

  it('finds a currency whose debits and credits differ', async () => {
    engine.clock.advance(1000);
    const eur = await engine.transaction((tx) => engine.ledger.account(tx, 'v1', 'EUR', AVAILABLE));
    // through the store port: a RUB transfer credited to a EUR account, each account matching its transfers
    const crossing = (from: LedgerAccount, to: LedgerAccount, refId: string) =>
      rig.store.transaction(async (tx) => {
        await tx.ledger.insertTransfer({
          kind: 'posted',
          debitAccountId: from.id,
          creditAccountId: to.id,
          amount: 4n,
          currency: from.currency,
          pendingId: null,
          pendingState: null,
          code: 'cross',
          refType: 'checks',
          refId,
          createdAt: engine.clock.now(),
        });
        await tx.ledger.addToAccount(from.id, { debitsPosted: 4n });
        await tx.ledger.addToAccount(to.id, { creditsPosted: 4n });
      });
    await crossing(rub.avail, eur, 'cross');
    expect(await refusal(verify())).toEqual(['LEDGER_INVARIANT', 'currency RUB: debits 1704 != credits 1700']);
    await crossing(eur, rub.avail, 'back');
    expect(await verify()).toEqual({
      accounts: 7,
      currencies: { RUB: { debits: 1704n, credits: 1704n }, USD: { debits: 9n, credits: 9n }, EUR: { debits: 4n, credits: 4n } },
    });
  });
});

describe.each(STORES)('ledger transfers on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;

  useEngineRig(kind, (r) => {
    rig = r;
    engine = r.engine;
  });

  const accountsOf = (merchantId: string, currency = 'RUB') =>
    engine.transaction(async (tx) => ({
      avail: await engine.ledger.account(tx, merchantId, currency, AVAILABLE),
      net: await engine.ledger.systemAccount(tx, merchantId, currency, NETWORK_ACCOUNT),
      fees: await engine.ledger.systemAccount(tx, merchantId, currency, FEES_ACCOUNT),
    }));
  const postPending = (id: number, amount: bigint | null) =>
    engine.transaction((tx) => engine.ledger.postPending(tx, id, amount, ref('pp')));
  const voidPending = (id: number) => engine.transaction((tx) => engine.ledger.voidPending(tx, id, ref('vp')));

  it('posts a hold within its amount, exactly once', async () => {
    const { avail, net } = await accountsOf('h1');
    const hold = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 1000n, ref('h1')));
    const tooMuch = ['AMOUNT_EXCEEDS_AVAILABLE', 'cannot post more than was held'];
    expect(await refusal(postPending(hold, 1001n))).toEqual(tooMuch);
    expect(await refusal(postPending(hold, -1n))).toEqual(tooMuch);
    expect(money(await rig.balance('h1'))).toEqual({ posted: 0n, pendingIn: 1000n, available: 0n, frozenIn: 1000n, frozenOut: 0n });
    await postPending(hold, 1000n);
    expect(money(await rig.balance('h1'))).toEqual({ posted: 1000n, pendingIn: 1000n, available: 1000n, frozenIn: 0n, frozenOut: 0n });
    const resolved = ['INVALID_STATE', 'hold already resolved'];
    expect(await refusal(postPending(hold, null))).toEqual(resolved);
    expect(await refusal(voidPending(hold))).toEqual(resolved);

    const other = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 50n, ref('h1b')));
    await voidPending(other);
    expect(await refusal(voidPending(other))).toEqual(resolved);
    expect(await refusal(postPending(other, 50n))).toEqual(resolved);
    expect(money(await rig.balance('h1'))).toEqual({ posted: 1000n, pendingIn: 1000n, available: 1000n, frozenIn: 0n, frozenOut: 0n });
  });

  it('refuses to post or void what is not a hold', async () => {
    const { avail, net } = await accountsOf('h2');
    const posted = await engine.transaction((tx) => engine.ledger.post(tx, net, avail, 5n, ref('h2')));
    const notHold = ['LEDGER_INVARIANT', `transfer ${posted} is not a hold`];
    expect(await refusal(postPending(posted, null))).toEqual(notHold);
    expect(await refusal(voidPending(posted))).toEqual(notHold);
    expect(await refusal(postPending(987_654_321, null))).toEqual(['LEDGER_INVARIANT', 'transfer 987654321 is not a hold']);
    expect(await refusal(voidPending(987_654_321))).toEqual(['LEDGER_INVARIANT', 'transfer 987654321 is not a hold']);
    expect(money(await rig.balance('h2')).posted).toBe(5n);
  });

  it('refuses a transfer to its own account, one above the largest amount, and a system account of another kind', async () => {
    const { avail, net } = await accountsOf('h3');
    expect(await refusal(engine.transaction((tx) => engine.ledger.post(tx, avail, avail, 1n, ref('self'))))).toEqual([
      'LEDGER_INVARIANT',
      'a transfer moves money between two accounts',
    ]);
    expect(await refusal(engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 1_000_000_000_000_000n, ref('big'))))).toEqual([
      'AMOUNT_TOO_LARGE',
      'a transfer moves at most 999999999999999 minor units',
    ]);
    expect(await refusal(engine.transaction((tx) => engine.ledger.systemAccount(tx, 'h3', 'RUB', AVAILABLE)))).toEqual([
      'LEDGER_INVARIANT',
      'available is not a system account kind',
    ]);
    expect(await engine.read((tx) => tx.ledger.listTransfersByRef('checks', 'self'))).toEqual([]);
  });

  it('lets a debit spend only posted credits less posted and pending debits', async () => {
    const { avail, net, fees } = await accountsOf('f1');
    await engine.transaction((tx) => engine.ledger.post(tx, net, avail, 1000n, ref('in')));
    await engine.transaction((tx) => engine.ledger.post(tx, avail, fees, 300n, ref('fee')));
    await engine.transaction((tx) => engine.ledger.hold(tx, avail, net, 200n, ref('out')));
    // 1000 - 300 - 200 = 500 available
    const spend = (amount: bigint) =>
      engine.transaction(async (tx) => {
        const a = await engine.ledger.account(tx, 'f1', 'RUB', AVAILABLE);
        return engine.ledger.post(tx, a, fees, amount, ref('spend'), { requireFunds: true });
      });
    expect(await refusal(spend(501n))).toEqual(['INSUFFICIENT_BALANCE', 'insufficient balance']);
    await spend(500n);
    expect(money(await rig.balance('f1'))).toEqual({ posted: 200n, pendingIn: 200n, available: 0n, frozenIn: 0n, frozenOut: 200n });
    expect((await refusal(spend(1n)))[0]).toBe('ZERO_BALANCE');
    // an account that was never created has nothing to spend
    const ghost: LedgerAccount = { ...avail, id: 'no-such-account' };
    expect(
      await refusal(engine.transaction((tx) => engine.ledger.post(tx, ghost, fees, 1n, ref('ghost'), { requireFunds: true }))),
    ).toEqual(['LEDGER_INVARIANT', 'account exists']);
  });

  it("refuses a transfer past the store's range at the call, so the command's transaction can still commit", async () => {
    const first = await accountsOf('r1');
    await rig.store.transaction(async (tx) => {
      await tx.ledger.addToAccount(first.avail.id, { creditsPosted: INT64_MAX - 10n });
      await tx.ledger.addToAccount(first.net.id, { debitsPosted: INT64_MAX - 10n });
    });
    const code = await engine.transaction(async (tx) => {
      const avail = await engine.ledger.account(tx, 'r1', 'RUB', AVAILABLE);
      const net = await engine.ledger.systemAccount(tx, 'r1', 'RUB', NETWORK_ACCOUNT);
      const e = await engine.ledger.post(tx, net, avail, 11n, ref('range')).then(
        () => null,
        (err: unknown) => err,
      );
      return isCoreError(e, 'AMOUNT_TOO_LARGE') ? e.message : String(e);
    });
    expect(code).toBe('the total would exceed what the ledger can hold');
    expect(await engine.read((tx) => tx.ledger.listTransfersByRef('checks', 'range'))).toEqual([]);
    expect((await engine.read((tx) => tx.ledger.getAccount(first.avail.id)))!.creditsPosted).toBe(INT64_MAX - 10n);
  });

  it("keeps a merchant's balance in its account of kind 'available', beside its network account", async () => {
    const { avail, net } = await accountsOf('k1');
    await engine.transaction((tx) => engine.ledger.post(tx, net, avail, 10n, ref('k1')));
    const listed = await engine.read((tx) => tx.ledger.listAccounts('k1'));
    expect(listed.map((a) => a.kind).sort()).toEqual(['available', 'fees', 'network']);
    expect(listed.find((a) => a.kind === 'available')!.creditsPosted).toBe(10n);
    expect((await rig.balance('k1')).kind).toBe('available');
  });
});

describe.each(STORES)('the ledger port on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;

  useEngineRig(kind, (r) => {
    rig = r;
    engine = r.engine;
  });

  const account = (id: string, merchantId: string, k: string, createdAt: number): LedgerAccount => ({
    id,
    merchantId,
    currency: 'RUB',
    kind: k,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    createdAt,
  });

  it('says whether it inserted an account, and lists a merchant’s accounts by creation time, then id', async () => {
    const inserted = await rig.store.transaction(async (tx) => [
      await tx.ledger.insertAccount(account('lst_z', 'lister', 'available', 20)),
      await tx.ledger.insertAccount(account('lst_y', 'lister', 'network', 10)),
      await tx.ledger.insertAccount(account('lst_x', 'lister', 'fees', 20)),
      // the same owner, currency and kind as lst_z: not inserted
      await tx.ledger.insertAccount(account('lst_w', 'lister', 'available', 5)),
      await tx.ledger.insertAccount(account('oth_1', 'other', 'available', 1)),
    ]);
    expect(inserted).toEqual([true, true, true, false, true]);
    expect((await engine.read((tx) => tx.ledger.listAccounts('lister'))).map((a) => [a.id, a.kind, a.createdAt])).toEqual([
      ['lst_y', 'network', 10],
      ['lst_x', 'fees', 20],
      ['lst_z', 'available', 20],
    ]);
    const all = (await engine.read((tx) => tx.ledger.listAccounts())).map((a) => a.id);
    expect(all).toEqual(expect.arrayContaining(['oth_1', 'lst_x', 'lst_y', 'lst_z']));
    expect(all).not.toContain('lst_w');
  });

  it('reads an account, in the transaction that changed it, with each of its four totals changed, once', async () => {
    const delta = { debitsPending: 1n, debitsPosted: 2n, creditsPending: 3n, creditsPosted: 4n };
    const inTx = await rig.store.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('rd_1', 'reader', 'available', 1));
      await tx.ledger.addToAccount('rd_1', delta);
      await tx.ledger.addToAccount('rd_1', { debitsPosted: 10n });
      return [
        await tx.ledger.getAccount('rd_1'),
        await tx.ledger.findAccount('reader', 'RUB', 'available'),
        (await tx.ledger.listAccounts('reader'))[0],
      ];
    });
    const expected = { id: 'rd_1', ...delta, debitsPosted: 12n };
    for (const a of inTx) expect(a).toMatchObject(expected);
    expect(await engine.read((tx) => tx.ledger.getAccount('rd_1'))).toMatchObject(expected);
  });

  it('names the guard that refused a negative total', async () => {
    await rig.store.transaction((tx) => tx.ledger.insertAccount(account('neg_1', 'negative', 'available', 1)));
    expect(await refusal(rig.store.transaction((tx) => tx.ledger.addToAccount('neg_1', { debitsPosted: -1n })))).toEqual([
      'LEDGER_INVARIANT',
      'the store refused a negative ledger value (accounts_nonneg)',
    ]);
    expect(await engine.read((tx) => tx.ledger.getAccount('neg_1'))).toMatchObject({ debitsPosted: 0n });
  });

  it("sums each account's transfers: pending while unresolved, posted once posted", async () => {
    const { avail, net } = await engine.transaction(async (tx) => ({
      avail: await engine.ledger.account(tx, 'tt', 'RUB', AVAILABLE),
      net: await engine.ledger.systemAccount(tx, 'tt', 'RUB', NETWORK_ACCOUNT),
    }));
    await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 40n, ref('tt1')));
    await engine.transaction((tx) => engine.ledger.post(tx, avail, net, 2n, ref('tt2')));
    await engine.transaction((tx) => engine.ledger.hold(tx, avail, net, 30n, ref('tt3')));
    const resolved = await engine.transaction((tx) => engine.ledger.hold(tx, net, avail, 9n, ref('tt4')));
    await engine.transaction((tx) => engine.ledger.postPending(tx, resolved, 7n, ref('tt4')));
    const totals = await engine.read((tx) => tx.ledger.transferTotals());
    expect(totals.find((t) => t.accountId === avail.id)).toEqual({
      accountId: avail.id,
      debitsPending: 30n,
      debitsPosted: 2n,
      creditsPending: 40n,
      creditsPosted: 7n,
    });
    expect(totals.find((t) => t.accountId === net.id)).toEqual({
      accountId: net.id,
      debitsPending: 40n,
      debitsPosted: 7n,
      creditsPending: 30n,
      creditsPosted: 2n,
    });
  });
});
