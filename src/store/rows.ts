// Conversions between stored rows and domain records. Both drivers hand integers back as bigint
// (better-sqlite3 in safe-integers mode, pg with an int8 parser); small counters become numbers here.
import type { Selectable } from 'kysely';
import type { CardBrand } from '../core/cards.js';
import type {
  CardSnapshot,
  CardToken,
  Challenge,
  Credential,
  Delivery,
  DeliveryAttempt,
  FaceName,
  Job,
  JsonObject,
  LedgerAccount,
  LedgerTransfer,
  Merchant,
  ObjectRef,
  OutboxEvent,
  Payment,
  PaymentStatus,
  Payout,
  PayoutStatus,
  Refund,
  StoredCard,
} from '../core/model.js';
import type * as S from './schema.js';

type Row<T> = Selectable<T>;

export function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  throw new TypeError(`not an integer: ${String(v)}`);
}
export function num(v: unknown): number {
  return Number(v as number | bigint);
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v as number | bigint);
}
export function json<T = JsonObject>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export const toMerchant = (r: Row<S.MerchantsTable>): Merchant => ({
  id: r.id,
  name: r.name,
  settings: json(r.settings),
  createdAt: num(r.created_at),
});

export const toCredential = (r: Row<S.CredentialsTable>): Credential => ({
  id: r.id,
  merchantId: r.merchant_id,
  face: r.face as FaceName,
  key: r.key,
  secret: r.secret,
  data: json(r.data),
  status: r.status as Credential['status'],
  createdAt: num(r.created_at),
});

export const toAccount = (r: Row<S.AccountsTable>): LedgerAccount => ({
  id: r.id,
  merchantId: r.merchant_id,
  currency: r.currency,
  kind: r.kind,
  debitsPending: big(r.debits_pending),
  debitsPosted: big(r.debits_posted),
  creditsPending: big(r.credits_pending),
  creditsPosted: big(r.credits_posted),
  createdAt: num(r.created_at),
});

export const toTransfer = (r: Row<S.LedgerTransfersTable>): LedgerTransfer => ({
  id: num(r.id),
  kind: r.kind as LedgerTransfer['kind'],
  debitAccountId: r.debit_account_id,
  creditAccountId: r.credit_account_id,
  amount: big(r.amount),
  currency: r.currency,
  pendingId: numOrNull(r.pending_id),
  pendingState: (r.pending_state ?? null) as LedgerTransfer['pendingState'],
  code: r.code,
  refType: r.ref_type,
  refId: r.ref_id,
  createdAt: num(r.created_at),
});

export const toCard = (r: Row<S.CardsTable>): StoredCard => ({
  id: r.id,
  fingerprint: r.fingerprint,
  panEncrypted: r.pan_encrypted,
  keyId: r.key_id,
  first6: r.first6,
  last4: r.last4,
  brand: r.brand as CardBrand,
  expMonth: num(r.exp_month),
  expYear: num(r.exp_year),
  holder: r.holder,
  createdAt: num(r.created_at),
});

export const toCardToken = (r: Row<S.CardTokensTable>): CardToken => ({
  token: r.token,
  merchantId: r.merchant_id,
  cardId: r.card_id,
  face: r.face as FaceName,
  kind: r.kind as CardToken['kind'],
  payerRef: r.payer_ref,
  expiresAt: numOrNull(r.expires_at),
  usedAt: numOrNull(r.used_at),
  createdAt: num(r.created_at),
});

interface CardCols {
  card_id: string | null;
  card_first6: string | null;
  card_last4: string | null;
  card_brand: string | null;
  card_exp_month: unknown;
  card_exp_year: unknown;
  card_holder: string | null;
}

function cardFrom(r: CardCols): CardSnapshot | null {
  if (!r.card_id) return null;
  return {
    cardId: r.card_id,
    first6: r.card_first6 ?? '',
    last4: r.card_last4 ?? '',
    brand: (r.card_brand ?? 'Visa') as CardBrand,
    expMonth: num(r.card_exp_month),
    expYear: num(r.card_exp_year),
    holder: r.card_holder,
  };
}

export function cardCols(c: CardSnapshot | null): CardCols {
  return {
    card_id: c?.cardId ?? null,
    card_first6: c?.first6 ?? null,
    card_last4: c?.last4 ?? null,
    card_brand: c?.brand ?? null,
    card_exp_month: c ? c.expMonth : null,
    card_exp_year: c ? c.expYear : null,
    card_holder: c?.holder ?? null,
  };
}

