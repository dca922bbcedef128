// NovaPay-owned tables: payment sessions (their status, client, products, delivery and waybill).
import { sql, type Kysely } from 'kysely';
import type { Checkout, JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { CHECKOUT_COLUMNS, checkoutOf, type WithCheckouts } from '../../store/checkout-join.js';
import type { Migrations } from '../../store/migrations.js';
import { bigint, bool, int, json, table, text, type DatabaseOf, type RecordOf } from '../../store/table.js';

export type SessionKind = 'acquiring' | 'frames' | 'checkout';

/** The documented session statuses, plus `precreated` (checkout). */
export type SessionStatus =
  | 'precreated'
  | 'created'
  | 'expired'
  | 'processing'
  | 'holded'
  | 'hold_confirmed'
  | 'processing_hold_completion'
  | 'paid'
  | 'failed'
  | 'processing_void'
  | 'voided';

/** The package of a secure (delivery) payment, as the merchant sent it (weights as decimal text). */
export interface SessionDelivery {
  recipient_city: string;
  recipient_warehouse: string;
  volume_weight: string;
  weight: string;
  [k: string]: string;
}

export const novapayTables = {
  sessions: table('novapay_sessions', {
    id: text(),
    merchantId: text(),
    kind: text<SessionKind>(),
    status: text<SessionStatus>(),
    clientFirstName: text().nullable(),
    clientLastName: text().nullable(),
    clientPatronymic: text().nullable(),
    clientPhone: text().nullable(),
    clientEmail: text().nullable(),
    clientIp: text().nullable(),
    callbackUrl: text().nullable(),
    successUrl: text().nullable(),
    failUrl: text().nullable(),
    successRedirectTimeout: int().nullable(),
    /** the merchant's metadata (JSON object), or null */
    metadata: json<JsonObject>().nullable(),
    externalId: text().nullable(),
    /** goods amount in kopecks (the payment adds delivery_amount) */
    amount: bigint().nullable(),
    deliveryAmount: bigint().nullable(),
    products: json<unknown[]>().nullable(),
    useHold: bool(),
    delivery: json<SessionDelivery>().nullable(),
    /** checkout sessions: the delivery object given at session creation */
    checkoutDelivery: json<JsonObject>().nullable(),
    expressWaybill: text().nullable(),
    waybillRef: text().nullable(),
    deliveryStatusCode: text().nullable(),
    deliveryStatusText: text().nullable(),
    processingResult: text().nullable(),
    createdAt: int(),
    updatedAt: int(),
  }),
};
export type NovapayDatabase = WithCheckouts<DatabaseOf<typeof novapayTables>>;
const T = novapayTables;

/** A session's own fields (its table); its payment and lifetime are its checkout's. */
export type SessionRow = RecordOf<typeof T.sessions.definition>;

/** A session: its own fields, its payment once added, the end of its lifetime, and its checkout (same id). */
export type NovapaySession = SessionRow & { paymentId: number | null; expiresAt: number; checkout: Checkout };

/** The session of its own fields and its checkout. */
export function sessionOf(row: SessionRow, checkout: Checkout): NovapaySession {
  return { ...row, paymentId: checkout.subjectType === 'payment' ? checkout.subjectId : null, expiresAt: checkout.expiresAt!, checkout };
}

/** What a new session is made from (the merchant's session fields). */
export interface NewSession {
  merchantId: string;
  kind: SessionKind;
  status: 'created' | 'precreated';
  clientFirstName?: string | null;
  clientLastName?: string | null;
  clientPatronymic?: string | null;
  clientPhone?: string | null;
  clientEmail?: string | null;
  callbackUrl?: string | null;
  successUrl?: string | null;
  failUrl?: string | null;
  successRedirectTimeout?: number | null;
  metadata?: JsonObject | null;
  checkoutDelivery?: JsonObject | null;
}

/** A new session's own fields (its checkout, opened beside it, holds its payment and lifetime). */
export function newSessionRecord(id: string, input: NewSession, now: number): SessionRow {
  return {
    id,
    merchantId: input.merchantId,
    kind: input.kind,
    status: input.status,
    clientFirstName: input.clientFirstName ?? null,
    clientLastName: input.clientLastName ?? null,
    clientPatronymic: input.clientPatronymic ?? null,
    clientPhone: input.clientPhone ?? null,
    clientEmail: input.clientEmail ?? null,
    clientIp: null,
    callbackUrl: input.callbackUrl ?? null,
    successUrl: input.successUrl ?? null,
    failUrl: input.failUrl ?? null,
    successRedirectTimeout: input.successRedirectTimeout ?? null,
    metadata: input.metadata ?? null,
    externalId: null,
    amount: null,
    deliveryAmount: null,
    products: null,
    useHold: false,
    delivery: null,
    checkoutDelivery: input.checkoutDelivery ?? null,
    expressWaybill: null,
    waybillRef: null,
    deliveryStatusCode: null,
    deliveryStatusText: null,
    processingResult: null,
    createdAt: now,
    updatedAt: now,
  };
}

export const novapayMigrations: Migrations = {
  '0200_novapay': () => ({
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('novapay_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('client_first_name', 'text')
        .addColumn('client_last_name', 'text')
        .addColumn('client_patronymic', 'text')
        .addColumn('client_phone', 'text')
        .addColumn('client_email', 'text')
        .addColumn('client_ip', 'text')
        .addColumn('callback_url', 'text')
        .addColumn('success_url', 'text')
        .addColumn('fail_url', 'text')
        .addColumn('success_redirect_timeout', 'bigint')
        .addColumn('metadata', 'text')
        .addColumn('payment_id', 'bigint', (c) => c.unique())
        .addColumn('external_id', 'text')
        .addColumn('amount', 'bigint')
        .addColumn('delivery_amount', 'bigint')
        .addColumn('products', 'text')
        .addColumn('use_hold', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('delivery', 'text')
        .addColumn('checkout_delivery', 'text')
        .addColumn('express_waybill', 'text', (c) => c.unique())
        .addColumn('waybill_ref', 'text')
        .addColumn('delivery_status_code', 'text')
        .addColumn('delivery_status_text', 'text')
        .addColumn('processing_result', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('novapay_sessions_merchant').on('novapay_sessions').columns(['merchant_id', 'created_at']).execute();
    },
  }),
  /**
   * Sessions become checkouts (the core's lifecycle): a session's payment and the end of its lifetime move to
   * `checkouts` under the same id; a session that was paid or held is a paid checkout, an expired one an expired one.
   * SQLite cannot drop a column with a unique index (payment_id): the table is rebuilt there with its rows.
   */
  '0201_novapay_session_checkouts': (dialect) => ({
    async up(db: Kysely<any>) {
      await sql`insert into checkouts (id, merchant_id, face, kind, state, subject_type, subject_id, attempts, max_attempts,
          expires_at, created_at, updated_at, closed_at)
        select s.id, s.merchant_id, 'novapay', 'session',
          case when s.status = 'expired' then 'expired'
            when s.status in ('holded', 'hold_confirmed', 'processing_hold_completion', 'paid', 'processing_void', 'voided') then 'paid'
            else 'open' end,
          case when s.payment_id is null then null else 'payment' end, s.payment_id,
          case when p.status is null or p.status = 'created' then 0 else 1 end, 1, s.expires_at, s.created_at, s.updated_at,
          case when s.status in ('expired', 'holded', 'hold_confirmed', 'processing_hold_completion', 'paid', 'processing_void', 'voided')
            then s.updated_at else null end
        from novapay_sessions s left join payments p on p.id = s.payment_id`.execute(db);
      if (dialect === 'postgres') {
        for (const column of ['payment_id', 'expires_at']) await db.schema.alterTable('novapay_sessions').dropColumn(column).execute();
        return;
      }
      await sql.raw('alter table novapay_sessions rename to novapay_sessions_old').execute(db);
      await sql.raw('drop index novapay_sessions_merchant').execute(db);
      await db.schema
        .createTable('novapay_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('client_first_name', 'text')
        .addColumn('client_last_name', 'text')
        .addColumn('client_patronymic', 'text')
        .addColumn('client_phone', 'text')
        .addColumn('client_email', 'text')
        .addColumn('client_ip', 'text')
        .addColumn('callback_url', 'text')
        .addColumn('success_url', 'text')
        .addColumn('fail_url', 'text')
        .addColumn('success_redirect_timeout', 'bigint')
        .addColumn('metadata', 'text')
        .addColumn('external_id', 'text')
        .addColumn('amount', 'bigint')
        .addColumn('delivery_amount', 'bigint')
        .addColumn('products', 'text')
        .addColumn('use_hold', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('delivery', 'text')
        .addColumn('checkout_delivery', 'text')
        .addColumn('express_waybill', 'text', (c) => c.unique())
        .addColumn('waybill_ref', 'text')
        .addColumn('delivery_status_code', 'text')
        .addColumn('delivery_status_text', 'text')
        .addColumn('processing_result', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      const kept = (await db.introspection.getTables())
        .find((t) => t.name === 'novapay_sessions')!
        .columns.map((c) => c.name)
        .join(', ');
      await sql.raw(`insert into novapay_sessions (${kept}) select ${kept} from novapay_sessions_old`).execute(db);
      await sql.raw('drop table novapay_sessions_old').execute(db);
      await db.schema.createIndex('novapay_sessions_merchant').on('novapay_sessions').columns(['merchant_id', 'created_at']).execute();
    },
  }),
};

/** Sessions with their checkouts (same id). */
function sessions(d: Kysely<NovapayDatabase>) {
  return d
    .selectFrom('novapay_sessions')
    .innerJoin('checkouts', 'checkouts.id', 'novapay_sessions.id')
    .selectAll('novapay_sessions')
    .select(CHECKOUT_COLUMNS);
}

function readSession(r: object): NovapaySession {
  return sessionOf(T.sessions.read(r), checkoutOf(r));
}

export const novapayStore = {
  async insertSession(tx: Tx, s: SessionRow): Promise<void> {
    await tx.writeRow('novapay_sessions', T.sessions.write(s));
  },
  async getSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    const [r] = await tx.prepared(
      'novapay.session',
      (d: Kysely<NovapayDatabase>, slot) => sessions(d).where('novapay_sessions.id', '=', slot(0)),
      [id],
    );
    return r && readSession(r);
  },
  /** Reads a session with its checkout and locks them for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
  async lockSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    const postgres = tx.dialect === 'postgres';
    const [r] = await tx.prepared(
      'novapay.lockSession',
      (d: Kysely<NovapayDatabase>, slot) => {
        const q = sessions(d).where('novapay_sessions.id', '=', slot(0));
        return postgres ? q.forUpdate() : q;
      },
      [id],
    );
    return r && readSession(r);
  },
  /** Saves the session's own fields (its payment and lifetime change through its checkout). */
  async updateSession(tx: Tx, s: NovapaySession): Promise<void> {
    const { id: _id, paymentId: _p, expiresAt: _e, checkout: _c, ...rest } = s;
    const row = T.sessions.write(rest) as Record<string, unknown>;
    const cols = Object.keys(row);
    await tx.write(
      `novapay.updateSession:${cols.join(',')}`,
      (d: Kysely<NovapayDatabase>, slot) =>
        d
          .updateTable('novapay_sessions')
          .set(Object.fromEntries(cols.map((c, i) => [c, slot(i)])))
          .where('id', '=', slot(cols.length)),
      [...cols.map((c) => row[c]), s.id],
    );
  },
};
