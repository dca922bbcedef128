// Values a command read before its transaction, or at the start of it together with other reads, handed to what
// renders at the transaction's end (a face's notifications and webhooks), so that the renderer makes no read of its
// own (on PostgreSQL, a round trip). They are as of that read: a change committed by any process before it is seen,
// as it would be by a read at the end; one committed while the command runs is seen by the next command. Nothing is
// kept past the transaction (the map is keyed by it and dropped with it).
import type { Tx } from '../../core/ports.js';

export interface Carried<T> {
  /** hands `value` (read for `key`) to the transaction */
  put(tx: Tx, key: string, value: T): void;
  /** what the transaction was handed for `key`, if anything */
  get(tx: Tx, key: string): T | undefined;
  /** forgets `key` (the transaction changed what was read) */
  drop(tx: Tx, key: string): void;
}

export function carriedPerTransaction<T>(): Carried<T> {
  const byTx = new WeakMap<Tx, Map<string, T>>();
  return {
    put(tx, key, value) {
      let m = byTx.get(tx);
      if (!m) byTx.set(tx, (m = new Map()));
      m.set(key, value);
    },
    get: (tx, key) => byTx.get(tx)?.get(key),
    drop: (tx, key) => void byTx.get(tx)?.delete(key),
  };
}
