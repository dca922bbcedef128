// The fields of each CloudPayments notification (Check, Pay, Fail, Confirm, Refund, Recurrent, Cancel), in the
// documented order, as text: amounts in major units, dates `yyyy-MM-dd HH:mm:ss` UTC, TestMode 1/0.
import type { JsonObject, Payment, Payout } from '../../../core/model.js';
import type { FormFields } from '../signing.js';
import type { SubscriptionView } from './subscription.js';
import { cultureOf, declineFields } from '../wire.js';
import { cardExpDate, cardType, formatAmountText, notificationDate } from './formats.js';
import { shownAmount } from './payment.js';
import { GATEWAY_NAME, type CpPaymentMeta } from './transaction.js';

function s(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function cardFields(card: Payment['card']): FormFields {
  return [
    ['CardId', card ? card.cardId : ''],
    ['CardFirstSix', card?.first6 ?? ''],
    ['CardLastFour', card?.last4 ?? ''],
    ['CardType', card ? cardType(card.brand) : ''],
    ['CardExpDate', card ? cardExpDate(card.expMonth, card.expYear) : ''],
  ];
}

export interface Common {
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

function commonFields(c: Common): FormFields {
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

export function paymentCommon(p: Payment, status: string): Common {
  const m = p.metadata as CpPaymentMeta;
  return {
    id: p.id,
    amount: shownAmount(p),
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

export function payoutCommon(p: Payout, status: string): Common {
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
export function checkFields(p: Payment): FormFields {
  return [...commonFields(paymentCommon(p, p.captureMode === 'manual' ? 'Authorized' : 'Completed')), ['TokenRecipient', '']];
}

export function payFields(c: Common, x: { authCode: string | null; token: string | null; rrn: string | null }): FormFields {
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

export function failFields(
  c: Common,
  reason: string | null,
  metadata: JsonObject,
  culture: string | null | undefined,
  x: { token: string | null; rrn: string | null },
): FormFields {
  const r = declineFields(reason, metadata, cultureOf(culture));
  const extra: FormFields = [
    ['Reason', r.Reason ?? ''],
    ['ReasonCode', String(r.ReasonCode ?? '')],
    ['Token', s(x.token)],
    ['Rrn', s(x.rrn)],
  ];
  return [...commonFields(c), ...extra];
}

export function recurrentFields(sub: SubscriptionView): FormFields {
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

export function cancelFields(p: Payment, at: number): FormFields {
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

/** Refund: the refund's own transaction, pointing at its payment. */
export function refundFields(p: Payment, refundId: number, amount: bigint, at: number, jsonData: unknown): FormFields {
  return [
    ['TransactionId', String(refundId)],
    ['PaymentTransactionId', String(p.id)],
    ['Amount', formatAmountText(amount, p.currency)],
    ['DateTime', notificationDate(at)],
    ['OperationType', 'Refund'],
    ['InvoiceId', s(p.invoiceId)],
    ['AccountId', s(p.payerRef)],
    ['Email', s(p.email)],
    ['Data', s(jsonData)],
    ['Rrn', s(p.rrn)],
  ];
}
