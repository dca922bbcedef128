// The store ceiling: the rows a CloudPayments token charge writes (ceiling-rows.ts), written by the cheapest correct
// means of the store and nothing of the gateway, on a fresh database made by the gateway's own migrations, with the
// gateway's durability settings; every statement is executed and the row counts are checked at the end.
//   SQLite: better-sqlite3 on the data folder's file (WAL, synchronous=FULL, the gateway's page cache), each charge
//           in a savepoint, GROUP charges per commit (as the gateway's group commit holds about a dozen under load).
//   PostgreSQL: CONNECTIONS concurrent clients, each sending one charge's statements as ONE round trip: BEGIN …
//           COMMIT in a single simple-protocol query, values written in as literals.
// The request log row is written in the charge's own commit (the gateway writes it in a later, batched one: one
// commit more than here, so the ceiling stays an upper bound).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_FACES } from '../../src/faces/registry.js';
import { migrationsFor } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { DATABASE_FILE } from '../../src/store/sqlite/data-folder.js';
import { TOKEN_CHARGE_ROWS_ADDED } from './ceiling-rows.js';
import { descendantPids, processCpuSeconds, cpuSecondsBetween } from './cpu.js';
import { paymentPayload, REQUEST_EXCERPT, RESPONSE_EXCERPT } from './store.js';

export interface CeilingResult {
  /** charges per second */
  rps: number;
  charges: number;
  seconds: number;
  /** CPU ms per charge of the store's side: this process for SQLite (in process), PostgreSQL's processes */
  cpuMsPerCharge: number | null;
  /** how the charges were written */
  how: string;
}

const MERCHANT = 'ceiling';
const CURRENCY = 'RUB';
const AMOUNT = 1000;
const AVAILABLE_ID = '00000000-0000-4000-8000-00000000000a';
const NETWORK_ID = '00000000-0000-4000-8000-00000000000b';
/** transactions per SQLite commit */
const GROUP = 12;

async function migrate(cfg: { dataDir?: string; databaseUrl?: string }): Promise<void> {
  const store = await openStore({ ...cfg, migrations: migrationsFor(ALL_FACES) });
  await store.close();
}

const PAYMENT_COLUMNS =
  'id, merchant_id, face, status, amount, currency, captured_amount, refunded_amount, capture_mode, card_id, card_first6, card_last4, card_brand, card_exp_month, card_exp_year, card_holder, decline_reason, auth_code, rrn, hold_transfer_id, challenge_id, description, invoice_id, payer_ref, email, ip, metadata, test_mode, expires_at, created_at, updated_at, authorized_at, captured_at, voided_at, declined_at';

/** One charge's values (what the gateway would have computed for it). */
function chargeValues(id: number, at: number) {
  return {
    id,
    at,
    expiresAt: at + 7 * 86_400_000,
    events: (['created', 'authorized', 'captured'] as const).map((status) => ({
      eventId: randomUUID(),
      type: `payment.${status}`,
      payload: paymentPayload(id, MERCHANT, status, AMOUNT, CURRENCY, at),
    })),
    requestId: 'req_' + randomUUID().replace(/-/g, ''),
  };
}

// ---- SQLite

