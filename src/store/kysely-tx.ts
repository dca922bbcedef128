// One store transaction: the query layer's handle, the dialect's differences and the account totals the
// transaction changed, with the port's repositories over them (one module each under repos/, the dialect's own
// under sqlite/ and postgres/).
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { FaceWrite, SequenceRepo, ShapeBuilder, Tx } from '../core/ports.js';
import { AccountDeltas } from './account-deltas.js';
import { Queries, type Db, type DeferredWrites, type DialectOps, type IdSource, type Rollbacks } from './queries.js';
import { ApiRequestRepository } from './repos/api-requests.js';
import { CardTokenRepository } from './repos/card-tokens.js';
import { CardRepository } from './repos/cards.js';
import { ChallengeRepository } from './repos/challenges.js';
import { CheckoutRepository } from './repos/checkouts.js';
import { CredentialRepository } from './repos/credentials.js';
import { DeliveryRepository } from './repos/deliveries.js';
import { IdempotencyRepository } from './repos/idempotency.js';
import { JobRepository } from './repos/jobs.js';
import { LedgerRepository } from './repos/ledger.js';
import { MerchantRepository } from './repos/merchants.js';
import { OutboxRepository } from './repos/outbox.js';
import { PaymentRepository } from './repos/payments.js';
import { PayoutRepository } from './repos/payouts.js';
import { RefRepository } from './repos/refs.js';
import { RefundRepository } from './repos/refunds.js';
import { SettingRepository } from './repos/settings.js';

export class KyselyTx implements Tx {
  readonly dialect: 'sqlite' | 'postgres';
  /** the account totals this transaction changed, written at its end */
  readonly deltas = new AccountDeltas();
  private readonly q: Queries;

  readonly sequences: SequenceRepo;
  readonly ledger: LedgerRepository;
  readonly merchants: MerchantRepository;
  readonly credentials: CredentialRepository;
  readonly cards: CardRepository;
  readonly cardTokens: CardTokenRepository;
  readonly payments: PaymentRepository;
  readonly refunds: RefundRepository;
  readonly payouts: PayoutRepository;
  readonly challenges: ChallengeRepository;
  readonly checkouts: CheckoutRepository;
  readonly refs: RefRepository;
  readonly outbox: OutboxRepository;
  readonly deliveries: DeliveryRepository;
  readonly idempotency: IdempotencyRepository;
  readonly jobs: JobRepository;
  readonly apiRequests: ApiRequestRepository;
  readonly settings: SettingRepository;
  /** reads made together travel in one round trip (PostgreSQL transactions only) */
  readonly together?: <T>(fn: () => Promise<T>) => Promise<T>;

  /**
   * deferred: where the transaction keeps its writes whose answer nobody reads (PostgreSQL), if anywhere; ids: where
   * it takes the ids of the transfers and events it inserts before inserting them (PostgreSQL), if anywhere;
   * rollbacks: where it learns of its rollbacks to a savepoint, when it holds its rows until it ends (a transaction,
   * not a read outside one)
   */
  constructor(
    db: Db,
    ops: DialectOps,
    deferred: DeferredWrites | null = null,
    ids: IdSource | null = null,
    rollbacks: Rollbacks | null = deferred,
  ) {
    this.dialect = ops.name;
    const q = (this.q = new Queries(db, ops, deferred, ids, rollbacks));
    this.sequences = ops.sequences(q);
    this.ledger = new LedgerRepository(q, this.deltas);
    this.merchants = new MerchantRepository(q, this.ledger);
    this.credentials = new CredentialRepository(q);
    this.cards = new CardRepository(q);
    this.cardTokens = new CardTokenRepository(q);
    this.payments = new PaymentRepository(q);
    this.refunds = new RefundRepository(q);
    this.payouts = new PayoutRepository(q);
    this.challenges = new ChallengeRepository(q);
    this.checkouts = new CheckoutRepository(q);
    this.refs = new RefRepository(q);
    this.outbox = new OutboxRepository(q);
    this.deliveries = new DeliveryRepository(q);
    this.idempotency = new IdempotencyRepository(q);
    this.jobs = new JobRepository(q);
    this.apiRequests = new ApiRequestRepository(q);
    this.settings = new SettingRepository(q);
    if (deferred) this.together = (fn) => deferred.together(fn);
  }

  /** The query layer over this transaction, typed by the caller's tables (a face's, defined with table.ts). */
  db<Database>(): Kysely<Database> {
    return this.q.db as unknown as Kysely<Database>;
  }

  /** A face's hot query by its prepared shape (prepared.ts): built and compiled once per dialect. */
  async prepared<Database, Row>(key: string, build: ShapeBuilder<Database, Row>, args: readonly unknown[]): Promise<Row[]> {
    return (await this.q.prepared<Row>(key, (slot) => build(this.db<Database>(), slot as (i: number) => never), args)).rows;
  }

  /** A face's write whose answer nobody reads: deferred where the store defers writes (Queries.write). */
  readonly write = ((
    query: Compilable<unknown> | CompiledQuery<unknown> | string,
    build?: ShapeBuilder<unknown, unknown>,
    args?: readonly unknown[],
  ) =>
    typeof query !== 'string'
      ? this.q.write(query)
      : this.q.writePrepared(query, (slot) => build!(this.db(), slot as (i: number) => never), args ?? [])) as FaceWrite;

  /** A face's row inserted as a deferrable write, by a prepared shape per table and set of columns. */
  writeRow(table: string, row: object): Promise<void> {
    return this.q.writeRow(table, row);
  }

  /** Writes the account totals this transaction changed (the store calls it just before commit). */
  flushAccounts(): Promise<void> {
    return this.ledger.flushTotals();
  }
}
