// Writes whose answer nobody reads travel, on PostgreSQL, with the transaction's next statement that needs an answer
// or with its COMMIT (src/store/postgres/statement-batch.ts), and a transaction reads back the rows it holds from
// what it wrote (src/store/own-rows.ts). The store's behaviour must stay that of statements sent one by one, on both
// stores: a failing write fails its transaction and nothing of it is kept, reads see the writes before them in
// order, values come back exactly as written, and a rollback to a savepoint undoes what it must. And on PostgreSQL
// the hot commands take the round trips measured (docs/scaling.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { draftPayment } from '../../src/core/payments.js';
import type { Store, Tx } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { migrationsFor } from '../../src/store/migrations.js';
import { postgresRoundTrips } from '../../src/store/postgres/postgres-store.js';
import { sqliteStatements } from '../../src/store/sqlite/sqlite-store.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { cpStore } from '../../src/faces/cloudpayments/store.js';
import { cpToken } from '../../bench/lib/scenarios.js';
import { useGateway, type TestGateway } from '../helpers/gateway.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { client, NOTIFY, SHOP, startCpGateway } from '../faces/cloudpayments/helpers.js';

const TRICKY = `it's a "test" \\ with $1 -- and /* */ ; ünïcödé 💳 E'\\x00'`;

function payment(id: number, description = 'deferred') {
  return draftPayment(
    {
      id,
      merchantId: 'm_deferred',
      face: 'cloudpayments',
      amount: 1234n,
      currency: 'RUB',
      captureMode: 'auto',
      description,
      metadata: { note: TRICKY },
    },
    1_700_000_000_000,
  );
}

const jobRefs = (tx: Tx, kind = 'test.deferred') =>
  tx
    .db<any>()
    .selectFrom('jobs')
    .select('ref')
    .where('kind', '=', kind)
    .orderBy('ref')
    .execute()
    .then((rows) => rows.map((r) => r.ref as string));

