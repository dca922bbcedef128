// Way2Pay wire mapping: the error table (seed codes plus the later 2004/2005/2007 and 60013–60015),
// reference data (banks, currencies, methods), statuses, and the objects as each API generation shows them.
import type { ErrorCode } from '../../core/errors.js';
import { formatMajor } from '../../core/money.js';
import type { DeclineReason } from '../../core/network/reasons.js';

// ---------------------------------------------------------------------------------------------- errors

/** Every error code the face answers with: [message, HTTP status]. The original README's table, then the later codes. */
export const ERRORS = {
  10000: ['unauthorized', 401],
  20000: ['wrong input', 400],
  20001: ["can't bind body to request model", 422],
  20002: ["can't bind query parameters", 422],
  20003: ['failed to parse key', 422],
  20004: ['signature header value missing or malformed', 400],
  20005: ['public-Key header value missing or malformed', 400],
  20006: ['nonce header value missing or outdated', 400],
  30000: ['forbidden', 403],
  30001: ["user doesn't exists", 403],
  30003: ["user doesn't exists", 403],
  30004: ['zero balance', 403],
  30005: ['not enough balance', 402],
  30006: ['amount less than min', 400],
  30007: ['amount greater than max', 400],
  40000: ['internal error', 500],
  60000: ['ticker doesnt exists', 400],
  60001: ['ticker type doesnt exists', 400],
  60002: ['invalid status', 400],
  60003: ['empty Public-Key', 401],
  60004: ['empty Nonce', 401],
  60005: ['empty Signature', 401],
  60006: ['invalid Signature', 401],
  60007: ['request timeout', 408],
  60008: ['invalid Public-Key', 400],
  60009: ['empty externalID', 400],
  60010: ['externalID already exists', 409],
  60011: ["payment doesn't exists", 404],
  60012: ['payment is finalized', 409],
  // later API generations (generation 3 merchants)
  2004: ['request timeout', 401],
  2005: ['invalid Signature', 401],
  2007: ['invalid NONCE', 401],
  60013: ['commission doesnt exists', 400],
  60014: ['bank doesnt exists', 400],
  60015: ['method doesnt exists', 400],
} as const satisfies Record<number, readonly [string, number]>;

export type Way2PayCode = keyof typeof ERRORS;

export class Way2PayError extends Error {
  readonly status: number;
  constructor(
    readonly code: Way2PayCode,
    detail?: string,
  ) {
    const [message, status] = ERRORS[code];
    // 20000 carries what was wrong; every other code answers exactly the table's message
    super(code === 20000 && detail ? `${message}: ${detail}` : message);
    this.status = status;
    this.name = 'Way2PayError';
  }
}

export function isWay2PayError(e: unknown): e is Way2PayError {
  return e instanceof Way2PayError;
}

/** Core error codes → Way2Pay codes (codes not listed are input errors, 20000). */
const CORE_ERRORS: Partial<Record<ErrorCode, Way2PayCode>> = {
  VALIDATION: 20000,
  AMOUNT_INVALID: 20000,
  AMOUNT_PRECISION: 20000,
  AMOUNT_TOO_SMALL: 30006,
  AMOUNT_TOO_LARGE: 30007,
  CURRENCY_UNSUPPORTED: 60000,
  CARD_NUMBER_INVALID: 20000,
  CARD_BRAND_UNSUPPORTED: 20000,
  CARD_EXPIRY_INVALID: 20000,
  CARD_CVV_INVALID: 20000,
  UNAUTHENTICATED: 10000,
  SIGNATURE_INVALID: 60006,
  TIMESTAMP_OUT_OF_WINDOW: 60007,
  NONCE_REUSED: 20006,
  FORBIDDEN: 30000,
  MERCHANT_NOT_FOUND: 30003,
  ACCOUNT_NOT_FOUND: 30003,
  PAYMENT_NOT_FOUND: 60011,
  PAYOUT_NOT_FOUND: 60011,
  NOT_FOUND: 60011,
  INVALID_STATE: 60012,
  AMOUNT_EXCEEDS_AVAILABLE: 30005,
  INSUFFICIENT_BALANCE: 30005,
  ZERO_BALANCE: 30004,
  DUPLICATE: 60010,
  CONFLICT: 60012,
  LEDGER_INVARIANT: 40000,
  INTERNAL: 40000,
};

