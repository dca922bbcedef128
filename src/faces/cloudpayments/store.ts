// CloudPayments-owned tables: notification settings, subscriptions, orders, and an invoice index of payouts
// (for /v2/payments/find). Tables defined once (src/store/table.ts), queried through
// `tx.db<CloudPaymentsDatabase>()`; one migration for both dialects.
import type { Kysely } from 'kysely';
import type { Json, JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { Migrations } from '../../store/migrations.js';
import { bigint, bool, int, json, table, text, type DatabaseOf, type Expect, type RecordOf, type Same } from '../../store/table.js';
import type { Interval, OrderStatus, SubscriptionStatus, SubscriptionView, OrderView } from './wire.js';

export const cloudpaymentsTables = {
  notifications: table('cloudpayments_notifications', {
    merchantId: text(),
    type: text<NotificationType>(),
    isEnabled: bool().int4(),
    address: text().nullable(),
    httpMethod: text<NotificationSettings['httpMethod']>(),
    encoding: text<NotificationSettings['encoding']>(),
    format: text<NotificationSettings['format']>(),
    updatedAt: int(),
  }),
  subscriptions: table('cloudpayments_subscriptions', {
    id: text(),
    merchantId: text(),
    accountId: text(),
    token: text(),
    cardId: text(),
    description: text(),
    email: text().nullable(),
    amount: bigint(),
    currency: text(),
    requireConfirmation: bool().int4(),
    startDate: int(),
    interval: text<Interval>(),
    period: int().int4(),
    maxPeriods: int().int4().nullable(),
    cultureName: text().nullable(),
    status: text<SubscriptionStatus>(),
    successful: int().int4(),
    failed: int().int4(),
    lastTransactionAt: int().nullable(),
    nextTransactionAt: int().nullable(),
    periodAt: int().nullable(),
    receipt: json<Json>().nullable(),
    createdAt: int(),
    updatedAt: int(),
  }),
  orders: table('cloudpayments_orders', {
    id: text(),
    number: int(),
    merchantId: text(),
    amount: bigint(),
    currency: text(),
    description: text(),
    email: text().nullable(),
    phone: text().nullable(),
    requireConfirmation: bool().int4(),
    invoiceId: text().nullable(),
    accountId: text().nullable(),
    cultureName: text().nullable(),
    successRedirectUrl: text().nullable(),
    failRedirectUrl: text().nullable(),
    jsonData: json<Json>().nullable(),
    extra: json<JsonObject>(),
    status: text<OrderStatus>(),
    paymentId: int().nullable(),
    createdAt: int(),
    paidAt: int().nullable(),
    updatedAt: int(),
  }),
  invoices: table('cloudpayments_invoices', {
    merchantId: text(),
    invoiceId: text(),
    kind: text(),
    subjectId: int(),
    createdAt: int(),
  }),
};
export type CloudPaymentsDatabase = DatabaseOf<typeof cloudpaymentsTables>;
const T = cloudpaymentsTables;

export const cloudpaymentsMigrations: Migrations = {
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

/** the records are the face's types exactly */
export type RecordsMatch = [
  Expect<Same<RecordOf<typeof T.subscriptions.definition>, Subscription>>,
  Expect<Same<RecordOf<typeof T.orders.definition>, Order>>,
  Expect<Same<Omit<RecordOf<typeof T.notifications.definition>, 'merchantId' | 'updatedAt'>, NotificationSettings>>,
];

function db(tx: Tx): Kysely<CloudPaymentsDatabase> {
  return tx.db<CloudPaymentsDatabase>();
}

export const cpStore = {
  // notification settings
  async getSettings(tx: Tx, merchantId: string, type: NotificationType): Promise<NotificationSettings> {
    const r = await db(tx)
      .selectFrom('cloudpayments_notifications')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('type', '=', type)
      .executeTakeFirst();
    if (!r) return defaultSettings(type);
    const { merchantId: _merchant, updatedAt: _at, ...settings } = T.notifications.read(r);
    return settings;
  },
  async putSettings(tx: Tx, merchantId: string, s: NotificationSettings, now: number): Promise<void> {
    const row = T.notifications.write({ ...s, merchantId, updatedAt: now });
    const { merchant_id: _merchant, type: _type, ...changed } = row;
    await db(tx)
      .insertInto('cloudpayments_notifications')
      .values(row)
      .onConflict((oc) => oc.columns(['merchant_id', 'type']).doUpdateSet(changed))
      .execute();
  },

  // subscriptions
  async insertSubscription(tx: Tx, s: Subscription): Promise<void> {
    await db(tx).insertInto('cloudpayments_subscriptions').values(T.subscriptions.write(s)).execute();
  },
  async updateSubscription(tx: Tx, s: Subscription): Promise<void> {
    const { id: _id, ...rest } = s;
    await db(tx).updateTable('cloudpayments_subscriptions').set(T.subscriptions.write(rest)).where('id', '=', s.id).execute();
  },
  async getSubscription(tx: Tx, id: string): Promise<Subscription | undefined> {
    const r = await db(tx).selectFrom('cloudpayments_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.subscriptions.read(r);
  },
  async lockSubscription(tx: Tx, id: string): Promise<Subscription | undefined> {
    let q = db(tx).selectFrom('cloudpayments_subscriptions').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && T.subscriptions.read(r);
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
    return rows.map((r) => T.subscriptions.read(r));
  },

  // orders
  async insertOrder(tx: Tx, o: Order): Promise<void> {
    await db(tx).insertInto('cloudpayments_orders').values(T.orders.write(o)).execute();
  },
  async updateOrder(tx: Tx, o: Order): Promise<void> {
    const { id: _id, ...rest } = o;
    await db(tx).updateTable('cloudpayments_orders').set(T.orders.write(rest)).where('id', '=', o.id).execute();
  },
  async getOrder(tx: Tx, id: string): Promise<Order | undefined> {
    const r = await db(tx).selectFrom('cloudpayments_orders').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.orders.read(r);
  },
  async lockOrder(tx: Tx, id: string): Promise<Order | undefined> {
    let q = db(tx).selectFrom('cloudpayments_orders').selectAll().where('id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && T.orders.read(r);
  },

  // invoice index (payouts)
  async indexInvoice(tx: Tx, merchantId: string, invoiceId: string, kind: 'payout', subjectId: number, at: number): Promise<void> {
    await db(tx)
      .insertInto('cloudpayments_invoices')
      .values(T.invoices.write({ merchantId, invoiceId, kind, subjectId, createdAt: at }))
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
    return rows.map((r) => {
      const { kind, subjectId, createdAt } = T.invoices.read(r);
      return { kind, subjectId, createdAt };
    });
  },
};
