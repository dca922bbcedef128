// NovaPay-owned tables: payment sessions (their status, client, products, delivery and waybill).
import type { Kysely, Transaction } from 'kysely';
import type { JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { MigrationFactory } from '../../store/migrations.js';
import { num, numOrNull } from '../../store/rows.js';

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

export const SESSION_STATUSES: readonly SessionStatus[] = [
  'precreated',
  'created',
  'expired',
  'processing',
  'holded',
  'hold_confirmed',
  'processing_hold_completion',
  'paid',
  'failed',
  'processing_void',
  'voided',
];

/** The package of a secure (delivery) payment, as the merchant sent it (weights as decimal text). */
export interface SessionDelivery {
  recipient_city: string;
  recipient_warehouse: string;
  volume_weight: string;
  weight: string;
  [k: string]: string;
}

export interface NovapaySession {
  id: string;
  merchantId: string;
  kind: SessionKind;
  status: SessionStatus;
  clientFirstName: string | null;
  clientLastName: string | null;
  clientPatronymic: string | null;
  clientPhone: string | null;
  clientEmail: string | null;
  clientIp: string | null;
  callbackUrl: string | null;
  successUrl: string | null;
  failUrl: string | null;
  successRedirectTimeout: number | null;
  /** the merchant's metadata (JSON object), or null */
  metadata: JsonObject | null;
  paymentId: number | null;
  externalId: string | null;
  /** goods amount in kopecks (the payment adds delivery_amount) */
  amount: bigint | null;
  deliveryAmount: bigint | null;
  products: unknown[] | null;
  useHold: boolean;
  delivery: SessionDelivery | null;
  /** checkout sessions: the delivery object given at session creation */
  checkoutDelivery: JsonObject | null;
  expressWaybill: string | null;
  waybillRef: string | null;
  deliveryStatusCode: string | null;
  deliveryStatusText: string | null;
  processingResult: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

interface SessionsTable {
  id: string;
  merchant_id: string;
  kind: string;
  status: string;
  client_first_name: string | null;
  client_last_name: string | null;
  client_patronymic: string | null;
  client_phone: string | null;
  client_email: string | null;
  client_ip: string | null;
  callback_url: string | null;
  success_url: string | null;
  fail_url: string | null;
  success_redirect_timeout: bigint | number | null;
  metadata: string | null;
  payment_id: bigint | number | null;
  external_id: string | null;
  amount: bigint | number | null;
  delivery_amount: bigint | number | null;
  products: string | null;
  use_hold: bigint | number;
  delivery: string | null;
  checkout_delivery: string | null;
  express_waybill: string | null;
  waybill_ref: string | null;
  delivery_status_code: string | null;
  delivery_status_text: string | null;
  processing_result: string | null;
  created_at: bigint | number;
  updated_at: bigint | number;
  expires_at: bigint | number;
}

export interface NovapayDatabase {
  novapay_sessions: SessionsTable;
}

export const novapayMigrations: Record<string, MigrationFactory> = {
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

function db(tx: Tx): Kysely<NovapayDatabase> | Transaction<NovapayDatabase> {
  return tx.raw as Kysely<NovapayDatabase>;
}

const jsonOrNull = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));
const bigOrNull = (v: bigint | number | null): bigint | null => (v === null || v === undefined ? null : BigInt(v));

const toSession = (r: SessionsTable): NovapaySession => ({
  id: r.id,
  merchantId: r.merchant_id,
  kind: r.kind as SessionKind,
  status: r.status as SessionStatus,
  clientFirstName: r.client_first_name,
  clientLastName: r.client_last_name,
  clientPatronymic: r.client_patronymic,
  clientPhone: r.client_phone,
  clientEmail: r.client_email,
  clientIp: r.client_ip,
  callbackUrl: r.callback_url,
  successUrl: r.success_url,
  failUrl: r.fail_url,
  successRedirectTimeout: numOrNull(r.success_redirect_timeout),
  metadata: jsonOrNull<JsonObject>(r.metadata),
  paymentId: numOrNull(r.payment_id),
  externalId: r.external_id,
  amount: bigOrNull(r.amount),
  deliveryAmount: bigOrNull(r.delivery_amount),
  products: jsonOrNull<unknown[]>(r.products),
  useHold: num(r.use_hold) === 1,
  delivery: jsonOrNull<SessionDelivery>(r.delivery),
  checkoutDelivery: jsonOrNull<JsonObject>(r.checkout_delivery),
  expressWaybill: r.express_waybill,
  waybillRef: r.waybill_ref,
  deliveryStatusCode: r.delivery_status_code,
  deliveryStatusText: r.delivery_status_text,
  processingResult: r.processing_result,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  expiresAt: num(r.expires_at),
});

const fromSession = (s: NovapaySession): SessionsTable => ({
  id: s.id,
  merchant_id: s.merchantId,
  kind: s.kind,
  status: s.status,
  client_first_name: s.clientFirstName,
  client_last_name: s.clientLastName,
  client_patronymic: s.clientPatronymic,
  client_phone: s.clientPhone,
  client_email: s.clientEmail,
  client_ip: s.clientIp,
  callback_url: s.callbackUrl,
  success_url: s.successUrl,
  fail_url: s.failUrl,
  success_redirect_timeout: s.successRedirectTimeout,
  metadata: s.metadata === null ? null : JSON.stringify(s.metadata),
  payment_id: s.paymentId,
  external_id: s.externalId,
  amount: s.amount,
  delivery_amount: s.deliveryAmount,
  products: s.products === null ? null : JSON.stringify(s.products),
  use_hold: s.useHold ? 1 : 0,
  delivery: s.delivery === null ? null : JSON.stringify(s.delivery),
  checkout_delivery: s.checkoutDelivery === null ? null : JSON.stringify(s.checkoutDelivery),
  express_waybill: s.expressWaybill,
  waybill_ref: s.waybillRef,
  delivery_status_code: s.deliveryStatusCode,
  delivery_status_text: s.deliveryStatusText,
  processing_result: s.processingResult,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
  expires_at: s.expiresAt,
});

export const novapayStore = {
  async insertSession(tx: Tx, s: NovapaySession): Promise<void> {
    await db(tx).insertInto('novapay_sessions').values(fromSession(s)).execute();
  },
  async getSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    const r = await db(tx).selectFrom('novapay_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSession(r);
  },
  /** Reads a session and locks its row for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
  async lockSession(tx: Tx, id: string): Promise<NovapaySession | undefined> {
    let q = db(tx).selectFrom('novapay_sessions').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toSession(r);
  },
  async getSessionByPayment(tx: Tx, paymentId: number): Promise<NovapaySession | undefined> {
    const r = await db(tx).selectFrom('novapay_sessions').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
    return r && toSession(r);
  },
  async updateSession(tx: Tx, s: NovapaySession): Promise<void> {
    const { id: _id, ...row } = fromSession(s);
    await db(tx).updateTable('novapay_sessions').set(row).where('id', '=', s.id).execute();
  },
};