export function coreToWay2Pay(code: ErrorCode): Way2PayCode {
  return CORE_ERRORS[code] ?? 20000;
}

export interface WireError {
  status: number;
  body: { success: false; error: { message: string; code: number } };
}

export function errorBody(code: Way2PayCode, message?: string): WireError {
  const [m, status] = ERRORS[code];
  return { status, body: { success: false, error: { message: message ?? m, code } } };
}

/** Generation-specific codes: the current generation answers the later codes where it has them. */
export function genCode(generation: Generation, gen1: Way2PayCode, gen3: Way2PayCode): Way2PayCode {
  return generation === 3 ? gen3 : gen1;
}

export type Generation = 1 | 3;

// ---------------------------------------------------------------------------------------------- reference data

export interface Bank {
  id: number;
  name: string;
  key: string;
  currency: string;
}

/** The sandbox's banks (ids are what `bankId` refers to). */
export const BANKS: readonly Bank[] = [
  { id: 1, name: 'Сбер', key: 'SBER', currency: 'RUB' },
  { id: 2, name: 'Т-Банк', key: 'TBANK', currency: 'RUB' },
  { id: 3, name: 'Альфа-Банк', key: 'ALFA', currency: 'RUB' },
  { id: 4, name: 'ВТБ', key: 'VTB', currency: 'RUB' },
  { id: 5, name: 'Озон Банк (Ozon)', key: 'OZON', currency: 'RUB' },
  { id: 6, name: 'СБП', key: 'SBP', currency: 'RUB' },
];

export function bankById(id: number): Bank | undefined {
  return BANKS.find((b) => b.id === id);
}

/** A bank by id, key or name (case-insensitive), as seed files and lenient clients name them. */
export function findBank(ref: unknown): Bank | undefined {
  if (typeof ref === 'number') return bankById(ref);
  if (typeof ref !== 'string') return undefined;
  const s = ref.trim();
  if (/^\d{1,6}$/.test(s)) return bankById(Number(s));
  const u = s.toUpperCase();
  return BANKS.find((b) => b.key === u || b.name.toUpperCase() === u);
}

export interface Currency {
  id: number;
  name: string;
  key: string;
  isActive: boolean;
}

export const CURRENCIES: readonly Currency[] = [
  { id: 1, name: 'Рубль', key: 'RUB', isActive: true },
  { id: 2, name: 'Доллар США', key: 'USD', isActive: true },
  { id: 3, name: 'Тенге', key: 'KZT', isActive: false },
];

export type RequisiteKind = 'card' | 'phone' | 'account' | 'link';

/** Pay-in methods and the kind of requisite each one shows the payer. */
export const PAYIN_METHODS: Readonly<Record<string, RequisiteKind>> = {
  CARD: 'card',
  SBP: 'phone',
  ACCOUNT: 'account',
  NSPK: 'link',
  CROSSBORDER_CARD: 'card',
  CROSSBORDER_SBP: 'phone',
  M2ARM_SBP: 'phone',
  M2ABH_SBP: 'phone',
  M2TJS_SBP: 'phone',
  M2ABH_C2C: 'card',
  M2ARM_C2C: 'card',
  M2TJS_C2C: 'card',
  PAYMENT_LINK: 'link',
  C2C_WT: 'card',
  SBP_WT: 'phone',
  SBER2SBER: 'card',
  ALFA2ALFA: 'card',
  VTB2VTB: 'card',
  TBANK2TBANK: 'card',
  OZON2OZON: 'card',
  SIM: 'phone',
  ALFA_QR: 'link',
};

export const PAYOUT_METHODS: Readonly<Record<string, Exclude<RequisiteKind, 'link'>>> = { CARD: 'card', SBP: 'phone', ACCOUNT: 'account' };

// ---------------------------------------------------------------------------------------------- statuses

export const STATUSES = [
  'CREATED',
  'PENDING',
  'PROCESSING',
  'COMPLETED',
  'TIMEOUT',
  'CANCELLED',
  'ERROR',
  'INCORRECT_AMOUNT',
  'REFUNDED',
] as const;
export type Way2PayStatus = (typeof STATUSES)[number];