describe.each(STORES)('deferred writes on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('fails the transaction when a write fails, and keeps nothing of it', async () => {
    await store.transaction((tx) => tx.payments.insert(payment(501)));
    // a second payment with the same id: refused by the primary key, at once or with the COMMIT
    await expect(
      store.transaction(async (tx) => {
        await tx.jobs.schedule('test.deferred', 'before-failure', 1, {});
        await tx.payments.insert(payment(501, 'duplicate'));
        await tx.jobs.schedule('test.deferred', 'after-failure', 1, {});
      }),
    ).rejects.toThrow();
    expect(await store.read(jobRefs)).toEqual([]);
    expect((await store.read((tx) => tx.payments.get(501)))?.description).toBe('deferred');
  });

  it('lets later reads see the writes before them, in order, with every value exactly as written', async () => {
    const seen = await store.transaction(async (tx) => {
      await tx.jobs.schedule('test.deferred', 'a', 1, {});
      await tx.jobs.cancel('test.deferred', 'a');
      await tx.jobs.schedule('test.deferred', 'b', 1, {});
      await tx.payments.insert(payment(502, TRICKY));
      const listed = await tx.payments.list({ merchantId: 'm_deferred', invoiceId: undefined, limit: 10 });
      return { jobs: await jobRefs(tx), listed: listed.find((p) => p.id === 502) };
    });
    expect(seen.jobs).toEqual(['b']);
    expect(seen.listed?.description).toBe(TRICKY);
    expect(seen.listed?.metadata).toEqual({ note: TRICKY });
    const stored = await store.read((tx) => tx.payments.get(502));
    expect(stored).toEqual(payment(502, TRICKY));
    expect(await store.read(jobRefs)).toEqual(['b']);
  });

  it('sends reads made together (Tx.together) each after the writes made before it, and fails them together', async () => {
    const together = <T>(tx: Tx, fn: () => Promise<T>) => (tx.together ? tx.together(fn) : fn());
    const togetherRefs = (tx: Tx) => jobRefs(tx, 'test.together');
    const seen = await store.transaction(async (tx) => {
      await tx.payments.insert(payment(505));
      await tx.jobs.schedule('test.together', 'c', 1, {});
      return together(tx, () =>
        Promise.all([
          tx.payments.list({ merchantId: 'm_deferred', limit: 50 }).then((ps) => ps.some((p) => p.id === 505)),
          (async () => {
            // a write of this branch, then its read: the read sees it
            await tx.jobs.schedule('test.together', 'd', 1, {});
            return togetherRefs(tx);
          })(),
          togetherRefs(tx),
        ]),
      );
    });
    expect(seen[0]).toBe(true);
    expect(seen[1]).toEqual(['c', 'd']);
    // the third read was made before the branch's write reached the store: it sees 'c', and 'd' only if it was sent after it
    expect(seen[2]!.slice(0, 1)).toEqual(['c']);
    expect(await store.read(togetherRefs)).toEqual(['c', 'd']);
    // a read that fails fails the transaction, whatever travelled with it
    await expect(
      store.transaction(async (tx) => {
        await tx.jobs.schedule('test.together', 'e', 1, {});
        await together(tx, () => Promise.all([togetherRefs(tx), sql`select * from no_such_table`.execute(tx.db<any>())]));
      }),
    ).rejects.toThrow();
    expect(await store.read(togetherRefs)).toEqual(['c', 'd']);
    await store.transaction(async (tx) => {
      await tx.jobs.cancel('test.together', 'c');
      await tx.jobs.cancel('test.together', 'd');
    });
  });

  it('sends a deferred savepoint before a rollback to it: the writes before it stay, the ones after it are undone', async () => {
    const schedule = (tx: Tx, ref: string) => tx.jobs.schedule('test.savepoint', ref, 1, {});
    await store.transaction(async (tx) => {
      await schedule(tx, 'before');
      // the savepoint as a deferred write, after a deferred write and before two more
      await tx.write(sql`savepoint deferred_sp`.compile(tx.db<any>()));
      await schedule(tx, 'after-1');
      await schedule(tx, 'after-2');
      await sql`rollback to savepoint deferred_sp`.execute(tx.db<any>());
      await schedule(tx, 'after-rollback');
      await tx.write(sql`release savepoint deferred_sp`.compile(tx.db<any>()));
    });
    expect(await store.read((tx) => jobRefs(tx, 'test.savepoint'))).toEqual(['after-rollback', 'before']);
  });

  it("locks a payment's hold with it: another transaction cannot settle it meanwhile, and its state is known", async () => {
    const hold = await store.transaction(async (tx) => {
      const id = await tx.ledger.insertTransfer({
        kind: 'pending',
        debitAccountId: 'acc_net',
        creditAccountId: 'acc_avail',
        amount: 500n,
        currency: 'RUB',
        pendingId: null,
        pendingState: 'pending',
        code: 'authorization',
        refType: 'payment',
        refId: '5050',
        createdAt: 1,
      });
      await tx.payments.insert({ ...payment(5050), status: 'authorized', holdTransferId: id });
      return id;
    });
    // PostgreSQL: a second connection asking for the hold's row at once is refused while the first holds it
    // (SQLite's single writer cannot interleave: there the lock is the writer's)
    const tryLock = () =>
      store.transaction((other) => sql`select id from ledger_transfers where id = ${hold} for update nowait`.execute(other.db<any>()));
    const seen = await store.transaction(async (tx) => {
      await tx.ledger.lockPaymentHold(5050);
      const refused =
        kind === 'postgres'
          ? await tryLock().then(
              () => 'granted',
              (e: Error) => e.message,
            )
          : 'not asked';
      const first = await tx.ledger.getTransfer(hold);
      const posted = await tx.ledger.setPendingState(hold, 'pending', 'posted');
      const again = await tx.ledger.getTransfer(hold);
      return { refused, first, posted, again, voided: await tx.ledger.setPendingState(hold, 'pending', 'voided') };
    });
    if (kind === 'postgres') expect(seen.refused).toMatch(/could not obtain lock/);
    expect(seen.first).toMatchObject({ id: hold, amount: 500n, pendingState: 'pending' });
    expect(seen.posted).toBe(true);
    expect(seen.again?.pendingState).toBe('posted');
    expect(seen.voided).toBe(false);
    expect((await store.read((tx) => tx.ledger.getTransfer(hold)))?.pendingState).toBe('posted');
    // released with the COMMIT
    if (kind === 'postgres') await tryLock();
    // a payment without a hold, or none at all: nothing to lock
    await store.transaction(async (tx) => {
      await tx.ledger.lockPaymentHold(501);
      await tx.ledger.lockPaymentHold(999_999);
    });
  });

  it('reads a card by its fingerprint ahead of its use, once: found or not, as of that read', async () => {
    const card = (id: string, fingerprint: string) => ({
      id,
      fingerprint,
      panEncrypted: 'sealed',
      keyId: 'k1',
      first6: '400000',
      last4: '3055',
      brand: 'Visa' as const,
      expMonth: 12,
      expYear: 2035,
      holder: null,
      createdAt: 1,
    });
    await store.transaction((tx) => tx.cards.insert(card('card_ahead_a', 'fp_ahead_a')));
    const seen = await store.transaction(async (tx) => {
      await tx.cards.readByFingerprintAhead('fp_ahead_a');
      await tx.cards.readByFingerprintAhead('fp_ahead_b');
      const a = await tx.cards.findByFingerprint('fp_ahead_a');
      const b = await tx.cards.findByFingerprint('fp_ahead_b');
      // the missing card stored, then read back: as it is now, not as the read ahead found it
      await tx.cards.insert(card('card_ahead_b', 'fp_ahead_b'));
      return { a: a?.id, b: b?.id, bAfter: (await tx.cards.findByFingerprint('fp_ahead_b'))?.id };
    });
    expect(seen).toEqual({ a: 'card_ahead_a', b: undefined, bAfter: 'card_ahead_b' });
    if (kind === 'postgres') {
      // two reads ahead and the read back: three statements of the cards, not five
      const statements = postgresRoundTrips(store)!
        .recent.filter((t) => t.kind === 'transaction')
        .at(-1)!.statements;
      expect(statements.filter((st) => /^select \* from "cards"/.test(st))).toHaveLength(3);
    }
  });

  it("reads a payment's accounts ahead of their use, and draws an id ahead of its use", async () => {
    const account = (id: string, kind: string, credits: bigint) => ({
      id,
      merchantId: 'm_deferred',
      currency: 'RUB',
      kind,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: credits,
      createdAt: 1,
    });
    await store.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('acc_ahead_avail', 'available', 700n));
      await tx.ledger.insertAccount(account('acc_ahead_net', 'network', 0n));
      await tx.payments.insert(payment(5060));
    });
    const seen = await store.transaction(async (tx) => {
      const firstId = await tx.sequences.nextTransactionId();
      await tx.ledger.readPaymentAccountsAhead(5060);
      await tx.sequences.drawAhead?.();
      await tx.ledger.addToAccount('acc_ahead_avail', { creditsPosted: 5n });
      return {
        firstId,
        available: await tx.ledger.findAccount('m_deferred', 'RUB', 'available'),
        network: await tx.ledger.findAccount('m_deferred', 'RUB', 'network'),
        ids: [await tx.sequences.nextTransactionId(), await tx.sequences.nextTransactionId()],
      };
    });
    expect(seen.available).toMatchObject({ id: 'acc_ahead_avail', creditsPosted: 705n });
    expect(seen.network).toMatchObject({ id: 'acc_ahead_net', creditsPosted: 0n });
    // drawn in order: the id drawn ahead first, then the next
    expect(seen.ids).toEqual([seen.firstId + 1, seen.firstId + 2]);
    if (kind === 'postgres') {
      // the accounts were read once (ahead), and three ids drawn for the three asked for
      const statements = postgresRoundTrips(store)!
        .recent.filter((t) => t.kind === 'transaction')
        .at(-1)!.statements;
      expect(statements.filter((st) => /from "accounts"/.test(st))).toHaveLength(1);
      expect(statements.filter((st) => /nextval/.test(st))).toHaveLength(3);
    }
  });

  it('reads back a payment and a hold it holds as written, and a rollback to a savepoint undoes them', async () => {
    const inTx = await store.transaction(async (tx) => {
      const p = payment(503);
      await tx.payments.insert(p);
      const hold = await tx.ledger.insertTransfer({
        kind: 'pending',
        debitAccountId: 'acc_net',
        creditAccountId: 'acc_avail',
        amount: 1234n,
        currency: 'RUB',
        pendingId: null,
        pendingState: 'pending',
        code: 'authorization',
        refType: 'payment',
        refId: '503',
        createdAt: 1,
      });
      const locked = await tx.payments.lock(503);
      const posted = await tx.ledger.setPendingState(hold, 'pending', 'posted');
      const again = await tx.ledger.setPendingState(hold, 'pending', 'voided');
      await sql`savepoint deferred_test`.execute(tx.db<any>());
      await tx.payments.update({ ...p, status: 'captured', capturedAmount: 1234n });
      await tx.payments.insert(payment(504));
      await sql`rollback to savepoint deferred_test`.execute(tx.db<any>());
      return {
        locked,
        posted,
        again,
        hold: await tx.ledger.getTransfer(hold),
        afterRollback: await tx.payments.get(503),
        undone: await tx.payments.get(504),
      };
    });
    expect(inTx.locked).toEqual(payment(503));
    expect([inTx.posted, inTx.again]).toEqual([true, false]);
    expect(inTx.hold?.pendingState).toBe('posted');
    expect(inTx.afterRollback?.status).toBe('created');
    expect(inTx.undone).toBeUndefined();
    expect((await store.read((tx) => tx.payments.get(503)))?.status).toBe('created');
    expect(await store.read((tx) => tx.payments.get(504))).toBeUndefined();
  });
});

