// The replay guard of Way2Pay's signed requests (auth.ts): the last nonce accepted per Public-Key (store.ts's
// `way2pay_nonces`), and the savepoint a request's work runs under, so that a business error undoes the work while
// the nonce stays used.
import { sql, type Kysely } from 'kysely';
import type { Tx } from '../../core/ports.js';
import { refusingConstraint } from '../../store/ledger-guards.js';
import { toBigint } from '../../store/table.js';
import { way2payTables as T, type Way2PayDatabase } from './store.js';

function db(tx: Tx): Kysely<Way2PayDatabase> {
  return tx.db<Way2PayDatabase>();
}

/** The constraint that refuses a nonce not greater than the last one accepted. */
export const NONCE_ORDER_CONSTRAINT = 'way2pay_nonces_increase';

/** Whether a store error is the refusal of a nonce not greater than the last one accepted (see acceptNonce). */
export function isNonceRefusal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && refusingConstraint(e) === NONCE_ORDER_CONSTRAINT;
}

export const way2payNonces = {
  /**
   * Accepts a nonce once, in the request's transaction: `set last_nonce = n, previous_nonce = last_nonce`, which the
   * table's CHECK (`way2pay_nonces_increase`: last_nonce > previous_nonce) refuses unless n is greater than the last
   * nonce accepted. Concurrent requests with one nonce serialize on the row; only the first passes. Nobody waits for
   * its answer: on PostgreSQL it travels with the work's first statement that needs one (or with the COMMIT), and a
   * refusal fails the transaction there; on SQLite it is refused here. Either way the refusal is `isNonceRefusal`.
   */
  async acceptNonce(tx: Tx, publicKey: string, nonce: bigint, now: number): Promise<void> {
    // the row made if it is missing
    const made = T.nonces.write({ publicKey, lastNonce: 0n, previousNonce: -1n, updatedAt: now });
    await tx.write(
      'way2pay.nonce.make',
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .insertInto('way2pay_nonces')
          .values({ public_key: slot(0), last_nonce: slot(1), previous_nonce: slot(2), updated_at: slot(3) })
          .onConflict((oc) => oc.column('public_key').doNothing()),
      [made.public_key, made.last_nonce, made.previous_nonce, made.updated_at],
    );
    const set = T.nonces.write({ lastNonce: nonce, updatedAt: now });
    await tx.write(
      'way2pay.nonce.accept',
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .updateTable('way2pay_nonces')
          // (every expression on the right is of the row before the update)
          .set((eb) => ({ previous_nonce: eb.ref('last_nonce'), last_nonce: slot(0), updated_at: slot(1) }))
          .where('public_key', '=', slot(2)),
      [set.last_nonce, set.updated_at, publicKey],
    );
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
      // the nonce refused (its deferred update answered with the work's statement): the whole transaction fails
      if (isNonceRefusal(error)) throw error;
      await sql`rollback to savepoint way2pay_request`.execute(db(tx));
      await sql`release savepoint way2pay_request`.execute(db(tx));
      return { ok: false, error };
    }
  },
};
