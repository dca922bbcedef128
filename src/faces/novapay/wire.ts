// NovaPay wire tables: the processing errors (their texts and code names), core error codes → NovaPay errors,
// decline reasons → `processing_result`, and core payment → session fields. The get-status and postback bodies built
// from them are wire/status.ts and wire/postback.ts; the error class and the error bodies are in http.ts.
import type { ErrorCode } from '../../core/errors.js';
import type { Payment } from '../../core/model.js';
import type { DeclineReason } from '../../core/network/reasons.js';
import type { CardBrand } from '../../core/cards.js';
import type { NovapaySession, SessionStatus } from './store.js';

export const CURRENCY = 'UAH';

// ---------------------------------------------------------------------------------------------- errors

/** Processing errors: the original SDK README's messages, and the `code` names of the current API. */
export const PROCESSING_ERRORS = {
  SIGN_INVALID: { error: 'request sign is invalid', code: 'RequestSignInvalidError', status: 400 },
  SESSION_NOT_FOUND: { error: 'session not found', code: 'SessionNotFoundError', status: 400 },
  DELIVERY_PRICE_FAILED: { error: 'delivery price calculation failed', code: 'DeliveryPriceCalculationError', status: 400 },
  SESSION_ALREADY_REFUNDED: { error: 'session already refunded', code: 'SessionAlreadyRefundedError', status: 400 },
  NOT_FOUND: { error: 'not found', code: 'NotFoundError', status: 404 },
  MERCHANT_NOT_FOUND: { error: 'merchant not found', code: 'MerchantNotFoundError', status: 400 },
  SESSION_EXPIRED: { error: 'session expired', code: 'SessionExpiredError', status: 400 },
  INVALID_STATUS: { error: 'invalid session status', code: 'SessionInvalidStatusError', status: 400 },
  VOID_PERIOD_EXPIRED: { error: 'void is available only until 23:59 of the payment day', code: 'VoidPeriodExpiredError', status: 400 },
  AMOUNT_EXCEEDS_HOLD: { error: 'amount exceeds holded amount', code: 'AmountExceedsHoldError', status: 400 },
  PAYMENT_ALREADY_ADDED: { error: 'payment already added to session', code: 'PaymentAlreadyAddedError', status: 400 },
  DELIVERY_NOT_USED: { error: 'session has no delivery', code: 'DeliveryNotUsedError', status: 400 },
  WAYBILL_NOT_FOUND: { error: 'express waybill not found', code: 'ExpressWaybillNotFoundError', status: 400 },
  BODY_TOO_LARGE: { error: 'request entity too large', code: 'PayloadTooLargeError', status: 413 },
} as const;

export type ProcessingErrorKey = keyof typeof PROCESSING_ERRORS;

/** Core error codes that reach a NovaPay route → the NovaPay error (exhaustive). */
export const CORE_ERRORS: Record<ErrorCode, ProcessingErrorKey | 'validation' | 'fatal'> = {
  VALIDATION: 'validation',
  AMOUNT_INVALID: 'validation',
  AMOUNT_PRECISION: 'validation',
  AMOUNT_TOO_SMALL: 'validation',
  AMOUNT_TOO_LARGE: 'validation',
  CURRENCY_UNSUPPORTED: 'validation',
  CARD_NUMBER_INVALID: 'validation',
  CARD_BRAND_UNSUPPORTED: 'validation',
  CARD_EXPIRY_INVALID: 'validation',
  CARD_CVV_INVALID: 'validation',
  UNAUTHENTICATED: 'SIGN_INVALID',
  SIGNATURE_INVALID: 'SIGN_INVALID',
  TIMESTAMP_OUT_OF_WINDOW: 'SIGN_INVALID',
  NONCE_REUSED: 'SIGN_INVALID',
  FORBIDDEN: 'SIGN_INVALID',
  MERCHANT_NOT_FOUND: 'MERCHANT_NOT_FOUND',
  ACCOUNT_NOT_FOUND: 'MERCHANT_NOT_FOUND',
  PAYMENT_NOT_FOUND: 'SESSION_NOT_FOUND',
  PAYOUT_NOT_FOUND: 'NOT_FOUND',
  TOKEN_NOT_FOUND: 'NOT_FOUND',
  TOKEN_EXPIRED: 'SESSION_EXPIRED',
  TOKEN_USED: 'INVALID_STATUS',
  CHECKOUT_EXPIRED: 'SESSION_EXPIRED',
  CHECKOUT_USED: 'INVALID_STATUS',
  CHECKOUT_PAID: 'INVALID_STATUS',
  CHECKOUT_CANCELLED: 'INVALID_STATUS',
  CHECKOUT_BUSY: 'INVALID_STATUS',
  CHALLENGE_NOT_FOUND: 'NOT_FOUND',
  CHALLENGE_EXPIRED: 'SESSION_EXPIRED',
  CHALLENGE_ALREADY_COMPLETED: 'INVALID_STATUS',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'INVALID_STATUS',
  AMOUNT_EXCEEDS_AVAILABLE: 'AMOUNT_EXCEEDS_HOLD',
  INSUFFICIENT_BALANCE: 'INVALID_STATUS',
  ZERO_BALANCE: 'INVALID_STATUS',
  REFUND_WINDOW_PASSED: 'VOID_PERIOD_EXPIRED',
  DUPLICATE: 'INVALID_STATUS',
  IDEMPOTENCY_CONFLICT: 'INVALID_STATUS',
  LEDGER_INVARIANT: 'fatal',
  CONFLICT: 'INVALID_STATUS',
  INTERNAL: 'fatal',
};

