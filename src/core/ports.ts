// The store port: what the core needs from storage. Implemented in src/store for SQLite and PostgreSQL.
// Everything a command changes goes through one Tx and commits together.
import type {
  ApiRequestRecord,
  CardToken,
  Challenge,
  Credential,
  Delivery,
  DeliveryAttempt,
  FaceName,
  IdempotencyRecord,
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
  Refund,
  StoredCard,
} from './model.js';

export interface Page {
  limit: number;
  offset?: number;
}

export interface PaymentFilter {
  merchantId?: string;
  face?: FaceName;
  statuses?: PaymentStatus[];
  createdFrom?: number; // inclusive
  createdTo?: number; // exclusive
  currency?: string;
  invoiceId?: string;
  payerRef?: string;
  order?: 'asc' | 'desc';
  limit: number;
  offset?: number;
}

export interface Tx {
  readonly dialect: 'sqlite' | 'postgres';

  // sequences
  nextTransactionId(): Promise<number>;

  // merchants and credentials
  insertMerchant(m: Merchant): Promise<void>;
  getMerchant(id: string): Promise<Merchant | undefined>;
  listMerchants(): Promise<Merchant[]>;
  updateMerchantSettings(id: string, settings: JsonObject): Promise<void>;
  deleteMerchant(id: string): Promise<void>;
  insertCredential(c: Credential): Promise<void>;
  findCredential(face: FaceName, key: string): Promise<Credential | undefined>;
  listCredentialsByFace(face: FaceName, limit: number): Promise<Credential[]>;
  listCredentials(merchantId: string): Promise<Credential[]>;
  updateCredential(id: string, patch: Partial<Pick<Credential, 'secret' | 'status' | 'data'>>): Promise<void>;

  // ledger
  getAccount(id: string): Promise<LedgerAccount | undefined>;
  findAccount(merchantId: string, currency: string, kind: string): Promise<LedgerAccount | undefined>;
  /** locks the row for the rest of the transaction where the dialect needs it */
  lockAccount(id: string): Promise<LedgerAccount | undefined>;
  insertAccount(a: LedgerAccount): Promise<boolean>;
  listAccounts(merchantId?: string): Promise<LedgerAccount[]>;
  /** changes an account's totals; stores apply them at the end of the transaction, reads through it include them */
  addToAccount(
    id: string,
    delta: { debitsPending?: bigint; debitsPosted?: bigint; creditsPending?: bigint; creditsPosted?: bigint },
  ): Promise<void>;
  insertTransfer(t: Omit<LedgerTransfer, 'id'>): Promise<number>;
  getTransfer(id: number): Promise<LedgerTransfer | undefined>;
  setPendingState(id: number, from: 'pending', to: 'posted' | 'voided'): Promise<boolean>;
  listTransfersByRef(refType: string, refId: string): Promise<LedgerTransfer[]>;
  /** totals of all transfers touching each account, for invariant checks */
  transferTotals(): Promise<
    Array<{ accountId: string; debitsPending: bigint; debitsPosted: bigint; creditsPending: bigint; creditsPosted: bigint }>
  >;

  // cards
  findCardByFingerprint(fp: string): Promise<StoredCard | undefined>;
  getCard(id: string): Promise<StoredCard | undefined>;
  insertCard(c: StoredCard): Promise<void>;
  updateCard(
    id: string,
    patch: Partial<Pick<StoredCard, 'expMonth' | 'expYear' | 'holder' | 'panEncrypted' | 'keyId' | 'fingerprint'>>,
  ): Promise<void>;
  listCards(afterId: string | null, limit: number): Promise<StoredCard[]>;
  insertCardToken(t: CardToken): Promise<void>;
  getCardToken(token: string): Promise<CardToken | undefined>;
  markCardTokenUsed(token: string, at: number): Promise<boolean>;
  listCardTokens(merchantId: string, face: FaceName, limit: number, offset: number): Promise<CardToken[]>;

  // payments
  insertPayment(p: Payment): Promise<void>;
  getPayment(id: number): Promise<Payment | undefined>;
  lockPayment(id: number): Promise<Payment | undefined>;
  updatePayment(p: Payment): Promise<void>;
  listPayments(f: PaymentFilter): Promise<Payment[]>;
  countPayments(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>): Promise<number>;
  insertRefund(r: Refund): Promise<void>;
  listRefunds(paymentId: number): Promise<Refund[]>;
  getRefund(id: number): Promise<Refund | undefined>;

