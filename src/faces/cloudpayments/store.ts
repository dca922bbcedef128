// CloudPayments-owned tables: notification settings, subscriptions, orders, and an invoice index of payouts
// (for /v2/payments/find). Kysely over `tx.raw`, one migration for both dialects.
import type { Kysely, Transaction } from 'kysely';
import type { Json, JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { MigrationFactory } from '../../store/migrations.js';
import { big, num, numOrNull } from '../../store/rows.js';
import type { Interval, OrderStatus, SubscriptionStatus, SubscriptionView, OrderView } from './wire.js';

type Int = bigint | number;

interface NotificationsTable {
  merchant_id: string;
  type: string;
  is_enabled: Int;
  address: string | null;
  http_method: string;
  encoding: string;
  format: string;
  updated_at: Int;
}
interface SubscriptionsTable {
  id: string;
  merchant_id: string;
  account_id: string;
  token: string;
  card_id: string;
  description: string;
  email: string | null;
  amount: Int;
  currency: string;
  require_confirmation: Int;
  start_date: Int;
  interval: string;
  period: Int;
  max_periods: Int | null;
  culture_name: string | null;
  status: string;
  successful: Int;
  failed: Int;
  last_transaction_at: Int | null;
  next_transaction_at: Int | null;
  period_at: Int | null;
  receipt: string | null;
  created_at: Int;
  updated_at: Int;
}
interface OrdersTable {
  id: string;
  number: Int;
  merchant_id: string;
  amount: Int;
  currency: string;
  description: string;
  email: string | null;
  phone: string | null;
  require_confirmation: Int;
  invoice_id: string | null;
  account_id: string | null;
  culture_name: string | null;
  success_redirect_url: string | null;
  fail_redirect_url: string | null;
  json_data: string | null;
  extra: string;
  status: string;
  payment_id: Int | null;
  created_at: Int;
  paid_at: Int | null;
  updated_at: Int;
}
interface InvoicesTable {
  merchant_id: string;
  invoice_id: string;
  kind: string;
  subject_id: Int;
  created_at: Int;
}
export interface CloudPaymentsDatabase {
  cloudpayments_notifications: NotificationsTable;
  cloudpayments_subscriptions: SubscriptionsTable;
  cloudpayments_orders: OrdersTable;
  cloudpayments_invoices: InvoicesTable;
}

export const cloudpaymentsMigrations: Record<string, MigrationFactory> = {
  '0500_cloudpayments': () => ({
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('cloudpayments_notifications')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('is_enabled', 'integer', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('http_method', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('cloudpayments_notifications_pk', ['merchant_id', 'type'])
        .execute();
      await db.schema
        .createTable('cloudpayments_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('require_confirmation', 'integer', (c) => c.notNull())
        .addColumn('start_date', 'bigint', (c) => c.notNull())
        .addColumn('interval', 'text', (c) => c.notNull())
        .addColumn('period', 'integer', (c) => c.notNull())
        .addColumn('max_periods', 'integer')
        .addColumn('culture_name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('successful', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('last_transaction_at', 'bigint')
        .addColumn('next_transaction_at', 'bigint')
        .addColumn('period_at', 'bigint')
        .addColumn('receipt', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cloudpayments_subscriptions_account')
        .on('cloudpayments_subscriptions')
        .columns(['merchant_id', 'account_id'])
        .execute();
      await db.schema
        .createTable('cloudpayments_orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('require_confirmation', 'integer', (c) => c.notNull())
        .addColumn('invoice_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('culture_name', 'text')
        .addColumn('success_redirect_url', 'text')
        .addColumn('fail_redirect_url', 'text')
        .addColumn('json_data', 'text')
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cloudpayments_invoices')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('invoice_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cloudpayments_invoices_lookup')
        .on('cloudpayments_invoices')
        .columns(['merchant_id', 'invoice_id'])
        .execute();
    },
  }),
};

// ---- records

export const NOTIFICATION_TYPES = ['Check', 'Pay', 'Fail', 'Confirm', 'Refund', 'Recurrent', 'Cancel'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface NotificationSettings {
  type: NotificationType;
  isEnabled: boolean;
  address: string | null;
  httpMethod: 'GET' | 'POST';
  encoding: 'UTF8' | 'Windows1251';
  format: 'CloudPayments' | 'QIWI' | 'RT';
}

export function defaultSettings(type: NotificationType): NotificationSettings {
  return { type, isEnabled: false, address: null, httpMethod: 'GET', encoding: 'UTF8', format: 'CloudPayments' };
}

export interface Subscription extends SubscriptionView {
  merchantId: string;
  /** the scheduled date of the period being collected (retries keep it) */
  periodAt: number | null;
  token: string;
  cardId: string;
  createdAt: number;
  updatedAt: number;
}

export interface Order extends OrderView {
  merchantId: string;
  invoiceId: string | null;
  accountId: string | null;
  successRedirectUrl: string | null;
  failRedirectUrl: string | null;
  jsonData: Json;
  /** the other create parameters (SendEmail, OfferUri, SubscriptionBehavior, …) */
  extra: JsonObject;
  paymentId: number | null;
  updatedAt: number;
}

function db(tx: Tx): Kysely<CloudPaymentsDatabase> | Transaction<CloudPaymentsDatabase> {
  return tx.raw as Kysely<CloudPaymentsDatabase>;
}

const toSettings = (r: NotificationsTable): NotificationSettings => ({
  type: r.type as NotificationType,
  isEnabled: num(r.is_enabled) === 1,
  address: r.address,
  httpMethod: r.http_method as NotificationSettings['httpMethod'],
  encoding: r.encoding as NotificationSettings['encoding'],
  format: r.format as NotificationSettings['format'],
});

const toSubscription = (r: SubscriptionsTable): Subscription => ({
  id: r.id,
  merchantId: r.merchant_id,
  accountId: r.account_id,
  token: r.token,
  cardId: r.card_id,
  description: r.description,
  email: r.email,
  amount: big(r.amount),
  currency: r.currency,
  requireConfirmation: num(r.require_confirmation) === 1,
  startDate: num(r.start_date),
  interval: r.interval as Interval,
  period: num(r.period),
  maxPeriods: numOrNull(r.max_periods),
  cultureName: r.culture_name,
  status: r.status as SubscriptionStatus,
  successful: num(r.successful),
  failed: num(r.failed),
  lastTransactionAt: numOrNull(r.last_transaction_at),
  nextTransactionAt: numOrNull(r.next_transaction_at),
  periodAt: numOrNull(r.period_at),
  receipt: r.receipt === null ? null : (JSON.parse(r.receipt) as Json),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const fromSubscription = (s: Subscription): SubscriptionsTable => ({
  id: s.id,
  merchant_id: s.merchantId,
  account_id: s.accountId,
  token: s.token,
  card_id: s.cardId,
  description: s.description,
  email: s.email,
  amount: s.amount,
  currency: s.currency,
  require_confirmation: s.requireConfirmation ? 1 : 0,
  start_date: s.startDate,
  interval: s.interval,
  period: s.period,
  max_periods: s.maxPeriods,
  culture_name: s.cultureName,
  status: s.status,
  successful: s.successful,
  failed: s.failed,
  last_transaction_at: s.lastTransactionAt,
  next_transaction_at: s.nextTransactionAt,
  period_at: s.periodAt,
  receipt: s.receipt === null || s.receipt === undefined ? null : JSON.stringify(s.receipt),
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

const toOrder = (r: OrdersTable): Order => ({
  id: r.id,
  number: num(r.number),
  merchantId: r.merchant_id,
  amount: big(r.amount),
  currency: r.currency,
  description: r.description,
  email: r.email,
  phone: r.phone,
  requireConfirmation: num(r.require_confirmation) === 1,
  invoiceId: r.invoice_id,
  accountId: r.account_id,
  cultureName: r.culture_name,
  successRedirectUrl: r.success_redirect_url,
  failRedirectUrl: r.fail_redirect_url,
  jsonData: r.json_data === null ? null : (JSON.parse(r.json_data) as Json),
  extra: JSON.parse(r.extra) as JsonObject,
  status: r.status as OrderStatus,
  paymentId: numOrNull(r.payment_id),
  createdAt: num(r.created_at),
  paidAt: numOrNull(r.paid_at),
  updatedAt: num(r.updated_at),
});

const fromOrder = (o: Order): OrdersTable => ({
  id: o.id,
  number: o.number,
  merchant_id: o.merchantId,
  amount: o.amount,
  currency: o.currency,
  description: o.description,
  email: o.email,
  phone: o.phone,
  require_confirmation: o.requireConfirmation ? 1 : 0,
  invoice_id: o.invoiceId,
  account_id: o.accountId,
  culture_name: o.cultureName,
  success_redirect_url: o.successRedirectUrl,
  fail_redirect_url: o.failRedirectUrl,
  json_data: o.jsonData === null || o.jsonData === undefined ? null : JSON.stringify(o.jsonData),
  extra: JSON.stringify(o.extra),
  status: o.status,
  payment_id: o.paymentId,
  created_at: o.createdAt,
  paid_at: o.paidAt,
  updated_at: o.updatedAt,
});

export const cpStore = {
  // notification settings
  async getSettings(tx: Tx, merchantId: string, type: NotificationType): Promise<NotificationSettings> {
    const r = await db(tx)
      .selectFrom('cloudpayments_notifications')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('type', '=', type)
      .executeTakeFirst();
    return r ? toSettings(r) : defaultSettings(type);
  },
  async putSettings(tx: Tx, merchantId: string, s: NotificationSettings, now: number): Promise<void> {
    const row = {
      merchant_id: merchantId,
      type: s.type,
      is_enabled: s.isEnabled ? 1 : 0,
      address: s.address,
      http_method: s.httpMethod,
      encoding: s.encoding,
      format: s.format,
      updated_at: now,
    };
    await db(tx)
      .insertInto('cloudpayments_notifications')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['merchant_id', 'type']).doUpdateSet({
          is_enabled: row.is_enabled,
          address: row.address,
          http_method: row.http_method,
          encoding: row.encoding,
          format: row.format,
          updated_at: now,
        }),
      )
      .execute();
  },

  // subscriptions
  async insertSubscription(tx: Tx, s: Subscription): Promise<void> {
    await db(tx).insertInto('cloudpayments_subscriptions').values(fromSubscription(s)).execute();
  },
  async updateSubscription(tx: Tx, s: Subscription): Promise<void> {
    const { id: _id, ...rest } = fromSubscription(s);
    await db(tx).updateTable('cloudpayments_subscriptions').set(rest).where('id', '=', s.id).execute();
  },
  async getSubscription(tx: Tx, id: string): Promise<Subscription | undefined> {
    const r = await db(tx).selectFrom('cloudpayments_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSubscription(r);
  },
  async lockSubscription(tx: Tx, id: string): Promise<Subscription | undefined> {
    let q = db(tx).selectFrom('cloudpayments_subscriptions').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toSubscription(r);
  },
  async findSubscriptions(tx: Tx, merchantId: string, accountId: string): Promise<Subscription[]> {
    const rows = await db(tx)
      .selectFrom('cloudpayments_subscriptions')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1000)
      .execute();
    return rows.map(toSubscription);
  },

  // orders
  async insertOrder(tx: Tx, o: Order): Promise<void> {
    await db(tx).insertInto('cloudpayments_orders').values(fromOrder(o)).execute();
  },
  async updateOrder(tx: Tx, o: Order): Promise<void> {
    const { id: _id, ...rest } = fromOrder(o);
    await db(tx).updateTable('cloudpayments_orders').set(rest).where('id', '=', o.id).execute();
  },
  async getOrder(tx: Tx, id: string): Promise<Order | undefined> {
    const r = await db(tx).selectFrom('cloudpayments_orders').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toOrder(r);
  },
  async lockOrder(tx: Tx, id: string): Promise<Order | undefined> {
    let q = db(tx).selectFrom('cloudpayments_orders').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toOrder(r);
  },

  // invoice index (payouts)
  async indexInvoice(tx: Tx, merchantId: string, invoiceId: string, kind: 'payout', subjectId: number, at: number): Promise<void> {
    await db(tx)
      .insertInto('cloudpayments_invoices')
      .values({ merchant_id: merchantId, invoice_id: invoiceId, kind, subject_id: subjectId, created_at: at })
      .execute();
  },
  async invoiceSubjects(
    tx: Tx,
    merchantId: string,
    invoiceId: string,
  ): Promise<Array<{ kind: string; subjectId: number; createdAt: number }>> {
    const rows = await db(tx)
      .selectFrom('cloudpayments_invoices')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('invoice_id', '=', invoiceId)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => ({ kind: r.kind, subjectId: num(r.subject_id), createdAt: num(r.created_at) }));
  },
};
