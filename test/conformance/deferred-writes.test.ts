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
import { postgresRoundTrips } from '../../src/store/postgres/postgres-store.js';
import { cpToken } from '../../bench/lib/scenarios.js';
import { useGateway } from '../helpers/gateway.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { SHOP, startCpGateway } from '../faces/cloudpayments/helpers.js';

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

const jobRefs = (tx: Tx) =>
  tx
    .db<any>()
    .selectFrom('jobs')
    .select('ref')
    .where('kind', '=', 'test.deferred')
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

// Round trips per command on PostgreSQL, as counted by the store. The command's transaction: BEGIN travels with its
// first statement, its writes with the next statement that needs an answer or with COMMIT. What remains are the
// answers the core waits for in turn (docs/scaling.md lists them).
describe.each(STORES.filter((k) => k === 'postgres'))('round trips per command on %s', (kind) => {
  const g = useGateway(() => startCpGateway(kind));
  const auth = () => 'Basic ' + Buffer.from(`${SHOP.publicId}:${SHOP.apiSecret}`).toString('base64');
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${g.h.url}/cloudpayments${path}`, {
        method: 'POST',
        headers: { authorization: auth(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { Success: boolean; Model: { TransactionId: number } };

  /** the transaction of the command (the one that ran `marker`) and the reads made while it ran */
  async function measure(marker: RegExp, call: () => Promise<unknown>) {
    const stats = postgresRoundTrips(g.h.gw.engine.store)!;
    stats.recent.length = 0;
    await call();
    const mine = [...stats.recent];
    const tx = mine.filter((t) => t.kind === 'transaction' && t.statements.some((s) => marker.test(s)));
    return { tx, roundTrips: tx.map((t) => t.roundTrips), reads: mine.filter((t) => t.kind === 'read') };
  }

  it('takes 8 round trips for a token charge, 8 for a refund, and 3 for a status read', async () => {
    const token = await cpToken(g.h.url, SHOP, 'round_trips');
    const charge = { Amount: 10, Currency: 'RUB', AccountId: 'round_trips', Token: token, IpAddress: '127.0.0.1' };
    let id = 0;
    const c = await measure(/^insert into "payments"/, async () => {
      const r = await post('/payments/tokens/charge', charge);
      expect(r.Success).toBe(true);
      id = r.Model.TransactionId;
    });
    expect(c.roundTrips).toEqual([8]);
    const r = await measure(/^insert into "refunds"/, async () =>
      expect((await post('/payments/refund', { TransactionId: id, Amount: 5 })).Success).toBe(true),
    );
    expect(r.roundTrips).toEqual([8]);
    const s = await measure(/^$/, async () => expect((await post('/payments/get', { TransactionId: id })).Success).toBe(true));
    const own = s.reads.filter((x) => x.statements.some((st) => /"credentials"|"merchants"|"payments"/.test(st)));
    // outside a transaction: the terminal's credential, its merchant, then the payment, one round trip each
    expect(own.map((x) => x.roundTrips).reduce((a, b) => a + b, 0)).toBe(3);
  });
});
