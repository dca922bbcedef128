// CloudPayments' status and reason tables: core payment and payout statuses → Status/StatusCode, every core decline
// reason → a documented ReasonCode with its CamelCase Reason and cardholder message, and every core error code →
// the `{Success:false, Message}` answer. All exhaustive over the core's unions, so a new core value fails to
// compile until it is mapped here. The models built from them are in wire/<resource>.ts.
import type { ErrorCode } from '../../core/errors.js';
import type { JsonObject, PaymentStatus, PayoutStatus } from '../../core/model.js';
import type { DeclineReason } from '../../core/network/reasons.js';

// ---- statuses

export interface CpStatus {
  name: 'AwaitingAuthentication' | 'Authorized' | 'Completed' | 'Cancelled' | 'Declined';
  code: number;
}

export const AWAITING: CpStatus = { name: 'AwaitingAuthentication', code: 1 };
export const AUTHORIZED: CpStatus = { name: 'Authorized', code: 2 };
export const COMPLETED: CpStatus = { name: 'Completed', code: 3 };
export const CANCELLED: CpStatus = { name: 'Cancelled', code: 4 };
export const DECLINED: CpStatus = { name: 'Declined', code: 5 };

/** Core payment status → CloudPayments Status/StatusCode (exhaustive). */
export const PAYMENT_STATUS: Record<PaymentStatus, CpStatus> = {
  created: AWAITING,
  requires_authentication: AWAITING,
  authorized: AUTHORIZED,
  captured: COMPLETED,
  partially_refunded: COMPLETED,
  refunded: COMPLETED,
  voided: CANCELLED,
  declined: DECLINED,
  expired: DECLINED,
  failed: DECLINED,
};

/** Core payout status → CloudPayments Status/StatusCode (exhaustive). */
export const PAYOUT_STATUS: Record<PayoutStatus, CpStatus> = {
  created: AWAITING,
  processing: AWAITING,
  completed: COMPLETED,
  declined: DECLINED,
  expired: DECLINED,
  cancelled: CANCELLED,
  failed: DECLINED,
};

export const CP_STATUS_NAMES = ['AwaitingAuthentication', 'Authorized', 'Completed', 'Cancelled', 'Declined'] as const;

/** Success as CloudPayments reports it for a transaction: approved (Authorized or Completed). */
export function isSuccessStatus(s: CpStatus): boolean {
  return s === AUTHORIZED || s === COMPLETED;
}

/** CloudPayments status names → the core payment statuses they cover (for list filters). */
export function coreStatusesFor(names: string[]): PaymentStatus[] {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return (Object.keys(PAYMENT_STATUS) as PaymentStatus[]).filter((s) => wanted.has(PAYMENT_STATUS[s].name.toLowerCase()));
}

// ---- reason codes

const MSG = {
  contactBank: { ru: 'Свяжитесь с вашим банком или воспользуйтесь другой картой', en: 'Contact your bank or use another card' },
  checkData: {
    ru: 'Проверьте правильность введенных данных карты или воспользуйтесь другой картой',
    en: 'Check the correctness of entered card data or use another card',
  },
  otherCard: { ru: 'Воспользуйтесь другой картой', en: 'Use another card' },
  otherCardOrBank: {
    ru: 'Воспользуйтесь другой картой или свяжитесь с банком, выпустившим карту',
    en: 'Contact your bank or use another card',
  },
  amount: { ru: 'Проверьте корректность суммы', en: 'Check the correctness of the amount' },
  later: { ru: 'Повторите попытку позже', en: 'Try again later' },
  laterOrCard: { ru: 'Повторите попытку позже или воспользуйтесь другой картой', en: 'Try again later or use another card' },
  funds: { ru: 'Недостаточно средств на карте', en: 'Insufficient funds' },
  cvv: { ru: 'Неверно указан код CVV', en: 'Incorrect CVV code' },
  approved: { ru: 'Оплата успешно проведена', en: 'Payment successfully completed' },
  merchant: { ru: 'Платеж отклонен магазином', en: 'The payment was declined by the merchant' },
} as const;

export interface ReasonInfo {
  /** CamelCase `Reason`, as in the npm package's ErrorCodes enum where it has one */
  name: string;
  message: { ru: string; en: string };
}

