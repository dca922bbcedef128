// CloudPayments-owned tables: notification settings, subscriptions, orders, CloudKassir receipts, and an invoice
// index of payouts (for /v2/payments/find). Tables defined once (src/store/table.ts), queried through
// `tx.db<CloudPaymentsDatabase>()`; their DDL history is migrations.ts.
import { sql, type Kysely } from 'kysely';
import type { Checkout, CheckoutState, Json, JsonObject } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { CHECKOUT_COLUMNS, checkoutOf, type WithCheckouts } from '../../store/checkout-join.js';
import type { CoreDatabase } from '../../store/tables.js';
import { carriedPerTransaction } from '../kit/carried.js';
import { bigint, bool, int, json, table, text, type DatabaseOf, type Expect, type RecordOf, type Same } from '../../store/table.js';
import type { OrderStatus, OrderView } from './wire/order.js';
import {
  defaultSettings,
  NOTIFICATION_TYPES,
  type MerchantNotifications,
  type NotificationSettings,
  type NotificationType,
} from './wire/notification-settings.js';
import type { ReceiptView } from './wire/receipt.js';
import type { Interval, SubscriptionStatus, SubscriptionView } from './wire/subscription.js';

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
    createdAt: int(),
  }),
  receipts: table('cloudpayments_receipts', {
    id: text(),
    merchantId: text(),
    type: text(),
    inn: text(),
    invoiceId: text().nullable(),
    accountId: text().nullable(),
    customerReceipt: json<JsonObject>(),
    createdAt: int(),
  }),
  invoices: table('cloudpayments_invoices', {
    merchantId: text(),
    invoiceId: text(),
    kind: text(),
    subjectId: int(),
    createdAt: int(),
  }),
};
export type CloudPaymentsDatabase = WithCheckouts<DatabaseOf<typeof cloudpaymentsTables>>;
const T = cloudpaymentsTables;

// ---- records

export interface Subscription extends SubscriptionView {
  merchantId: string;
  /** the scheduled date of the period being collected (retries keep it) */
  periodAt: number | null;
  token: string;
  cardId: string;
  createdAt: number;
  updatedAt: number;
}

/** A CloudKassir receipt of a merchant. */
export interface Receipt extends ReceiptView {
  merchantId: string;
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
  /** the latest attempt's payment (the one that paid it, once paid) */
  paymentId: number | null;
  /** its lifecycle (status, payment, paid time): the core's checkout of the same id */
  checkout: Checkout;
}

/** An order's own fields (its table); the rest is its checkout's. */
export type OrderRow = Omit<Order, 'status' | 'paidAt' | 'paymentId' | 'checkout'>;

/** The order's status from its checkout's state (an order has no lifetime: it is never expired). */
const ORDER_STATUS: Record<CheckoutState, OrderStatus> = { open: 'Created', paid: 'Paid', cancelled: 'Cancelled', expired: 'Cancelled' };

/** The order of its own fields and its checkout. */
export function orderOf(row: OrderRow, checkout: Checkout): Order {
  return {
    ...row,
    status: ORDER_STATUS[checkout.state],
    paidAt: checkout.state === 'paid' ? checkout.closedAt : null,
    paymentId: checkout.subjectType === 'payment' ? checkout.subjectId : null,
    checkout,
  };
}

/** the records are the face's types exactly */
export type RecordsMatch = [
  Expect<Same<RecordOf<typeof T.subscriptions.definition>, Subscription>>,
  Expect<Same<RecordOf<typeof T.orders.definition>, OrderRow>>,
  Expect<Same<RecordOf<typeof T.receipts.definition>, Receipt>>,
  Expect<Same<Omit<RecordOf<typeof T.notifications.definition>, 'merchantId' | 'updatedAt'>, NotificationSettings>>,
];

function db(tx: Tx): Kysely<CloudPaymentsDatabase> {
  return tx.db<CloudPaymentsDatabase>();
}

/** Orders with their checkouts (same id). */
function orders(tx: Tx) {
  return db(tx)
    .selectFrom('cloudpayments_orders')
    .innerJoin('checkouts', 'checkouts.id', 'cloudpayments_orders.id')
    .selectAll('cloudpayments_orders')
    .select(CHECKOUT_COLUMNS);
}

function readOrder(r: object): Order {
  return orderOf(T.orders.read(r), checkoutOf(r));
}

/**
 * A merchant's notification settings read just before a command's transaction (a charge reads them all where it
 * reads its Check notification's, in one statement, and hands them on when it sends no Check) or at its start with
 * the payment's lock, handed to that transaction (faces/kit/carried.ts).
 */
const carried = carriedPerTransaction<MerchantNotifications>();

