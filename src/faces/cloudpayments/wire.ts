// CloudPayments wire mapping: core payments, refunds and payouts → the Transaction Model; statuses, reason
// codes (exhaustive over the core decline reasons), currency codes, dates (`/Date(ms)/` + `…Iso`), and the
// subscription and order models. Every Model key is always present (null where empty): real clients read
// them with dict[...] and `Reflect.has`.
import type { CardBrand } from '../../core/cards.js';
import type { ErrorCode } from '../../core/errors.js';
import { formatMajor, toWireNumber } from '../../core/money.js';
import type { Json, JsonObject, Payment, PaymentStatus, Payout, PayoutStatus, Refund } from '../../core/model.js';
import type { DeclineReason } from '../../core/network/reasons.js';

// ---- currencies

/**
 * CurrencyCode values. RUB=0 is documented; the others follow the order of the documented currency list
 * (RUB, EUR, USD, GBP, …) and are not confirmed by CloudPayments' documents. Only currencies the core can hold exactly.
 */
export const CURRENCY_CODES: Record<string, number> = {
  RUB: 0,
  EUR: 1,
  USD: 2,
  GBP: 3,
  UAH: 4,
  BYN: 6,
  KZT: 7,
  AZN: 8,
  CZK: 10,
  PLN: 12,
  TRY: 14,
  CNY: 15,
  UZS: 19,
  GEL: 24,
  KGS: 25,
  AMD: 26,
};

export function isCpCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCY_CODES, code);
}

export function currencyCode(code: string): number | null {
  return CURRENCY_CODES[code] ?? null;
}

// ---- time zones (codes of the documented table; fixed offsets in minutes)

export const TIME_ZONES: Record<string, number> = {
  HST: -600,
  AKST: -540,
  PST: -480,
  MST: -420,
  CST: -360,
  EST: -300,
  AST: -240,
  BRT: -180,
  UTC: 0,
  GMT: 0,
  CET: 60,
  EET: 120,
  MSK: 180,
  AZT: 240,
  AMT: 240,
  SAMT: 240,
  GET: 240,
  TJT: 300,
  YEKT: 300,
  ALMT: 360,
  NOVT: 360,
  KRAT: 420,
  HKT: 480,
  IRKT: 480,
  SGT: 480,
  ULAT: 480,
  YAKT: 540,
  VLAT: 600,
  SAKT: 660,
  ANAT: 720,
};

// ---- dates

