// Mbill wire mapping: transfer and claim statuses, decline objects for every core reason, error types,
// and the views (transfer, claim, card token) exactly as the blueprint and the reference server show them.
import type { ErrorCode } from '../../core/errors.js';
import type { PaymentStatus } from '../../core/model.js';
import { DECLINE_REASONS, isDeclineReason, type DeclineReason } from '../../core/network/reasons.js';
import { toWireNumber } from '../../core/money.js';

export const CURRENCY = 'UAH';

export type TransferStatus = 'authentication' | 'processing' | 'completed' | 'declined' | 'waiting_for_claim' | 'error';
export type ClaimStatus = 'authentication' | 'processing' | 'completed' | 'declined' | 'error';

/**
 * What a transfer shows while its sender leg (a core payment) is in each state. `captured` is where the
 * face takes over (fee kept, then the payout, or the wait for a claim); refunds only happen when the
 * recipient leg fails, and the face has already recorded that outcome.
 */
export const TRANSFER_STATUS_OF_PAYMENT: Record<PaymentStatus, TransferStatus> = {
  created: 'authentication',
  requires_authentication: 'authentication',
  authorized: 'processing',
  captured: 'processing',
  partially_refunded: 'declined',
  refunded: 'declined',
  voided: 'declined',
  declined: 'declined',
  expired: 'declined',
  failed: 'error',
};

export interface Decline {
  code: number;
  reason: string;
  message: string;
}

/**
 * Every core decline reason → the reference server's decline object: `code` is the processing partner's
 * (Pay2You) code and `reason` its error group, as `Processing.Adapters.Pay2You.Error` groups them.
 */
export const DECLINES: Record<DeclineReason, { code: number; reason: string }> = {
  refer_to_issuer: { code: 100, reason: 'Declined__Emitent' },
  invalid_merchant: { code: 411, reason: 'Declined__Aquier' },
  pick_up_card: { code: 104, reason: 'Declined__Emitent' },
  do_not_honor: { code: 100, reason: 'Declined__Emitent' },
  processing_error: { code: 909, reason: 'Internal_Error__P2Y' },
  pick_up_card_special: { code: 107, reason: 'Declined__Emitent' },
  invalid_transaction: { code: 114, reason: 'Declined__P2Y' },
  amount_error: { code: 4, reason: 'Amount_Invalid' },
  invalid_card_number: { code: 7, reason: 'PAN_Invalid' },
  no_such_issuer: { code: 908, reason: 'Card_Invalid' },
  customer_cancellation: { code: 119, reason: 'Declined__P2Y' },
  transaction_error: { code: 1, reason: 'Internal_Error__P2Y' },
  format_error: { code: 902, reason: 'Internal_Error__P2Y' },
  bank_not_supported: { code: 906, reason: 'Limits_Crossborder__Aquier' },
  expired_card_pickup: { code: 101, reason: 'Card_Expired' },
  suspected_fraud: { code: 122, reason: 'Declined__P2Y' },
  restricted_card: { code: 105, reason: 'Declined__Emitent' },
  lost_card: { code: 108, reason: 'Declined__Emitent' },
  stolen_card: { code: 110, reason: 'Declined__Emitent' },
  insufficient_funds: { code: 116, reason: 'Funds_Insufficient' },
  expired_card: { code: 201, reason: 'Card_Expired' },
  invalid_pin: { code: 111, reason: 'Declined__Emitent' },
  transaction_not_permitted: { code: 124, reason: 'Declined__P2Y' },
  transaction_not_permitted_terminal: { code: 290, reason: 'Declined__Aquier' },
  suspected_fraud_issuer: { code: 103, reason: 'Declined__Emitent' },
  exceeds_amount_limit: { code: 121, reason: 'Limits_Exceeded__P2Y' },
  restricted_card_issuer: { code: 567, reason: 'Declined__Emitent' },
  security_violation: { code: 568, reason: 'Declined__Emitent' },
  exceeds_frequency_limit: { code: 123, reason: 'Limits_Exceeded__P2Y' },
  incorrect_cvv: { code: 5, reason: 'CVV_Invalid' },
  timeout: { code: 500, reason: 'Internal_Error__Aquier' },
  cannot_reach_network: { code: 801, reason: 'Internal_Error__Aquier' },
  system_error: { code: 501, reason: 'Internal_Error__P2Y' },
  unable_to_process: { code: 502, reason: 'Internal_Error__P2Y' },
  authentication_failed: { code: 431, reason: '3DS_Failed' },
  authentication_unavailable: { code: 432, reason: 'Declined__P2Y' },
  antifraud: { code: 203, reason: 'Declined__P2Y' },
  card_not_found: { code: 200, reason: 'Card_Invalid' },
  card_record_not_found: { code: 202, reason: 'Card_Invalid' },
  invalid_card: { code: 574, reason: 'Card_Invalid' },
  payout_not_permitted: { code: 8, reason: 'RecipientPAN_Invalid' },
  limit_exceeded: { code: 130, reason: 'Limits_Exceeded__P2Y' },
  expired_authentication: { code: 435, reason: 'Declined__P2Y' },
};

