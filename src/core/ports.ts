// The store port: what the core needs from storage. Implemented in src/store for SQLite and PostgreSQL.
// Everything a command changes goes through one Tx and commits together.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type {
  ApiRequestRecord,
  CardToken,
  Challenge,
  Checkout,
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

/** A ledger account's totals, as changed by one transfer. */
export interface AccountDelta {
  debitsPending?: bigint;
  debitsPosted?: bigint;
  creditsPending?: bigint;
  creditsPosted?: bigint;
}

export interface PayoutFilter {
  merchantId?: string;
  face?: FaceName;
  currency?: string;
  createdFrom?: number;
  createdTo?: number;
  order?: 'asc' | 'desc';
  limit: number;
  offset?: number;
}

export interface DeliveryFilter {
  merchantId?: string;
  subjectType?: string;
  subjectId?: string;
  status?: string;
  limit: number;
  offset?: number;
}

// ---- the store port's roles: one repository per kind of record

export interface SequenceRepo {
  /** the next id of the shared transaction sequence (payments, refunds, payouts) */
  nextTransactionId(): Promise<number>;
  /**
   * Whether nextTransactionId works in a read (`Store.read`) too: true where the sequence is drawn without a
   * transaction and never undone (PostgreSQL), so a command may draw its id with the reads it makes before its
   * transaction; false where drawing is a write of the transaction (SQLite, where it costs no round trip).
   */
  readonly drawnInReads: boolean;
  /**
   * Where the sequence is drawn in reads: draws the next id now, among reads made together, and answers the
   * transaction's next `nextTransactionId` with it. An id drawn and never asked for is a gap.
   */
  drawAhead?(): Promise<void>;
}

export interface MerchantRepo {
  insert(m: Merchant): Promise<void>;
  get(id: string): Promise<Merchant | undefined>;
  list(): Promise<Merchant[]>;
  updateSettings(id: string, settings: JsonObject): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Deletes every row of a merchant in every table that has a merchant_id (and the ledger transfers and
   * delivery attempts hanging off them), then recomputes the system accounts from the remaining transfers.
   */
  purge(merchantId: string): Promise<void>;
}

export interface CredentialRepo {
  insert(c: Credential): Promise<void>;
  find(face: FaceName, key: string): Promise<Credential | undefined>;
  /** the credential and its merchant (undefined when the merchant is gone), read together */
  findWithMerchant(face: FaceName, key: string): Promise<{ credential: Credential; merchant: Merchant | undefined } | undefined>;
  listByFace(face: FaceName, limit: number): Promise<Credential[]>;
  list(merchantId: string): Promise<Credential[]>;
  update(id: string, patch: Partial<Pick<Credential, 'secret' | 'status' | 'data'>>): Promise<void>;
}

export interface LedgerRepo {
  getAccount(id: string): Promise<LedgerAccount | undefined>;
  findAccount(merchantId: string, currency: string, kind: string): Promise<LedgerAccount | undefined>;
  /** locks the row for the rest of the transaction where the dialect needs it */
  lockAccount(id: string): Promise<LedgerAccount | undefined>;
  insertAccount(a: LedgerAccount): Promise<boolean>;
  listAccounts(merchantId?: string): Promise<LedgerAccount[]>;
  /** changes an account's totals; stores apply them at the end of the transaction, reads through it include them */
  addToAccount(id: string, delta: AccountDelta): Promise<void>;
  insertTransfer(t: Omit<LedgerTransfer, 'id'>): Promise<number>;
  getTransfer(id: number): Promise<LedgerTransfer | undefined>;
  /**
   * Locks a payment's hold (its `holdTransferId`) for the rest of the transaction where the dialect has row locks,
   * so that another transaction cannot settle it meanwhile: made with the payment's lock, among reads made together.
   * Where the store remembers the rows a transaction holds (PostgreSQL), `getTransfer` of it then answers without a
   * statement and its state change (`setPendingState`) waits for no answer.
   */
  lockPaymentHold(paymentId: number): Promise<void>;
  /**
   * Reads the accounts of a payment's merchant in the payment's currency ahead of their use in this transaction,
   * among reads made together, where the store keeps what a transaction read of them (PostgreSQL): `findAccount` of
   * them then answers without a statement. They are read, not locked, as `findAccount` reads them. Elsewhere it
   * reads nothing, and the accounts are read when used.
   */
  readPaymentAccountsAhead(paymentId: number): Promise<void>;
  setPendingState(id: number, from: 'pending', to: 'posted' | 'voided'): Promise<boolean>;
  listTransfersByRef(refType: string, refId: string): Promise<LedgerTransfer[]>;
  /** totals of all transfers touching each account, for invariant checks */
  transferTotals(): Promise<Array<{ accountId: string } & Required<AccountDelta>>>;
  /**
   * Every account with the totals of the transfers touching it, read in ONE statement: a single snapshot, so a
   * transaction committing meanwhile cannot make an account's totals and its transfers disagree (ledger verify).
   */
  accountsWithTransferTotals(): Promise<Array<{ account: LedgerAccount; transfers: Required<AccountDelta> }>>;
}