export const cpStore = {
  /**
   * The recurring token saved for a payer (AccountId, '' for none) and the card of a fingerprint, found by the
   * fingerprint: a card payment asks for it among the reads its authorization makes, before it knows the card's id.
   * null: none.
   */
  async tokenOfCard(tx: Tx, merchantId: string, fingerprint: string, accountId: string): Promise<string | null> {
    const [r] = await tx.prepared(
      'cloudpayments.tokenOfCard',
      (d: Kysely<CoreDatabase>, slot) =>
        d
          .selectFrom('refs')
          .select('subject_id')
          .where('face', '=', 'cloudpayments')
          .where('merchant_id', '=', slot(0))
          .where('kind', '=', 'card_token')
          // the reference of a card's token is its card's id, '|' and the payer's AccountId
          .where('ref', '=', (eb) =>
            eb
              .selectFrom('cards')
              .select(sql<string>`id || '|' || ${slot(2)}`.as('ref'))
              .where('fingerprint', '=', slot(1)),
          ),
      [merchantId, fingerprint, accountId],
    );
    return r ? String(r.subject_id) : null;
  },
  // notification settings
  async getSettings(tx: Tx, merchantId: string, type: NotificationType): Promise<NotificationSettings> {
    const [r] = await tx.prepared(
      'cloudpayments.settings',
      (d: Kysely<CloudPaymentsDatabase>, slot) =>
        d.selectFrom('cloudpayments_notifications').selectAll().where('merchant_id', '=', slot(0)).where('type', '=', slot(1)),
      [merchantId, type],
    );
    if (!r) return defaultSettings(type);
    const { merchantId: _merchant, updatedAt: _at, ...settings } = T.notifications.read(r);
    return settings;
  },
  /** The settings of a type for a notification of this transaction: as handed to it, or read. */
  async notificationSettings(tx: Tx, merchantId: string, type: NotificationType): Promise<NotificationSettings> {
    return carried.get(tx, merchantId)?.[type] ?? cpStore.getSettings(tx, merchantId, type);
  },
  /** Hands settings read before the transaction to it (see `carried`). */
  carrySettings(tx: Tx, merchantId: string, all: MerchantNotifications): void {
    carried.put(tx, merchantId, all);
  },
  /** Every type's settings of a merchant, in one statement (a type never set has its defaults). */
  async getAllSettings(tx: Tx, merchantId: string): Promise<MerchantNotifications> {
    const rows = await tx.prepared(
      'cloudpayments.allSettings',
      (d: Kysely<CloudPaymentsDatabase>, slot) =>
        d.selectFrom('cloudpayments_notifications').selectAll().where('merchant_id', '=', slot(0)),
      [merchantId],
    );
    const all = Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, defaultSettings(t)])) as MerchantNotifications;
    for (const r of rows) {
      const { merchantId: _merchant, updatedAt: _at, ...settings } = T.notifications.read(r);
      if (settings.type in all) all[settings.type] = settings;
    }
    return all;
  },
  async putSettings(tx: Tx, merchantId: string, s: NotificationSettings, now: number): Promise<void> {
    // what the transaction was handed is no longer what it will commit
    carried.drop(tx, merchantId);
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
    await tx.write(db(tx).insertInto('cloudpayments_subscriptions').values(T.subscriptions.write(s)));
  },
  async updateSubscription(tx: Tx, s: Subscription): Promise<void> {
    const { id: _id, ...rest } = s;
    await tx.write(db(tx).updateTable('cloudpayments_subscriptions').set(T.subscriptions.write(rest)).where('id', '=', s.id));
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
  async insertOrder(tx: Tx, o: OrderRow): Promise<void> {
    await tx.write(db(tx).insertInto('cloudpayments_orders').values(T.orders.write(o)));
  },
  async getOrder(tx: Tx, id: string): Promise<Order | undefined> {
    const r = await orders(tx).where('cloudpayments_orders.id', '=', id).executeTakeFirst();
    return r && readOrder(r);
  },
  /** The order and its checkout, locked for the rest of the transaction (its payment attempts are decided under it). */
  async lockOrder(tx: Tx, id: string): Promise<Order | undefined> {
    let q = orders(tx).where('cloudpayments_orders.id', '=', id);
    if (tx.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && readOrder(r);
  },

  // CloudKassir receipts
  async insertReceipt(tx: Tx, r: Receipt): Promise<void> {
    await tx.write(db(tx).insertInto('cloudpayments_receipts').values(T.receipts.write(r)));
  },
  async getReceipt(tx: Tx, id: string): Promise<Receipt | undefined> {
    const r = await db(tx).selectFrom('cloudpayments_receipts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.receipts.read(r);
  },

  // invoice index (payouts)
  async indexInvoice(tx: Tx, merchantId: string, invoiceId: string, kind: 'payout', subjectId: number, at: number): Promise<void> {
    await tx.write(
      db(tx)
        .insertInto('cloudpayments_invoices')
        .values(T.invoices.write({ merchantId, invoiceId, kind, subjectId, createdAt: at })),
    );
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