export function declineOf(reason: string | null): Decline {
  const r: DeclineReason = isDeclineReason(reason) ? reason : 'processing_error';
  return { ...DECLINES[r], message: DECLINE_REASONS[r] };
}

// ---- errors (API Manifest / EView)

export type ErrorType =
  | 'validation_failed'
  | 'access_denied'
  | 'forbidden'
  | 'not_found'
  | 'request_malformed'
  | 'content_type_invalid'
  | 'request_conflict'
  | 'request_too_large'
  | 'failed_dependency'
  | 'internal_error';

export const ERROR_STATUS: Record<ErrorType, number> = {
  validation_failed: 422,
  access_denied: 401,
  forbidden: 403,
  not_found: 404,
  request_malformed: 400,
  content_type_invalid: 415,
  request_conflict: 409,
  request_too_large: 413,
  failed_dependency: 424,
  internal_error: 500,
};

export const VALIDATION_MESSAGE =
  'Validation failed. You can find validators description at our API Manifest: http://docs.apimanifest.apiary.io/#introduction/interacting-with-api/errors.';

export interface Rule {
  rule: string;
  params?: unknown[] | Record<string, unknown>;
  description?: string;
}
export interface InvalidEntry {
  entry_type: string;
  entry?: string;
  rules?: Rule[];
}
export interface ErrorBody {
  type: ErrorType;
  invalid?: InvalidEntry[];
  message?: string;
}

/** Core error codes that reach a route → the API Manifest error. */
export function errorOfCode(code: ErrorCode, message: string): ErrorBody {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'SIGNATURE_INVALID':
      return { type: 'access_denied', invalid: [{ entry_type: 'header', entry: 'Authorization' }], message };
    case 'FORBIDDEN':
      return { type: 'forbidden', message };
    case 'NOT_FOUND':
    case 'PAYMENT_NOT_FOUND':
    case 'PAYOUT_NOT_FOUND':
    case 'CHALLENGE_NOT_FOUND':
    case 'MERCHANT_NOT_FOUND':
    case 'ACCOUNT_NOT_FOUND':
    case 'TOKEN_NOT_FOUND':
      return { type: 'not_found' };
    case 'INVALID_STATE':
    case 'CONFLICT':
    case 'DUPLICATE':
    case 'CHALLENGE_ALREADY_COMPLETED':
    case 'CHALLENGE_EXPIRED':
    case 'TOKEN_USED':
    case 'TOKEN_EXPIRED':
      return { type: 'request_conflict', message };
    case 'IDEMPOTENCY_CONFLICT':
      return { type: 'request_conflict', message: 'This X-Idempotency-Key was already used with another request.' };
    case 'INSUFFICIENT_BALANCE':
    case 'ZERO_BALANCE':
      return { type: 'failed_dependency', message };
    case 'INTERNAL':
    case 'LEDGER_INVARIANT':
      return { type: 'internal_error' };
    default:
      return { type: 'validation_failed', invalid: [], message };
  }
}

// ---- views

/** first6 + six stars + last4, as the reference server masks card numbers */
export function maskNumber(pan: string): string {
  return pan.slice(0, 6) + '******' + pan.slice(-4);
}

/** token_expires_at and friends: ISO 8601 with microseconds, UTC (`2016-10-29T17:35:28.274477Z`) */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** created_at / updated_at: the blueprint's naive timestamps (`2016-10-18T13:50:39.677992`), UTC */
export function isoNaive(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000');
}

export function amountNumber(minor: bigint): number {
  return toWireNumber(minor, CURRENCY);
}

export interface CardTokenView {
  type: 'card-token';
  token: string;
  token_expires_at: string;
}

export type CredentialView =
  | { type: 'card'; number: string }
  | { type: 'card-number'; number: string }
  | { type: 'card-token'; token: string; token_expires_at: string; number: string }
  | { type: 'external-credential'; id: string; metadata: Record<string, unknown> | null };

export interface PeerView {
  phone: string | null;
  email: string | null;
  credential: CredentialView;
}

export interface AuthView3ds {
  type: '3d-secure';
  acs_url: string;
  pa_req: string;
  md: string;
  terminal_url: string;
}
export interface AuthViewLookup {
  type: 'lookup-code';
  md: string;
}

export interface TransferView {
  id: string;
  type: 'transfer';
  external_id: string;
  token: string;
  token_expires_at: string;
  amount: number;
  fee: number;
  total: number;
  description: string | null;
  status: TransferStatus;
  metadata: Record<string, unknown> | null;
  sender: PeerView;
  recipient: PeerView;
  created_at: string;
  updated_at: string;
  auth?: AuthView3ds | AuthViewLookup;
  decline?: Decline;
}

export interface TransferSummaryView {
  id: string;
  status: TransferStatus;
  amount: number;
  fee: number;
  total: number;
  description: string | null;
  sender: PeerView;
  recipient: PeerView;
  created_at: string;
  updated_at: string;
}

export interface ClaimView {
  id: string;
  type: 'claim';
  external_id: string;
  status: ClaimStatus;
  token: string;
  token_expires_at: string;
  credential: Record<string, unknown>;
  auth: { type: 'otp-code' };
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  decline?: Decline;
  transfer?: TransferSummaryView;
  payment?: TransferSummaryView;
}