export interface CardRepo {
  findByFingerprint(fp: string): Promise<StoredCard | undefined>;
  /**
   * Reads the card of a fingerprint ahead of its use in this transaction, among reads made together, where the store
   * keeps what a transaction read ahead (PostgreSQL): the next `findByFingerprint` of it answers from that read (found
   * or not, as of it) without a statement. Elsewhere it reads nothing.
   */
  readByFingerprintAhead(fp: string): Promise<void>;
  get(id: string): Promise<StoredCard | undefined>;
  insert(c: StoredCard): Promise<void>;
  update(
    id: string,
    patch: Partial<Pick<StoredCard, 'expMonth' | 'expYear' | 'holder' | 'panEncrypted' | 'keyId' | 'fingerprint'>>,
  ): Promise<void>;
  list(afterId: string | null, limit: number): Promise<StoredCard[]>;
}

export interface CardTokenRepo {
  insert(t: CardToken): Promise<void>;
  get(token: string): Promise<CardToken | undefined>;
  /** the token and its card (undefined when the card is gone), read together */
  getWithCard(token: string): Promise<{ token: CardToken; card: StoredCard | undefined } | undefined>;
  markUsed(token: string, at: number): Promise<boolean>;
  list(merchantId: string, face: FaceName, limit: number, offset: number): Promise<CardToken[]>;
}

export interface PaymentRepo {
  insert(p: Payment): Promise<void>;
  get(id: number): Promise<Payment | undefined>;
  lock(id: number): Promise<Payment | undefined>;
  update(p: Payment): Promise<void>;
  list(f: PaymentFilter): Promise<Payment[]>;
  count(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>): Promise<number>;
}

export interface RefundRepo {
  insert(r: Refund): Promise<void>;
  list(paymentId: number): Promise<Refund[]>;
  get(id: number): Promise<Refund | undefined>;
}

export interface PayoutRepo {
  insert(p: Payout): Promise<void>;
  get(id: number): Promise<Payout | undefined>;
  lock(id: number): Promise<Payout | undefined>;
  update(p: Payout): Promise<void>;
  list(f: PayoutFilter): Promise<Payout[]>;
}

/** Authentication challenges (3-D Secure, one-time codes). */
export interface ChallengeRepo {
  insert(c: Challenge): Promise<void>;
  get(id: string): Promise<Challenge | undefined>;
  update(
    id: string,
    patch: Partial<Pick<Challenge, 'status' | 'attempts' | 'completedAt'>>,
    expectStatus?: Challenge['status'],
  ): Promise<boolean>;
  list(merchantId: string | null, limit: number): Promise<Challenge[]>;
}

/** Checkouts (core/checkouts.ts); each face keeps its own fields of one in its table, under the same id. */
export interface CheckoutRepo {
  insert(c: Checkout): Promise<void>;
  get(id: string): Promise<Checkout | undefined>;
  lock(id: string): Promise<Checkout | undefined>;
  update(c: Checkout): Promise<void>;
}

/** Face object references (order slugs, session ids, external ids) to core subjects. */
export interface RefRepo {
  /** records a reference; one already there (same face, merchant, kind and ref) is kept as it is */
  insert(r: ObjectRef): Promise<void>;
  find(face: FaceName, merchantId: string, kind: string, ref: string): Promise<ObjectRef | undefined>;
  findBySubject(subjectType: string, subjectId: string): Promise<ObjectRef[]>;
  search(ref: string, limit: number): Promise<ObjectRef[]>;
}

export interface OutboxRepo {
  insert(e: Omit<OutboxEvent, 'id'>): Promise<number>;
  /** several events in one statement; their ids in the order given */
  insertMany(events: Array<Omit<OutboxEvent, 'id'>>): Promise<number[]>;
  claim(limit: number, now: number, lockMs: number): Promise<OutboxEvent[]>;
  markFannedOut(id: number, fannedOut?: boolean): Promise<void>;
  countPending(): Promise<number>;
  list(subjectType: string, subjectId: string): Promise<OutboxEvent[]>;
  get(eventId: string): Promise<OutboxEvent | undefined>;
}

/** Webhook deliveries and their attempts. */
export interface DeliveryRepo {
  insert(d: Omit<Delivery, 'id'>): Promise<number>;
  claim(limit: number, now: number, lockMs: number): Promise<Delivery[]>;
  get(id: number): Promise<Delivery | undefined>;
  update(
    id: number,
    patch: Partial<Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'deliveredAt'>>,
  ): Promise<void>;
  insertAttempt(a: Omit<DeliveryAttempt, 'id'>): Promise<number>;
  listAttempts(deliveryId: number): Promise<DeliveryAttempt[]>;
  list(f: DeliveryFilter): Promise<Delivery[]>;
  countPending(): Promise<number>;
}

