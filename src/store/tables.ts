// The core's tables, each defined once (table.ts): the query layer's types and the row <-> record conversions come
// from here. The DDL is the migrations' (migrations.ts); test/conformance/tables.test.ts checks they agree.
import type { CardBrand } from '../core/cards.js';
import type {
  ApiRequestRecord,
  CardSnapshot,
  CardToken,
  Challenge,
  Checkout,
  CheckoutState,
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
  Payout,
  Refund,
  StoredCard,
} from '../core/model.js';
import { bigint, bool, custom, embedded, int, json, table, text, type DatabaseOf, type Expect, type RecordOf, type Same } from './table.js';

export const merchants = table('merchants', {
  id: text(),
  name: text(),
  settings: json<JsonObject>(),
  createdAt: int(),
});

export const credentials = table('credentials', {
  id: text(),
  merchantId: text(),
  face: text<FaceName>(),
  key: text(),
  secret: text().nullable(),
  data: json<JsonObject>(),
  status: text<Credential['status']>(),
  createdAt: int(),
});

export const accounts = table('accounts', {
  id: text(),
  merchantId: text(),
  currency: text(),
  kind: text(),
  debitsPending: bigint(),
  debitsPosted: bigint(),
  creditsPending: bigint(),
  creditsPosted: bigint(),
  createdAt: int(),
});

export const ledgerTransfers = table('ledger_transfers', {
  id: int().generated(),
  kind: text<LedgerTransfer['kind']>(),
  debitAccountId: text(),
  creditAccountId: text(),
  amount: bigint(),
  currency: text(),
  pendingId: int().nullable(),
  pendingState: text<NonNullable<LedgerTransfer['pendingState']>>().nullable(),
  code: text(),
  refType: text().nullable(),
  refId: text().nullable(),
  createdAt: int(),
});

export const cards = table('cards', {
  id: text(),
  fingerprint: text(),
  panEncrypted: text(),
  keyId: text(),
  first6: text(),
  last4: text(),
  brand: text<CardBrand>(),
  expMonth: int(),
  expYear: int(),
  holder: text().nullable(),
  createdAt: int(),
});

export const cardTokens = table('card_tokens', {
  token: text(),
  merchantId: text(),
  cardId: text(),
  face: text<FaceName>(),
  kind: text<CardToken['kind']>(),
  payerRef: text().nullable(),
  expiresAt: int().nullable(),
  usedAt: int().nullable(),
  createdAt: int(),
});

/** The card a payment or payout was made with, in columns of its row (all null without a card). */
const card = () =>
  embedded(
    {
      cardId: text().nullable(),
      cardFirst6: text().nullable(),
      cardLast4: text().nullable(),
      cardBrand: text<CardBrand>().nullable(),
      cardExpMonth: int().nullable(),
      cardExpYear: int().nullable(),
      cardHolder: text().nullable(),
    },
    (c): CardSnapshot | null =>
      c.cardId
        ? {
            cardId: c.cardId,
            first6: c.cardFirst6 ?? '',
            last4: c.cardLast4 ?? '',
            brand: c.cardBrand ?? 'Visa',
            expMonth: c.cardExpMonth ?? 0,
            expYear: c.cardExpYear ?? 0,
            holder: c.cardHolder,
          }
        : null,
    (c) => ({
      cardId: c?.cardId ?? null,
      cardFirst6: c?.first6 ?? null,
      cardLast4: c?.last4 ?? null,
      cardBrand: c?.brand ?? null,
      cardExpMonth: c ? c.expMonth : null,
      cardExpYear: c ? c.expYear : null,
      cardHolder: c?.holder ?? null,
    }),
  );

export const payments = table('payments', {
  id: int(),
  merchantId: text(),
  face: text<FaceName>(),
  status: text<Payment['status']>(),
  amount: bigint(),
  currency: text(),
  capturedAmount: bigint(),
  refundedAmount: bigint(),
  captureMode: text<Payment['captureMode']>(),
  card: card(),
  declineReason: text().nullable(),
  authCode: text().nullable(),
  rrn: text().nullable(),
  holdTransferId: int().nullable(),
  challengeId: text().nullable(),
  description: text().nullable(),
  invoiceId: text().nullable(),
  payerRef: text().nullable(),
  email: text().nullable(),
  ip: text().nullable(),
  metadata: json<JsonObject>(),
  testMode: bool(),
  expiresAt: int().nullable(),
  createdAt: int(),
  updatedAt: int(),
  authorizedAt: int().nullable(),
  capturedAt: int().nullable(),
  voidedAt: int().nullable(),
  declinedAt: int().nullable(),
});

export const refunds = table('refunds', {
  id: int(),
  paymentId: int(),
  merchantId: text(),
  amount: bigint(),
  currency: text(),
  status: text<Refund['status']>(),
  transferId: int().nullable(),
  metadata: json<JsonObject>(),
  createdAt: int(),
});

export const payouts = table('payouts', {
  id: int(),
  merchantId: text(),
  face: text<FaceName>(),
  status: text<Payout['status']>(),
  amount: bigint(),
  currency: text(),
  card: card(),
  declineReason: text().nullable(),
  holdTransferId: int().nullable(),
  metadata: json<JsonObject>(),
  expiresAt: int().nullable(),
  createdAt: int(),
  updatedAt: int(),
  completedAt: int().nullable(),
});

export const challenges = table('challenges', {
  id: text(),
  merchantId: text(),
  subjectType: text(),
  subjectId: text(),
  kind: text<Challenge['kind']>(),
  status: text<Challenge['status']>(),
  otpCode: text().nullable(),
  attempts: int(),
  display: json<JsonObject>(),
  expiresAt: int(),
  createdAt: int(),
  completedAt: int().nullable(),
});