export async function sqliteCeiling(dataDir: string, durationS: number, warmupS: number): Promise<CeilingResult> {
  await migrate({ dataDir });
  const db = new Database(join(dataDir, DATABASE_FILE));
  // the gateway's settings (src/store/sqlite/sqlite-store.ts)
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  db.defaultSafeIntegers(true);
  const now0 = Date.now();
  const insAccount = db.prepare('insert into accounts (id, merchant_id, currency, kind, created_at) values (?, ?, ?, ?, ?)');
  insAccount.run(AVAILABLE_ID, MERCHANT, CURRENCY, 'available', now0);
  insAccount.run(NETWORK_ID, MERCHANT, CURRENCY, 'network', now0);
  const s = {
    nextId: db.prepare("update sequences set value = value + 1 where name = 'transaction_id' returning value"),
    insPayment: db.prepare(
      `insert into payments (${PAYMENT_COLUMNS}) values (?, ?, 'cloudpayments', 'created', ?, ?, 0, 0, 'auto', null, null, null, null, null, null, null, null, null, null, null, null, 'Benchmark order', null, 'bench_token', null, '127.0.0.1', '{"token":"tk_bench"}', 1, ?, ?, ?, null, null, null, null)`,
    ),
    insTransfer: db.prepare(
      `insert into ledger_transfers (kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'payment', ?, ?)`,
    ),
    post: db.prepare("update ledger_transfers set pending_state = 'posted' where id = ? and pending_state = 'pending'"),
    updPayment: db.prepare(
      `update payments set merchant_id = ?, face = 'cloudpayments', status = 'captured', amount = ?, currency = ?, captured_amount = ?, refunded_amount = 0, capture_mode = 'auto',
         card_id = 'card_bench', card_first6 = '400000', card_last4 = '3055', card_brand = 'Visa', card_exp_month = 12, card_exp_year = 2035, card_holder = 'BENCH CARDHOLDER',
         decline_reason = null, auth_code = 'B58VGU', rrn = '749712646334', hold_transfer_id = ?, challenge_id = null, description = 'Benchmark order', invoice_id = null,
         payer_ref = 'bench_token', email = null, ip = '127.0.0.1', metadata = '{"token":"tk_bench"}', test_mode = 1, expires_at = ?, created_at = ?, updated_at = ?,
         authorized_at = ?, captured_at = ?, voided_at = null, declined_at = null where id = ?`,
    ),
    insEvents: db.prepare(
      `insert into outbox (event_id, merchant_id, face, type, subject_type, subject_id, payload, created_at, fanned_out, locked_until) values
       (?, ?, 'cloudpayments', ?, 'payment', ?, ?, ?, 1, 0), (?, ?, 'cloudpayments', ?, 'payment', ?, ?, ?, 1, 0), (?, ?, 'cloudpayments', ?, 'payment', ?, ?, ?, 1, 0)`,
    ),
    totals: db.prepare(
      'update accounts set debits_pending = debits_pending + ?, debits_posted = debits_posted + ?, credits_pending = credits_pending + ?, credits_posted = credits_posted + ? where id = ?',
    ),
    insRequest: db.prepare(
      `insert into api_requests (at, merchant_id, face, method, path, status, duration_ms, request_id, subjects, request_body, response_body) values (?, ?, 'cloudpayments', 'POST', '/cloudpayments/payments/tokens/charge', 200, 2, ?, ?, ?, ?)`,
    ),
  };
  const charge = () => {
    const id = Number((s.nextId.get() as { value: bigint }).value);
    const v = chargeValues(id, Date.now());
    const ref = String(id);
    s.insPayment.run(id, MERCHANT, AMOUNT, CURRENCY, v.expiresAt, v.at, v.at);
    const hold = s.insTransfer.run(
      'pending',
      NETWORK_ID,
      AVAILABLE_ID,
      AMOUNT,
      CURRENCY,
      null,
      'pending',
      'authorization',
      ref,
      v.at,
    ).lastInsertRowid;
    s.post.run(hold);
    s.insTransfer.run('post_pending', NETWORK_ID, AVAILABLE_ID, AMOUNT, CURRENCY, hold, null, 'capture', ref, v.at);
    s.updPayment.run(MERCHANT, AMOUNT, CURRENCY, AMOUNT, hold, v.expiresAt, v.at, v.at, v.at, v.at, id);
    s.insEvents.run(...v.events.flatMap((e) => [e.eventId, MERCHANT, e.type, ref, e.payload, v.at]));
    // in id order, as the gateway writes them
    s.totals.run(0, 0, 0, AMOUNT, AVAILABLE_ID);
    s.totals.run(0, AMOUNT, 0, 0, NETWORK_ID);
    s.insRequest.run(v.at, MERCHANT, v.requestId, `,payment:${id},`, REQUEST_EXCERPT, RESPONSE_EXCERPT);
  };
  const group = () => {
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < GROUP; i++) {
      db.exec('SAVEPOINT polypay_tx');
      charge();
      db.exec('RELEASE polypay_tx');
    }
    db.exec('COMMIT');
  };
  const until = (t: number) => {
    let n = 0;
    while (performance.now() < t) {
      group();
      n += GROUP;
    }
    return n;
  };
  let total = until(performance.now() + warmupS * 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const measured = until(t0 + durationS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  total += measured;
  const count = (t: string) => Number((db.prepare(`select count(*) as n from ${t}`).get() as { n: bigint }).n);
  const available = db.prepare('select credits_posted as c from accounts where id = ?').get(AVAILABLE_ID) as { c: bigint };
  checkCounts(total, count, BigInt(available.c));
  db.close();
  return {
    rps: measured / seconds,
    charges: measured,
    seconds,
    cpuMsPerCharge: (cpu.user + cpu.system) / 1000 / measured,
    how: `better-sqlite3, ${GROUP} per commit`,
  };
}

function checkCounts(charges: number, count: (table: string) => number, availableCredits: bigint): void {
  for (const [t, perCharge] of Object.entries(TOKEN_CHARGE_ROWS_ADDED)) {
    const want = t === 'accounts' ? 2 : perCharge * charges;
    const got = count(t);
    if (got !== want) throw new Error(`store ceiling: ${t} has ${got} rows, ${want} expected after ${charges} charges`);
  }
  if (availableCredits !== BigInt(AMOUNT) * BigInt(charges))
    throw new Error(`store ceiling: the merchant's account holds ${availableCredits}, not ${AMOUNT * charges}`);
}

// ---- PostgreSQL

const lit = (v: string | number | null) => (v === null ? 'null' : typeof v === 'number' ? String(v) : pg.escapeLiteral(v));

/**
 * One charge as one simple-protocol query: BEGIN … COMMIT, the ids from the sequences (currval: this session's).
 * Each currval is a scalar subquery, evaluated once per statement: `where id = currval(…)` would compare every row
 * with a volatile function, a full scan of the table on each statement, where the subquery lets the primary key's
 * index find the one row.
 */
function pgChargeText(at: number): string {
  const v = chargeValues(0, at);
  const id = "(select currval('transaction_id_seq'))";
  const ref = `${id}::text`;
  const transferSeq = "(select currval(pg_get_serial_sequence('ledger_transfers', 'id')))";
  const events = v.events
    .map(
      (e) =>
        `(${lit(e.eventId)}, ${lit(MERCHANT)}, 'cloudpayments', ${lit(e.type)}, 'payment', ${ref}, replace(${lit(e.payload)}, '"id":0,', '"id":' || ${id} || ','), ${at}, 1, 0)`,
    )
    .join(', ');
  return `begin;
insert into payments (${PAYMENT_COLUMNS}) values (nextval('transaction_id_seq'), ${lit(MERCHANT)}, 'cloudpayments', 'created', ${AMOUNT}, ${lit(CURRENCY)}, 0, 0, 'auto', null, null, null, null, null, null, null, null, null, null, null, null, 'Benchmark order', null, 'bench_token', null, '127.0.0.1', '{"token":"tk_bench"}', 1, ${v.expiresAt}, ${at}, ${at}, null, null, null, null);
insert into ledger_transfers (kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at) values ('pending', ${lit(NETWORK_ID)}, ${lit(AVAILABLE_ID)}, ${AMOUNT}, ${lit(CURRENCY)}, null, 'pending', 'authorization', 'payment', ${ref}, ${at});
update ledger_transfers set pending_state = 'posted' where id = ${transferSeq} and pending_state = 'pending';
insert into ledger_transfers (kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at) select 'post_pending', debit_account_id, credit_account_id, amount, currency, id, null, 'capture', 'payment', ${ref}, ${at} from ledger_transfers where id = ${transferSeq};
update payments set merchant_id = ${lit(MERCHANT)}, face = 'cloudpayments', status = 'captured', amount = ${AMOUNT}, currency = ${lit(CURRENCY)}, captured_amount = ${AMOUNT}, refunded_amount = 0, capture_mode = 'auto', card_id = 'card_bench', card_first6 = '400000', card_last4 = '3055', card_brand = 'Visa', card_exp_month = 12, card_exp_year = 2035, card_holder = 'BENCH CARDHOLDER', decline_reason = null, auth_code = 'B58VGU', rrn = '749712646334', hold_transfer_id = (select pending_id from ledger_transfers where id = ${transferSeq}), challenge_id = null, description = 'Benchmark order', invoice_id = null, payer_ref = 'bench_token', email = null, ip = '127.0.0.1', metadata = '{"token":"tk_bench"}', test_mode = 1, expires_at = ${v.expiresAt}, created_at = ${at}, updated_at = ${at}, authorized_at = ${at}, captured_at = ${at}, voided_at = null, declined_at = null where id = ${id};
insert into outbox (event_id, merchant_id, face, type, subject_type, subject_id, payload, created_at, fanned_out, locked_until) values ${events};
update accounts set debits_pending = debits_pending + 0, debits_posted = debits_posted + 0, credits_pending = credits_pending + 0, credits_posted = credits_posted + ${AMOUNT} where id = ${lit(AVAILABLE_ID)};
update accounts set debits_pending = debits_pending + 0, debits_posted = debits_posted + ${AMOUNT}, credits_pending = credits_pending + 0, credits_posted = credits_posted + 0 where id = ${lit(NETWORK_ID)};
insert into api_requests (at, merchant_id, face, method, path, status, duration_ms, request_id, subjects, request_body, response_body) values (${at}, ${lit(MERCHANT)}, 'cloudpayments', 'POST', '/cloudpayments/payments/tokens/charge', 200, 2, ${lit(v.requestId)}, ',payment:' || ${id} || ',', ${lit(REQUEST_EXCERPT)}, ${lit(RESPONSE_EXCERPT)});
commit`;
}

export async function postgresCeiling(
  databaseUrl: string,
  connections: number,
  durationS: number,
  warmupS: number,
): Promise<CeilingResult> {
  await migrate({ databaseUrl });
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  const now0 = Date.now();
  await setup.query(
    `insert into accounts (id, merchant_id, currency, kind, created_at) values ($1, $3, $4, 'available', $5), ($2, $3, $4, 'network', $5)`,
    [AVAILABLE_ID, NETWORK_ID, MERCHANT, CURRENCY, now0],
  );
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let measured = 0;
  let total = 0;
  const loops = clients.map(async (c) => {
    while (phase !== 'stop') {
      const counted = phase === 'measure';
      await c.query(pgChargeText(Date.now()));
      total++;
      if (counted && phase === 'measure') measured++;
    }
  });
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const pids = descendantPids(/^postgres$/);
  const cpu0 = processCpuSeconds(pids);
  const t0 = performance.now();
  phase = 'measure';
  await new Promise((r) => setTimeout(r, durationS * 1000));
  phase = 'stop';
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSecondsBetween(cpu0, processCpuSeconds(descendantPids(/^postgres$/)));
  const counted = measured;
  await Promise.all(loops);
  await Promise.all(clients.map((c) => c.end()));
  const counts = new Map<string, number>();
  for (const t of Object.keys(TOKEN_CHARGE_ROWS_ADDED))
    counts.set(t, Number((await setup.query<{ n: string }>(`select count(*) as n from ${pg.escapeIdentifier(t)}`)).rows[0]!.n));
  const available = (await setup.query<{ c: string }>('select credits_posted::text as c from accounts where id = $1', [AVAILABLE_ID]))
    .rows[0]!;
  await setup.end();
  checkCounts(total, (t) => counts.get(t)!, BigInt(available.c));
  return {
    rps: counted / seconds,
    charges: counted,
    seconds,
    cpuMsPerCharge: pids.length ? (cpu * 1000) / counted : null,
    how: `${connections} clients, one round trip per charge`,
  };
}