export interface IdempotencyRepo {
  /** inserts a placeholder; false when the key exists (after waiting for a concurrent holder on PostgreSQL) */
  claim(scope: string, key: string, requestHash: string, now: number, expiresAt: number): Promise<boolean>;
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  complete(scope: string, key: string, res: { status: number; headers: Record<string, string>; body: string }): Promise<void>;
  release(scope: string, key: string): Promise<void>;
  purge(before: number): Promise<number>;
}

/** Scheduled jobs (the scheduler's queue). */
export interface JobRepo {
  schedule(kind: string, ref: string, runAt: number, payload: JsonObject): Promise<void>;
  cancel(kind: string, ref: string): Promise<void>;
  claim(limit: number, now: number, lockMs: number): Promise<Job[]>;
  finish(id: number, status: 'done' | 'failed' | 'pending', patch?: { runAt?: number; lastError?: string | null }): Promise<void>;
  nextAt(): Promise<number | null>;
}

/** The API request log behind timelines. */
export interface ApiRequestRepo {
  insert(rows: ApiRequestRecord[]): Promise<void>;
  list(f: { merchantId?: string; subject?: string; limit: number; beforeId?: number }): Promise<ApiRequestRecord[]>;
}

/** Key-value settings shared by every process of the gateway. */
export interface SettingRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** sets the value only when the key has none; returns the value in force (race-free across processes) */
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** Builds a face's query shape once per dialect, with `slot(i)` in place of its i-th value (`Tx.prepared`). */
export type ShapeBuilder<Database, Row> = (db: Kysely<Database>, slot: (i: number) => never) => Compilable<Row>;

/** `Tx.write`: a built query, or a prepared shape by its key. */
export interface FaceWrite {
  (query: Compilable<unknown> | CompiledQuery<unknown>): Promise<void>;
  <Database>(key: string, build: ShapeBuilder<Database, unknown>, args: readonly unknown[]): Promise<void>;
}

/** One store transaction: every repository a command needs; what it changes commits together. */
export interface Tx {
  readonly dialect: 'sqlite' | 'postgres';
  readonly sequences: SequenceRepo;
  readonly merchants: MerchantRepo;
  readonly credentials: CredentialRepo;
  readonly ledger: LedgerRepo;
  readonly cards: CardRepo;
  readonly cardTokens: CardTokenRepo;
  readonly payments: PaymentRepo;
  readonly refunds: RefundRepo;
  readonly payouts: PayoutRepo;
  readonly challenges: ChallengeRepo;
  readonly checkouts: CheckoutRepo;
  readonly refs: RefRepo;
  readonly outbox: OutboxRepo;
  readonly deliveries: DeliveryRepo;
  readonly idempotency: IdempotencyRepo;
  readonly jobs: JobRepo;
  readonly apiRequests: ApiRequestRepo;
  readonly settings: SettingRepo;

  /**
   * Where the store can send reads that do not depend on each other in one round trip (PostgreSQL), it offers this:
   * fn's reads made in the same turn of the event loop (e.g. `Promise.all` of them) travel together. Absent where
   * a read costs no round trip (SQLite): the caller then makes only the reads it needs, one after the other.
   */
  readonly together?: <T>(fn: () => Promise<T>) => Promise<T>;

  /**
   * The query layer (Kysely) over this transaction, for a face's own tables: typed by the face's table definitions
   * (`DatabaseOf` in src/store/table.ts), e.g. `tx.db<NumopayDatabase>()`. (A type-only import: the core runs no SQL.)
   */
  db<Database>(): Kysely<Database>;

  /**
   * A face's hot query by its shape: `build` makes it once per dialect with `slot(i)` in place of its i-th value,
   * and later calls only fill the slots (building and compiling a query costs more than SQLite takes to run it).
   * `key` names the shape and must be unique to it (a face prefixes its name). The rows as the database gives them.
   */
  prepared<Database, Row>(key: string, build: ShapeBuilder<Database, Row>, args: readonly unknown[]): Promise<Row[]>;

  /**
   * A face's write whose answer nobody reads (no RETURNING, no affected-row check): where the store can, it travels
   * with the transaction's next statement that needs an answer, or with its COMMIT (PostgreSQL; a failure then
   * fails that statement and the transaction); elsewhere it runs at once. With `key`, a prepared shape as above.
   */
  readonly write: FaceWrite;

  /**
   * Inserts a face's row (its columns as stored, an undefined one left to its default) as a write above, by a
   * prepared shape per table and set of columns.
   */
  writeRow(table: string, row: object): Promise<void>;
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