export const checkouts = table('checkouts', {
  id: text(),
  merchantId: text(),
  face: text<FaceName>(),
  kind: text(),
  state: text<CheckoutState>(),
  subjectType: text<'payment' | 'payout'>().nullable(),
  subjectId: int().nullable(),
  attempts: int(),
  maxAttempts: int().nullable(),
  expiresAt: int().nullable(),
  createdAt: int(),
  updatedAt: int(),
  closedAt: int().nullable(),
});

export const refs = table('refs', {
  face: text<FaceName>(),
  merchantId: text(),
  kind: text(),
  ref: text(),
  subjectType: text(),
  subjectId: text(),
});

export const outbox = table('outbox', {
  id: int().generated(),
  eventId: text(),
  merchantId: text(),
  face: text<FaceName>(),
  type: text(),
  subjectType: text(),
  subjectId: text(),
  payload: json<JsonObject>(),
  createdAt: int(),
  fannedOut: bool(),
  /** a claim's lock: the event is not claimed again before */
  lockedUntil: int().internal(),
});

export const deliveries = table('deliveries', {
  id: int().generated(),
  eventId: text(),
  merchantId: text(),
  face: text<FaceName>(),
  kind: text(),
  subjectType: text(),
  subjectId: text(),
  url: text(),
  method: text<Delivery['method']>(),
  headers: json<Record<string, string>>(),
  body: text(),
  status: text<Delivery['status']>(),
  attempts: int(),
  schedule: json<number[]>(),
  maxAttempts: int(),
  nextAttemptAt: int(),
  /** a claim's lock: the delivery is not claimed again before */
  lockedUntil: int().internal(),
  lastStatus: int().nullable(),
  lastError: text().nullable(),
  createdAt: int(),
  deliveredAt: int().nullable(),
});

export const deliveryAttempts = table('delivery_attempts', {
  id: int().generated(),
  deliveryId: int(),
  attempt: int(),
  at: int(),
  request: json<DeliveryAttempt['request']>(),
  responseStatus: int().nullable(),
  responseBody: text().nullable(),
  durationMs: int(),
  error: text().nullable(),
});

export const idempotency = table('idempotency', {
  scope: text(),
  key: text(),
  requestHash: text(),
  state: text<'in_progress' | 'completed'>(),
  responseStatus: int().nullable(),
  responseHeaders: json<Record<string, string>>().nullable(),
  responseBody: text().nullable(),
  createdAt: int(),
  expiresAt: int(),
});

export const jobs = table('jobs', {
  id: int().generated(),
  kind: text(),
  ref: text(),
  runAt: int(),
  status: text<Job['status']>(),
  attempts: int(),
  /** a claim's lock: the job is not claimed again before */
  lockedUntil: int().internal(),
  payload: json<JsonObject>(),
  lastError: text().nullable(),
});

/** The objects a request touched, kept as `,payment:1,refund:2,` so that one can be found with LIKE. */
const subjectList = custom<string[]>(
  'text',
  (v) => v.split(',').filter(Boolean),
  (v) => (v.length ? ',' + v.join(',') + ',' : ''),
);

export const apiRequests = table('api_requests', {
  id: int().generated(),
  at: int(),
  merchantId: text().nullable(),
  face: text(),
  method: text(),
  path: text(),
  status: int(),
  durationMs: int(),
  requestId: text(),
  subjects: subjectList,
  requestBody: text().nullable(),
  responseBody: text().nullable(),
});

export const settings = table('settings', {
  key: text(),
  value: text(),
});

/** Every table of the core (faces define theirs in their store.ts; SQLite's sequences table is in sqlite/sequences.ts). */
export const coreTables = {
  merchants,
  credentials,
  accounts,
  ledgerTransfers,
  cards,
  cardTokens,
  payments,
  refunds,
  payouts,
  challenges,
  checkouts,
  refs,
  outbox,
  deliveries,
  deliveryAttempts,
  idempotency,
  jobs,
  apiRequests,
  settings,
};

export type CoreDatabase = DatabaseOf<typeof coreTables>;

// The records of these tables are the domain's types exactly (src/core/model.ts): a change to one without the
// other does not compile. (An idempotency record is read without its state; an API request is written without its id.)
export type RecordsMatchTheDomain = [
  Expect<Same<RecordOf<typeof merchants.definition>, Merchant>>,
  Expect<Same<RecordOf<typeof credentials.definition>, Credential>>,
  Expect<Same<RecordOf<typeof accounts.definition>, LedgerAccount>>,
  Expect<Same<RecordOf<typeof ledgerTransfers.definition>, LedgerTransfer>>,
  Expect<Same<RecordOf<typeof cards.definition>, StoredCard>>,
  Expect<Same<RecordOf<typeof cardTokens.definition>, CardToken>>,
  Expect<Same<RecordOf<typeof refunds.definition>, Refund>>,
  Expect<Same<RecordOf<typeof challenges.definition>, Challenge>>,
  Expect<Same<RecordOf<typeof checkouts.definition>, Checkout>>,
  Expect<Same<RecordOf<typeof refs.definition>, ObjectRef>>,
  Expect<Same<RecordOf<typeof outbox.definition>, OutboxEvent>>,
  Expect<Same<RecordOf<typeof deliveries.definition>, Delivery>>,
  Expect<Same<RecordOf<typeof deliveryAttempts.definition>, DeliveryAttempt>>,
  Expect<Same<RecordOf<typeof jobs.definition>, Job>>,
  Expect<Same<Omit<RecordOf<typeof apiRequests.definition>, 'id'>, Omit<ApiRequestRecord, 'id'>>>,
  Expect<Same<RecordOf<typeof payments.definition>, Payment>>,
  Expect<Same<RecordOf<typeof payouts.definition>, Payout>>,
];