export function isStatus(s: string): s is Way2PayStatus {
  return (STATUSES as readonly string[]).includes(s);
}

/** Statuses after which the merchant can no longer change the object (60012). */
export const FINAL: ReadonlySet<Way2PayStatus> = new Set(['COMPLETED', 'TIMEOUT', 'CANCELLED', 'ERROR', 'INCORRECT_AMOUNT', 'REFUNDED']);

/** What the merchant may set through `PUT .../status/{status}`; any other known status is 30000 forbidden. */
export const MERCHANT_SETTABLE: ReadonlySet<Way2PayStatus> = new Set(['CANCELLED']);

/** A pay-out declined by the simulated network ends in ERROR, whatever the reason (exhaustive). */
export const DECLINE_STATUS: Record<DeclineReason, Way2PayStatus> = {
  refer_to_issuer: 'ERROR',
  invalid_merchant: 'ERROR',
  pick_up_card: 'ERROR',
  do_not_honor: 'ERROR',
  processing_error: 'ERROR',
  pick_up_card_special: 'ERROR',
  invalid_transaction: 'ERROR',
  amount_error: 'ERROR',
  invalid_card_number: 'ERROR',
  no_such_issuer: 'ERROR',
  customer_cancellation: 'ERROR',
  transaction_error: 'ERROR',
  format_error: 'ERROR',
  bank_not_supported: 'ERROR',
  expired_card_pickup: 'ERROR',
  suspected_fraud: 'ERROR',
  restricted_card: 'ERROR',
  lost_card: 'ERROR',
  stolen_card: 'ERROR',
  insufficient_funds: 'ERROR',
  expired_card: 'ERROR',
  invalid_pin: 'ERROR',
  transaction_not_permitted: 'ERROR',
  transaction_not_permitted_terminal: 'ERROR',
  suspected_fraud_issuer: 'ERROR',
  exceeds_amount_limit: 'ERROR',
  restricted_card_issuer: 'ERROR',
  security_violation: 'ERROR',
  exceeds_frequency_limit: 'ERROR',
  incorrect_cvv: 'ERROR',
  timeout: 'ERROR',
  cannot_reach_network: 'ERROR',
  system_error: 'ERROR',
  unable_to_process: 'ERROR',
  authentication_failed: 'ERROR',
  authentication_unavailable: 'ERROR',
  antifraud: 'ERROR',
  card_not_found: 'ERROR',
  card_record_not_found: 'ERROR',
  invalid_card: 'ERROR',
  payout_not_permitted: 'ERROR',
  limit_exceeded: 'ERROR',
  expired_authentication: 'ERROR',
};

// ---------------------------------------------------------------------------------------------- money

/** Major units as the API shows decimals: "1000", "1044.2", "0" (no trailing zeros). */
export function money(minor: bigint, currency: string): string {
  return formatMajor(minor, currency, { trimZeros: true });
}

