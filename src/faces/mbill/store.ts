// Mbill-owned tables: one-time card tokens (card data sealed, deleted on use, wiped on expiry),
// transfers (the face object over a core payment and a core payout) and claims.
import type { Kysely, Transaction } from 'kysely';
import type { Tx } from '../../core/ports.js';
import type { MigrationFactory } from '../../store/migrations.js';
import { num, numOrNull } from '../../store/rows.js';
import type { ClaimStatus, PeerView, TransferStatus } from './wire.js';

type Big = bigint | number;

interface CardTokensTable {
  token: string;
  last4: string;
  /** the sealed card (AES-128-CBC + HMAC); null once the token expired (a tombstone kept for a day) */
  sealed: string | null;
  expires_at: Big;
  created_at: Big;
}
interface TransfersTable {
  id: Big;
  merchant_id: string;
  external_id: string;
  token: string;
  token_expires_at: Big;
  status: string;
  amount: Big;
  fee: Big;
  currency: string;
  description: string | null;
  metadata: string | null;
  sender: string;
  recipient: string;
  recipient_kind: string;
  /** the sealed recipient card until the payout is made */
  recipient_card: string | null;
  /** the external credential id a claim refers to */
  claim_ref: string | null;
  payment_id: Big;
  payout_id: Big | null;
  auth_type: string | null;
  challenge_id: string | null;
  auth_expires_at: Big | null;
  decline_reason: string | null;
  active_claim_id: Big | null;
  created_at: Big;
  updated_at: Big;
}
interface ClaimsTable {
  id: Big;
  transfer_id: Big;
  merchant_id: string;
  external_id: string;
  token: string;
  token_expires_at: Big;
  status: string;
  credential: string;
  card: string | null;
  challenge_id: string | null;
  auth_expires_at: Big;
  payout_id: Big | null;
  decline_reason: string | null;
  metadata: string | null;
  created_at: Big;
  updated_at: Big;
}
export interface MbillDatabase {
  mbill_card_tokens: CardTokensTable;
  mbill_transfers: TransfersTable;
  mbill_claims: ClaimsTable;
}

