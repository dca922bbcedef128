// Mbill-owned tables: one-time card tokens (card data sealed, deleted on use, wiped on expiry),
// transfers (the face object over a core payment and a core payout) and claims.
import type { Kysely } from 'kysely';
import type { Tx } from '../../core/ports.js';
import type { Migrations } from '../../store/migrations.js';
import { bigint, int, json, table, text, type DatabaseOf, type RecordOf } from '../../store/table.js';
import { rowSlots } from '../../store/prepared.js';
import type { ClaimStatus, PeerView, TransferStatus } from './wire.js';

/** The face's objects as subjects: of outbox events, ledger postings' references and the request log. */
export const TRANSFER_SUBJECT = 'mbill_transfer';
export const CLAIM_SUBJECT = 'mbill_claim';

export const mbillTables = {
  cardTokens: table('mbill_card_tokens', {
    token: text(),
    last4: text(),
    /** the sealed card (AES-128-CBC + HMAC); null once the token expired (a tombstone kept for a day) */
    sealed: text().nullable(),
    expiresAt: int(),
    createdAt: int(),
  }),
  transfers: table('mbill_transfers', {
    id: int(),
    merchantId: text(),
    externalId: text(),
    token: text(),
    tokenExpiresAt: int(),
    status: text<TransferStatus>(),
    amount: bigint(),
    fee: bigint(),
    currency: text(),
    description: text().nullable(),
    metadata: json<Record<string, unknown>>().nullable(),
    sender: json<PeerView>(),
    recipient: json<PeerView>(),
    recipientKind: text<RecipientKind>(),
    /** the sealed recipient card until the payout is made */
    recipientCard: text().nullable(),
    /** the external credential id a claim refers to */
    claimRef: text().nullable(),
    paymentId: int(),
    payoutId: int().nullable(),
    authType: text<AuthType>().nullable(),
    challengeId: text().nullable(),
    authExpiresAt: int().nullable(),
    declineReason: text().nullable(),
    activeClaimId: int().nullable(),
    createdAt: int(),
    updatedAt: int(),
  }),
  claims: table('mbill_claims', {
    id: int(),
    transferId: int(),
    merchantId: text(),
    externalId: text(),
    token: text(),
    tokenExpiresAt: int(),
    status: text<ClaimStatus>(),
    credential: json<Record<string, unknown>>(),
    card: text().nullable(),
    challengeId: text().nullable(),
    authExpiresAt: int(),
    payoutId: int().nullable(),
    declineReason: text().nullable(),
    metadata: json<Record<string, unknown>>().nullable(),
    createdAt: int(),
    updatedAt: int(),
  }),
};
export type MbillDatabase = DatabaseOf<typeof mbillTables>;
const T = mbillTables;

