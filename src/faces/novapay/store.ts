// NovaPay-owned tables: payment sessions (their status, client, products, delivery and waybill).
import type { Kysely } from 'kysely';
import type { JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
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
    paymentId: int().nullable(),
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
    expiresAt: int(),
  }),
};
export type NovapayDatabase = DatabaseOf<typeof novapayTables>;
const T = novapayTables;

export type NovapaySession = RecordOf<typeof T.sessions.definition>;

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

/** A new session record: no payment yet, expiring `lifetimeMs` after `now`. */
export function newSessionRecord(id: string, input: NewSession, now: number, lifetimeMs: number): NovapaySession {
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
    paymentId: null,
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
    expiresAt: now + lifetimeMs,
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
};

function db(tx: Tx): Kysely<NovapayDatabase> {
  return tx.db<NovapayDatabase>();
}

export const novapayStore = {
  async insertSession(tx: Tx, s: NovapaySession): Promise<void> {
    await db(tx).insertInto('novapay_sessions').values(T.sessions.write(s)).execute();
  },
  async getSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    const r = await db(tx).selectFrom('novapay_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.sessions.read(r);
  },
  /** Reads a session and locks its row for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
  async lockSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    let q = db(tx).selectFrom('novapay_sessions').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && T.sessions.read(r);
  },
  async updateSession(tx: Tx, s: NovapaySession): Promise<void> {
    const { id: _id, ...rest } = s;
    await db(tx).updateTable('novapay_sessions').set(T.sessions.write(rest)).where('id', '=', s.id).execute();
  },
};