export const toPayment = (r: Row<S.PaymentsTable>): Payment => ({
  id: num(r.id),
  merchantId: r.merchant_id,
  face: r.face as FaceName,
  status: r.status as PaymentStatus,
  amount: big(r.amount),
  currency: r.currency,
  capturedAmount: big(r.captured_amount),
  refundedAmount: big(r.refunded_amount),
  captureMode: r.capture_mode as Payment['captureMode'],
  card: cardFrom(r),
  declineReason: r.decline_reason,
  authCode: r.auth_code,
  rrn: r.rrn,
  holdTransferId: numOrNull(r.hold_transfer_id),
  challengeId: r.challenge_id,
  description: r.description,
  invoiceId: r.invoice_id,
  payerRef: r.payer_ref,
  email: r.email,
  ip: r.ip,
  metadata: json(r.metadata),
  testMode: num(r.test_mode) === 1,
  expiresAt: numOrNull(r.expires_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  authorizedAt: numOrNull(r.authorized_at),
  capturedAt: numOrNull(r.captured_at),
  voidedAt: numOrNull(r.voided_at),
  declinedAt: numOrNull(r.declined_at),
});

export const fromPayment = (p: Payment): S.PaymentsTable => ({
  id: p.id,
  merchant_id: p.merchantId,
  face: p.face,
  status: p.status,
  amount: p.amount,
  currency: p.currency,
  captured_amount: p.capturedAmount,
  refunded_amount: p.refundedAmount,
  capture_mode: p.captureMode,
  ...(cardCols(p.card) as Pick<
    S.PaymentsTable,
    'card_id' | 'card_first6' | 'card_last4' | 'card_brand' | 'card_exp_month' | 'card_exp_year' | 'card_holder'
  >),
  decline_reason: p.declineReason,
  auth_code: p.authCode,
  rrn: p.rrn,
  hold_transfer_id: p.holdTransferId,
  challenge_id: p.challengeId,
  description: p.description,
  invoice_id: p.invoiceId,
  payer_ref: p.payerRef,
  email: p.email,
  ip: p.ip,
  metadata: JSON.stringify(p.metadata),
  test_mode: p.testMode ? 1 : 0,
  expires_at: p.expiresAt,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  authorized_at: p.authorizedAt,
  captured_at: p.capturedAt,
  voided_at: p.voidedAt,
  declined_at: p.declinedAt,
});

export const toRefund = (r: Row<S.RefundsTable>): Refund => ({
  id: num(r.id),
  paymentId: num(r.payment_id),
  merchantId: r.merchant_id,
  amount: big(r.amount),
  currency: r.currency,
  status: r.status as Refund['status'],
  transferId: numOrNull(r.transfer_id),
  metadata: json(r.metadata),
  createdAt: num(r.created_at),
});

export const toPayout = (r: Row<S.PayoutsTable>): Payout => ({
  id: num(r.id),
  merchantId: r.merchant_id,
  face: r.face as FaceName,
  status: r.status as PayoutStatus,
  amount: big(r.amount),
  currency: r.currency,
  card: cardFrom(r),
  declineReason: r.decline_reason,
  holdTransferId: numOrNull(r.hold_transfer_id),
  metadata: json(r.metadata),
  expiresAt: numOrNull(r.expires_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  completedAt: numOrNull(r.completed_at),
});

export const fromPayout = (p: Payout): S.PayoutsTable => ({
  id: p.id,
  merchant_id: p.merchantId,
  face: p.face,
  status: p.status,
  amount: p.amount,
  currency: p.currency,
  ...(cardCols(p.card) as Pick<
    S.PayoutsTable,
    'card_id' | 'card_first6' | 'card_last4' | 'card_brand' | 'card_exp_month' | 'card_exp_year' | 'card_holder'
  >),
  decline_reason: p.declineReason,
  hold_transfer_id: p.holdTransferId,
  metadata: JSON.stringify(p.metadata),
  expires_at: p.expiresAt,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  completed_at: p.completedAt,
});

export const toChallenge = (r: Row<S.ChallengesTable>): Challenge => ({
  id: r.id,
  merchantId: r.merchant_id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  kind: r.kind as Challenge['kind'],
  status: r.status as Challenge['status'],
  otpCode: r.otp_code,
  attempts: num(r.attempts),
  display: json(r.display),
  expiresAt: num(r.expires_at),
  createdAt: num(r.created_at),
  completedAt: numOrNull(r.completed_at),
});

export const toRef = (r: Row<S.RefsTable>): ObjectRef => ({
  face: r.face as FaceName,
  merchantId: r.merchant_id,
  kind: r.kind,
  ref: r.ref,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
});

export const toEvent = (r: Row<S.OutboxTable>): OutboxEvent => ({
  id: num(r.id),
  eventId: r.event_id,
  merchantId: r.merchant_id,
  face: r.face as FaceName,
  type: r.type,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  payload: json(r.payload),
  createdAt: num(r.created_at),
  fannedOut: num(r.fanned_out) === 1,
});

export const toDelivery = (r: Row<S.DeliveriesTable>): Delivery => ({
  id: num(r.id),
  eventId: r.event_id,
  merchantId: r.merchant_id,
  face: r.face as FaceName,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  url: r.url,
  method: r.method as Delivery['method'],
  headers: json(r.headers),
  body: r.body,
  status: r.status as Delivery['status'],
  attempts: num(r.attempts),
  schedule: json<number[]>(r.schedule),
  maxAttempts: num(r.max_attempts),
  nextAttemptAt: num(r.next_attempt_at),
  lastStatus: numOrNull(r.last_status),
  lastError: r.last_error,
  createdAt: num(r.created_at),
  deliveredAt: numOrNull(r.delivered_at),
});

export const toAttempt = (r: Row<S.DeliveryAttemptsTable>): DeliveryAttempt => ({
  id: num(r.id),
  deliveryId: num(r.delivery_id),
  attempt: num(r.attempt),
  at: num(r.at),
  request: json(r.request),
  responseStatus: numOrNull(r.response_status),
  responseBody: r.response_body,
  durationMs: num(r.duration_ms),
  error: r.error,
});

export const toJob = (r: Row<S.JobsTable>): Job => ({
  id: num(r.id),
  kind: r.kind,
  ref: r.ref,
  runAt: num(r.run_at),
  status: r.status as Job['status'],
  attempts: num(r.attempts),
  payload: json(r.payload),
  lastError: r.last_error,
});