export const mbillMigrations: Record<string, MigrationFactory> = {
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

export interface CardTokenRow {
  token: string;
  last4: string;
  sealed: string | null;
  expiresAt: number;
  createdAt: number;
}

export type RecipientKind = 'card-number' | 'card-token' | 'external-credential';
export type AuthType = '3d-secure' | 'lookup-code';

export interface Transfer {
  id: number;
  merchantId: string;
  externalId: string;
  token: string;
  tokenExpiresAt: number;
  status: TransferStatus;
  amount: bigint;
  fee: bigint;
  currency: string;
  description: string | null;
  metadata: Record<string, unknown> | null;
  sender: PeerView;
  recipient: PeerView;
  recipientKind: RecipientKind;
  recipientCard: string | null;
  claimRef: string | null;
  paymentId: number;
  payoutId: number | null;
  authType: AuthType | null;
  challengeId: string | null;
  authExpiresAt: number | null;
  declineReason: string | null;
  activeClaimId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Claim {
  id: number;
  transferId: number;
  merchantId: string;
  externalId: string;
  token: string;
  tokenExpiresAt: number;
  status: ClaimStatus;
  credential: Record<string, unknown>;
  card: string | null;
  challengeId: string | null;
  authExpiresAt: number;
  payoutId: number | null;
  declineReason: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

function db(tx: Tx): Kysely<MbillDatabase> | Transaction<MbillDatabase> {
  return tx.raw as Kysely<MbillDatabase>;
}

const json = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

const toToken = (r: CardTokensTable): CardTokenRow => ({
  token: r.token,
  last4: r.last4,
  sealed: r.sealed,
  expiresAt: num(r.expires_at),
  createdAt: num(r.created_at),
});

const toTransfer = (r: TransfersTable): Transfer => ({
  id: num(r.id),
  merchantId: r.merchant_id,
  externalId: r.external_id,
  token: r.token,
  tokenExpiresAt: num(r.token_expires_at),
  status: r.status as TransferStatus,
  amount: BigInt(r.amount),
  fee: BigInt(r.fee),
  currency: r.currency,
  description: r.description,
  metadata: json(r.metadata),
  sender: JSON.parse(r.sender) as PeerView,
  recipient: JSON.parse(r.recipient) as PeerView,
  recipientKind: r.recipient_kind as RecipientKind,
  recipientCard: r.recipient_card,
  claimRef: r.claim_ref,
  paymentId: num(r.payment_id),
  payoutId: numOrNull(r.payout_id),
  authType: r.auth_type as AuthType | null,
  challengeId: r.challenge_id,
  authExpiresAt: numOrNull(r.auth_expires_at),
  declineReason: r.decline_reason,
  activeClaimId: numOrNull(r.active_claim_id),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const toClaim = (r: ClaimsTable): Claim => ({
  id: num(r.id),
  transferId: num(r.transfer_id),
  merchantId: r.merchant_id,
  externalId: r.external_id,
  token: r.token,
  tokenExpiresAt: num(r.token_expires_at),
  status: r.status as ClaimStatus,
  credential: JSON.parse(r.credential) as Record<string, unknown>,
  card: r.card,
  challengeId: r.challenge_id,
  authExpiresAt: num(r.auth_expires_at),
  payoutId: numOrNull(r.payout_id),
  declineReason: r.decline_reason,
  metadata: json(r.metadata),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

export type TransferPatch = Partial<
  Pick<
    Transfer,
    'status' | 'recipientCard' | 'payoutId' | 'authType' | 'challengeId' | 'authExpiresAt' | 'declineReason' | 'activeClaimId' | 'updatedAt'
  >
>;
export type ClaimPatch = Partial<Pick<Claim, 'status' | 'card' | 'payoutId' | 'declineReason' | 'updatedAt'>>;

function transferSet(p: TransferPatch): Partial<TransfersTable> {
  const s: Partial<TransfersTable> = {};
  if (p.status !== undefined) s.status = p.status;
  if (p.recipientCard !== undefined) s.recipient_card = p.recipientCard;
  if (p.payoutId !== undefined) s.payout_id = p.payoutId;
  if (p.authType !== undefined) s.auth_type = p.authType;
  if (p.challengeId !== undefined) s.challenge_id = p.challengeId;
  if (p.authExpiresAt !== undefined) s.auth_expires_at = p.authExpiresAt;
  if (p.declineReason !== undefined) s.decline_reason = p.declineReason;
  if (p.activeClaimId !== undefined) s.active_claim_id = p.activeClaimId;
  if (p.updatedAt !== undefined) s.updated_at = p.updatedAt;
  return s;
}

export const mbillStore = {
  // ---- card tokens
  async insertCardToken(tx: Tx, t: CardTokenRow): Promise<void> {
    await db(tx)
      .insertInto('mbill_card_tokens')
      .values({ token: t.token, last4: t.last4, sealed: t.sealed, expires_at: t.expiresAt, created_at: t.createdAt })
      .execute();
  },
  async getCardToken(tx: Tx, token: string): Promise<CardTokenRow | undefined> {
    const r = await db(tx).selectFrom('mbill_card_tokens').selectAll().where('token', '=', token).executeTakeFirst();
    return r && toToken(r);
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
    return r && toToken(r);
  },
  /** Expiry: the card data goes; a tombstone says "expired" for a while. */
  async wipeCardToken(tx: Tx, token: string): Promise<void> {
    await db(tx).updateTable('mbill_card_tokens').set({ sealed: null }).where('token', '=', token).execute();
  },
  async deleteCardToken(tx: Tx, token: string): Promise<void> {
    await db(tx).deleteFrom('mbill_card_tokens').where('token', '=', token).execute();
  },

  // ---- transfers
  async insertTransfer(tx: Tx, t: Transfer): Promise<void> {
    await db(tx)
      .insertInto('mbill_transfers')
      .values({
        id: t.id,
        merchant_id: t.merchantId,
        external_id: t.externalId,
        token: t.token,
        token_expires_at: t.tokenExpiresAt,
        status: t.status,
        amount: t.amount,
        fee: t.fee,
        currency: t.currency,
        description: t.description,
        metadata: t.metadata === null ? null : JSON.stringify(t.metadata),
        sender: JSON.stringify(t.sender),
        recipient: JSON.stringify(t.recipient),
        recipient_kind: t.recipientKind,
        recipient_card: t.recipientCard,
        claim_ref: t.claimRef,
        payment_id: t.paymentId,
        payout_id: t.payoutId,
        auth_type: t.authType,
        challenge_id: t.challengeId,
        auth_expires_at: t.authExpiresAt,
        decline_reason: t.declineReason,
        active_claim_id: t.activeClaimId,
        created_at: t.createdAt,
        updated_at: t.updatedAt,
      })
      .execute();
  },
  async getTransfer(tx: Tx, id: number): Promise<Transfer | undefined> {
    const r = await db(tx).selectFrom('mbill_transfers').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTransfer(r);
  },
  async getTransferByExternalId(tx: Tx, externalId: string): Promise<Transfer | undefined> {
    const r = await db(tx).selectFrom('mbill_transfers').selectAll().where('external_id', '=', externalId).executeTakeFirst();
    return r && toTransfer(r);
  },
  async getTransferByClaimRef(tx: Tx, claimRef: string): Promise<Transfer | undefined> {
    const r = await db(tx).selectFrom('mbill_transfers').selectAll().where('claim_ref', '=', claimRef).executeTakeFirst();
    return r && toTransfer(r);
  },
  /** A state change guarded by the expected current status: false when another request changed it first. */
  async updateTransfer(tx: Tx, id: number, patch: TransferPatch, expectStatus?: TransferStatus): Promise<boolean> {
    let q = db(tx).updateTable('mbill_transfers').set(transferSet(patch)).where('id', '=', id);
    if (expectStatus) q = q.where('status', '=', expectStatus);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
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
    const page = rows.slice(0, q.limit).map(toTransfer);
    return { items: asc ? page.reverse() : page, hasMore };
  },
  async countTransfers(tx: Tx, merchantId: string): Promise<number> {
    const r = await db(tx)
      .selectFrom('mbill_transfers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  },

  // ---- claims
  async insertClaim(tx: Tx, c: Claim): Promise<void> {
    await db(tx)
      .insertInto('mbill_claims')
      .values({
        id: c.id,
        transfer_id: c.transferId,
        merchant_id: c.merchantId,
        external_id: c.externalId,
        token: c.token,
        token_expires_at: c.tokenExpiresAt,
        status: c.status,
        credential: JSON.stringify(c.credential),
        card: c.card,
        challenge_id: c.challengeId,
        auth_expires_at: c.authExpiresAt,
        payout_id: c.payoutId,
        decline_reason: c.declineReason,
        metadata: c.metadata === null ? null : JSON.stringify(c.metadata),
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      })
      .execute();
  },
  async getClaim(tx: Tx, id: number): Promise<Claim | undefined> {
    const r = await db(tx).selectFrom('mbill_claims').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toClaim(r);
  },
  async updateClaim(tx: Tx, id: number, patch: ClaimPatch, expectStatus?: ClaimStatus): Promise<boolean> {
    const s: Partial<ClaimsTable> = {};
    if (patch.status !== undefined) s.status = patch.status;
    if (patch.card !== undefined) s.card = patch.card;
    if (patch.payoutId !== undefined) s.payout_id = patch.payoutId;
    if (patch.declineReason !== undefined) s.decline_reason = patch.declineReason;
    if (patch.updatedAt !== undefined) s.updated_at = patch.updatedAt;
    let q = db(tx).updateTable('mbill_claims').set(s).where('id', '=', id);
    if (expectStatus) q = q.where('status', '=', expectStatus);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
};