/** Every reason code the gateway can produce: name and cardholder message (ru from ErrorCodesTranscript). */
export const REASON_CODES: Record<number, ReasonInfo> = {
  5001: { name: 'ReferToCardIssuer', message: MSG.contactBank },
  5003: { name: 'InvalidMerchant', message: MSG.contactBank },
  5004: { name: 'PickUpCard', message: MSG.contactBank },
  5005: { name: 'DoNotHonor', message: MSG.contactBank },
  5006: { name: 'Error', message: MSG.checkData },
  5007: { name: 'PickUpCardSpecialConditions', message: MSG.contactBank },
  5012: { name: 'InvalidTransaction', message: MSG.otherCardOrBank },
  5013: { name: 'AmountError', message: MSG.amount },
  5014: { name: 'InvalidCardNumber', message: MSG.checkData },
  5015: { name: 'NoSuchIssuer', message: MSG.otherCard },
  5017: { name: 'CustomerCancellation', message: MSG.contactBank },
  5019: { name: 'TransactionError', message: MSG.contactBank },
  5030: { name: 'FormatError', message: MSG.later },
  5031: { name: 'BankNotSupportedBySwitch', message: MSG.otherCard },
  5033: { name: 'ExpiredCardPickup', message: MSG.contactBank },
  5034: { name: 'SuspectedFraud', message: MSG.contactBank },
  5036: { name: 'RestrictedCard', message: MSG.contactBank },
  5041: { name: 'LostCard', message: MSG.contactBank },
  5043: { name: 'StolenCard', message: MSG.contactBank },
  5051: { name: 'InsufficientFunds', message: MSG.funds },
  5054: { name: 'ExpiredCard', message: MSG.checkData },
  5055: { name: 'InvalidPIN', message: MSG.checkData },
  5057: { name: 'TransactionNotPermitted', message: MSG.contactBank },
  5058: { name: 'TransactionNotPermittedToTerminal', message: MSG.contactBank },
  5059: { name: 'SuspectedFraud2', message: MSG.contactBank },
  5061: { name: 'ExceedsApprovalAmount', message: MSG.contactBank },
  5062: { name: 'RestrictedCard2', message: MSG.contactBank },
  5063: { name: 'SecurityViolation', message: MSG.otherCard },
  5065: { name: 'ExceedWithdrawalFrequency', message: MSG.contactBank },
  5082: { name: 'IncorrectCVV', message: MSG.cvv },
  5091: { name: 'Timeout', message: MSG.laterOrCard },
  5092: { name: 'CannotReachNetwork', message: MSG.laterOrCard },
  5096: { name: 'SystemError', message: MSG.later },
  5204: { name: 'UnableToProcess', message: MSG.contactBank },
  5206: { name: 'AuthenticationFailed', message: MSG.contactBank },
  5207: { name: 'AuthenticationUnavailable', message: MSG.contactBank },
  5300: { name: 'AntiFraud', message: MSG.otherCard },
  // the merchant's refusal at a Check notification (docs/cloudpayments.md, Notifications)
  3001: { name: 'InvalidInvoiceId', message: MSG.merchant },
  3002: { name: 'InvalidAccountId', message: MSG.merchant },
  3003: { name: 'InvalidAmount', message: MSG.merchant },
  3004: { name: 'OutOfDate', message: MSG.merchant },
  3005: { name: 'FormatError', message: MSG.merchant },
  3006: { name: 'Unavailable', message: MSG.merchant },
  3007: { name: 'UnableToConnect', message: MSG.merchant },
  3008: { name: 'NotAccepted', message: MSG.merchant },
};

/**
 * Every core decline reason → a CloudPayments ReasonCode (exhaustive). Where the test-card catalogue embeds a
 * CloudPayments code (DECLINE_CARD_CODES 5xxx) it is the same code; the reasons CloudPayments has no code of
 * its own for (9xxx in the catalogue) map to the nearest documented code.
 */
export const REASON_CODE_OF: Record<DeclineReason, number> = {
  refer_to_issuer: 5001,
  invalid_merchant: 5003,
  pick_up_card: 5004,
  do_not_honor: 5005,
  processing_error: 5006,
  pick_up_card_special: 5007,
  invalid_transaction: 5012,
  amount_error: 5013,
  invalid_card_number: 5014,
  no_such_issuer: 5015,
  customer_cancellation: 5017,
  transaction_error: 5019,
  format_error: 5030,
  bank_not_supported: 5031,
  expired_card_pickup: 5033,
  suspected_fraud: 5034,
  restricted_card: 5036,
  lost_card: 5041,
  stolen_card: 5043,
  insufficient_funds: 5051,
  expired_card: 5054,
  invalid_pin: 5055,
  transaction_not_permitted: 5057,
  transaction_not_permitted_terminal: 5058,
  suspected_fraud_issuer: 5059,
  exceeds_amount_limit: 5061,
  restricted_card_issuer: 5062,
  security_violation: 5063,
  exceeds_frequency_limit: 5065,
  incorrect_cvv: 5082,
  timeout: 5091,
  cannot_reach_network: 5092,
  system_error: 5096,
  unable_to_process: 5204,
  authentication_failed: 5206,
  authentication_unavailable: 5207,
  antifraud: 5300,
  card_not_found: 5014,
  card_record_not_found: 5015,
  invalid_card: 5012,
  payout_not_permitted: 5057,
  limit_exceeded: 5061,
  expired_authentication: 5206,
};

export type Culture = 'ru' | 'en';

