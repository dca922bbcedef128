// CloudPayments notifications rendered from outbox events: Pay, Fail, Confirm, Refund, Recurrent and Cancel (Check
// is sent synchronously before authorization: service/check.ts). Sent as GET (query) or POST (form) per the
// merchant's /site/notifications settings, signed (signing.ts), retried at 1, 2, 5, 10, 30 minutes (then every 30
// minutes) up to 100 attempts until the merchant answers {"code":0}.
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import { MINUTE } from '../../core/clock.js';
import type { Delivery, JsonObject, OutboxEvent } from '../../core/model.js';
import { deserializePayment } from '../../core/payments.js';
import { deserializePayout } from '../../core/payouts.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { encodeForm, signatureHeaders, type FormFields } from './signing.js';
import { cpStore, type Subscription } from './store.js';
import type { NotificationSettings, NotificationType } from './wire/notification-settings.js';
import { PAYMENT_STATUS } from './wire.js';
import { cancelFields, failFields, payFields, paymentCommon, payoutCommon, recurrentFields, refundFields } from './wire/notification.js';
import { deserializeSubscription, SUBSCRIPTION_SUBJECT } from './wire/subscription.js';
import type { CpPaymentMeta } from './wire/transaction.js';

const RETRY_SCHEDULE = [1, 2, 5, 10, 30].map((m) => m * MINUTE);
const MAX_ATTEMPTS = 100;

export function plan(
  kind: NotificationType,
  settings: NotificationSettings,
  secret: string,
  fields: FormFields,
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

export async function secretOf(tx: Tx, merchantId: string): Promise<string | null> {
  const creds = await tx.credentials.list(merchantId);
  return creds.find((c) => c.face === 'cloudpayments' && c.status === 'active')?.secret ?? null;
}

export function cloudpaymentsWebhooks(_ctx: FaceContext): WebhookRenderer {
  return {
    async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
      const built = await build(tx, e);
      if (!built) return [];
      // as read before the transaction when they were (a charge's), else read now
      const settings = await cpStore.notificationSettings(tx, e.merchantId, built.type);
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

async function build(tx: Tx, e: OutboxEvent): Promise<{ type: NotificationType; fields: FormFields } | null> {
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
        const jsonData = refund?.metadata.jsonData ?? (p.metadata as CpPaymentMeta).jsonData ?? null;
        return { type: 'Refund', fields: refundFields(p, Number(e.payload.refundId), amount, e.createdAt, jsonData) };
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
    return { type: 'Recurrent', fields: recurrentFields(deserializeSubscription<Subscription>(e.payload.subscription as JsonObject)) };
  }
  return null;
}
