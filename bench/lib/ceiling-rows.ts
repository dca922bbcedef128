// What one CloudPayments token charge writes (no 3-D Secure, no notification configured, no idempotency key: the
// `cp-token-charge` scenario), found by running one and comparing every table before and after. The store ceiling
// (store-ceiling.ts) writes exactly this per charge; test/conformance/store-ceiling.test.ts runs a token charge on
// both stores and fails when the gateway starts writing other tables or another number of rows, so that the
// ceiling cannot drift from what it bounds.
//
// Per charge, in the gateway's order (one store transaction; the request log row in a later, batched one):
//   payments          insert the payment (created), later update it (captured)           +1 row
//   ledger_transfers  insert the authorization hold (pending), set its state to posted,
//                     insert the capture (post_pending, pointing at the hold)             +2 rows
//   outbox            its three events (created, authorized, captured) in one statement,
//                     stored as fanned out                                                 +3 rows
//   accounts          the merchant's available and network totals, in id order            +0 rows (2 updated)
//   api_requests      the request log row (the request and response bodies)               +1 row
//   sequences         SQLite only: the shared transaction id (a sequence on PostgreSQL)   +0 rows (1 updated)
export type StoreKind = 'sqlite' | 'postgres';

/** rows added per token charge, per table (tables only updated have 0) */
export const TOKEN_CHARGE_ROWS_ADDED: Readonly<Record<string, number>> = {
  payments: 1,
  ledger_transfers: 2,
  outbox: 3,
  accounts: 0,
  api_requests: 1,
};

/** the tables whose rows a token charge changes (added, updated or removed), per store */
export function tokenChargeTables(kind: StoreKind): string[] {
  const changed = Object.keys(TOKEN_CHARGE_ROWS_ADDED);
  return (kind === 'sqlite' ? [...changed, 'sequences'] : changed).sort();
}
