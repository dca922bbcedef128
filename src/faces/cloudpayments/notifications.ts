// CloudPayments notifications (our server → the merchant): Check (synchronous, before authorization), Pay,
// Fail, Confirm, Refund, Recurrent, Cancel. Sent as GET (query) or POST (form) per the merchant's
// /site/notifications settings, signed with Content-HMAC (base64 HMAC-SHA256 with the API Secret over the raw
// body or query) and X-Content-HMAC (over its URL-decoded form). Retried at 1, 2, 5, 10, 30 minutes (then every
// 30 minutes) up to 100 attempts until the merchant answers {"code":0}.
import { createHmac } from 'node:crypto';
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import { MINUTE } from '../../core/clock.js';
import { uuid } from '../../core/ids.js';
import type { Delivery, JsonObject, OutboxEvent, Payment, Payout } from '../../core/model.js';
import { deserializePayment } from '../../core/payments.js';
import { deserializePayout } from '../../core/payouts.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { cpStore, type NotificationSettings, type NotificationType, type Subscription } from './store.js';
import {
  cardExpDate,
  cardType,
  cultureOf,
  declineFields,
  formatAmountText,
  GATEWAY_NAME,
  notificationDate,
  PAYMENT_STATUS,
  type CpPaymentMeta,
} from './wire.js';
import type { DeclineReason } from '../../core/network/reasons.js';

export const RETRY_SCHEDULE = [1, 2, 5, 10, 30].map((m) => m * MINUTE);
export const MAX_ATTEMPTS = 100;
export const CHECK_TIMEOUT_MS = 15_000;
export const SUBSCRIPTION_SUBJECT = 'cloudpayments_subscription';

type Fields = Array<[string, string]>;

function s(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// ---- encoding and signing

/** Windows-1251 bytes of a string (Cyrillic and ASCII; anything else becomes '?'). */
function cp1251(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c >= 0x410 && c <= 0x44f) out.push(c - 0x410 + 0xc0);
    else if (c === 0x401) out.push(0xa8);
    else if (c === 0x451) out.push(0xb8);
    else if (c === 0x2116) out.push(0xb9);
    else out.push(0x3f);
  }
  return Buffer.from(out);
}

