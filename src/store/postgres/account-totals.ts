// The account totals a transaction changed, as SQL statements sent with its COMMIT in one round trip (so a hot
// account's row is locked only while PostgreSQL runs that last statement list).
import type { AccountTotals } from '../account-deltas.js';

/**
 * The statements, with their values inlined (amounts are bigints, ids are checked); null when an id does not
 * qualify (the ledger repository's flushTotals then writes them as parameterised statements).
 */
export function accountTotalsSql(changed: ReadonlyArray<[string, AccountTotals]>): string | null {
  if (changed.some(([id]) => !/^[A-Za-z0-9_-]{1,64}$/.test(id))) return null;
  let out = '';
  for (const [id, d] of changed) {
    out +=
      `update accounts set debits_pending = debits_pending + ${d.debitsPending}, debits_posted = debits_posted + ${d.debitsPosted}, ` +
      `credits_pending = credits_pending + ${d.creditsPending}, credits_posted = credits_posted + ${d.creditsPosted} where id = '${id}';\n`;
  }
  return out;
}
