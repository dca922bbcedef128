// One store transaction per command, with hooks that run only after it commits (to wake the webhook
// dispatcher, for instance). Nothing is acknowledged before commit.
import type { Store, Tx } from './ports.js';

const hooks = new WeakMap<Tx, Array<() => void>>();

export async function inTransaction<T>(store: Store, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const after: Array<() => void> = [];
  const result = await store.transaction(async (tx) => {
    hooks.set(tx, after);
    return fn(tx);
  });
  for (const h of after) {
    try {
      h();
    } catch {
      /* a hook never undoes a commit */
    }
  }
  return result;
}

/** Runs fn once the transaction commits; never when it rolls back. */
export function afterCommit(tx: Tx, fn: () => void): void {
  const list = hooks.get(tx);
  if (list) list.push(fn);
}
