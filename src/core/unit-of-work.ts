// One store transaction per command, with hooks that run inside it once the command's work is done (the
// outbox renders its events' webhooks there) and hooks that run only after it commits (to wake the webhook
// dispatcher, for instance). Nothing is acknowledged before commit.
import type { Store, Tx } from './ports.js';

interface Hooks {
  before: Array<() => Promise<void>>;
  after: Array<() => void>;
}

const hooks = new WeakMap<Tx, Hooks>();

export async function inTransaction<T>(store: Store, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const h: Hooks = { before: [], after: [] };
  const result = await store.transaction(async (tx) => {
    hooks.set(tx, h);
    const r = await fn(tx);
    // a hook may add hooks: run until none is left
    for (let i = 0; i < h.before.length; i++) await h.before[i]!();
    return r;
  });
  for (const fn of h.after) {
    try {
      fn();
    } catch {
      /* a hook never undoes a commit */
    }
  }
  return result;
}

/** Runs fn once the transaction commits; never when it rolls back. */
export function afterCommit(tx: Tx, fn: () => void): void {
  hooks.get(tx)?.after.push(fn);
}

/**
 * Runs fn inside the transaction after the command's own work, just before commit; an error in it rolls the
 * whole transaction back. Returns false (and does nothing) when tx did not come from inTransaction.
 */
export function beforeCommit(tx: Tx, fn: () => Promise<void>): boolean {
  const h = hooks.get(tx);
  if (!h) return false;
  h.before.push(fn);
  return true;
}

/** Runs fn, whose reads travel together where the store offers it (`Tx.together`); elsewhere fn runs as it is. */
export function readTogether<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  return tx.together ? tx.together(fn) : fn();
}
