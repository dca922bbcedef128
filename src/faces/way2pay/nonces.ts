// The replay guard of Way2Pay's signed requests (auth.ts): the last nonce accepted per Public-Key (store.ts's
// `way2pay_nonces`), and the savepoint a request's work runs under, so that a business error undoes the work while
// the nonce stays used.
import { sql, type Kysely } from 'kysely';
import type { Tx } from '../../core/ports.js';
import { toBigint } from '../../store/table.js';
import { way2payTables as T, type Way2PayDatabase } from './store.js';

function db(tx: Tx): Kysely<Way2PayDatabase> {
  return tx.db<Way2PayDatabase>();
}

export const way2payNonces = {
  /**
   * Accepts a nonce once: the conditional update `set last_nonce = n where public_key = k and last_nonce < n`
   * in the request's transaction. Concurrent requests with one nonce serialize on the row; only one updates it.
   */
  async acceptNonce(tx: Tx, publicKey: string, nonce: bigint, now: number): Promise<boolean> {
    // the row made if it is missing (nobody reads the answer: it travels with the update, on PostgreSQL)
    const made = T.nonces.write({ publicKey, lastNonce: 0n, updatedAt: now });
    await tx.write(
      'way2pay.nonce.make',
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .insertInto('way2pay_nonces')
          .values({ public_key: slot(0), last_nonce: slot(1), updated_at: slot(2) })
          .onConflict((oc) => oc.column('public_key').doNothing()),
      [made.public_key, made.last_nonce, made.updated_at],
    );
    const set = T.nonces.write({ lastNonce: nonce, updatedAt: now });
    const accepted = await tx.prepared(
      'way2pay.nonce.accept',
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .updateTable('way2pay_nonces')
          .set({ last_nonce: slot(0), updated_at: slot(1) })
          .where('public_key', '=', slot(2))
          .where('last_nonce', '<', slot(3))
          .returning('public_key'),
      [set.last_nonce, set.updated_at, publicKey, set.last_nonce],
    );
    return accepted.length === 1;
  },
  async lastNonce(tx: Tx, publicKey: string): Promise<bigint | undefined> {
    const [r] = await tx.prepared(
      'way2pay.nonce.last',
      (d: Kysely<Way2PayDatabase>, slot) => d.selectFrom('way2pay_nonces').select('last_nonce').where('public_key', '=', slot(0)),
      [publicKey],
    );
    return r ? toBigint(r.last_nonce) : undefined;
  },

  /** Runs fn under a savepoint: on a thrown error its writes are undone, the transaction's earlier writes stay. */
  async savepoint<R>(tx: Tx, fn: () => Promise<R>): Promise<{ ok: true; value: R } | { ok: false; error: unknown }> {
    // nothing waits for the savepoint either: it travels with the work's first statement (PostgreSQL)
    await tx.write(sql`savepoint way2pay_request`.compile(db(tx)));
    try {
      const value = await fn();
      // nothing waits for the release: it travels with the next statement (PostgreSQL), as a deferred write
      await tx.write(sql`release savepoint way2pay_request`.compile(db(tx)));
      return { ok: true, value };
    } catch (error) {
      await sql`rollback to savepoint way2pay_request`.execute(db(tx));
      await sql`release savepoint way2pay_request`.execute(db(tx));
      return { ok: false, error };
    }
  },
};