  // payouts
  insertPayout(p: Payout): Promise<void>;
  getPayout(id: number): Promise<Payout | undefined>;
  lockPayout(id: number): Promise<Payout | undefined>;
  updatePayout(p: Payout): Promise<void>;
  listPayouts(f: {
    merchantId?: string;
    face?: FaceName;
    currency?: string;
    createdFrom?: number;
    createdTo?: number;
    order?: 'asc' | 'desc';
    limit: number;
    offset?: number;
  }): Promise<Payout[]>;

  // authentication challenges
  insertChallenge(c: Challenge): Promise<void>;
  getChallenge(id: string): Promise<Challenge | undefined>;
  updateChallenge(
    id: string,
    patch: Partial<Pick<Challenge, 'status' | 'attempts' | 'completedAt'>>,
    expectStatus?: Challenge['status'],
  ): Promise<boolean>;
  listChallenges(merchantId: string | null, limit: number): Promise<Challenge[]>;

  // face object references (order slugs, session ids, external ids)
  insertRef(r: ObjectRef): Promise<boolean>;
  findRef(face: FaceName, merchantId: string, kind: string, ref: string): Promise<ObjectRef | undefined>;
  findRefsBySubject(subjectType: string, subjectId: string): Promise<ObjectRef[]>;
  searchRefs(ref: string, limit: number): Promise<ObjectRef[]>;

  // outbox and webhook deliveries
  insertEvent(e: Omit<OutboxEvent, 'id'>): Promise<number>;
  /** several events in one statement; their ids in the order given */
  insertEvents(events: Array<Omit<OutboxEvent, 'id'>>): Promise<number[]>;
  claimEvents(limit: number, now: number, lockMs: number): Promise<OutboxEvent[]>;
  markEventFannedOut(id: number, fannedOut?: boolean): Promise<void>;
  countPendingEvents(): Promise<number>;
  listEvents(subjectType: string, subjectId: string): Promise<OutboxEvent[]>;
  getEvent(eventId: string): Promise<OutboxEvent | undefined>;
  insertDelivery(d: Omit<Delivery, 'id'>): Promise<number>;
  claimDeliveries(limit: number, now: number, lockMs: number): Promise<Delivery[]>;
  getDelivery(id: number): Promise<Delivery | undefined>;
  updateDelivery(
    id: number,
    patch: Partial<Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'deliveredAt'>>,
  ): Promise<void>;
  insertAttempt(a: Omit<DeliveryAttempt, 'id'>): Promise<number>;
  listAttempts(deliveryId: number): Promise<DeliveryAttempt[]>;
  listDeliveries(f: {
    merchantId?: string;
    subjectType?: string;
    subjectId?: string;
    status?: string;
    limit: number;
    offset?: number;
  }): Promise<Delivery[]>;
  countPendingDeliveries(): Promise<number>;

  // idempotency
  /** inserts a placeholder; false when the key exists (after waiting for a concurrent holder on PostgreSQL) */
  claimIdempotency(scope: string, key: string, requestHash: string, now: number, expiresAt: number): Promise<boolean>;
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  completeIdempotency(scope: string, key: string, res: { status: number; headers: Record<string, string>; body: string }): Promise<void>;
  releaseIdempotency(scope: string, key: string): Promise<void>;
  purgeIdempotency(before: number): Promise<number>;

  // scheduler
  scheduleJob(kind: string, ref: string, runAt: number, payload: JsonObject): Promise<void>;
  cancelJob(kind: string, ref: string): Promise<void>;
  claimJobs(limit: number, now: number, lockMs: number): Promise<Job[]>;
  finishJob(id: number, status: 'done' | 'failed' | 'pending', patch?: { runAt?: number; lastError?: string | null }): Promise<void>;
  nextJobAt(): Promise<number | null>;

  // API request log (for timelines)
  insertApiRequests(rows: ApiRequestRecord[]): Promise<void>;
  listApiRequests(f: { merchantId?: string; subject?: string; limit: number; beforeId?: number }): Promise<ApiRequestRecord[]>;

  // key-value settings
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** sets the value only when the key has none; returns the value in force (race-free across processes) */
  setSettingIfAbsent(key: string, value: string): Promise<string>;

  /**
   * Deletes every row of a merchant in every table that has a merchant_id (and the ledger transfers and
   * delivery attempts hanging off them), then recomputes the system accounts from the remaining transfers.
   */
  purgeMerchant(merchantId: string): Promise<void>;

  /** face-owned tables use the query layer directly through this escape hatch (see src/store) */
  readonly raw: unknown;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** runs fn in one transaction; commits when it resolves, rolls back when it throws */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** a read outside any explicit transaction */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** deletes all data (tables stay) */
  truncateAll(): Promise<void>;
  close(): Promise<void>;
}