/** `/Date(1401718880000)/` (JSON shows it as "\/Date(…)\/" or "/Date(…)/"; both are the same string). */
export function cpDate(ms: number | null): string | null {
  return ms === null ? null : `/Date(${ms})/`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** yyyy-MM-ddTHH:mm:ss of the instant, shifted by a time-zone offset (UTC by default). */
export function cpIso(ms: number | null, offsetMinutes = 0): string | null {
  if (ms === null) return null;
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** yyyy-MM-dd HH:mm:ss in UTC (notifications). */
export function notificationDate(ms: number | null): string {
  return ms === null ? '' : cpIso(ms)!.replace('T', ' ');
}

// ---- statuses

export interface CpStatus {
  name: 'AwaitingAuthentication' | 'Authorized' | 'Completed' | 'Cancelled' | 'Declined';
  code: number;
}

const AWAITING: CpStatus = { name: 'AwaitingAuthentication', code: 1 };
const AUTHORIZED: CpStatus = { name: 'Authorized', code: 2 };
const COMPLETED: CpStatus = { name: 'Completed', code: 3 };
const CANCELLED: CpStatus = { name: 'Cancelled', code: 4 };
const DECLINED: CpStatus = { name: 'Declined', code: 5 };

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
  // the merchant's answer to a Check notification (§5.6 "Check-answer registration codes")
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

const NO_REASON: ReasonFields = { Reason: null, ReasonCode: null, CardHolderMessage: null };

// ---- cards

export function cardType(brand: CardBrand): string {
  return brand === 'Mastercard' ? 'MasterCard' : brand;
}

/** CardTypeCode: Visa 0, MasterCard 1, MIR 2 (unverified beyond Visa 0, which the docs show). */
export function cardTypeCode(brand: CardBrand): number {
  return brand === 'Visa' ? 0 : brand === 'Mastercard' ? 1 : 2;
}

export function cardExpDate(month: number, year: number): string {
  return `${pad(month)}/${pad(year % 100)}`;
}

// ---- the Transaction Model

/** Every key of the Transaction Model, in the order we emit them. */
export const TRANSACTION_KEYS = [
  'TransactionId',
  'Amount',
  'Currency',
  'CurrencyCode',
  'PaymentAmount',
  'PaymentCurrency',
  'PaymentCurrencyCode',
  'InvoiceId',
  'AccountId',
  'Email',
  'Description',
  'JsonData',
  'CreatedDate',
  'CreatedDateIso',
  'PayoutDate',
  'PayoutDateIso',
  'PayoutAmount',
  'AuthDate',
  'AuthDateIso',
  'ConfirmDate',
  'ConfirmDateIso',
  'AuthCode',
  'TestMode',
  'Rrn',
  'OriginalTransactionId',
  'FallBackScenarioDeclinedTransactionId',
  'IpAddress',
  'IpCountry',
  'IpCity',
  'IpRegion',
  'IpDistrict',
  'IpLatitude',
  'IpLongitude',
  'CardFirstSix',
  'CardLastFour',
  'CardExpDate',
  'CardType',
  'CardProduct',
  'CardCategory',
  'EscrowAccumulationId',
  'CardTypeCode',
  'Issuer',
  'IssuerBankCountry',
  'Status',
  'StatusCode',
  'CultureName',
  'Reason',
  'ReasonCode',
  'CardHolderMessage',
  'Type',
  'Refunded',
  'Name',
  'Token',
  'SubscriptionId',
  'GatewayName',
  'AndroidPay',
  'WalletType',
  'TotalFee',
  'VatAboveTotalFee',
  'ProcessorAndPartnerFee',
  'VatWithinProcessorFee',
  'PublicId',
  'TerminalUrl',
] as const;

export type TransactionModel = Record<(typeof TRANSACTION_KEYS)[number], Json>;

/** Every key of the 3-D Secure Model (no ReasonCode: clients tell 3-D Secure from a decline by it). */
export const THREE_DS_KEYS = [
  'TransactionId',
  'PaReq',
  'GoReq',
  'AcsUrl',
  'ThreeDsSessionData',
  'IFrameIsAllowed',
  'FrameWidth',
  'FrameHeight',
  'ThreeDsCallbackId',
  'EscrowAccumulationId',
] as const;

export const GATEWAY_NAME = 'Polypay Sandbox';

export interface WireContext {
  publicId: string;
  /** time-zone offset for the …Iso twins (lists with TimeZone); UTC by default */
  offsetMinutes?: number;
}

/** Face fields a payment keeps in its metadata. */
export interface CpPaymentMeta {
  name?: string | null;
  jsonData?: Json;
  cultureName?: string | null;
  token?: string | null;
  subscriptionId?: string | null;
  orderId?: string | null;
  checkReasonCode?: number;
}

function meta(p: { metadata: JsonObject }): CpPaymentMeta {
  return p.metadata as CpPaymentMeta;
}

function amountOf(minor: bigint, currency: string): number {
  return toWireNumber(minor, currency);
}

interface ModelInput {
  id: number;
  amount: bigint;
  currency: string;
  invoiceId: string | null;
  accountId: string | null;
  email: string | null;
  description: string | null;
  jsonData: Json;
  createdAt: number;
  authorizedAt: number | null;
  confirmedAt: number | null;
  authCode: string | null;
  rrn: string | null;
  originalId: number | null;
  ip: string | null;
  card: Payment['card'];
  status: CpStatus;
  culture: string | null;
  reason: ReasonFields;
  type: 0 | 1 | 2;
  refunded: boolean;
  name: string | null;
  token: string | null;
  subscriptionId: string | null;
  testMode: boolean;
}

function model(i: ModelInput, w: WireContext): TransactionModel {
  const off = w.offsetMinutes ?? 0;
  const amount = amountOf(i.amount, i.currency);
  const code = currencyCode(i.currency);
  return {
    TransactionId: i.id,
    Amount: amount,
    Currency: i.currency,
    CurrencyCode: code,
    PaymentAmount: amount,
    PaymentCurrency: i.currency,
    PaymentCurrencyCode: code,
    InvoiceId: i.invoiceId,
    AccountId: i.accountId,
    Email: i.email,
    Description: i.description,
    JsonData: i.jsonData ?? null,
    CreatedDate: cpDate(i.createdAt),
    CreatedDateIso: cpIso(i.createdAt, off),
    PayoutDate: null,
    PayoutDateIso: null,
    PayoutAmount: null,
    AuthDate: cpDate(i.authorizedAt),
    AuthDateIso: cpIso(i.authorizedAt, off),
    ConfirmDate: cpDate(i.confirmedAt),
    ConfirmDateIso: cpIso(i.confirmedAt, off),
    AuthCode: i.authCode,
    TestMode: i.testMode,
    Rrn: i.rrn,
    OriginalTransactionId: i.originalId,
    FallBackScenarioDeclinedTransactionId: null,
    IpAddress: i.ip,
    IpCountry: null,
    IpCity: null,
    IpRegion: null,
    IpDistrict: null,
    IpLatitude: null,
    IpLongitude: null,
    CardFirstSix: i.card?.first6 ?? null,
    CardLastFour: i.card?.last4 ?? null,
    CardExpDate: i.card ? cardExpDate(i.card.expMonth, i.card.expYear) : null,
    CardType: i.card ? cardType(i.card.brand) : null,
    CardProduct: null,
    CardCategory: null,
    EscrowAccumulationId: null,
    CardTypeCode: i.card ? cardTypeCode(i.card.brand) : null,
    Issuer: null,
    IssuerBankCountry: null,
    Status: i.status.name,
    StatusCode: i.status.code,
    CultureName: i.culture,
    Reason: i.reason.Reason,
    ReasonCode: i.reason.ReasonCode,
    CardHolderMessage: i.reason.CardHolderMessage,
    Type: i.type,
    Refunded: i.refunded,
    Name: i.name,
    Token: i.token,
    SubscriptionId: i.subscriptionId,
    GatewayName: GATEWAY_NAME,
    AndroidPay: false,
    WalletType: null,
    TotalFee: 0,
    VatAboveTotalFee: null,
    ProcessorAndPartnerFee: null,
    VatWithinProcessorFee: null,
    PublicId: w.publicId,
    TerminalUrl: null,
  };
}

function reasonOfPayment(p: Payment): ReasonFields {
  const culture = cultureOf(meta(p).cultureName);
  const status = PAYMENT_STATUS[p.status];
  if (status === DECLINED)
    return declineFields(p.declineReason ?? (p.status === 'expired' ? 'expired_authentication' : null), p.metadata, culture);
  if (status === AWAITING) return NO_REASON;
  return approvedFields(culture);
}

/** The one Transaction Model of a payment. */
export function paymentModel(p: Payment, w: WireContext): TransactionModel {
  const m = meta(p);
  return model(
    {
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      invoiceId: p.invoiceId,
      accountId: p.payerRef,
      email: p.email,
      description: p.description,
      jsonData: m.jsonData ?? null,
      createdAt: p.createdAt,
      authorizedAt: p.authorizedAt,
      confirmedAt: p.capturedAt,
      authCode: p.authCode,
      rrn: p.rrn,
      originalId: null,
      ip: p.ip,
      card: p.card,
      status: PAYMENT_STATUS[p.status],
      culture: m.cultureName ?? null,
      reason: reasonOfPayment(p),
      type: 0,
      refunded: p.refundedAmount > 0n,
      name: m.name ?? p.card?.holder ?? null,
      token: PAYMENT_STATUS[p.status] === DECLINED ? null : (m.token ?? null),
      subscriptionId: m.subscriptionId ?? null,
      testMode: p.testMode,
    },
    w,
  );
}

/** A refund is a transaction of its own (Type 1) pointing at its payment. */
export function refundModel(r: Refund, p: Payment, w: WireContext): TransactionModel {
  const m = meta(p);
  return model(
    {
      id: r.id,
      amount: r.amount,
      currency: r.currency,
      invoiceId: p.invoiceId,
      accountId: p.payerRef,
      email: p.email,
      description: p.description,
      jsonData: (r.metadata.jsonData as Json) ?? null,
      createdAt: r.createdAt,
      authorizedAt: r.createdAt,
      confirmedAt: r.createdAt,
      authCode: null,
      rrn: p.rrn,
      originalId: p.id,
      ip: p.ip,
      card: p.card,
      status: r.status === 'completed' ? COMPLETED : DECLINED,
      culture: m.cultureName ?? null,
      reason:
        r.status === 'completed'
          ? approvedFields(cultureOf(m.cultureName))
          : declineFields('processing_error', {}, cultureOf(m.cultureName)),
      type: 1,
      refunded: false,
      name: m.name ?? p.card?.holder ?? null,
      token: null,
      subscriptionId: null,
      testMode: p.testMode,
    },
    w,
  );
}

/** A card payout (Type 2). */
export function payoutModel(p: Payout, w: WireContext): TransactionModel {
  const m = p.metadata as CpPaymentMeta & {
    invoiceId?: string | null;
    accountId?: string | null;
    email?: string | null;
    description?: string | null;
    ip?: string | null;
    authCode?: string | null;
    rrn?: string | null;
  };
  const status = PAYOUT_STATUS[p.status];
  const culture = cultureOf(m.cultureName);
  return model(
    {
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      invoiceId: m.invoiceId ?? null,
      accountId: m.accountId ?? null,
      email: m.email ?? null,
      description: m.description ?? null,
      jsonData: m.jsonData ?? null,
      createdAt: p.createdAt,
      authorizedAt: p.completedAt,
      confirmedAt: p.completedAt,
      authCode: status === COMPLETED ? (m.authCode ?? null) : null,
      rrn: m.rrn ?? null,
      originalId: null,
      ip: m.ip ?? null,
      card: p.card,
      status,
      culture: m.cultureName ?? null,
      reason:
        status === DECLINED ? declineFields(p.declineReason, {}, culture) : status === COMPLETED ? approvedFields(culture) : NO_REASON,
      type: 2,
      refunded: false,
      name: m.name ?? p.card?.holder ?? null,
      token: m.token ?? null,
      subscriptionId: null,
      testMode: true,
    },
    w,
  );
}

export function threeDsModel(id: number, paReq: string, acsUrl: string): Record<(typeof THREE_DS_KEYS)[number], Json> {
  return {
    TransactionId: id,
    PaReq: paReq,
    GoReq: null,
    AcsUrl: acsUrl,
    ThreeDsSessionData: null,
    IFrameIsAllowed: true,
    FrameWidth: null,
    FrameHeight: null,
    ThreeDsCallbackId: null,
    EscrowAccumulationId: null,
  };
}

/** Success as CloudPayments reports it for a transaction: approved (Authorized or Completed). */
export function isSuccessStatus(s: CpStatus): boolean {
  return s === AUTHORIZED || s === COMPLETED;
}

// ---- subscriptions

export type SubscriptionStatus = 'Active' | 'PastDue' | 'Cancelled' | 'Rejected' | 'Expired';
/** Active 0 and Cancelled 3 are documented; the others are our choice (CloudPayments documents no others). */
export const SUBSCRIPTION_STATUS_CODES: Record<SubscriptionStatus, number> = {
  Active: 0,
  PastDue: 1,
  Rejected: 2,
  Cancelled: 3,
  Expired: 4,
};

export type Interval = 'Day' | 'Week' | 'Month';
/** Month 1 and Day 2 are documented; Week 0 is inferred from the docs' example. */
export const INTERVAL_CODES: Record<Interval, number> = { Week: 0, Month: 1, Day: 2 };

export const SUBSCRIPTION_KEYS = [
  'Id',
  'AccountId',
  'Description',
  'Email',
  'Amount',
  'CurrencyCode',
  'Currency',
  'RequireConfirmation',
  'StartDate',
  'StartDateIso',
  'IntervalCode',
  'Interval',
  'Period',
  'MaxPeriods',
  'CultureName',
  'StatusCode',
  'Status',
  'SuccessfulTransactionsNumber',
  'FailedTransactionsNumber',
  'LastTransactionDate',
  'LastTransactionDateIso',
  'NextTransactionDate',
  'NextTransactionDateIso',
  'Receipt',
  'FailoverSchemeId',
] as const;

export interface SubscriptionView {
  id: string;
  accountId: string;
  description: string;
  email: string | null;
  amount: bigint;
  currency: string;
  requireConfirmation: boolean;
  startDate: number;
  interval: Interval;
  period: number;
  maxPeriods: number | null;
  cultureName: string | null;
  status: SubscriptionStatus;
  successful: number;
  failed: number;
  lastTransactionAt: number | null;
  nextTransactionAt: number | null;
  receipt: Json;
}

export function subscriptionModel(s: SubscriptionView): Record<(typeof SUBSCRIPTION_KEYS)[number], Json> {
  return {
    Id: s.id,
    AccountId: s.accountId,
    Description: s.description,
    Email: s.email,
    Amount: amountOf(s.amount, s.currency),
    CurrencyCode: currencyCode(s.currency),
    Currency: s.currency,
    RequireConfirmation: s.requireConfirmation,
    StartDate: cpDate(s.startDate),
    StartDateIso: cpIso(s.startDate),
    IntervalCode: INTERVAL_CODES[s.interval],
    Interval: s.interval,
    Period: s.period,
    MaxPeriods: s.maxPeriods,
    CultureName: s.cultureName,
    StatusCode: SUBSCRIPTION_STATUS_CODES[s.status],
    Status: s.status,
    SuccessfulTransactionsNumber: s.successful,
    FailedTransactionsNumber: s.failed,
    LastTransactionDate: cpDate(s.lastTransactionAt),
    LastTransactionDateIso: cpIso(s.lastTransactionAt),
    NextTransactionDate: cpDate(s.nextTransactionAt),
    NextTransactionDateIso: cpIso(s.nextTransactionAt),
    Receipt: s.receipt ?? null,
    FailoverSchemeId: null,
  };
}

// ---- orders

export type OrderStatus = 'Created' | 'Paid' | 'Cancelled';
/** Created 0 is documented; Paid and Cancelled are our choice. */
export const ORDER_STATUS_CODES: Record<OrderStatus, number> = { Created: 0, Paid: 2, Cancelled: 3 };

export const ORDER_KEYS = [
  'Id',
  'Number',
  'Amount',
  'Currency',
  'CurrencyCode',
  'Email',
  'Phone',
  'Description',
  'RequireConfirmation',
  'Url',
  'CultureName',
  'CreatedDate',
  'CreatedDateIso',
  'PaymentDate',
  'PaymentDateIso',
  'StatusCode',
  'Status',
  'InternalId',
] as const;

export interface OrderView {
  id: string;
  number: number;
  amount: bigint;
  currency: string;
  email: string | null;
  phone: string | null;
  description: string;
  requireConfirmation: boolean;
  cultureName: string | null;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
}

export function orderModel(o: OrderView, url: string): Record<(typeof ORDER_KEYS)[number], Json> {
  return {
    Id: o.id,
    Number: o.number,
    Amount: amountOf(o.amount, o.currency),
    Currency: o.currency,
    CurrencyCode: currencyCode(o.currency),
    Email: o.email,
    Phone: o.phone,
    Description: o.description,
    RequireConfirmation: o.requireConfirmation,
    Url: url,
    CultureName: o.cultureName,
    CreatedDate: cpDate(o.createdAt),
    CreatedDateIso: cpIso(o.createdAt),
    PaymentDate: cpDate(o.paidAt),
    PaymentDateIso: cpIso(o.paidAt),
    StatusCode: ORDER_STATUS_CODES[o.status],
    Status: o.status,
    InternalId: o.number,
  };
}

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

export function formatAmountText(minor: bigint, currency: string): string {
  return formatMajor(minor, currency);
}
