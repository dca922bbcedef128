// Direct access to the gateway's store from the benchmark (never through the gateway): pre-populating it
// with stored payments, queuing a backlog of webhook deliveries, and reading deliveries' commit times.
// SQLite through better-sqlite3 on the data folder's file, PostgreSQL through pg.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { GatewayTarget } from './proc.js';

export interface DeliveryRow {
  eventId: string;
  createdAt: number;
  deliveredAt: number | null;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface BenchStore {
  kind: 'sqlite' | 'postgres';
  /** deliveries' event ids and creation (commit) times, for events at or after `since` (epoch ms) */
  deliveries(merchantId: string, since: number): Promise<DeliveryRow[]>;
  /** queues `n` due webhook deliveries to `url` in one transaction; returns their event ids' prefix */
  queueDeliveries(n: number, url: string): Promise<string>;
  /** adds payments (with their ledger transfers, account totals, outbox events and API log rows) */
  populate(merchantId: string, currency: string, count: number, onProgress?: (done: number) => void): Promise<void>;
  countPayments(): Promise<number>;
  close(): Promise<void>;
}

const NUMOPAY_ORDER_BODY = (i: number) =>
  JSON.stringify({
    type: 'order',
    data: {
      order_slug: `bench-${i}`,
      is_completed: true,
      status: 'success',
      type: 'charge_unregistered',
      amount: '100.00',
      currency: 'RUB',
      card_number: '400000******3055',
      state_code: 0,
      state_description: 'Success',
    },
    event_at: new Date().toISOString(),
  });

/** The outbox payload of a stored CloudPayments payment (the shape and size the engine writes). */
export function paymentPayload(id: number, merchantId: string, status: string, amount: number, currency: string, at: number): string {
  return JSON.stringify({
    payment: {
      id,
      merchantId,
      face: 'cloudpayments',
      status,
      amount: String(amount),
      currency,
      capturedAmount: status === 'captured' ? String(amount) : '0',
      refundedAmount: '0',
      captureMode: 'auto',
      card:
        status === 'created'
          ? null
          : {
              cardId: 'card_bench',
              first6: '400000',
              last4: '3055',
              brand: 'Visa',
              expMonth: 12,
              expYear: 2035,
              holder: 'BENCH CARDHOLDER',
            },
      declineReason: null,
      authCode: status === 'created' ? null : 'B58VGU',
      rrn: status === 'created' ? null : '749712646334',
      holdTransferId: null,
      challengeId: null,
      description: 'Benchmark order',
      invoiceId: null,
      payerRef: 'bench_populated',
      email: null,
      ip: '127.0.0.1',
      metadata: { token: 'tk_bench' },
      testMode: true,
      expiresAt: at + 7 * 86_400_000,
      createdAt: at,
      updatedAt: at,
    },
  });
}

export const RESPONSE_EXCERPT =
  '{"Model":{"TransactionId":0,"Amount":10,"Currency":"RUB","CurrencyCode":0,"PaymentAmount":10,"PaymentCurrency":"RUB","PaymentCurrencyCode":0,"InvoiceId":null,"AccountId":"bench_populated","Email":null,"Description":"Benchmark order","JsonData":null,"CreatedDate":"/Date(0)/","CreatedDateIso":"2026-01-01T00:00:00","AuthDate":"/Date(0)/","AuthDateIso":"2026-01-01T00:00:00","ConfirmDate":"/Date(0)/","ConfirmDateIso":"2026-01-01T00:00:00","AuthCode":"B58VGU","TestMode":true,"Rrn":"749712646334","OriginalTransactionId":null,"FallBackScenarioDeclinedTransactionId":null,"IpAddress":"127.0.0.1","IpCountry":"","IpCity":null,"IpRegion":null,"IpDistrict":null,"IpLatitude":null,"IpLongitude":null,"CardFirstSix":"400000","CardLastFour":"3055","CardExpDate":"12/35","CardType":"Visa","CardProduct":null,"CardCategory":null,"EscrowAccumulationId":null,"IssuerBankCountry":"RU","Issuer":"Polypay Test Bank","CardTypeCode":0,"Status":"Completed","StatusCode":3,"CultureName":"ru-RU","Reason":"Approved","CardHolderMessage":"Оплата успешно проведена","Type":0,"Refunded":false,"Name":"BENCH CARDHOLDER","Token":"tk_bench","SubscriptionId":null,"GatewayName":"Test","ApplePay":false,"AndroidPay":false,"WalletType":"","TotalFee":0},"Success":true,"Message":null}';
export const REQUEST_EXCERPT =
  '{"Amount":10,"Currency":"RUB","AccountId":"bench_populated","Token":"tk_bench","Description":"Benchmark order","IpAddress":"127.0.0.1"}';

interface Raw {
  event_id: string;
  created_at: number | string;
  delivered_at: number | string | null;
  status: string;
  attempts: number | string;
  last_status: number | string | null;
  last_error: string | null;
}

const toRow = (r: Raw): DeliveryRow => ({
  eventId: r.event_id,
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  status: r.status,
  attempts: Number(r.attempts),
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
});

const AMOUNT = 1000;
/** stored payments are spread over the 30 days before now */
const SPAN_MS = 30 * 86_400_000;

export function openBenchStore(target: GatewayTarget): Promise<BenchStore> {
  return target.databaseUrl ? openPg(target.databaseUrl) : Promise.resolve(openSqlite(join(target.dataDir!, 'polypay.sqlite')));
}

function openSqlite(file: string): BenchStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  return {
    kind: 'sqlite',
    async deliveries(merchantId, since) {
      const rows = db
        .prepare(
          'select event_id, created_at, delivered_at, status, attempts, last_status, last_error from deliveries where merchant_id = ? and created_at >= ?',
        )
        .all(merchantId, since) as Raw[];
      return rows.map(toRow);
    },
    async queueDeliveries(n, url) {
      const prefix = `backlog-${Date.now().toString(36)}-`;
      const now = Date.now();
      const ins = db.prepare(
        `insert into deliveries (event_id, merchant_id, face, kind, subject_type, subject_id, url, method, headers, body, status, attempts, schedule, max_attempts, next_attempt_at, locked_until, last_status, last_error, created_at, delivered_at)
         values (?, 'numo_bench', 'numopay', 'order', 'payment', 'bench', ?, 'POST', ?, ?, 'pending', 0, '[60000]', 10, ?, 0, null, null, ?, null)`,
      );
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          const id = prefix + i;
          ins.run(
            id,
            url,
            JSON.stringify({ 'content-type': 'application/json', 'user-agent': 'Numopay-Webhook/2.0', 'x-polypay-event-id': id }),
            NUMOPAY_ORDER_BODY(i),
            now,
            now,
          );
        }
      })();
      return prefix;
    },
    async populate(merchantId, currency, count, onProgress) {
      const acc = db
        .prepare("select id from accounts where merchant_id = ? and currency = ? and kind = 'available'")
        .get(merchantId, currency) as { id: string } | undefined;
      const net = db
        .prepare("select id from accounts where merchant_id = ? and currency = ? and kind = 'network'")
        .get(merchantId, currency) as { id: string } | undefined;
      if (!acc || !net) throw new Error('populate: the merchant and network accounts must exist (make one charge first)');
      const seq = db.prepare("select value from sequences where name = 'transaction_id'").get() as { value: number };
      const first = Number(seq.value) + 1;
      const now = Date.now();
      const insPayment = db.prepare(
        `insert into payments (id, merchant_id, face, status, amount, currency, captured_amount, refunded_amount, capture_mode, card_id, card_first6, card_last4, card_brand, card_exp_month, card_exp_year, card_holder, decline_reason, auth_code, rrn, hold_transfer_id, challenge_id, description, invoice_id, payer_ref, email, ip, metadata, test_mode, expires_at, created_at, updated_at, authorized_at, captured_at, voided_at, declined_at)
         values (?, ?, 'cloudpayments', 'captured', ?, ?, ?, 0, 'auto', 'card_bench', '400000', '3055', 'Visa', 12, 2035, 'BENCH CARDHOLDER', null, 'B58VGU', '749712646334', ?, null, 'Benchmark order', null, 'bench_populated', null, '127.0.0.1', '{"token":"tk_bench"}', 1, ?, ?, ?, ?, ?, null, null)`,
      );
      const insTransfer = db.prepare(
        `insert into ledger_transfers (kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'payment', ?, ?)`,
      );
      const insEvent = db.prepare(
        `insert into outbox (event_id, merchant_id, face, type, subject_type, subject_id, payload, created_at, fanned_out, locked_until) values (?, ?, 'cloudpayments', ?, 'payment', ?, ?, ?, 1, 0)`,
      );
      const insRequest = db.prepare(
        `insert into api_requests (at, merchant_id, face, method, path, status, duration_ms, request_id, subjects, request_body, response_body) values (?, ?, 'cloudpayments', 'POST', '/cloudpayments/payments/tokens/charge', 200, 2, ?, ?, ?, ?)`,
      );
      const batch = 20_000;
      for (let start = 0; start < count; start += batch) {
        const end = Math.min(count, start + batch);
        db.transaction(() => {
          for (let i = start; i < end; i++) {
            const id = first + i;
            const at = now - SPAN_MS + Math.floor((i / count) * SPAN_MS);
            const pending = insTransfer.run(
              'pending',
              net.id,
              acc.id,
              AMOUNT,
              currency,
              null,
              'posted',
              'authorization',
              String(id),
              at,
            ).lastInsertRowid;
            insTransfer.run('post_pending', net.id, acc.id, AMOUNT, currency, pending, null, 'capture', String(id), at);
            insPayment.run(id, merchantId, AMOUNT, currency, AMOUNT, pending, at + 7 * 86_400_000, at, at, at, at);
            for (const [n, type, status] of [
              [0, 'payment.created', 'created'],
              [1, 'payment.authorized', 'authorized'],
              [2, 'payment.captured', 'captured'],
            ] as const) {
              insEvent.run(
                `bench-${id}-${n}`,
                merchantId,
                type,
                String(id),
                paymentPayload(id, merchantId, status, AMOUNT, currency, at),
                at,
              );
            }
            insRequest.run(at, merchantId, `req_bench${id}`, `,payment:${id},`, REQUEST_EXCERPT, RESPONSE_EXCERPT);
          }
          const total = BigInt(AMOUNT) * BigInt(end - start);
          db.prepare('update accounts set credits_posted = credits_posted + ? where id = ?').run(total, acc.id);
          db.prepare('update accounts set debits_posted = debits_posted + ? where id = ?').run(total, net.id);
          db.prepare("update sequences set value = ? where name = 'transaction_id'").run(first + end - 1);
        })();
        onProgress?.(end);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async countPayments() {
      return Number((db.prepare('select count(*) as c from payments').get() as { c: number }).c);
    },
    async close() {
      db.close();
    },
  };
}