export function cultureOf(name: unknown): Culture {
  return typeof name === 'string' && /^en/i.test(name) ? 'en' : 'ru';
}

export interface ReasonFields {
  Reason: string | null;
  ReasonCode: number | null;
  CardHolderMessage: string | null;
}

/** Reason fields of a declined operation: a Check refusal (kept in metadata) wins over the network's reason. */
export function declineFields(reason: string | null, metadata: JsonObject, culture: Culture): ReasonFields {
  const checkCode = typeof metadata.checkReasonCode === 'number' ? metadata.checkReasonCode : null;
  const code = checkCode ?? REASON_CODE_OF[(reason ?? 'processing_error') as DeclineReason] ?? 5006;
  const info = REASON_CODES[code] ?? REASON_CODES[5006]!;
  return { Reason: info.name, ReasonCode: code, CardHolderMessage: info.message[culture] };
}

export function approvedFields(culture: Culture): ReasonFields {
  return { Reason: 'Approved', ReasonCode: 0, CardHolderMessage: MSG.approved[culture] };
}

export const NO_REASON: ReasonFields = { Reason: null, ReasonCode: null, CardHolderMessage: null };

// ---- errors

/** Core error codes → CloudPayments `{Success:false, Message}` with an HTTP status (exhaustive). */
export const ERROR_MESSAGES: Record<ErrorCode, { status: number; message: string | null }> = {
  VALIDATION: { status: 200, message: null },
  AMOUNT_INVALID: { status: 200, message: 'Invalid Amount value' },
  AMOUNT_PRECISION: { status: 200, message: 'Invalid Amount value' },
  AMOUNT_TOO_SMALL: { status: 200, message: 'Invalid Amount value' },
  AMOUNT_TOO_LARGE: { status: 200, message: 'Invalid Amount value' },
  CURRENCY_UNSUPPORTED: { status: 200, message: 'Invalid Currency value' },
  CARD_NUMBER_INVALID: { status: 200, message: 'Invalid card number' },
  CARD_BRAND_UNSUPPORTED: { status: 200, message: 'Card type is not supported' },
  CARD_EXPIRY_INVALID: { status: 200, message: 'Invalid card expiration date' },
  CARD_CVV_INVALID: { status: 200, message: 'Invalid CVV' },
  UNAUTHENTICATED: { status: 401, message: 'Authorization has been denied for this request.' },
  SIGNATURE_INVALID: { status: 200, message: 'Invalid PaRes' },
  TIMESTAMP_OUT_OF_WINDOW: { status: 401, message: 'Authorization has been denied for this request.' },
  NONCE_REUSED: { status: 401, message: 'Authorization has been denied for this request.' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  MERCHANT_NOT_FOUND: { status: 200, message: 'Not found' },
  ACCOUNT_NOT_FOUND: { status: 200, message: 'Not found' },
  PAYMENT_NOT_FOUND: { status: 200, message: 'Not found' },
  PAYOUT_NOT_FOUND: { status: 200, message: 'Not found' },
  TOKEN_NOT_FOUND: { status: 200, message: 'Token not found' },
  TOKEN_EXPIRED: { status: 200, message: 'Token expired' },
  TOKEN_USED: { status: 200, message: 'Token already used' },
  CHECKOUT_EXPIRED: { status: 200, message: 'The order has expired' },
  CHECKOUT_USED: { status: 200, message: 'The order cannot be paid again' },
  CHECKOUT_PAID: { status: 200, message: 'The order has already been paid' },
  CHECKOUT_CANCELLED: { status: 200, message: 'The order has been cancelled' },
  CHECKOUT_BUSY: { status: 200, message: 'A payment of the order is waiting for 3-D Secure' },
  CHALLENGE_NOT_FOUND: { status: 200, message: 'Invalid PaRes' },
  CHALLENGE_EXPIRED: { status: 200, message: '3-D Secure authentication has expired' },
  CHALLENGE_ALREADY_COMPLETED: { status: 200, message: '3-D Secure authentication has already been completed' },
  NOT_FOUND: { status: 200, message: 'Not found' },
  INVALID_STATE: { status: 200, message: null },
  AMOUNT_EXCEEDS_AVAILABLE: { status: 200, message: 'Amount exceeds the available amount' },
  INSUFFICIENT_BALANCE: { status: 200, message: 'Insufficient funds on the balance' },
  ZERO_BALANCE: { status: 200, message: 'Insufficient funds on the balance' },
  REFUND_WINDOW_PASSED: { status: 200, message: 'Refunds are not possible for transactions older than one year' },
  DUPLICATE: { status: 200, message: 'Already exists' },
  IDEMPOTENCY_CONFLICT: { status: 200, message: 'X-Request-ID was used for another request' },
  LEDGER_INVARIANT: { status: 500, message: 'Internal server error' },
  CONFLICT: { status: 409, message: 'A request with this X-Request-ID is in progress' },
  INTERNAL: { status: 500, message: 'Internal server error' },
};