/** A CloudPayments API request of a terminal, by the face's own client (HTTP Basic with its public id and secret). */
async function cpPost(h: TestGateway, path: string, body: Record<string, unknown>, c = SHOP) {
  const r = await client(h, c).call<{ TransactionId: number }>(path, body);
  return r as typeof r & { Model: { TransactionId: number } };
}

// Round trips per command on PostgreSQL, as counted by the store. The command's transaction: BEGIN travels with its
// first statement, its writes with the next statement that needs an answer or with COMMIT. What remains are the
// answers the core waits for in turn (docs/scaling.md lists them).
describe.each(STORES.filter((k) => k === 'postgres'))('round trips per command on %s', (kind) => {
  const g = useGateway(() => startCpGateway(kind), { receiver: true });
  const post = (path: string, body: Record<string, unknown>, c = SHOP) => cpPost(g.h, path, body, c);

  /** the transaction of the command (the one that ran `marker`) and the reads made while it ran */
  async function measure(marker: RegExp, call: () => Promise<unknown>) {
    const stats = postgresRoundTrips(g.h.gw.engine.store)!;
    stats.recent.length = 0;
    await call();
    const mine = [...stats.recent];
    const tx = mine.filter((t) => t.kind === 'transaction' && t.statements.some((s) => marker.test(s)));
    return { tx, roundTrips: tx.map((t) => t.roundTrips), reads: mine.filter((t) => t.kind === 'read') };
  }

  it('takes 2 round trips for a cryptogram charge, a token charge, a refund and a confirmation, and 2 for a status read', async () => {
    const token = await cpToken(g.h.url, SHOP, 'round_trips');
    // a cryptogram charge of a stored card: the card by its fingerprint, the merchant's accounts and the card's token
    // for the payer, read together (with BEGIN); everything written with the COMMIT. The same card and payer get the
    // token they were given before; another payer a new one, then that one again
    let again = '';
    const cryptogram = await measure(/^insert into "payments"/, async () => {
      again = await cpToken(g.h.url, SHOP, 'round_trips');
    });
    expect(cryptogram.roundTrips).toEqual([2]);
    expect(again).toBe(token);
    const other = await cpToken(g.h.url, SHOP, 'round_trips_other');
    expect(other).not.toBe(token);
    expect(await cpToken(g.h.url, SHOP, 'round_trips_other')).toBe(other);
    const charge = { Amount: 10, Currency: 'RUB', AccountId: 'round_trips', Token: token, IpAddress: '127.0.0.1' };
    // the process's first charge claims its blocks of transfer and event ids (a round trip each, once per block)
    expect((await post('/payments/tokens/charge', charge)).Success).toBe(true);
    let id = 0;
    const c = await measure(/^insert into "payments"/, async () => {
      const r = await post('/payments/tokens/charge', charge);
      expect(r.Success).toBe(true);
      id = r.Model.TransactionId;
    });
    expect(c.roundTrips).toEqual([2]);
    // before the transaction: the credential with its merchant, the card token with its card (a statement each), then
    // the notification settings and the payment's transaction id, made at the same time and sent in one round trip
    const named = (statement: string) =>
      statement
        .match(/"(\w+)"|nextval\('(\w+)'/)!
        .slice(1)
        .find(Boolean);
    expect(c.reads.map((x) => x.statements.map(named).sort())).toEqual([
      ['credentials'],
      ['card_tokens'],
      ['cloudpayments_notifications', 'transaction_id_seq'],
    ]);
    // the transaction draws no id of its own
    expect(c.tx[0]!.statements.some((st) => /nextval/.test(st))).toBe(false);
    // the merchant's notification settings were read before the transaction (for Check): not again in it
    expect(c.tx[0]!.statements.some((st) => /cloudpayments_notifications/.test(st))).toBe(false);
    const r = await measure(/^insert into "refunds"/, async () =>
      expect((await post('/payments/refund', { TransactionId: id, Amount: 5 })).Success).toBe(true),
    );
    // the payment locked with the merchant's notification settings, its accounts and the refund's id (with BEGIN);
    // everything written, with COMMIT
    expect(r.roundTrips).toEqual([2]);
    expect(r.tx[0]!.statements.filter((st) => /cloudpayments_notifications/.test(st))).toHaveLength(1);
    expect(r.tx[0]!.statements.filter((st) => /from "accounts"/.test(st))).toHaveLength(1);
    expect(r.tx[0]!.statements.filter((st) => /^select \* from "payments"/.test(st))).toEqual([expect.stringMatching(/for update/)]);
    const auth = await post('/payments/tokens/auth', charge);
    expect(auth.Success).toBe(true);
    const confirmed = await measure(/^update "ledger_transfers" set "pending_state"/, async () =>
      expect((await post('/payments/confirm', { TransactionId: auth.Model.TransactionId, Amount: 10 })).Success).toBe(true),
    );
    // the payment and its hold locked, with the settings (with BEGIN); the hold marked posted and everything else
    // written, with COMMIT
    expect(confirmed.roundTrips).toEqual([2]);
    // (the hold read once, by the payment: its lock is pinned by the test above)
    expect(confirmed.tx[0]!.statements.filter((st) => /from "ledger_transfers"/.test(st))).toEqual([
      expect.stringMatching(/^select \* from "ledger_transfers" where "id" = \(select "hold_transfer_id" from "p/),
    ]);
    const s = await measure(/^$/, async () => expect((await post('/payments/get', { TransactionId: id })).Success).toBe(true));
    const own = s.reads.filter((x) => x.statements.some((st) => /"credentials"|"merchants"|"payments"/.test(st)));
    // outside a transaction: the terminal's credential with its merchant (one statement), then the payment
    expect(own.map((x) => x.roundTrips).reduce((a, b) => a + b, 0)).toBe(2);
    expect(own.filter((x) => x.statements.some((st) => /"merchants"/.test(st)))).toHaveLength(1);
  });

  it("sees a change of a merchant's notification settings made by another process at the next charge", async () => {
    // another process: a store of its own over the same database
    const other = await openStore({ databaseUrl: g.h.target.databaseUrl, migrations: migrationsFor(ALL_FACES) });
    const payTo = (address: string) =>
      other.transaction((tx) =>
        cpStore.putSettings(
          tx,
          NOTIFY.id,
          { type: 'Pay', isEnabled: true, address, httpMethod: 'POST', encoding: 'UTF8', format: 'CloudPayments' },
          Date.now(),
        ),
      );
    const token = await cpToken(g.h.url, NOTIFY, 'notified');
    const charge = async () => {
      const r = await post(
        '/payments/tokens/charge',
        { Amount: 10, Currency: 'RUB', AccountId: 'notified', Token: token, IpAddress: '127.0.0.1' },
        NOTIFY,
      );
      expect(r.Success).toBe(true);
      // the Pay notification's delivery commits with the charge
      const sent = await g.h.gw.engine.read((tx) =>
        tx.deliveries.list({ subjectType: 'payment', subjectId: String(r.Model.TransactionId), limit: 10 }),
      );
      return sent.map((d) => d.url);
    };
    try {
      expect(await charge()).toEqual([]);
      await payTo(`${g.rx.url}/first`);
      expect(await charge()).toEqual([`${g.rx.url}/first`]);
      await payTo(`${g.rx.url}/second`);
      expect(await charge()).toEqual([`${g.rx.url}/second`]);
    } finally {
      await other.close();
    }
  });
});

// Statements per command on SQLite, as the store's connections run them. A statement there costs no round trip but
// its CPU: a transaction reads back nothing it wrote (it holds every row it touches until it ends), and a payment
// captured in the transaction that creates it gets no expiry job to cancel.
describe.each(STORES.filter((k) => k === 'sqlite'))('statements per command on %s', (kind) => {
  const g = useGateway(() => startCpGateway(kind));

  it("a token charge: what it writes, one read of the merchant's accounts, and no read of what it wrote", async () => {
    const token = await cpToken(g.h.url, SHOP, 'statements');
    const charge = { Amount: 10, Currency: 'RUB', AccountId: 'statements', Token: token, IpAddress: '127.0.0.1' };
    expect((await cpPost(g.h, '/payments/tokens/charge', charge)).Success).toBe(true);
    const logs = sqliteStatements(g.h.gw.engine.store)!;
    const writer: string[] = (logs.writer.kept = []);
    const reader: string[] = (logs.reader!.kept = []);
    try {
      expect((await cpPost(g.h, '/payments/tokens/charge', charge)).Success).toBe(true);
    } finally {
      logs.writer.kept = logs.reader!.kept = null;
    }
    // the statement's verb and table; the background loops' claims and the request log (a later batch) left out
    const named = (list: string[]) =>
      list
        .filter((st) => !/^update "(jobs|outbox|deliveries)" set "locked_until"|^select min\(|"api_requests"/.test(st))
        .map((st) => {
          const m = /^(select|insert|update|delete)\b.*?(?:into|from|update)? "(\w+)"/.exec(st)!;
          return `${m[1]} ${m[2]}`;
        });
    expect(named(writer)).toEqual([
      'update sequences', // the payment's id
      'insert payments',
      'select accounts', // the merchant's available and network accounts in RUB, in one statement
      'insert ledger_transfers', // the authorization's hold
      'update ledger_transfers', // the hold posted, without reading it back
      'insert ledger_transfers', // the capture
      'update payments', // captured, without reading back the payment it inserted
      'insert outbox', // its three events
      'update accounts', // the two totals, at the end
      'update accounts',
    ]);
    // before the transaction: the terminal's credential, the token with its card (whose number is not read again in
    // the transaction), the notification settings
    expect(named(reader)).toEqual(['select credentials', 'select card_tokens', 'select cloudpayments_notifications']);
  });
});