/** "10.6" / 10.6 → 1060 basis points (exact; at most two decimals). */
export function parseBasisPoints(v: unknown): bigint | undefined {
  const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** 1060 basis points → 10.6 (a JSON number, as the commissions endpoint shows it). */
export function percentNumber(bp: bigint): number {
  const whole = bp / 100n;
  const frac = (bp % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return Number(frac ? `${whole}.${frac}` : `${whole}`);
}

// ---------------------------------------------------------------------------------------------- objects

export interface PayIn {
  id: string;
  merchantId: string;
  externalId: string;
  trackerId: string;
  status: Way2PayStatus;
  amount: bigint;
  commission: bigint;
  currency: string;
  bankId: number;
  /** the merchant chose the bank (bankId); otherwise the pool picks one */
  bankFixed: boolean;
  method: string;
  requisiteId: number | null;
  receiver: string | null;
  holder: string | null;
  description: string | null;
  callbackUrl: string | null;
  paidAmount: bigint | null;
  holdNetId: number | null;
  holdFeeId: number | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface PayOut {
  id: string;
  merchantId: string;
  externalId: string;
  trackerId: string;
  status: Way2PayStatus;
  amount: bigint;
  commission: bigint;
  currency: string;
  bankId: number;
  method: string;
  /** as shown: a card number masked (first 6, last 4), a phone or an account number as given */
  receiver: string;
  cardId: string | null;
  holder: string;
  description: string | null;
  callbackUrl: string;
  holdAmountId: number | null;
  holdFeeId: number | null;
  declineReason: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** How a generation names the bank: the original README shows the key ("SBER"), later docs the name ("Сбер"). */
export function bankLabel(bankId: number, generation: Generation): string {
  const b = bankById(bankId);
  if (!b) return String(bankId);
  return generation === 1 ? b.key : b.name;
}

/** The original README's pay-in object (generation 1), in its key order. */
export function payInSeedView(p: PayIn) {
  return {
    id: p.id,
    externalID: p.externalId,
    currency: p.currency,
    amount: money(p.amount, p.currency),
    status: p.status,
    method: p.method,
    bank: bankLabel(p.bankId, 1),
    cardNumber: p.receiver,
    holder: p.holder,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** The current documentation's pay-in object (generation 3). */
export function payInCurrentView(p: PayIn) {
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, 3),
    method: p.method,
    receiver: p.receiver,
    holder: p.holder,
    description: p.description,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function payInView(p: PayIn, generation: Generation) {
  return generation === 1 ? payInSeedView(p) : payInCurrentView(p);
}

/** The answer of `PUT /pay-in|pay-out/{id}/status/{status}`. */
export function statusChangeView(p: PayIn | PayOut) {
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    currency: p.currency,
    method: p.method,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** The fields pay-ins and pay-outs share on the wire, in the documented order. */
function operationFields(p: PayIn | PayOut, generation: Generation, trackerKey: 'trackerID' | 'trackerId') {
  return {
    id: p.id,
    externalID: p.externalId,
    [trackerKey]: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, generation),
    method: p.method,
    receiver: p.receiver,
    holder: p.holder,
    description: p.description,
  } as {
    id: string;
    externalID: string;
    trackerID?: string;
    trackerId?: string;
    status: Way2PayStatus;
    amount: string;
    commission: string;
    currency: string;
    bank: string;
    method: string;
    receiver: string | null;
    holder: string | null;
    description: string | null;
  };
}

export function payOutView(p: PayOut, generation: Generation, opts: { created?: boolean } = {}) {
  const v = { ...operationFields(p, generation, 'trackerID'), createdAt: iso(p.createdAt) };
  return opts.created ? v : { ...v, updatedAt: iso(p.updatedAt) };
}

/** The callback body for a pay-in (documented keys; `timestamp` is when the status changed). */
export function payInCallback(p: PayIn, generation: Generation, at: number) {
  return { ...operationFields(p, generation, 'trackerID'), timestamp: iso(at) };
}

/** The callback body for a pay-out (the documentation spells its tracker key `trackerId`). */
export function payOutCallback(p: PayOut, generation: Generation, at: number) {
  return { ...operationFields(p, generation, 'trackerId'), timestamp: iso(at) };
}

// snapshots carried in outbox payloads (bigints as strings)

export function serializePayIn(p: PayIn): Record<string, string | number | boolean | null> {
  return {
    ...p,
    amount: p.amount.toString(),
    commission: p.commission.toString(),
    paidAmount: p.paidAmount === null ? null : p.paidAmount.toString(),
  };
}

export function deserializePayIn(j: Record<string, unknown>): PayIn {
  const o = j as unknown as PayIn & { amount: string; commission: string; paidAmount: string | null };
  return {
    ...o,
    amount: BigInt(o.amount),
    commission: BigInt(o.commission),
    paidAmount: o.paidAmount === null ? null : BigInt(o.paidAmount),
  };
}

export function serializePayOut(p: PayOut): Record<string, string | number | null> {
  return { ...p, amount: p.amount.toString(), commission: p.commission.toString() };
}

export function deserializePayOut(j: Record<string, unknown>): PayOut {
  const o = j as unknown as PayOut & { amount: string; commission: string };
  return { ...o, amount: BigInt(o.amount), commission: BigInt(o.commission) };
}
