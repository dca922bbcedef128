// Way2Pay wire mapping: statuses (the decline table exhaustive over the core's reasons), money as the API writes
// it, the face's records and the objects as each API generation shows them. The error table is http.ts; banks,
// currencies and methods are reference-data.ts.
import { formatMajor } from '../../core/money.js';
import type { DeclineReason } from '../../core/network/reasons.js';
import { bankById, PAYIN_METHODS } from './reference-data.js';

/** The merchant's auth generation: 1 (the original README), 2 (the `Expires` header) or 3 (the current README). */
export type Generation = 1 | 2 | 3;

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
function payInSeedView(p: PayIn) {
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
function payInCurrentView(p: PayIn) {
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

/** Generation 2's pay-in: the requisite under its kind's own key (a card, an account, a phone, a link), null in the others. */
function payInExpiresView(p: PayIn) {
  const kind = PAYIN_METHODS[p.method];
  const shown = (k: string) => (kind === k ? p.receiver : null);
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, 2),
    method: p.method,
    cardNumber: shown('card'),
    accountNumber: shown('account'),
    phoneNumber: shown('phone'),
    nspkURL: shown('link'),
    holder: p.holder,
    description: p.description,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function payInView(p: PayIn, generation: Generation) {
  return generation === 1 ? payInSeedView(p) : generation === 2 ? payInExpiresView(p) : payInCurrentView(p);
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

// balances

interface BalanceSide {
  currency: string;
  available: bigint;
  frozen: bigint;
}

/** `GET /balance`'s data: both balances, available and frozen, in major units. */
export function balanceView(b: { payment: BalanceSide; payout: BalanceSide }) {
  const side = (x: BalanceSide) => ({
    currency: x.currency,
    available: money(x.available, x.currency),
    frozen: money(x.frozen, x.currency),
  });
  return { balance: { payment: side(b.payment), payout: side(b.payout) } };
}