async function openPg(url: string): Promise<BenchStore> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return {
    kind: 'postgres',
    async deliveries(merchantId, since) {
      const r = await c.query<Raw>(
        'select event_id, created_at, delivered_at, status, attempts, last_status, last_error from deliveries where merchant_id = $1 and created_at >= $2',
        [merchantId, since],
      );
      return r.rows.map(toRow);
    },
    async queueDeliveries(n, url) {
      const prefix = `backlog-${Date.now().toString(36)}-`;
      const now = Date.now();
      const body = NUMOPAY_ORDER_BODY(0);
      await c.query(
        `insert into deliveries (event_id, merchant_id, face, kind, subject_type, subject_id, url, method, headers, body, status, attempts, schedule, max_attempts, next_attempt_at, locked_until, created_at)
         select $1 || g, 'numo_bench', 'numopay', 'order', 'payment', 'bench', $2, 'POST',
                '{"content-type":"application/json","user-agent":"Numopay-Webhook/2.0","x-polypay-event-id":"' || $1 || g || '"}',
                $3, 'pending', 0, '[60000]', 10, $4, 0, $4
         from generate_series(0, $5 - 1) g`,
        [prefix, url, body, now, n],
      );
      return prefix;
    },
    async populate(merchantId, currency, count, onProgress) {
      const acc = (
        await c.query<{ id: string }>("select id from accounts where merchant_id = $1 and currency = $2 and kind = 'available'", [
          merchantId,
          currency,
        ])
      ).rows[0];
      const net = (
        await c.query<{ id: string }>("select id from accounts where merchant_id = $1 and currency = $2 and kind = 'network'", [
          merchantId,
          currency,
        ])
      ).rows[0];
      if (!acc || !net) throw new Error('populate: the merchant and network accounts must exist (make one charge first)');
      const now = Date.now();
      const batch = 100_000;
      for (let start = 0; start < count; start += batch) {
        const n = Math.min(count, start + batch) - start;
        await c.query('begin');
        // payment ids from the transaction id sequence; ledger and outbox ids from their own sequences
        const first = Number((await c.query<{ v: string }>("select nextval('transaction_id_seq') as v")).rows[0]!.v);
        await c.query(`select setval('transaction_id_seq', $1)`, [first + n - 1]);
        const ledgerFirst = Number(
          (await c.query<{ v: string }>("select nextval(pg_get_serial_sequence('ledger_transfers','id')) as v")).rows[0]!.v,
        );
        await c.query(`select setval(pg_get_serial_sequence('ledger_transfers','id'), $1)`, [ledgerFirst + 2 * n]);
        // constants are inlined (numbers, and internal identifiers quoted), payload texts are parameters
        const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
        const pid = `(${first}::bigint + g)`;
        const at = `(${now - SPAN_MS}::bigint + floor(((${start} + g)::float8 / ${count}) * ${SPAN_MS})::bigint)`;
        const series = `generate_series(0, ${n - 1}) g`;
        await c.query(
          `insert into ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at)
           select ${ledgerFirst}::bigint + 2 * g, 'pending', ${q(net.id)}, ${q(acc.id)}, ${AMOUNT}, ${q(currency)}, null, 'posted', 'authorization', 'payment', ${pid}::text, ${at} from ${series}
           union all
           select ${ledgerFirst}::bigint + 2 * g + 1, 'post_pending', ${q(net.id)}, ${q(acc.id)}, ${AMOUNT}, ${q(currency)}, ${ledgerFirst}::bigint + 2 * g, null, 'capture', 'payment', ${pid}::text, ${at} from ${series}`,
        );
        await c.query(
          `insert into payments (id, merchant_id, face, status, amount, currency, captured_amount, refunded_amount, capture_mode, card_id, card_first6, card_last4, card_brand, card_exp_month, card_exp_year, card_holder, auth_code, rrn, hold_transfer_id, description, payer_ref, ip, metadata, test_mode, expires_at, created_at, updated_at, authorized_at, captured_at)
           select ${pid}, ${q(merchantId)}, 'cloudpayments', 'captured', ${AMOUNT}, ${q(currency)}, ${AMOUNT}, 0, 'auto', 'card_bench', '400000', '3055', 'Visa', 12, 2035, 'BENCH CARDHOLDER', 'B58VGU', '749712646334', ${ledgerFirst}::bigint + 2 * g,
                  'Benchmark order', 'bench_populated', '127.0.0.1', '{"token":"tk_bench"}', 1, ${at} + 604800000, ${at}, ${at}, ${at}, ${at}
           from ${series}`,
        );
        const [pre, post] = paymentPayload(0, merchantId, '§', AMOUNT, currency, 0).split('"id":0');
        await c.query(
          `insert into outbox (event_id, merchant_id, face, type, subject_type, subject_id, payload, created_at, fanned_out, locked_until)
           select 'bench-' || ${pid} || '-' || s.n, ${q(merchantId)}, 'cloudpayments', s.type, 'payment', ${pid}::text, replace($1::text || ${pid} || $2::text, '§', s.status), ${at}, 1, 0
           from ${series} cross join (values (0, 'payment.created', 'created'), (1, 'payment.authorized', 'authorized'), (2, 'payment.captured', 'captured')) as s(n, type, status)`,
          [pre + '"id":', post],
        );
        await c.query(
          `insert into api_requests (at, merchant_id, face, method, path, status, duration_ms, request_id, subjects, request_body, response_body)
           select ${at}, ${q(merchantId)}, 'cloudpayments', 'POST', '/cloudpayments/payments/tokens/charge', 200, 2, 'req_bench' || ${pid}, ',payment:' || ${pid} || ',', $1::text, $2::text
           from ${series}`,
          [REQUEST_EXCERPT, RESPONSE_EXCERPT],
        );
        await c.query('update accounts set credits_posted = credits_posted + $1 where id = $2', [BigInt(AMOUNT) * BigInt(n), acc.id]);
        await c.query('update accounts set debits_posted = debits_posted + $1 where id = $2', [BigInt(AMOUNT) * BigInt(n), net.id]);
        await c.query('commit');
        onProgress?.(start + n);
      }
      await c.query('vacuum analyze payments');
      await c.query('vacuum analyze ledger_transfers');
      await c.query('vacuum analyze outbox');
      await c.query('vacuum analyze api_requests');
    },
    async countPayments() {
      return Number((await c.query<{ c: string }>('select count(*) as c from payments')).rows[0]!.c);
    },
    async close() {
      await c.end();
    },
  };
}
