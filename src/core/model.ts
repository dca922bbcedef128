// Domain records shared by the core and the store port. Money is bigint minor units; times are epoch ms.
import type { CardBrand } from './cards.js';

/**
 * The name of a face (a provider API the gateway speaks), as the face registers itself: the core keeps it on the
 * records a face owns and knows no list of faces.
 */
export type FaceName = string;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface Merchant {
  id: string;
  name: string;
  settings: JsonObject;
  createdAt: number;
}

export interface Credential {
  id: string;
  merchantId: string;
  face: FaceName;
  /** the public identifier a client presents (api key, PublicId, merchant_id, Public-Key, API token) */
  key: string;
  /** the shared secret, or null where the face uses public-key signatures */
  secret: string | null;
  data: JsonObject;
  status: 'active' | 'revoked';
  createdAt: number;
}

/** 'available' (and a face's own balances) for a merchant's money; 'network', 'fees' for its counter-accounts */
export type AccountKind = string;

export interface LedgerAccount {
  id: string;
  merchantId: string;
  currency: string;
  kind: AccountKind;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  createdAt: number;
}

export type TransferKind = 'posted' | 'pending' | 'post_pending' | 'void_pending';
export type PendingState = 'pending' | 'posted' | 'voided' | null;

export interface LedgerTransfer {
  id: number;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
  /** for post_pending / void_pending: the pending transfer they resolve */
  pendingId: number | null;
  /** for pending transfers: whether and how they were resolved */
  pendingState: PendingState;
  code: string;
  refType: string | null;
  refId: string | null;
  createdAt: number;
}

export interface StoredCard {
  id: string;
  fingerprint: string;
  panEncrypted: string;
  keyId: string;
  first6: string;
  last4: string;
  brand: CardBrand;
  expMonth: number;
  expYear: number;
  holder: string | null;
  createdAt: number;
}

export interface CardToken {
  token: string;
  merchantId: string;
  cardId: string;
  face: FaceName;
  kind: 'recurring' | 'one_time';
  payerRef: string | null;
  expiresAt: number | null;
  usedAt: number | null;
  createdAt: number;
}

export type PaymentStatus =
  | 'created'
  | 'requires_authentication'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'declined'
  | 'expired'
  | 'failed';

export interface CardSnapshot {
  cardId: string;
  first6: string;
  last4: string;
  brand: CardBrand;
  expMonth: number;
  expYear: number;
  holder: string | null;
}

export interface Payment {
  id: number;
  merchantId: string;
  face: FaceName;
  status: PaymentStatus;
  amount: bigint;
  currency: string;
  capturedAmount: bigint;
  refundedAmount: bigint;
  captureMode: 'auto' | 'manual';
  card: CardSnapshot | null;
  declineReason: string | null;
  authCode: string | null;
  rrn: string | null;
  holdTransferId: number | null;
  challengeId: string | null;
  description: string | null;
  invoiceId: string | null;
  payerRef: string | null;
  email: string | null;
  ip: string | null;
  /** face-specific fields (CloudPayments JsonData, NovaPay products, Numopay order slug, ...) */
  metadata: JsonObject;
  testMode: boolean;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  authorizedAt: number | null;
  capturedAt: number | null;
  voidedAt: number | null;
  declinedAt: number | null;
}

export interface Refund {
  id: number;
  paymentId: number;
  merchantId: string;
  amount: bigint;
  currency: string;
  status: 'completed' | 'failed';
  transferId: number | null;
  metadata: JsonObject;
  createdAt: number;
}

export type PayoutStatus = 'created' | 'processing' | 'completed' | 'declined' | 'expired' | 'cancelled' | 'failed';

export interface Payout {
  id: number;
  merchantId: string;
  face: FaceName;
  status: PayoutStatus;
  amount: bigint;
  currency: string;
  card: CardSnapshot | null;
  declineReason: string | null;
  holdTransferId: number | null;
  metadata: JsonObject;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

export type ChallengeKind = '3ds' | 'otp';
export type ChallengeStatus = 'pending' | 'passed' | 'failed' | 'consumed' | 'expired';

export interface Challenge {
  id: string;
  merchantId: string;
  subjectType: string;
  subjectId: string;
  kind: ChallengeKind;
  status: ChallengeStatus;
  otpCode: string | null;
  attempts: number;
  /** what the ACS page shows */
  display: JsonObject;
  expiresAt: number;
  createdAt: number;
  completedAt: number | null;
}

export interface OutboxEvent {
  id: number;
  eventId: string;
  merchantId: string;
  face: FaceName;
  type: string;
  subjectType: string;
  subjectId: string;
  payload: JsonObject;
  createdAt: number;
  fannedOut: boolean;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: number;
  eventId: string;
  merchantId: string;
  face: FaceName;
  kind: string;
  subjectType: string;
  subjectId: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** retry delays in ms after attempt 1, 2, ...; the last one repeats until maxAttempts */
  schedule: number[];
  maxAttempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  attempt: number;
  at: number;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  responseStatus: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  createdAt: number;
  expiresAt: number;
}

export interface Job {
  id: number;
  kind: string;
  ref: string;
  runAt: number;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  payload: JsonObject;
  lastError: string | null;
}

/** A checkout's lifecycle: open until it is paid, cancelled or its lifetime ends. */
export type CheckoutState = 'open' | 'paid' | 'cancelled' | 'expired';

/**
 * A checkout: something a payer pays once within a lifetime (a one-use charge or refill token, a hosted checkout
 * session, an order with a payment page, a payment session). The face keeps its wire fields beside it under the same
 * id; the core keeps its lifecycle (core/checkouts.ts).
 */
export interface Checkout {
  id: string;
  merchantId: string;
  face: FaceName;
  /** the face's name for it, e.g. `charge_token`, `order`, `session` */
  kind: string;
  state: CheckoutState;
  /** what it pays for: its payment (the latest attempt's) or payout, once it has one */
  subjectType: 'payment' | 'payout' | null;
  subjectId: number | null;
  /** payment attempts made */
  attempts: number;
  /** attempts allowed; null: a declined attempt may be retried until it is paid */
  maxAttempts: number | null;
  /** the end of its lifetime (ms); null: none */
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** when it was paid, cancelled or expired */
  closedAt: number | null;
}

export interface ObjectRef {
  face: FaceName;
  merchantId: string;
  kind: string;
  ref: string;
  subjectType: string;
  subjectId: string;
}

export interface ApiRequestRecord {
  id?: number;
  at: number;
  merchantId: string | null;
  face: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
  /** objects the request touched, as 'payment:123' */
  subjects: string[];
  requestBody: string | null;
  responseBody: string | null;
}