export const mbillMigrations: Migrations = {
  '0300_mbill': () => ({
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('mbill_card_tokens')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('last4', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('mbill_transfers')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull().unique())
        .addColumn('token', 'text', (c) => c.notNull().unique())
        .addColumn('token_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('fee', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('metadata', 'text')
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('recipient_kind', 'text', (c) => c.notNull())
        .addColumn('recipient_card', 'text')
        .addColumn('claim_ref', 'text', (c) => c.unique())
        .addColumn('payment_id', 'bigint', (c) => c.notNull())
        .addColumn('payout_id', 'bigint')
        .addColumn('auth_type', 'text')
        .addColumn('challenge_id', 'text')
        .addColumn('auth_expires_at', 'bigint')
        .addColumn('decline_reason', 'text')
        .addColumn('active_claim_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mbill_transfers_merchant').on('mbill_transfers').columns(['merchant_id', 'id']).execute();
      await db.schema
        .createTable('mbill_claims')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('transfer_id', 'bigint', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull().unique())
        .addColumn('token_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('credential', 'text', (c) => c.notNull())
        .addColumn('card', 'text')
        .addColumn('challenge_id', 'text')
        .addColumn('auth_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('payout_id', 'bigint')
        .addColumn('decline_reason', 'text')
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mbill_claims_transfer').on('mbill_claims').column('transfer_id').execute();
    },
  }),
};

export type RecipientKind = 'card-number' | 'card-token' | 'external-credential';
export type AuthType = '3d-secure' | 'lookup-code';

export type CardTokenRow = RecordOf<typeof T.cardTokens.definition>;
export type Transfer = RecordOf<typeof T.transfers.definition>;
export type Claim = RecordOf<typeof T.claims.definition>;

function db(tx: Tx): Kysely<MbillDatabase> {
  return tx.db<MbillDatabase>();
}

export type TransferPatch = Partial<
  Pick<
    Transfer,
    'status' | 'recipientCard' | 'payoutId' | 'authType' | 'challengeId' | 'authExpiresAt' | 'declineReason' | 'activeClaimId' | 'updatedAt'
  >
>;
export type ClaimPatch = Partial<Pick<Claim, 'status' | 'card' | 'payoutId' | 'declineReason' | 'updatedAt'>>;

export const mbillStore = {
  // ---- card tokens
  async insertCardToken(tx: Tx, t: CardTokenRow): Promise<void> {
    await tx.write(db(tx).insertInto('mbill_card_tokens').values(T.cardTokens.write(t)));
  },
  async getCardToken(tx: Tx, token: string): Promise<CardTokenRow | undefined> {
    const r = await db(tx).selectFrom('mbill_card_tokens').selectAll().where('token', '=', token).executeTakeFirst();
    return r && T.cardTokens.read(r);
  },
  /**
   * Uses a token once: deletes its row when it is live and returns the sealed card. A concurrent use (on
   * PostgreSQL the second DELETE waits for the first transaction) or a second use gets undefined.
   */
  async takeCardToken(tx: Tx, token: string, now: number): Promise<CardTokenRow | undefined> {
    const r = await db(tx)
      .deleteFrom('mbill_card_tokens')
      .where('token', '=', token)
      .where('expires_at', '>', now)
      .where('sealed', 'is not', null)
      .returningAll()
      .executeTakeFirst();
    return r && T.cardTokens.read(r);
  },
  /** Expiry: the card data goes; a tombstone says "expired" for a while. */
  async wipeCardToken(tx: Tx, token: string): Promise<void> {
    await tx.write(db(tx).updateTable('mbill_card_tokens').set({ sealed: null }).where('token', '=', token));
  },
  async deleteCardToken(tx: Tx, token: string): Promise<void> {
    await db(tx).deleteFrom('mbill_card_tokens').where('token', '=', token).execute();
  },

  // ---- transfers
  async insertTransfer(tx: Tx, t: Transfer): Promise<void> {
    await tx.writeRow('mbill_transfers', T.transfers.write(t));
  },
  async getTransfer(tx: Tx, id: number): Promise<Transfer | undefined> {
    const [r] = await tx.prepared(
      'mbill.getTransfer',
      (d: Kysely<MbillDatabase>, slot) => d.selectFrom('mbill_transfers').selectAll().where('id', '=', slot(0)),
      [id],
    );
    return r && T.transfers.read(r);
  },
  async getTransferByExternalId(tx: Tx, externalId: string): Promise<Transfer | undefined> {
    const [r] = await tx.prepared(
      'mbill.getTransferByExternalId',
      (d: Kysely<MbillDatabase>, slot) => d.selectFrom('mbill_transfers').selectAll().where('external_id', '=', slot(0)),
      [externalId],
    );
    return r && T.transfers.read(r);
  },
  async getTransferByClaimRef(tx: Tx, claimRef: string): Promise<Transfer | undefined> {
    const [r] = await tx.prepared(
      'mbill.getTransferByClaimRef',
      (d: Kysely<MbillDatabase>, slot) => d.selectFrom('mbill_transfers').selectAll().where('claim_ref', '=', slot(0)),
      [claimRef],
    );
    return r && T.transfers.read(r);
  },
  /** A state change guarded by the expected current status: false when another request changed it first. */
  async updateTransfer(tx: Tx, id: number, patch: TransferPatch, expectStatus: TransferStatus): Promise<boolean> {
    const res = await db(tx)
      .updateTable('mbill_transfers')
      .set(T.transfers.write(patch))
      .where('id', '=', id)
      .where('status', '=', expectStatus)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** Changes a transfer this transaction made (nobody reads the answer: a deferred write). */
  async patchOwnTransfer(tx: Tx, id: number, patch: TransferPatch): Promise<void> {
    const set = rowSlots(T.transfers.write(patch), 1);
    await tx.write(
      `mbill.patchTransfer:${set.key}`,
      (d: Kysely<MbillDatabase>, slot) =>
        d
          .updateTable('mbill_transfers')
          .set(set.values(slot) as never)
          .where('id', '=', slot(0)),
      [id, ...set.args],
    );
  },
  /** A page of a merchant's transfers, newest first, with cursors (transfer ids). */
  async listTransfers(
    tx: Tx,
    merchantId: string,
    q: { limit: number; startingAfter?: number; endingBefore?: number },
  ): Promise<{ items: Transfer[]; hasMore: boolean }> {
    let sel = db(tx).selectFrom('mbill_transfers').selectAll().where('merchant_id', '=', merchantId);
    if (q.startingAfter !== undefined) sel = sel.where('id', '<', q.startingAfter);
    else if (q.endingBefore !== undefined) sel = sel.where('id', '>', q.endingBefore);
    const asc = q.startingAfter === undefined && q.endingBefore !== undefined;
    const rows = await sel
      .orderBy('id', asc ? 'asc' : 'desc')
      .limit(q.limit + 1)
      .execute();
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).map((r) => T.transfers.read(r));
    return { items: asc ? page.reverse() : page, hasMore };
  },
  async countTransfers(tx: Tx, merchantId: string): Promise<number> {
    const r = await db(tx)
      .selectFrom('mbill_transfers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },

  // ---- claims
  async insertClaim(tx: Tx, c: Claim): Promise<void> {
    await tx.write(db(tx).insertInto('mbill_claims').values(T.claims.write(c)));
  },
  async getClaim(tx: Tx, id: number): Promise<Claim | undefined> {
    const r = await db(tx).selectFrom('mbill_claims').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.claims.read(r);
  },
  async updateClaim(tx: Tx, id: number, patch: ClaimPatch, expectStatus?: ClaimStatus): Promise<boolean> {
    let q = db(tx).updateTable('mbill_claims').set(T.claims.write(patch)).where('id', '=', id);
    if (expectStatus) q = q.where('status', '=', expectStatus);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
};
