// Way2Pay wire mapping: statuses (the decline table exhaustive over the core's reasons), money and dates as the API
// writes them, the face's records and the bank as each API generation names it. The objects as each generation shows
// them are wire/<resource>.ts (pay-in, pay-out, what both share in operation.ts, balance); the error table is
// http.ts; banks, currencies and methods are reference-data.ts.
import { formatMajor } from '../../core/money.js';
import type { DeclineReason } from '../../core/network/reasons.js';
import { bankById } from './reference-data.js';

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

// ---------------------------------------------------------------------------------------------- money and dates

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

/** A time as the API writes it: ISO 8601 in UTC, with milliseconds. */
export const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------- records

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

/** How a generation names the bank: the original README shows the key ("SBER"), later docs the name ("Сбер"). */
export function bankLabel(bankId: number, generation: Generation): string {
  const b = bankById(bankId);
  if (!b) return String(bankId);
  return generation === 1 ? b.key : b.name;
}