function encodeComponent(v: string, encoding: NotificationSettings['encoding']): string {
  if (encoding === 'UTF8') return encodeURIComponent(v).replace(/%20/g, '+');
  let out = '';
  for (const b of cp1251(v)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(ch) ? ch : b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function encodeForm(fields: Fields, encoding: NotificationSettings['encoding'] = 'UTF8'): string {
  return fields.map(([k, v]) => `${encodeComponent(k, encoding)}=${encodeComponent(v, encoding)}`).join('&');
}

/** The URL-decoded form of an encoded body or query (what X-Content-HMAC covers), in its encoding. */
export function decodedForm(encoded: string, encoding: NotificationSettings['encoding'] = 'UTF8'): string {
  const bytes: number[] = [];
  const text = encoded.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const m = text[i] === '%' ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(i + 1, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return new TextDecoder(encoding === 'UTF8' ? 'utf-8' : 'windows-1251').decode(Uint8Array.from(bytes));
}

export function hmacBase64(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('base64');
}

export function signatureHeaders(
  secret: string,
  signed: string,
  encoding: NotificationSettings['encoding'] = 'UTF8',
): Record<string, string> {
  return { 'Content-HMAC': hmacBase64(secret, signed), 'X-Content-HMAC': hmacBase64(secret, decodedForm(signed, encoding)) };
}

/** A delivery plan for one notification: GET with a query string, or POST with a form body. */
export function plan(
  kind: NotificationType,
  settings: NotificationSettings,
  secret: string,
  fields: Fields,
  eventId: string,
): DeliveryPlan {
  const encoded = encodeForm(fields, settings.encoding);
  const address = settings.address!;
  const charset = settings.encoding === 'UTF8' ? 'utf-8' : 'windows-1251';
  const base = { kind, schedule: RETRY_SCHEDULE, maxAttempts: kind === 'Check' ? 1 : MAX_ATTEMPTS };
  if (settings.httpMethod === 'GET') {
    const hash = address.indexOf('#');
    const bare = hash === -1 ? address : address.slice(0, hash);
    const url = bare + (bare.includes('?') ? (bare.endsWith('?') || bare.endsWith('&') ? '' : '&') : '?') + encoded;
    const query = url.slice(url.indexOf('?') + 1);
    return {
      ...base,
      url,
      method: 'GET',
      body: '',
      headers: { ...signatureHeaders(secret, query, settings.encoding), 'x-polypay-event-id': eventId },
    };
  }
  return {
    ...base,
    url: address,
    method: 'POST',
    body: encoded,
    headers: {
      'content-type': `application/x-www-form-urlencoded; charset=${charset}`,
      ...signatureHeaders(secret, encoded, settings.encoding),
      'x-polypay-event-id': eventId,
    },
  };
}

/** The merchant's answer counts only when it is JSON with code 0. */
export function answerCode(body: string): number | null {
  try {
    const j = JSON.parse(body) as { code?: unknown; Code?: unknown };
    const c = j.code ?? j.Code;
    const n = typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c.trim()) ? Number(c) : NaN;
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

// ---- fields

function cardFields(card: Payment['card']): Fields {
  return [
    ['CardId', card ? card.cardId : ''],
    ['CardFirstSix', card?.first6 ?? ''],
    ['CardLastFour', card?.last4 ?? ''],
    ['CardType', card ? cardType(card.brand) : ''],
    ['CardExpDate', card ? cardExpDate(card.expMonth, card.expYear) : ''],
  ];
}

interface Common {
  id: number;
  amount: bigint;
  currency: string;
  createdAt: number;
  card: Payment['card'];
  testMode: boolean;
  status: string;
  operationType: 'Payment' | 'Refund' | 'CardPayout';
  invoiceId: string | null;
  accountId: string | null;
  subscriptionId: string | null;
  name: string | null;
  email: string | null;
  ip: string | null;
  description: string | null;
  data: unknown;
}

function commonFields(c: Common): Fields {
  const amount = formatAmountText(c.amount, c.currency);
  return [
    ['TransactionId', String(c.id)],
    ['Amount', amount],
    ['Currency', c.currency],
    ['PaymentAmount', amount],
    ['PaymentCurrency', c.currency],
    ['DateTime', notificationDate(c.createdAt)],
    ...cardFields(c.card),
    ['TestMode', c.testMode ? '1' : '0'],
    ['Status', c.status],
    ['OperationType', c.operationType],
    ['InvoiceId', s(c.invoiceId)],
    ['AccountId', s(c.accountId)],
    ['SubscriptionId', s(c.subscriptionId)],
    ['Name', s(c.name)],
    ['Email', s(c.email)],
    ['IpAddress', s(c.ip)],
    ['IpCountry', ''],
    ['IpCity', ''],
    ['IpRegion', ''],
    ['IpDistrict', ''],
    ['IpLatitude', ''],
    ['IpLongitude', ''],
    ['Issuer', ''],
    ['IssuerBankCountry', ''],
    ['Description', s(c.description)],
    ['CardProduct', ''],
    ['PaymentMethod', ''],
    ['Data', s(c.data)],
  ];
}

function paymentCommon(p: Payment, status: string): Common {
  const m = p.metadata as CpPaymentMeta;
  return {
    id: p.id,
    amount: p.amount,
    currency: p.currency,
    createdAt: p.createdAt,
    card: p.card,
    testMode: p.testMode,
    status,
    operationType: 'Payment',
    invoiceId: p.invoiceId,
    accountId: p.payerRef,
    subscriptionId: m.subscriptionId ?? null,
    name: m.name ?? p.card?.holder ?? null,
    email: p.email,
    ip: p.ip,
    description: p.description,
    data: m.jsonData ?? null,
  };
}

function payoutCommon(p: Payout, status: string): Common {
  const m = p.metadata as CpPaymentMeta & { invoiceId?: string; accountId?: string; email?: string; ip?: string; description?: string };
  return {
    id: p.id,
    amount: p.amount,
    currency: p.currency,
    createdAt: p.createdAt,
    card: p.card,
    testMode: true,
    status,
    operationType: 'CardPayout',
    invoiceId: m.invoiceId ?? null,
    accountId: m.accountId ?? null,
    subscriptionId: null,
    name: m.name ?? p.card?.holder ?? null,
    email: m.email ?? null,
    ip: m.ip ?? null,
    description: m.description ?? null,
    data: m.jsonData ?? null,
  };
}

/** Check: the payment about to be authorized (a draft that is not stored yet). */
export function checkFields(p: Payment): Fields {
  return [...commonFields(paymentCommon(p, p.captureMode === 'manual' ? 'Authorized' : 'Completed')), ['TokenRecipient', '']];
}

function payFields(c: Common, x: { authCode: string | null; token: string | null; rrn: string | null }): Fields {
  return [
    ...commonFields(c),
    ['GatewayName', GATEWAY_NAME],
    ['AuthCode', s(x.authCode)],
    ['Token', s(x.token)],
    ['TotalFee', '0'],
    ['Rrn', s(x.rrn)],
    ['FallBackScenarioDeclinedTransactionId', ''],
  ];
}

function failFields(
  c: Common,
  reason: string | null,
  metadata: JsonObject,
  culture: string | null | undefined,
  x: { token: string | null; rrn: string | null },
): Fields {
  const r = declineFields(reason, metadata, cultureOf(culture));
  const extra: Fields = [
    ['Reason', r.Reason ?? ''],
    ['ReasonCode', String(r.ReasonCode ?? '')],
    ['Token', s(x.token)],
    ['Rrn', s(x.rrn)],
  ];
  return [...commonFields(c), ...extra];
}

export function recurrentFields(sub: Subscription): Fields {
  return [
    ['Id', sub.id],
    ['AccountId', sub.accountId],
    ['Description', sub.description],
    ['Email', s(sub.email)],
    ['Amount', formatAmountText(sub.amount, sub.currency)],
    ['Currency', sub.currency],
    ['RequireConfirmation', sub.requireConfirmation ? '1' : '0'],
    ['StartDate', notificationDate(sub.startDate)],
    ['Interval', sub.interval],
    ['Period', String(sub.period)],
    ['Status', sub.status],
    ['SuccessfulTransactionsNumber', String(sub.successful)],
    ['FailedTransactionsNumber', String(sub.failed)],
    ['MaxPeriods', sub.maxPeriods === null ? '' : String(sub.maxPeriods)],
    ['LastTransactionDate', notificationDate(sub.lastTransactionAt)],
    ['NextTransactionDate', notificationDate(sub.nextTransactionAt)],
  ];
}

// ---- the renderer

export function serializeSubscription(sub: Subscription): JsonObject {
  return { ...sub, amount: sub.amount.toString() } as unknown as JsonObject;
}

function deserializeSubscription(j: JsonObject): Subscription {
  const o = j as unknown as Subscription & { amount: string };
  return { ...o, amount: BigInt(o.amount) };
}

async function secretOf(tx: Tx, merchantId: string): Promise<string | null> {
  const creds = await tx.credentials.list(merchantId);
  return creds.find((c) => c.face === 'cloudpayments' && c.status === 'active')?.secret ?? null;
}

export function cloudpaymentsWebhooks(_ctx: FaceContext): WebhookRenderer {
  return {
    async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
      const built = await build(tx, e);
      if (!built) return [];
      const settings = await cpStore.getSettings(tx, e.merchantId, built.type);
      if (!settings.isEnabled || !settings.address) return [];
      const secret = await secretOf(tx, e.merchantId);
      if (secret === null) return [];
      return [plan(built.type, settings, secret, built.fields, e.eventId)];
    },
    accepts(_d: Delivery, status: number, body: string): boolean {
      return status >= 200 && status < 300 && answerCode(body) === 0;
    },
  };
}

async function build(tx: Tx, e: OutboxEvent): Promise<{ type: NotificationType; fields: Fields } | null> {
  if (e.subjectType === 'payment') {
    const p = deserializePayment(e.payload.payment as JsonObject);
    // face fields set after the event (the token saved on approval) come from the stored payment, read only for
    // the events that make a notification
    const stored = async () => ((await tx.payments.get(p.id))?.metadata ?? p.metadata) as CpPaymentMeta;
    switch (e.type) {
      case 'payment.authorized': {
        if (p.captureMode !== 'manual') return null;
        const token = (await stored()).token ?? null;
        return { type: 'Pay', fields: payFields(paymentCommon(p, 'Authorized'), { authCode: p.authCode, token, rrn: p.rrn }) };
      }
      case 'payment.captured': {
        const token = (await stored()).token ?? null;
        if (p.captureMode === 'manual')
          return {
            type: 'Confirm',
            fields: payFields(paymentCommon(p, 'Completed'), { authCode: p.authCode, token, rrn: p.rrn }).filter(
              ([k]) => k !== 'GatewayName' && k !== 'TotalFee' && k !== 'FallBackScenarioDeclinedTransactionId',
            ),
          };
        return { type: 'Pay', fields: payFields(paymentCommon(p, 'Completed'), { authCode: p.authCode, token, rrn: p.rrn }) };
      }
      case 'payment.declined':
      case 'payment.expired': {
        if (e.type === 'payment.expired' && (e.payload.from as string) === 'authorized')
          return { type: 'Cancel', fields: cancelFields(p, e.createdAt) };
        const reason = p.declineReason ?? (e.type === 'payment.expired' ? 'expired_authentication' : 'processing_error');
        return {
          type: 'Fail',
          fields: failFields(paymentCommon(p, PAYMENT_STATUS[p.status].name), reason, p.metadata, (await stored()).cultureName, {
            token: null,
            rrn: p.rrn,
          }),
        };
      }
      case 'payment.voided':
        if ((e.payload.from as string) !== 'authorized') return null;
        return { type: 'Cancel', fields: cancelFields(p, e.createdAt) };
      case 'payment.refunded': {
        const amount = BigInt(String(e.payload.amount));
        const refund = await tx.refunds.get(Number(e.payload.refundId));
        return {
          type: 'Refund',
          fields: [
            ['TransactionId', String(e.payload.refundId)],
            ['PaymentTransactionId', String(p.id)],
            ['Amount', formatAmountText(amount, p.currency)],
            ['DateTime', notificationDate(e.createdAt)],
            ['OperationType', 'Refund'],
            ['InvoiceId', s(p.invoiceId)],
            ['AccountId', s(p.payerRef)],
            ['Email', s(p.email)],
            ['Data', s(refund?.metadata.jsonData ?? (p.metadata as CpPaymentMeta).jsonData ?? null)],
            ['Rrn', s(p.rrn)],
          ],
        };
      }
      default:
        return null;
    }
  }
  if (e.subjectType === 'payout') {
    const p = deserializePayout(e.payload.payout as JsonObject);
    const m = p.metadata as CpPaymentMeta & { authCode?: string; rrn?: string };
    if (e.type === 'payout.completed')
      return {
        type: 'Pay',
        fields: payFields(payoutCommon(p, 'Completed'), { authCode: m.authCode ?? null, token: m.token ?? null, rrn: m.rrn ?? null }),
      };
    if (e.type === 'payout.declined')
      return {
        type: 'Fail',
        fields: failFields(payoutCommon(p, 'Declined'), p.declineReason, {}, m.cultureName, { token: m.token ?? null, rrn: m.rrn ?? null }),
      };
    return null;
  }
  if (e.subjectType === SUBSCRIPTION_SUBJECT && e.type === 'subscription.status_changed') {
    return { type: 'Recurrent', fields: recurrentFields(deserializeSubscription(e.payload.subscription as JsonObject)) };
  }
  return null;
}

function cancelFields(p: Payment, at: number): Fields {
  return [
    ['TransactionId', String(p.id)],
    ['Amount', formatAmountText(p.amount, p.currency)],
    ['DateTime', notificationDate(at)],
    ['InvoiceId', s(p.invoiceId)],
    ['AccountId', s(p.payerRef)],
    ['Email', s(p.email)],
    ['Data', s((p.metadata as CpPaymentMeta).jsonData ?? null)],
    ['Rrn', s(p.rrn)],
  ];
}

// ---- Check (synchronous)

/** The registration code of a Check answer (§5.6): 0 accepts; anything else declines. */
export interface CheckOutcome {
  accepted: boolean;
  /** 3001…3008 when refused */
  reasonCode: number | null;
}

const CHECK_CODES: Record<number, number> = { 10: 3001, 11: 3002, 12: 3003, 20: 3004, 13: 3008 };

/**
 * Sends the Check notification for a payment about to be authorized and waits for the answer (outside any
 * transaction). Returns null when the merchant has no Check notification enabled.
 */
export async function sendCheck(ctx: FaceContext, draft: Payment): Promise<CheckOutcome | null> {
  const { engine } = ctx;
  const found = await engine.read(async (tx) => ({
    settings: await cpStore.getSettings(tx, draft.merchantId, 'Check'),
    secret: await secretOf(tx, draft.merchantId),
  }));
  if (!found.settings.isEnabled || !found.settings.address || found.secret === null) return null;
  const eventId = uuid();
  const p = plan('Check', found.settings, found.secret, checkFields(draft), eventId);
  const r = await engine.dispatcher.sendNow(
    { eventId, merchantId: draft.merchantId, face: 'cloudpayments', subjectType: 'payment', subjectId: String(draft.id) },
    p,
    CHECK_TIMEOUT_MS,
  );
  if (r.status === null) return { accepted: false, reasonCode: 3007 };
  if (r.status === 503) return { accepted: false, reasonCode: 3006 };
  if (r.status < 200 || r.status >= 300) return { accepted: false, reasonCode: 3007 };
  const code = answerCode(r.body ?? '');
  if (code === 0) return { accepted: true, reasonCode: null };
  return { accepted: false, reasonCode: code === null ? 3005 : (CHECK_CODES[code] ?? 3005) };
}

/** The core reason recorded for a payment the merchant refused at Check. */
export const CHECK_DECLINE_REASON: DeclineReason = 'transaction_not_permitted_terminal';
