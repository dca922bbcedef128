// The store port implemented once over the query layer; the dialect differences (sequences, row locks,
// SKIP LOCKED claims) come from a DialectOps object of the dialect's own file.
import { sql, type Compilable, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { CoreError } from '../core/errors.js';
import type {
  ApiRequestRepo,
  CardRepo,
  CardTokenRepo,
  ChallengeRepo,
  CredentialRepo,
  DeliveryRepo,
  IdempotencyRepo,
  JobRepo,
  LedgerRepo,
  MerchantRepo,
  OutboxRepo,
  PaymentFilter,
  PaymentRepo,
  PayoutRepo,
  RefRepo,
  RefundRepo,
  SequenceRepo,
  SettingRepo,
  Tx,
} from '../core/ports.js';
import type {
  ApiRequestRecord,
  CardToken,
  Challenge,
  Credential,
  Delivery,
  DeliveryAttempt,
  FaceName,
  IdempotencyRecord,
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
import type { CoreDatabase } from './schema.js';
import { runPrepared, type SlotOf } from './prepared.js';
import { guarded } from './ledger-guards.js';
import * as R from './rows.js';

export type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

type AccountTotals = Pick<LedgerAccount, 'debitsPending' | 'debitsPosted' | 'creditsPending' | 'creditsPosted'>;

export interface DialectOps {
  readonly name: 'sqlite' | 'postgres';
  nextTransactionId(db: Db): Promise<number>;
  /** adds FOR UPDATE where the dialect has row locks */
  forUpdate<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB;
  /** adds FOR UPDATE SKIP LOCKED where the dialect has it */
  skipLocked<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB;
  isUniqueViolation(e: unknown): boolean;
}

export class KyselyTx implements Tx {
  readonly dialect: 'sqlite' | 'postgres';
  private deltas: Map<string, AccountTotals> | null = null;
  constructor(
    readonly db: Db,
    private readonly ops: DialectOps,
  ) {
    this.dialect = ops.name;
  }

  get raw(): Db {
    return this.db;
  }

  // ---- the port's repositories (each delegates to this transaction's queries below)
  readonly sequences: SequenceRepo = {
    nextTransactionId: (...a) => this.nextTransactionId(...a),
  };
  readonly merchants: MerchantRepo = {
    insert: (...a) => this.insertMerchant(...a),
    get: (...a) => this.getMerchant(...a),
    list: (...a) => this.listMerchants(...a),
    updateSettings: (...a) => this.updateMerchantSettings(...a),
    delete: (...a) => this.deleteMerchant(...a),
    purge: (...a) => this.purgeMerchant(...a),
  };
  readonly credentials: CredentialRepo = {
    insert: (...a) => this.insertCredential(...a),
    find: (...a) => this.findCredential(...a),
    listByFace: (...a) => this.listCredentialsByFace(...a),
    list: (...a) => this.listCredentials(...a),
    update: (...a) => this.updateCredential(...a),
  };
  readonly ledger: LedgerRepo = {
    getAccount: (...a) => this.getAccount(...a),
    findAccount: (...a) => this.findAccount(...a),
    lockAccount: (...a) => this.lockAccount(...a),
    insertAccount: (...a) => this.insertAccount(...a),
    listAccounts: (...a) => this.listAccounts(...a),
    addToAccount: (...a) => this.addToAccount(...a),
    insertTransfer: (...a) => this.insertTransfer(...a),
    getTransfer: (...a) => this.getTransfer(...a),
    setPendingState: (...a) => this.setPendingState(...a),
    listTransfersByRef: (...a) => this.listTransfersByRef(...a),
    transferTotals: (...a) => this.transferTotals(...a),
  };
  readonly cards: CardRepo = {
    findByFingerprint: (...a) => this.findCardByFingerprint(...a),
    get: (...a) => this.getCard(...a),
    insert: (...a) => this.insertCard(...a),
    update: (...a) => this.updateCard(...a),
    list: (...a) => this.listCards(...a),
  };
  readonly cardTokens: CardTokenRepo = {
    insert: (...a) => this.insertCardToken(...a),
    get: (...a) => this.getCardToken(...a),
    markUsed: (...a) => this.markCardTokenUsed(...a),
    list: (...a) => this.listCardTokens(...a),
  };
  readonly payments: PaymentRepo = {
    insert: (...a) => this.insertPayment(...a),
    get: (...a) => this.getPayment(...a),
    lock: (...a) => this.lockPayment(...a),
    update: (...a) => this.updatePayment(...a),
    list: (...a) => this.listPayments(...a),
    count: (...a) => this.countPayments(...a),
  };
  readonly refunds: RefundRepo = {
    insert: (...a) => this.insertRefund(...a),
    list: (...a) => this.listRefunds(...a),
    get: (...a) => this.getRefund(...a),
  };
  readonly payouts: PayoutRepo = {
    insert: (...a) => this.insertPayout(...a),
    get: (...a) => this.getPayout(...a),
    lock: (...a) => this.lockPayout(...a),
    update: (...a) => this.updatePayout(...a),
    list: (...a) => this.listPayouts(...a),
  };
  readonly challenges: ChallengeRepo = {
    insert: (...a) => this.insertChallenge(...a),
    get: (...a) => this.getChallenge(...a),
    update: (...a) => this.updateChallenge(...a),
    list: (...a) => this.listChallenges(...a),
  };
  readonly refs: RefRepo = {
    insert: (...a) => this.insertRef(...a),
    find: (...a) => this.findRef(...a),
    findBySubject: (...a) => this.findRefsBySubject(...a),
    search: (...a) => this.searchRefs(...a),
  };
  readonly outbox: OutboxRepo = {
    insert: (...a) => this.insertEvent(...a),
    insertMany: (...a) => this.insertEvents(...a),
    claim: (...a) => this.claimEvents(...a),
    markFannedOut: (...a) => this.markEventFannedOut(...a),
    countPending: (...a) => this.countPendingEvents(...a),
    list: (...a) => this.listEvents(...a),
    get: (...a) => this.getEvent(...a),
  };
  readonly deliveries: DeliveryRepo = {
    insert: (...a) => this.insertDelivery(...a),
    claim: (...a) => this.claimDeliveries(...a),
    get: (...a) => this.getDelivery(...a),
    update: (...a) => this.updateDelivery(...a),
    insertAttempt: (...a) => this.insertAttempt(...a),
    listAttempts: (...a) => this.listAttempts(...a),
    list: (...a) => this.listDeliveries(...a),
    countPending: (...a) => this.countPendingDeliveries(...a),
  };
  readonly idempotency: IdempotencyRepo = {
    claim: (...a) => this.claimIdempotency(...a),
    get: (...a) => this.getIdempotency(...a),
    complete: (...a) => this.completeIdempotency(...a),
    release: (...a) => this.releaseIdempotency(...a),
    purge: (...a) => this.purgeIdempotency(...a),
  };
  readonly jobs: JobRepo = {
    schedule: (...a) => this.scheduleJob(...a),
    cancel: (...a) => this.cancelJob(...a),
    claim: (...a) => this.claimJobs(...a),
    finish: (...a) => this.finishJob(...a),
    nextAt: (...a) => this.nextJobAt(...a),
  };
  readonly apiRequests: ApiRequestRepo = {
    insert: (...a) => this.insertApiRequests(...a),
    list: (...a) => this.listApiRequests(...a),
  };
  readonly settings: SettingRepo = {
    get: (...a) => this.getSetting(...a),
    set: (...a) => this.setSetting(...a),
    setIfAbsent: (...a) => this.setSettingIfAbsent(...a),
  };

  /** A hot query by its prepared shape (prepared.ts): built and compiled once, then only its values change. */
  private prepared<Row = any>(key: string, build: (slot: SlotOf) => Compilable<unknown>, args: readonly unknown[]) {
    return runPrepared<Row>(this.db, this.ops.name, key, build, args);
  }
  private async first<Row = any>(
    key: string,
    build: (slot: SlotOf) => Compilable<unknown>,
    args: readonly unknown[],
  ): Promise<Row | undefined> {
    return (await this.prepared<Row>(key, build, args)).rows[0];
  }
  /** Inserts a row whose columns are all given (the shape is keyed by its column list). */
  private insertRow(table: keyof CoreDatabase & string, row: object, returningId = false) {
    const values = row as Record<string, unknown>;
    // as the query builder does, an undefined value leaves its column to the default
    const cols = Object.keys(values).filter((c) => values[c] !== undefined);
    return this.prepared<{ id: unknown }>(
      `insert:${table}:${cols.join(',')}${returningId ? ':id' : ''}`,
      (slot) => {
        const q = this.db.insertInto(table).values(Object.fromEntries(cols.map((c, i) => [c, slot(i)])) as any);
        return returningId ? q.returning('id' as any) : q;
      },
      cols.map((c) => values[c]),
    );
  }

  nextTransactionId(): Promise<number> {
    return this.ops.nextTransactionId(this.db);
  }

  // ---- merchants
  async insertMerchant(m: Merchant): Promise<void> {
    await this.db
      .insertInto('merchants')
      .values({ id: m.id, name: m.name, settings: JSON.stringify(m.settings), created_at: m.createdAt })
      .execute();
  }
  async getMerchant(id: string): Promise<Merchant | undefined> {
    const r = await this.first('merchants.get', (slot) => this.db.selectFrom('merchants').selectAll().where('id', '=', slot(0)), [id]);
    return r && R.toMerchant(r);
  }
  async listMerchants(): Promise<Merchant[]> {
    return (await this.db.selectFrom('merchants').selectAll().orderBy('created_at').orderBy('id').execute()).map(R.toMerchant);
  }
  async updateMerchantSettings(id: string, settings: JsonObject): Promise<void> {
    await this.db
      .updateTable('merchants')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', id)
      .execute();
  }
  async deleteMerchant(id: string): Promise<void> {
    await this.db.deleteFrom('merchants').where('id', '=', id).execute();
  }
  async insertCredential(c: Credential): Promise<void> {
    await this.db
      .insertInto('credentials')
      .values({
        id: c.id,
        merchant_id: c.merchantId,
        face: c.face,
        key: c.key,
        secret: c.secret,
        data: JSON.stringify(c.data),
        status: c.status,
        created_at: c.createdAt,
      })
      .execute();
  }
  async findCredential(face: FaceName, key: string): Promise<Credential | undefined> {
    const r = await this.first(
      'credentials.find',
      (slot) => this.db.selectFrom('credentials').selectAll().where('face', '=', slot(0)).where('key', '=', slot(1)),
      [face, key],
    );
    return r && R.toCredential(r);
  }
  async listCredentialsByFace(face: FaceName, limit: number): Promise<Credential[]> {
    return (
      await this.db
        .selectFrom('credentials')
        .selectAll()
        .where('face', '=', face)
        .where('status', '=', 'active')
        .orderBy('created_at')
        .limit(limit)
        .execute()
    ).map(R.toCredential);
  }
  async listCredentials(merchantId: string): Promise<Credential[]> {
    return (await this.db.selectFrom('credentials').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at').execute()).map(
      R.toCredential,
    );
  }
  async updateCredential(id: string, patch: Partial<Pick<Credential, 'secret' | 'status' | 'data'>>): Promise<void> {
    const set: Record<string, unknown> = {};
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.data !== undefined) set.data = JSON.stringify(patch.data);
    if (Object.keys(set).length) await this.db.updateTable('credentials').set(set).where('id', '=', id).execute();
  }

  // ---- ledger
  async getAccount(id: string): Promise<LedgerAccount | undefined> {
    const r = await this.first('accounts.get', (slot) => this.db.selectFrom('accounts').selectAll().where('id', '=', slot(0)), [id]);
    return r && this.withDeltas(R.toAccount(r));
  }
  async findAccount(merchantId: string, currency: string, kind: string): Promise<LedgerAccount | undefined> {
    const r = await this.first(
      'accounts.find',
      (slot) =>
        this.db
          .selectFrom('accounts')
          .selectAll()
          .where('merchant_id', '=', slot(0))
          .where('currency', '=', slot(1))
          .where('kind', '=', slot(2)),
      [merchantId, currency, kind],
    );
    return r && this.withDeltas(R.toAccount(r));
  }
  async lockAccount(id: string): Promise<LedgerAccount | undefined> {
    const r = await this.first(
      'accounts.lock',
      (slot) => this.ops.forUpdate(this.db.selectFrom('accounts').selectAll().where('id', '=', slot(0))),
      [id],
    );
    return r && this.withDeltas(R.toAccount(r));
  }
  async insertAccount(a: LedgerAccount): Promise<boolean> {
    const res = await this.db
      .insertInto('accounts')
      .values({
        id: a.id,
        merchant_id: a.merchantId,
        currency: a.currency,
        kind: a.kind,
        debits_pending: a.debitsPending,
        debits_posted: a.debitsPosted,
        credits_pending: a.creditsPending,
        credits_posted: a.creditsPosted,
        created_at: a.createdAt,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'currency', 'kind']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async listAccounts(merchantId?: string): Promise<LedgerAccount[]> {
    let q = this.db.selectFrom('accounts').selectAll();
    if (merchantId !== undefined) q = q.where('merchant_id', '=', merchantId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map((r) => this.withDeltas(R.toAccount(r)));
  }
  /**
   * Account totals change at the end of the transaction (flushAccounts, called by the store just before
   * commit), in the order of the account ids: a hot account's row (a merchant's balance, the network's) is then
   * locked only for the commit instead of for the rest of the command, and two transactions never lock the same
   * accounts in opposite orders. Reads through this transaction see the totals with its own changes.
   */
  async addToAccount(id: string, d: Partial<AccountTotals>): Promise<void> {
    this.deltas ??= new Map();
    const t = this.deltas.get(id) ?? { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
    t.debitsPending += d.debitsPending ?? 0n;
    t.debitsPosted += d.debitsPosted ?? 0n;
    t.creditsPending += d.creditsPending ?? 0n;
    t.creditsPosted += d.creditsPosted ?? 0n;
    this.deltas.set(id, t);
  }
  private withDeltas(a: LedgerAccount): LedgerAccount {
    const d = this.deltas?.get(a.id);
    if (!d) return a;
    return {
      ...a,
      debitsPending: a.debitsPending + d.debitsPending,
      debitsPosted: a.debitsPosted + d.debitsPosted,
      creditsPending: a.creditsPending + d.creditsPending,
      creditsPosted: a.creditsPosted + d.creditsPosted,
    };
  }
  /**
   * The account totals this transaction changed as SQL statements with their values inlined (amounts are
   * integers, ids are checked), for a store that sends them with its COMMIT in one round trip; null when an id
   * does not qualify (then flushAccounts is used).
   */
  takeAccountsSql(): string | null {
    const changed = this.changedAccounts();
    if (changed.some(([id]) => !/^[A-Za-z0-9_-]{1,64}$/.test(id))) return null;
    this.deltas = null;
    let out = '';
    for (const [id, d] of changed) {
      out +=
        `update accounts set debits_pending = debits_pending + ${d.debitsPending}, debits_posted = debits_posted + ${d.debitsPosted}, ` +
        `credits_pending = credits_pending + ${d.creditsPending}, credits_posted = credits_posted + ${d.creditsPosted} where id = '${id}';\n`;
    }
    return out;
  }

  /** The accounts this transaction changed, in id order (the order rows are locked in), without those it left as they were. */
  private changedAccounts(): Array<[string, AccountTotals]> {
    if (!this.deltas) return [];
    return [...this.deltas]
      .filter(([, d]) => d.debitsPending !== 0n || d.debitsPosted !== 0n || d.creditsPending !== 0n || d.creditsPosted !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Writes the account totals this transaction changed (the store calls it just before commit). A total the
   * store's guards refuse (beyond the 64-bit range, or negative) comes out as its coded CoreError.
   */
  async flushAccounts(): Promise<void> {
    const changed = this.changedAccounts();
    this.deltas = null;
    for (const [id, d] of changed) {
      await guarded(() =>
        this.prepared(
          'accounts.add',
          (slot) =>
            this.db
              .updateTable('accounts')
              .set((eb) => ({
                debits_pending: eb('debits_pending', '+', slot(0)),
                debits_posted: eb('debits_posted', '+', slot(1)),
                credits_pending: eb('credits_pending', '+', slot(2)),
                credits_posted: eb('credits_posted', '+', slot(3)),
              }))
              .where('id', '=', slot(4)),
          [d.debitsPending, d.debitsPosted, d.creditsPending, d.creditsPosted, id],
        ),
      );
    }
  }
  async insertTransfer(t: Omit<LedgerTransfer, 'id'>): Promise<number> {
    const r = await guarded(() =>
      this.insertRow(
        'ledger_transfers',
        {
          kind: t.kind,
          debit_account_id: t.debitAccountId,
          credit_account_id: t.creditAccountId,
          amount: t.amount,
          currency: t.currency,
          pending_id: t.pendingId,
          pending_state: t.pendingState,
          code: t.code,
          ref_type: t.refType,
          ref_id: t.refId,
          created_at: t.createdAt,
        },
        true,
      ),
    );
    return R.num(r.rows[0]!.id);
  }
  async getTransfer(id: number): Promise<LedgerTransfer | undefined> {
    const r = await this.first('transfers.get', (slot) => this.db.selectFrom('ledger_transfers').selectAll().where('id', '=', slot(0)), [
      id,
    ]);
    return r && R.toTransfer(r);
  }
  async setPendingState(id: number, from: 'pending', to: 'posted' | 'voided'): Promise<boolean> {
    const res = await this.prepared(
      'transfers.setPendingState',
      (slot) =>
        this.db
          .updateTable('ledger_transfers')
          .set({ pending_state: slot(0) })
          .where('id', '=', slot(1))
          .where('pending_state', '=', slot(2)),
      [to, id, from],
    );
    return Number(res.numAffectedRows) === 1;
  }
  async listTransfersByRef(refType: string, refId: string): Promise<LedgerTransfer[]> {
    return (
      await this.db
        .selectFrom('ledger_transfers')
        .selectAll()
        .where('ref_type', '=', refType)
        .where('ref_id', '=', refId)
        .orderBy('id')
        .execute()
    ).map(R.toTransfer);
  }
  async transferTotals() {
    // Pending amounts count while a pending transfer is unresolved; resolution moves them to posted.
    const rows = await sql<{ account_id: string; dp: unknown; dpo: unknown; cp: unknown; cpo: unknown }>`
      select account_id, sum(dp) as dp, sum(dpo) as dpo, sum(cp) as cp, sum(cpo) as cpo from (
        select debit_account_id as account_id,
               case when kind = 'pending' and pending_state = 'pending' then amount else 0 end as dp,
               case when kind in ('posted', 'post_pending') then amount else 0 end as dpo,
               0 as cp, 0 as cpo
          from ledger_transfers
        union all
        select credit_account_id as account_id, 0, 0,
               case when kind = 'pending' and pending_state = 'pending' then amount else 0 end,
               case when kind in ('posted', 'post_pending') then amount else 0 end
          from ledger_transfers
      ) t group by account_id`
      .execute(this.db)
      .catch((e: unknown) => {
        // SQLite's sum() refuses a total past the 64-bit range; the guards keep every account's within it
        if (e instanceof Error && e.message === 'integer overflow')
          throw new CoreError('LEDGER_INVARIANT', "an account's transfers add up to more than the ledger can hold");
        throw e;
      });
    return rows.rows.map((r) => ({
      accountId: r.account_id,
      debitsPending: R.big(r.dp ?? 0),
      debitsPosted: R.big(r.dpo ?? 0),
      creditsPending: R.big(r.cp ?? 0),
      creditsPosted: R.big(r.cpo ?? 0),
    }));
  }

  // ---- cards
  async findCardByFingerprint(fp: string): Promise<StoredCard | undefined> {
    const r = await this.db.selectFrom('cards').selectAll().where('fingerprint', '=', fp).executeTakeFirst();
    return r && R.toCard(r);
  }
  async getCard(id: string): Promise<StoredCard | undefined> {
    const r = await this.first('cards.get', (slot) => this.db.selectFrom('cards').selectAll().where('id', '=', slot(0)), [id]);
    return r && R.toCard(r);
  }
  async insertCard(c: StoredCard): Promise<void> {
    await this.db
      .insertInto('cards')
      .values({
        id: c.id,
        fingerprint: c.fingerprint,
        pan_encrypted: c.panEncrypted,
        key_id: c.keyId,
        first6: c.first6,
        last4: c.last4,
        brand: c.brand,
        exp_month: c.expMonth,
        exp_year: c.expYear,
        holder: c.holder,
        created_at: c.createdAt,
      })
      .onConflict((oc) => oc.column('fingerprint').doNothing())
      .execute();
  }
  async updateCard(
    id: string,
    patch: Partial<Pick<StoredCard, 'expMonth' | 'expYear' | 'holder' | 'panEncrypted' | 'keyId' | 'fingerprint'>>,
  ): Promise<void> {
    const set: Record<string, unknown> = {};
    if (patch.expMonth !== undefined) set.exp_month = patch.expMonth;
    if (patch.expYear !== undefined) set.exp_year = patch.expYear;
    if (patch.holder !== undefined) set.holder = patch.holder;
    if (patch.panEncrypted !== undefined) set.pan_encrypted = patch.panEncrypted;
    if (patch.keyId !== undefined) set.key_id = patch.keyId;
    if (patch.fingerprint !== undefined) set.fingerprint = patch.fingerprint;
    if (Object.keys(set).length) await this.db.updateTable('cards').set(set).where('id', '=', id).execute();
  }
  async listCards(afterId: string | null, limit: number): Promise<StoredCard[]> {
    let q = this.db.selectFrom('cards').selectAll();
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(R.toCard);
  }
  async insertCardToken(t: CardToken): Promise<void> {
    await this.db
      .insertInto('card_tokens')
      .values({
        token: t.token,
        merchant_id: t.merchantId,
        card_id: t.cardId,
        face: t.face,
        kind: t.kind,
        payer_ref: t.payerRef,
        expires_at: t.expiresAt,
        used_at: t.usedAt,
        created_at: t.createdAt,
      })
      .execute();
  }
  async getCardToken(token: string): Promise<CardToken | undefined> {
    const r = await this.first('cardTokens.get', (slot) => this.db.selectFrom('card_tokens').selectAll().where('token', '=', slot(0)), [
      token,
    ]);
    return r && R.toCardToken(r);
  }
  async markCardTokenUsed(token: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('card_tokens')
      .set({ used_at: at })
      .where('token', '=', token)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
  async listCardTokens(merchantId: string, face: FaceName, limit: number, offset: number): Promise<CardToken[]> {
    return (
      await this.db
        .selectFrom('card_tokens')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('face', '=', face)
        .where('kind', '=', 'recurring')
        .orderBy('created_at')
        .orderBy('token')
        .limit(limit)
        .offset(offset)
        .execute()
    ).map(R.toCardToken);
  }

  // ---- payments
  async insertPayment(p: Payment): Promise<void> {
    await this.insertRow('payments', R.fromPayment(p));
  }
  async getPayment(id: number): Promise<Payment | undefined> {
    const r = await this.first('payments.get', (slot) => this.db.selectFrom('payments').selectAll().where('id', '=', slot(0)), [id]);
    return r && R.toPayment(r);
  }
  async lockPayment(id: number): Promise<Payment | undefined> {
    const r = await this.first(
      'payments.lock',
      (slot) => this.ops.forUpdate(this.db.selectFrom('payments').selectAll().where('id', '=', slot(0))),
      [id],
    );
    return r && R.toPayment(r);
  }
  async updatePayment(p: Payment): Promise<void> {
    const { id: _id, ...rest } = R.fromPayment(p);
    const cols = Object.keys(rest) as Array<keyof typeof rest>;
    await this.prepared(
      `payments.update:${cols.join(',')}`,
      (slot) =>
        this.db
          .updateTable('payments')
          .set(Object.fromEntries(cols.map((c, i) => [c, slot(i)])))
          .where('id', '=', slot(cols.length)),
      [...cols.map((c) => rest[c] ?? null), p.id],
    );
  }
  private paymentQuery(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>) {
    let q = this.db.selectFrom('payments');
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.face !== undefined) q = q.where('face', '=', f.face);
    if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    if (f.currency !== undefined) q = q.where('currency', '=', f.currency);
    if (f.invoiceId !== undefined) q = q.where('invoice_id', '=', f.invoiceId);
    if (f.payerRef !== undefined) q = q.where('payer_ref', '=', f.payerRef);
    return q;
  }
  async listPayments(f: PaymentFilter): Promise<Payment[]> {
    const dir = f.order ?? 'desc';
    const rows = await this.paymentQuery(f)
      .selectAll()
      .orderBy('created_at', dir)
      .orderBy('id', dir)
      .limit(f.limit)
      .offset(f.offset ?? 0)
      .execute();
    return rows.map(R.toPayment);
  }
  async countPayments(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>): Promise<number> {
    const r = await this.paymentQuery(f)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return R.num(r.n);
  }
  async insertRefund(r: Refund): Promise<void> {
    await this.db
      .insertInto('refunds')
      .values({
        id: r.id,
        payment_id: r.paymentId,
        merchant_id: r.merchantId,
        amount: r.amount,
        currency: r.currency,
        status: r.status,
        transfer_id: r.transferId,
        metadata: JSON.stringify(r.metadata),
        created_at: r.createdAt,
      })
      .execute();
  }
  async listRefunds(paymentId: number): Promise<Refund[]> {
    return (await this.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute()).map(R.toRefund);
  }
  async getRefund(id: number): Promise<Refund | undefined> {
    const r = await this.db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
    return r && R.toRefund(r);
  }

  // ---- payouts
  async insertPayout(p: Payout): Promise<void> {
    await this.db.insertInto('payouts').values(R.fromPayout(p)).execute();
  }
  async getPayout(id: number): Promise<Payout | undefined> {
    const r = await this.db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && R.toPayout(r);
  }
  async lockPayout(id: number): Promise<Payout | undefined> {
    const r = await this.ops.forUpdate(this.db.selectFrom('payouts').selectAll().where('id', '=', id)).executeTakeFirst();
    return r && R.toPayout(r);
  }
  async updatePayout(p: Payout): Promise<void> {
    const { id: _id, ...rest } = R.fromPayout(p);
    await this.db.updateTable('payouts').set(rest).where('id', '=', p.id).execute();
  }

  async listPayouts(f: {
    merchantId?: string;
    face?: FaceName;
    currency?: string;
    createdFrom?: number;
    createdTo?: number;
    order?: 'asc' | 'desc';
    limit: number;
    offset?: number;
  }): Promise<Payout[]> {
    let q = this.db.selectFrom('payouts').selectAll();
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.face !== undefined) q = q.where('face', '=', f.face);
    if (f.currency !== undefined) q = q.where('currency', '=', f.currency);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    const dir = f.order ?? 'desc';
    return (
      await q
        .orderBy('created_at', dir)
        .orderBy('id', dir)
        .limit(f.limit)
        .offset(f.offset ?? 0)
        .execute()
    ).map(R.toPayout);
  }

  // ---- challenges
  async insertChallenge(c: Challenge): Promise<void> {
    await this.db
      .insertInto('challenges')
      .values({
        id: c.id,
        merchant_id: c.merchantId,
        subject_type: c.subjectType,
        subject_id: c.subjectId,
        kind: c.kind,
        status: c.status,
        otp_code: c.otpCode,
        attempts: c.attempts,
        display: JSON.stringify(c.display),
        expires_at: c.expiresAt,
        created_at: c.createdAt,
        completed_at: c.completedAt,
      })
      .execute();
  }
  async getChallenge(id: string): Promise<Challenge | undefined> {
    const r = await this.ops.forUpdate(this.db.selectFrom('challenges').selectAll().where('id', '=', id)).executeTakeFirst();
    return r && R.toChallenge(r);
  }
  async updateChallenge(
    id: string,
    patch: Partial<Pick<Challenge, 'status' | 'attempts' | 'completedAt'>>,
    expectStatus?: Challenge['status'],
  ): Promise<boolean> {
    const set: Record<string, unknown> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.completedAt !== undefined) set.completed_at = patch.completedAt;
    let q = this.db.updateTable('challenges').set(set).where('id', '=', id);
    if (expectStatus) q = q.where('status', '=', expectStatus);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
  async listChallenges(merchantId: string | null, limit: number): Promise<Challenge[]> {
    let q = this.db.selectFrom('challenges').selectAll();
    if (merchantId) q = q.where('merchant_id', '=', merchantId);
    return (await q.orderBy('created_at', 'desc').limit(limit).execute()).map(R.toChallenge);
  }

  // ---- refs
  async insertRef(r: ObjectRef): Promise<boolean> {
    const res = await this.db
      .insertInto('refs')
      .values({ face: r.face, merchant_id: r.merchantId, kind: r.kind, ref: r.ref, subject_type: r.subjectType, subject_id: r.subjectId })
      .onConflict((oc) => oc.columns(['face', 'merchant_id', 'kind', 'ref']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async findRef(face: FaceName, merchantId: string, kind: string, ref: string): Promise<ObjectRef | undefined> {
    const r = await this.db
      .selectFrom('refs')
      .selectAll()
      .where('face', '=', face)
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', kind)
      .where('ref', '=', ref)
      .executeTakeFirst();
    return r && R.toRef(r);
  }
  async findRefsBySubject(subjectType: string, subjectId: string): Promise<ObjectRef[]> {
    return (
      await this.db.selectFrom('refs').selectAll().where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).execute()
    ).map(R.toRef);
  }
  async searchRefs(ref: string, limit: number): Promise<ObjectRef[]> {
    return (await this.db.selectFrom('refs').selectAll().where('ref', '=', ref).limit(limit).execute()).map(R.toRef);
  }

  // ---- outbox
  async insertEvent(e: Omit<OutboxEvent, 'id'>): Promise<number> {
    return (await this.outbox.insertMany([e]))[0]!;
  }
  /** Inserts events in one statement; returns their ids in the order given. */
  async insertEvents(events: Array<Omit<OutboxEvent, 'id'>>): Promise<number[]> {
    if (events.length === 0) return [];
    // a statement holds at most 64 events (10 parameters each, far below either database's limit)
    if (events.length > 64) {
      const ids: number[] = [];
      for (let i = 0; i < events.length; i += 64) ids.push(...(await this.outbox.insertMany(events.slice(i, i + 64))));
      return ids;
    }
    const cols = [
      'event_id',
      'merchant_id',
      'face',
      'type',
      'subject_type',
      'subject_id',
      'payload',
      'created_at',
      'fanned_out',
      'locked_until',
    ] as const;
    const rowOf = (e: Omit<OutboxEvent, 'id'>) => [
      e.eventId,
      e.merchantId,
      e.face,
      e.type,
      e.subjectType,
      e.subjectId,
      JSON.stringify(e.payload),
      e.createdAt,
      e.fannedOut ? 1 : 0,
      0,
    ];
    const { rows } = await this.prepared<{ id: unknown; event_id: string }>(
      `outbox.insert:${events.length}`,
      (slot) =>
        this.db
          .insertInto('outbox')
          .values(events.map((_, r) => Object.fromEntries(cols.map((c, i) => [c, slot(r * cols.length + i)]))) as any)
          .returning(['id', 'event_id']),
      events.flatMap(rowOf),
    );
    // the order of RETURNING rows is not promised: match them by event id
    const ids = new Map(rows.map((r) => [r.event_id, R.num(r.id)]));
    return events.map((e) => ids.get(e.eventId)!);
  }
  async claimEvents(limit: number, now: number, lockMs: number): Promise<OutboxEvent[]> {
    const ids = this.ops.skipLocked(
      this.db.selectFrom('outbox').select('id').where('fanned_out', '=', 0).where('locked_until', '<=', now).orderBy('id').limit(limit),
    );
    const rows = await this.db
      .updateTable('outbox')
      .set({ locked_until: now + lockMs })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.map(R.toEvent).sort((a, b) => a.id - b.id);
  }
  async markEventFannedOut(id: number, fannedOut = true): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ fanned_out: fannedOut ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }
  async countPendingEvents(): Promise<number> {
    const r = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('fanned_out', '=', 0)
      .executeTakeFirstOrThrow();
    return R.num(r.n);
  }
  async listEvents(subjectType: string, subjectId: string): Promise<OutboxEvent[]> {
    return (
      await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('subject_type', '=', subjectType)
        .where('subject_id', '=', subjectId)
        .orderBy('id')
        .execute()
    ).map(R.toEvent);
  }
  async getEvent(eventId: string): Promise<OutboxEvent | undefined> {
    const r = await this.db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    return r && R.toEvent(r);
  }
  async insertDelivery(d: Omit<Delivery, 'id'>): Promise<number> {
    const r = await this.insertRow(
      'deliveries',
      {
        event_id: d.eventId,
        merchant_id: d.merchantId,
        face: d.face,
        kind: d.kind,
        subject_type: d.subjectType,
        subject_id: d.subjectId,
        url: d.url,
        method: d.method,
        headers: JSON.stringify(d.headers),
        body: d.body,
        status: d.status,
        attempts: d.attempts,
        schedule: JSON.stringify(d.schedule),
        max_attempts: d.maxAttempts,
        next_attempt_at: d.nextAttemptAt,
        locked_until: 0,
        last_status: d.lastStatus,
        last_error: d.lastError,
        created_at: d.createdAt,
        delivered_at: d.deliveredAt,
      },
      true,
    );
    return R.num(r.rows[0]!.id);
  }
  async claimDeliveries(limit: number, now: number, lockMs: number): Promise<Delivery[]> {
    const { rows } = await this.prepared(
      'deliveries.claim',
      (slot) => {
        const ids = this.ops.skipLocked(
          this.db
            .selectFrom('deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', slot(0))
            .where('locked_until', '<=', slot(0))
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(slot(1)),
        );
        return this.db
          .updateTable('deliveries')
          .set({ locked_until: slot(2) })
          .where('id', 'in', ids)
          .returningAll();
      },
      [now, limit, now + lockMs],
    );
    return rows.map(R.toDelivery).sort((a, b) => a.id - b.id);
  }
  async getDelivery(id: number): Promise<Delivery | undefined> {
    const r = await this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return r && R.toDelivery(r);
  }
  async updateDelivery(
    id: number,
    patch: Partial<Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'deliveredAt'>>,
  ): Promise<void> {
    const set: Record<string, unknown> = { locked_until: 0 };
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
    if (patch.lastStatus !== undefined) set.last_status = patch.lastStatus;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    if (patch.deliveredAt !== undefined) set.delivered_at = patch.deliveredAt;
    const cols = Object.keys(set);
    await this.prepared(
      `deliveries.update:${cols.join(',')}`,
      (slot) =>
        this.db
          .updateTable('deliveries')
          .set(Object.fromEntries(cols.map((c, i) => [c, slot(i)])))
          .where('id', '=', slot(cols.length)),
      [...cols.map((c) => set[c]), id],
    );
  }
  async insertAttempt(a: Omit<DeliveryAttempt, 'id'>): Promise<number> {
    const r = await this.insertRow(
      'delivery_attempts',
      {
        delivery_id: a.deliveryId,
        attempt: a.attempt,
        at: a.at,
        request: JSON.stringify(a.request),
        response_status: a.responseStatus,
        response_body: a.responseBody,
        duration_ms: a.durationMs,
        error: a.error,
      },
      true,
    );
    return R.num(r.rows[0]!.id);
  }
  async listAttempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    return (await this.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute()).map(
      R.toAttempt,
    );
  }
  async listDeliveries(f: {
    merchantId?: string;
    subjectType?: string;
    subjectId?: string;
    status?: string;
    limit: number;
    offset?: number;
  }): Promise<Delivery[]> {
    let q = this.db.selectFrom('deliveries').selectAll();
    if (f.merchantId) q = q.where('merchant_id', '=', f.merchantId);
    if (f.subjectType) q = q.where('subject_type', '=', f.subjectType);
    if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
    if (f.status) q = q.where('status', '=', f.status);
    return (
      await q
        .orderBy('id', 'desc')
        .limit(f.limit)
        .offset(f.offset ?? 0)
        .execute()
    ).map(R.toDelivery);
  }
  async countPendingDeliveries(): Promise<number> {
    const r = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return R.num(r.n);
  }

  // ---- idempotency
  async claimIdempotency(scope: string, key: string, requestHash: string, now: number, expiresAt: number): Promise<boolean> {
    // An expired record no longer counts.
    await this.db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('expires_at', '<=', now).execute();
    const res = await this.db
      .insertInto('idempotency')
      .values({
        scope,
        key,
        request_hash: requestHash,
        state: 'in_progress',
        response_status: null,
        response_headers: null,
        response_body: null,
        created_at: now,
        expires_at: expiresAt,
      })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await this.db
      .selectFrom('idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('state', '=', 'completed')
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      scope: r.scope,
      key: r.key,
      requestHash: r.request_hash,
      responseStatus: R.num(r.response_status),
      responseHeaders: R.json(r.response_headers ?? '{}'),
      responseBody: r.response_body ?? '',
      createdAt: R.num(r.created_at),
      expiresAt: R.num(r.expires_at),
    };
  }
  async completeIdempotency(
    scope: string,
    key: string,
    res: { status: number; headers: Record<string, string>; body: string },
  ): Promise<void> {
    await this.db
      .updateTable('idempotency')
      .set({ state: 'completed', response_status: res.status, response_headers: JSON.stringify(res.headers), response_body: res.body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }
  async releaseIdempotency(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('state', '=', 'in_progress').execute();
  }
  async purgeIdempotency(before: number): Promise<number> {
    const res = await this.db.deleteFrom('idempotency').where('expires_at', '<=', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  // ---- scheduler
  async scheduleJob(kind: string, ref: string, runAt: number, payload: JsonObject): Promise<void> {
    await this.prepared(
      'jobs.schedule',
      (slot) =>
        this.db
          .insertInto('jobs')
          .values({
            kind: slot(0),
            ref: slot(1),
            run_at: slot(2),
            status: 'pending',
            attempts: 0,
            locked_until: 0,
            payload: slot(3),
            last_error: null,
          })
          .onConflict((oc) =>
            oc.columns(['kind', 'ref']).doUpdateSet({ run_at: slot(2), status: 'pending', payload: slot(3), locked_until: 0 }),
          ),
      [kind, ref, runAt, JSON.stringify(payload)],
    );
  }
  async cancelJob(kind: string, ref: string): Promise<void> {
    await this.prepared(
      'jobs.cancel',
      (slot) => this.db.deleteFrom('jobs').where('kind', '=', slot(0)).where('ref', '=', slot(1)).where('status', '=', 'pending'),
      [kind, ref],
    );
  }
  async claimJobs(limit: number, now: number, lockMs: number) {
    const ids = this.ops.skipLocked(
      this.db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'pending')
        .where('run_at', '<=', now)
        .where('locked_until', '<=', now)
        .orderBy('run_at')
        .limit(limit),
    );
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({ locked_until: now + lockMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.map(R.toJob).sort((a, b) => a.runAt - b.runAt);
  }
  async finishJob(
    id: number,
    status: 'done' | 'failed' | 'pending',
    patch: { runAt?: number; lastError?: string | null } = {},
  ): Promise<void> {
    const set: Record<string, unknown> = { status, locked_until: 0 };
    if (patch.runAt !== undefined) set.run_at = patch.runAt;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    await this.db.updateTable('jobs').set(set).where('id', '=', id).execute();
  }
  async nextJobAt(): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('t'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? null : R.num(r.t);
  }

  // ---- API request log
  async insertApiRequests(rows: ApiRequestRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('api_requests')
      .values(
        rows.map((r) => ({
          at: r.at,
          merchant_id: r.merchantId,
          face: r.face,
          method: r.method,
          path: r.path,
          status: r.status,
          duration_ms: r.durationMs,
          request_id: r.requestId,
          subjects: r.subjects.length ? ',' + r.subjects.join(',') + ',' : '',
          request_body: r.requestBody,
          response_body: r.responseBody,
        })),
      )
      .execute();
  }
  async listApiRequests(f: { merchantId?: string; subject?: string; limit: number; beforeId?: number }): Promise<ApiRequestRecord[]> {
    let q = this.db.selectFrom('api_requests').selectAll();
    if (f.merchantId) q = q.where('merchant_id', '=', f.merchantId);
    if (f.subject) q = q.where('subjects', 'like', `%,${f.subject},%`);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map((r) => ({
      id: R.num(r.id),
      at: R.num(r.at),
      merchantId: r.merchant_id,
      face: r.face,
      method: r.method,
      path: r.path,
      status: R.num(r.status),
      durationMs: R.num(r.duration_ms),
      requestId: r.request_id,
      subjects: r.subjects.split(',').filter(Boolean),
      requestBody: r.request_body,
      responseBody: r.response_body,
    }));
  }

  // ---- merchant purge
  async purgeMerchant(merchantId: string): Promise<void> {
    const db = this.db as unknown as Kysely<any>;
    const accountIds = (await db.selectFrom('accounts').select('id').where('merchant_id', '=', merchantId).execute()).map(
      (r: { id: string }) => r.id,
    );
    if (accountIds.length) {
      await db
        .deleteFrom('ledger_transfers')
        .where((eb: any) => eb.or([eb('debit_account_id', 'in', accountIds), eb('credit_account_id', 'in', accountIds)]))
        .execute();
    }
    const deliveryIds = db.selectFrom('deliveries').select('id').where('merchant_id', '=', merchantId);
    await db.deleteFrom('delivery_attempts').where('delivery_id', 'in', deliveryIds).execute();
    const tables = await this.db.introspection.getTables();
    for (const t of tables) {
      if (t.name.startsWith('kysely_')) continue;
      if (t.columns.some((c) => c.name === 'merchant_id')) await db.deleteFrom(t.name).where('merchant_id', '=', merchantId).execute();
    }
    await db.deleteFrom('merchants').where('id', '=', merchantId).execute();
    // the system accounts' totals are recomputed from what remains
    const totals = new Map((await this.ledger.transferTotals()).map((t) => [t.accountId, t]));
    for (const a of await this.ledger.listAccounts()) {
      const t = totals.get(a.id) ?? { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
      await db
        .updateTable('accounts')
        .set({
          debits_pending: t.debitsPending,
          debits_posted: t.debitsPosted,
          credits_pending: t.creditsPending,
          credits_posted: t.creditsPosted,
        })
        .where('id', '=', a.id)
        .execute();
    }
  }

  // ---- settings
  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }
  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.settings.get(key))!;
  }
}
