// Numopay wire mapping: core payments and payouts → the payment status object and its state codes; the views of
// accounts, balances, tokens and webhook endpoints.
import type { Payment, PaymentStatus, Payout, PayoutStatus } from '../../core/model.js';
import type { DeclineReason } from '../../core/network/reasons.js';
import type { CheckoutItem, NumopayAccount, WebhookEndpoint } from './store.js';

export const API_VERSION = '2019-12-22';

/** The documented state-code table (0 is spelled as in the documented example response). */
export const STATE_DESCRIPTIONS: Record<number, string> = {
  0: 'Нет ошибки',
  10: 'Недостаточно средств',
  11: 'Карта не найдена',
  12: 'Недействительная карта',
  13: 'Транзакция недоступна для держателя карты',
  14: 'Срок действия карты истек',
  15: 'Карта утеряна',
  16: 'Превышены лимиты карты',
  17: 'Отказ эмитента или платежной системы',
  18: 'Операции по карте ограничены',
  19: 'Карта изъята',
  20: 'Недействительный номер карты',
  21: 'Не найден бин',
  22: 'Операции пополнения недоступны по карте',
  23: 'Неверный ввод CVV2',
  24: 'Карта украдена',
  25: 'Карта изъята',
  26: 'Карта не найдена',
};

/** Every core decline reason → a Numopay state code (exhaustive). */
export const STATE_CODES: Record<DeclineReason, number> = {
  insufficient_funds: 10,
  card_not_found: 11,
  invalid_card: 12,
  format_error: 12,
  invalid_pin: 12,
  transaction_not_permitted: 13,
  transaction_not_permitted_terminal: 13,
  invalid_transaction: 13,
  invalid_merchant: 13,
  expired_card: 14,
  expired_card_pickup: 14,
  lost_card: 15,
  limit_exceeded: 16,
  exceeds_amount_limit: 16,
  exceeds_frequency_limit: 16,
  amount_error: 16,
  refer_to_issuer: 17,
  do_not_honor: 17,
  processing_error: 17,
  customer_cancellation: 17,
  transaction_error: 17,
  timeout: 17,
  cannot_reach_network: 17,
  system_error: 17,
  unable_to_process: 17,
  authentication_failed: 17,
  authentication_unavailable: 17,
  expired_authentication: 17,
  restricted_card: 18,
  restricted_card_issuer: 18,
  suspected_fraud: 18,
  suspected_fraud_issuer: 18,
  security_violation: 18,
  antifraud: 18,
  pick_up_card: 19,
  invalid_card_number: 20,
  no_such_issuer: 21,
  bank_not_supported: 21,
  payout_not_permitted: 22,
  incorrect_cvv: 23,
  stolen_card: 24,
  pick_up_card_special: 25,
  card_record_not_found: 26,
};

type NumopayStatus = 'new' | 'pending' | 'hold' | 'error' | 'expired' | 'success' | 'canceled';

const PAYMENT_STATUS: Record<PaymentStatus, NumopayStatus> = {
  created: 'new',
  requires_authentication: 'pending',
  authorized: 'hold',
  captured: 'success',
  partially_refunded: 'success',
  refunded: 'canceled',
  voided: 'canceled',
  declined: 'error',
  expired: 'expired',
  failed: 'error',
};

const PAYOUT_STATUS: Record<PayoutStatus, NumopayStatus> = {
  created: 'new',
  processing: 'pending',
  completed: 'success',
  declined: 'error',
  expired: 'expired',
  cancelled: 'canceled',
  failed: 'error',
};

const COMPLETED: ReadonlySet<NumopayStatus> = new Set(['success', 'error', 'expired', 'canceled']);

export interface StatusObject {
  order_slug: string;
  is_completed: boolean;
  status: NumopayStatus;
  type: 'charge_unregistered' | 'refill_unregistered';
  amount: string;
  currency: string;
  card_number: string | null;
  state_code: number;
  state_description: string;
  /** the checkout session the charge was made through (null for an order made with a token) */
  checkout_session_id: string | null;
  /** the amount and currency asked for before conversion to the account's currency (the order's own without one) */
  original_amount: string;
  original_currency: string;
}

/** 4444********7777: the first four and the last four digits */
function maskedCard(first6: string, last4: string): string {
  return first6.slice(0, 4) + '********' + last4;
}

function stateOf(reason: string | null, status: NumopayStatus): { state_code: number; state_description: string } {
  if (status !== 'error' || !reason) return { state_code: 0, state_description: STATE_DESCRIPTIONS[0]! };
  const code = STATE_CODES[reason as DeclineReason] ?? 17;
  return { state_code: code, state_description: STATE_DESCRIPTIONS[code]! };
}

export function paymentStatusObject(p: Payment, orderSlug: string): StatusObject {
  const status = PAYMENT_STATUS[p.status];
  const m = p.metadata as { checkoutSessionId?: string; originalAmount?: string; originalCurrency?: string };
  const converted = m.originalAmount !== undefined && m.originalCurrency !== undefined;
  return {
    order_slug: orderSlug,
    is_completed: COMPLETED.has(status),
    status,
    type: 'charge_unregistered',
    amount: p.amount.toString(),
    currency: p.currency,
    card_number: p.card ? maskedCard(p.card.first6, p.card.last4) : null,
    ...stateOf(p.declineReason, status),
    checkout_session_id: m.checkoutSessionId ?? null,
    original_amount: converted ? m.originalAmount! : p.amount.toString(),
    original_currency: converted ? m.originalCurrency! : p.currency,
  };
}

export function payoutStatusObject(p: Payout, orderSlug: string): StatusObject {
  const status = PAYOUT_STATUS[p.status];
  return {
    order_slug: orderSlug,
    is_completed: COMPLETED.has(status),
    status,
    type: 'refill_unregistered',
    amount: p.amount.toString(),
    currency: p.currency,
    card_number: p.card ? maskedCard(p.card.first6, p.card.last4) : null,
    ...stateOf(p.declineReason, status),
    // a refill is made in the account's currency: nothing is converted
    checkout_session_id: null,
    original_amount: p.amount.toString(),
    original_currency: p.currency,
  };
}

/** `{id, currency}` */
export function accountView(a: NumopayAccount): { id: string; currency: string } {
  return { id: a.id, currency: a.currency };
}

/** `{amount: "44444", currency}`: the available balance as a string of minor units. */
export function balanceView(available: bigint, currency: string): { amount: string; currency: string } {
  return { amount: available.toString(), currency };
}

/** `{token, order_slug}`: a charge or refill token. */
export function tokenView(t: { token: string; orderSlug: string }): { token: string; order_slug: string } {
  return { token: t.token, order_slug: t.orderSlug };
}

export function endpointView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    event: e.event,
    created_at: new Date(e.createdAt).toISOString(),
    updated_at: new Date(e.updatedAt).toISOString(),
  };
}

/** `{id, token, items, success_url, cancel_url}`: a checkout session as created. */
export function checkoutSessionView(s: { id: string; token: string; items: CheckoutItem[]; successUrl: string; cancelUrl: string }) {
  return { id: s.id, token: s.token, items: s.items, success_url: s.successUrl, cancel_url: s.cancelUrl };
}
