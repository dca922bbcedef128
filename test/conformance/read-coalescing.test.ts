// Reads outside a transaction made at the same time by different callers: on PostgreSQL they travel together, up
// to 32 statements per round trip (src/store/postgres/read-coalescer.ts). On both stores each read must still get
// its own rows, and a read that fails must fail alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { draftPayment } from '../../src/core/payments.js';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { postgresRoundTrips } from '../../src/store/postgres/postgres-store.js';
import { freshStore, STORES } from '../helpers/stores.js';

const FIRST = 7001;
const COUNT = 40;

describe.each(STORES)('reads made at the same time on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
    await store.transaction(async (tx) => {
      for (let i = 0; i < COUNT; i++) {
        const id = FIRST + i;
        await tx.payments.insert(
          draftPayment(
            {
              id,
              merchantId: 'm_coalesced',
              face: 'cloudpayments',
              amount: BigInt(100 + i),
              currency: 'RUB',
              captureMode: 'auto',
              description: `payment ${id}`,
            },
            1_700_000_000_000,
          ),
        );
      }
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  /** the reads outside a transaction recorded while fn ran (PostgreSQL only): statements per round trip */
  async function readTrips(fn: () => Promise<unknown>): Promise<string[][] | null> {
    const stats = postgresRoundTrips(store);
    if (stats) stats.recent.length = 0;
    await fn();
    return stats ? stats.recent.filter((r) => r.kind === 'read').map((r) => r.statements) : null;
  }

  it('gives each of 40 reads made at once its own payment', async () => {
    const ids = Array.from({ length: COUNT }, (_, i) => FIRST + i);
    let got: Array<{ id: number; description: string | null; amount: bigint } | undefined> = [];
    const trips = await readTrips(async () => {
      got = await Promise.all(ids.map((id) => store.read((tx) => tx.payments.get(id))));
    });
    expect(got.map((p) => [p?.id, p?.description, p?.amount])).toEqual(ids.map((id, i) => [id, `payment ${id}`, BigInt(100 + i)]));
    if (trips) {
      // 32 statements in the first round trip, the other 8 in the second
      expect(trips.map((t) => t.length)).toEqual([32, 8]);
      expect(trips.flat().every((s) => /^select .* from "payments"/.test(s))).toBe(true);
    }
  });

  it('reads by keys that hold quotes, backslashes, dollars and comment marks, travelling with others, exactly', async () => {
    const keys = [`it's`, `a "b"`, `back\\slash \\' E'\\x41'`, `$1 $$ $tag$`, `-- comment`, `/* c */ ; select 1`, `ünï 💳`, `plain`];
    await store.transaction(async (tx) => {
      for (const [i, id] of keys.entries()) await tx.merchants.insert({ id, name: `merchant ${i}`, settings: { id }, createdAt: 1 });
    });
    let got: Array<{ id: string; name: string } | undefined> = [];
    const trips = await readTrips(async () => {
      got = await Promise.all([...keys, 'absent'].map((id) => store.read((tx) => tx.merchants.get(id))));
    });
    expect(got.map((m) => m && [m.id, m.name])).toEqual([...keys.map((id, i) => [id, `merchant ${i}`]), undefined]);
    if (trips) expect(trips.map((t) => t.length)).toEqual([keys.length + 1]);
  });

  it('fails only the read that fails: the others made with it get their rows', async () => {
    let settled: PromiseSettledResult<unknown>[] = [];
    const trips = await readTrips(async () => {
      settled = await Promise.allSettled([
        store.read((tx) => tx.payments.get(FIRST)),
        store.read((tx) => sql`select * from no_such_table`.execute(tx.db())),
        store.read((tx) => tx.payments.get(FIRST + 1)),
      ]);
    });
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<{ id: number }>).value.id).toBe(FIRST);
    expect((settled[2] as PromiseFulfilledResult<{ id: number }>).value.id).toBe(FIRST + 1);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/no_such_table/);
    // together first; the failure stopped the statements after it, so each went again on its own
    if (trips) expect(trips.map((t) => t.length)).toEqual([3, 1, 1, 1]);
  });

  // SQLite has no row locks (nor `for update`): this holds on PostgreSQL only
  it.runIf(kind === 'postgres')('sends a read that locks rows on its own', async () => {
    const trips = await readTrips(() =>
      Promise.all([
        store.read((tx) => tx.payments.get(FIRST)),
        store.read((tx) => sql`select id from payments where id = ${FIRST} for update`.execute(tx.db())),
        store.read((tx) => tx.payments.get(FIRST + 1)),
      ]),
    );
    expect(trips!.filter((t) => t.some((s) => /for update/.test(s)))).toEqual([[expect.stringMatching(/for update/)]]);
    expect(trips!.filter((t) => !t.some((s) => /for update/.test(s))).map((t) => t.length)).toEqual([2]);
  });

  it('sees what was committed before the read was made', async () => {
    const before = await store.read((tx) => tx.payments.get(FIRST + COUNT));
    expect(before).toBeUndefined();
    const [, after] = await Promise.all([
      store.read((tx) => tx.payments.get(FIRST)),
      store
        .transaction((tx) =>
          tx.payments.insert(
            draftPayment(
              { id: FIRST + COUNT, merchantId: 'm_coalesced', face: 'cloudpayments', amount: 1n, currency: 'RUB', captureMode: 'auto' },
              1_700_000_000_000,
            ),
          ),
        )
        .then(() => store.read((tx) => tx.payments.get(FIRST + COUNT))),
    ]);
    expect(after?.id).toBe(FIRST + COUNT);
  });
});