// ------------------------------------------------------------------------------ decline reasons

/** `processing_result` for every core decline reason (exhaustive), in Ukrainian as NovaPay's pages are. */
const PROCESSING_RESULTS: Record<DeclineReason, string> = {
  refer_to_issuer: 'Зверніться до банку-емітента',
  invalid_merchant: 'Недійсний торговець',
  pick_up_card: 'Картку вилучено',
  do_not_honor: 'Відмова банку-емітента',
  processing_error: 'Помилка обробки',
  pick_up_card_special: 'Картку вилучено (особливі умови)',
  invalid_transaction: 'Недійсна операція',
  amount_error: 'Недійсна сума',
  invalid_card_number: 'Недійсний номер картки',
  no_such_issuer: 'Банк-емітент не знайдено',
  customer_cancellation: 'Скасовано платником',
  transaction_error: 'Помилка операції',
  format_error: 'Помилка формату',
  bank_not_supported: 'Банк не підтримується платіжною системою',
  expired_card_pickup: 'Термін дії картки минув, картку вилучено',
  suspected_fraud: 'Підозра на шахрайство',
  restricted_card: 'Картку обмежено',
  lost_card: 'Картку втрачено',
  stolen_card: 'Картку викрадено',
  insufficient_funds: 'Недостатньо коштів',
  expired_card: 'Термін дії картки минув',
  invalid_pin: 'Невірний PIN',
  transaction_not_permitted: 'Операція недоступна для держателя картки',
  transaction_not_permitted_terminal: 'Операція недоступна для терміналу',
  suspected_fraud_issuer: 'Підозра на шахрайство (банк-емітент)',
  exceeds_amount_limit: 'Перевищено ліміт суми',
  restricted_card_issuer: 'Картку обмежено банком-емітентом',
  security_violation: 'Порушення безпеки',
  exceeds_frequency_limit: 'Перевищено ліміт кількості операцій',
  incorrect_cvv: 'Невірний CVV2',
  timeout: 'Банк-емітент не відповідає',
  cannot_reach_network: "Немає зв'язку з платіжною системою",
  system_error: 'Системна помилка',
  unable_to_process: 'Неможливо обробити операцію',
  authentication_failed: 'Помилка автентифікації 3-D Secure',
  authentication_unavailable: 'Автентифікація 3-D Secure недоступна',
  antifraud: 'Відхилено антифрод-системою',
  card_not_found: 'Картку не знайдено',
  card_record_not_found: 'Запис картки не знайдено в банку-емітенті',
  invalid_card: 'Недійсна картка',
  payout_not_permitted: 'Зарахування на картку заборонено',
  limit_exceeded: 'Перевищено ліміти картки',
  expired_authentication: 'Час на підтвердження платежу минув',
};

export function processingResultOf(reason: string | null): string {
  return (reason && PROCESSING_RESULTS[reason as DeclineReason]) || PROCESSING_RESULTS.do_not_honor;
}

// --------------------------------------------------------------------------- core → session fields

export const CARD_TYPES: Record<CardBrand, string> = { Visa: 'VISA', Mastercard: 'MASTERCARD', MIR: 'MIR' };

/** The status to show: the stored one, unless the core payment already moved on (3-D Secure timed out). */
export function effectiveStatus(s: NovapaySession, p: Payment | undefined): SessionStatus {
  if (p && s.status === 'processing' && (p.status === 'expired' || p.status === 'declined' || p.status === 'failed')) return 'failed';
  return s.status;
}

export function maskedPan(p: Payment | undefined): string | null {
  return p?.card ? `${p.card.first6}xxxxxx${p.card.last4}` : null;
}

/** The amount the payer paid (a partial completion charges less than the hold), else the payment amount. */
export function paidAmount(p: Payment): bigint {
  return p.capturedAmount > 0n ? p.capturedAmount : p.amount;
}

export function sessionTotal(s: NovapaySession): bigint | null {
  return s.amount === null ? null : s.amount + (s.deliveryAmount ?? 0n);
}

/** ISO time as NovaPay prints it: 2026-07-27T19:52:48.900+00:00 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}
