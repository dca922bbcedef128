// Mbill transfers over the core: the sender leg is a core payment (authorized with authentication always
// required: 3-D Secure for enrolled cards, an OTP "lookup code" otherwise), captured into the merchant's
// balance; the fee is kept (merchant → fees account); the recipient leg is a core payout from that balance,
// run by a scheduler job while the transfer shows `processing`. A transfer to an external credential waits
// for a claim (`waiting_for_claim`); a claim authenticated with its own OTP releases the payout to the
// claimant's card. Every status change writes a `transfer.<status>` outbox event (the signed webhooks).
import { tokenKey } from './signing.js';
import { MINUTE, DAY } from '../../core/clock.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import { safeEqual } from '../../core/crypto.js';
import { randomDigits, randomHex, uuid } from '../../core/ids.js';
import { AVAILABLE, FEES_ACCOUNT } from '../../core/ledger.js';
import { formatMajor } from '../../core/money.js';
import type { AuthorizeResult } from '../../core/payments.js';
import type { JsonObject, Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { afterCommit } from '../../core/unit-of-work.js';
import type { FaceContext } from '../face.js';
import { openCard, sealCard, type SealedCard } from './sealing.js';
import { mbillStore as S, type Claim, type Transfer, type TransferPatch } from './store.js';
import { Invalid, rules, ValidationFailed, type CardData, type ClaimInput, type TransferInput } from './validation.js';
import {
  amountNumber,
  CURRENCY,
  declineOf,
  isoNaive,
  isoUtc,
  maskNumber,
  OUTCOME_OF_PAYOUT,
  TRANSFER_STATUS_OF_PAYMENT,
  type CardTokenView,
  type ClaimStatus,
  type ClaimView,
  type CredentialView,
  type TransferStatus,
  type TransferSummaryView,
  type TransferView,
} from './wire.js';

/** Card tokens live 15 minutes (CARD_TOKEN_EXPIRES_IN 900 000 ms). */
export const CARD_TOKEN_TTL = 15 * MINUTE;
/** An expired token's row (without its card data) says "expired" for a day, then goes. */
export const CARD_TOKEN_TOMBSTONE = DAY;
/** Transfer tokens (PAYMENT_TOKEN_EXPIRES_IN) and the time a transfer has to be authenticated. */
export const TRANSFER_TOKEN_TTL = 15 * MINUTE;
export const AUTH_TTL = 15 * MINUTE;
export const CLAIM_TOKEN_TTL = 15 * MINUTE;

export const JOBS = {
  cardTokenExpire: 'mbill.card_token.expire',
  transferExpire: 'mbill.transfer.expire',
  transferPayout: 'mbill.transfer.payout',
  claimExpire: 'mbill.claim.expire',
} as const;

export const TRANSFER_SUBJECT = 'mbill_transfer';
export const CLAIM_SUBJECT = 'mbill_claim';

/** Where links point: the gateway root (the ACS) and the face's base (the 3-D Secure terminal). */
export interface Bases {
  root: string;
  api: string;
}

export type AuthOutcome =
  { kind: 'ok'; transfer: Transfer } | { kind: 'wrong_code'; transfer: Transfer } | { kind: 'conflict'; message: string };
export type ClaimAuthOutcome = { kind: 'ok'; claim: Claim } | { kind: 'wrong_code'; claim: Claim } | { kind: 'conflict'; message: string };

interface TakenToken {
  card: SealedCard;
  expiresAt: number;
}

export class MbillService {
  constructor(readonly ctx: FaceContext) {}

  get engine() {
    return this.ctx.engine;
  }

  private now(): number {
    return this.engine.clock.now();
  }

  bases(req?: Parameters<FaceContext['baseUrl']>[0]): Bases {
    const root = this.ctx.baseUrl(req);
    return { root, api: root + this.ctx.prefix };
  }

  // ---------------------------------------------------------------- card tokens

  async createCardToken(tx: Tx, card: CardData): Promise<CardTokenView> {
    const now = this.now();
    const token = `card-token-${card.number.slice(-4)}-${randomHex(20)}`;
    const expiresAt = now + CARD_TOKEN_TTL;
    const sealed = sealCard(this.engine.vault, { number: card.number, expMonth: card.expMonth, expYear: card.expYear }, token);
    await S.insertCardToken(tx, { token, last4: card.number.slice(-4), sealed, expiresAt, createdAt: now });
    await tx.jobs.schedule(JOBS.cardTokenExpire, token, expiresAt, {});
    return { type: 'card-token', token, token_expires_at: isoUtc(expiresAt) };
  }

  /** Checks a card token without using it (to report it beside other failures). */
  async peekCardToken(tx: Tx, token: string, path: string, inv: Invalid): Promise<void> {
    const now = this.now();
    const row = await S.getCardToken(tx, token);
    if (row?.sealed && row.expiresAt > now) return;
    inv.add(`${path}.token`, row && row.expiresAt <= now ? rules.tokenExpiration() : rules.token());
  }

  /** Uses a card token once (deleting it); records `token` or `token_expiration` at `path` when it cannot. */
  async takeCardToken(tx: Tx, token: string, path: string, inv: Invalid): Promise<TakenToken | undefined> {
    const now = this.now();
    const row = await S.takeCardToken(tx, token, now);
    if (row?.sealed) {
      await tx.jobs.cancel(JOBS.cardTokenExpire, token);
      return { card: openCard(this.engine.vault, row.sealed, token), expiresAt: row.expiresAt };
    }
    const left = await S.getCardToken(tx, token);
    inv.add(`${path}.token`, left && left.expiresAt <= now ? rules.tokenExpiration() : rules.token());
    return undefined;
  }

  /** The scheduler job of a card token: wipes its card data at expiry, deletes the tombstone a day later. */
  async expireCardToken(tx: Tx, token: string): Promise<number | void> {
    const row = await S.getCardToken(tx, token);
    if (!row) return;
    if (row.sealed !== null) {
      if (this.now() < row.expiresAt) return row.expiresAt;
      await S.wipeCardToken(tx, token);
      return row.expiresAt + CARD_TOKEN_TOMBSTONE;
    }
    await S.deleteCardToken(tx, token);
  }

  // ---------------------------------------------------------------- transfers

  async createTransfer(tx: Tx, merchant: Merchant, input: TransferInput, bases: Bases): Promise<Transfer> {
    const inv = new Invalid();
    const mask = maskNumber;

    let senderCard: CardData | undefined;
    let senderView: CredentialView | undefined;
    const sc = input.sender.credential;
    if (sc.type === 'card') {
      senderCard = { number: sc.number, expMonth: sc.expMonth, expYear: sc.expYear };
      senderView = { type: 'card', number: mask(sc.number) };
    } else {
      const got = await this.takeCardToken(tx, sc.token, '$.sender.credential', inv);
      if (got && got.card.expMonth !== null && got.card.expYear !== null) {
        senderCard = { number: got.card.number, expMonth: got.card.expMonth, expYear: got.card.expYear };
        senderView = { type: 'card-token', token: sc.token, token_expires_at: isoUtc(got.expiresAt), number: mask(got.card.number) };
      }
    }

    let recipientCard: SealedCard | null = null;
    let recipientView: CredentialView | undefined;
    let claimRef: string | null = null;
    const rc = input.recipient.credential;
    if (rc.type === 'card-number') {
      recipientCard = { number: rc.number, expMonth: null, expYear: null };
      recipientView = { type: 'card-number', number: mask(rc.number) };
    } else if (rc.type === 'card-token') {
      const got = await this.takeCardToken(tx, rc.token, '$.recipient.credential', inv);
      if (got) {
        recipientCard = got.card;
        recipientView = { type: 'card-token', token: rc.token, token_expires_at: isoUtc(got.expiresAt), number: mask(got.card.number) };
      }
    } else {
      claimRef = await this.unique(
        (ref) => S.getTransferByClaimRef(tx, ref),
        () => randomDigits(9),
      );
      recipientView = { type: 'external-credential', id: claimRef, metadata: rc.metadata };
    }
    if (!inv.empty || !senderCard || !senderView || !recipientView) throw new ValidationFailed(inv.list());

    const now = this.now();
    const id = await tx.sequences.nextTransactionId();
    await this.engine.payments.create(tx, {
      id,
      merchantId: merchant.id,
      face: 'mbill',
      amount: input.amount + input.fee,
      currency: CURRENCY,
      captureMode: 'auto',
      description: input.description,
      email: input.sender.email,
      expiresAt: now + AUTH_TTL,
      metadata: { mbill_transfer_id: String(id) },
    });
    const t: Transfer = {
      id,
      merchantId: merchant.id,
      externalId: await this.unique(
        (x) => S.getTransferByExternalId(tx, x),
        () => randomDigits(12),
      ),
      token: `transfer-token-${uuid()}`,
      tokenExpiresAt: now + TRANSFER_TOKEN_TTL,
      status: 'authentication',
      amount: input.amount,
      fee: input.fee,
      currency: CURRENCY,
      description: input.description,
      metadata: input.metadata,
      sender: { phone: input.sender.phone, email: input.sender.email, credential: senderView },
      recipient: { phone: input.recipient.phone, email: input.recipient.email, credential: recipientView },
      recipientKind: rc.type,
      recipientCard: recipientCard ? sealCard(this.engine.vault, recipientCard, `transfer:${id}`) : null,
      claimRef,
      paymentId: id,
      payoutId: null,
      authType: null,
      challengeId: null,
      authExpiresAt: null,
      declineReason: null,
      activeClaimId: null,
      createdAt: now,
      updatedAt: now,
    };
    await S.insertTransfer(tx, t);
    // operators find the transfer by the id its partner system shows, too
    await tx.refs.insert({
      face: 'mbill',
      merchantId: merchant.id,
      kind: 'external_id',
      ref: t.externalId,
      subjectType: 'payment',
      subjectId: String(id),
    });
    const r = await this.engine.payments.authorize(tx, id, {
      source: { kind: 'card', card: senderCard },
      requireAuthentication: true,
      merchantName: merchant.name,
    });
    if (r.kind === 'challenge') {
      const expiresAt = Math.min(r.challenge.expiresAt, r.payment.expiresAt ?? Infinity);
      const patch: TransferPatch = {
        authType: r.challenge.kind === '3ds' ? '3d-secure' : 'lookup-code',
        challengeId: r.challenge.id,
        authExpiresAt: expiresAt,
      };
      await S.updateTransfer(tx, id, patch);
      await tx.jobs.schedule(JOBS.transferExpire, String(id), expiresAt, {});
      const fresh = { ...t, ...patch };
      await this.emit(tx, fresh, bases);
      return fresh;
    }
    return this.afterAuthentication(tx, t, r, bases);
  }

  /** POST /transfers/{id}/auth with a lookup code. */
  async authenticateLookup(tx: Tx, transferId: number, code: string, bases: Bases): Promise<AuthOutcome> {
    const t0 = (await S.getTransfer(tx, transferId))!;
    const p = await this.engine.payments.lock(tx, t0.paymentId);
    let t = (await S.getTransfer(tx, transferId))!;
    if (t.status !== 'authentication') return { kind: 'conflict', message: `Transfer is ${t.status}.` };
    if (t.authType !== 'lookup-code')
      return { kind: 'conflict', message: 'This transfer is authenticated with 3-D Secure: send the payer to auth.acs_url.' };
    if (p.status !== 'requires_authentication' || (t.authExpiresAt !== null && this.now() >= t.authExpiresAt)) {
      t = await this.expireTransfer(tx, t, bases, true);
      return { kind: 'conflict', message: `Transfer is ${t.status}.` };
    }
    let answer;
    try {
      answer = await this.engine.challenges.answer(tx, t.challengeId!, { otp: code });
    } catch (e) {
      if (isCoreError(e, 'CHALLENGE_EXPIRED')) {
        t = await this.expireTransfer(tx, t, bases, true);
        return { kind: 'conflict', message: `Transfer is ${t.status}.` };
      }
      if (isCoreError(e, 'CHALLENGE_ALREADY_COMPLETED')) return { kind: 'conflict', message: 'This transfer was already authenticated.' };
      throw e;
    }
    if (!answer.paRes) return { kind: 'wrong_code', transfer: t };
    const r = await this.engine.payments.completeAuthentication(tx, p.id, answer.paRes);
    t = await this.afterAuthentication(tx, t, r, bases);
    return answer.wrongOtp ? { kind: 'wrong_code', transfer: t } : { kind: 'ok', transfer: t };
  }

  /** The 3-D Secure terminal: the ACS's PaRes completes the payment (a forged or repeated one changes nothing). */
  async completeThreeDs(tx: Tx, transferId: number, paRes: string, bases: Bases): Promise<Transfer> {
    const t0 = (await S.getTransfer(tx, transferId))!;
    await this.engine.payments.lock(tx, t0.paymentId);
    const t = (await S.getTransfer(tx, transferId))!;
    if (t.status !== 'authentication' || t.authType !== '3d-secure') return t;
    let r: AuthorizeResult;
    try {
      r = await this.engine.payments.completeAuthentication(tx, t.paymentId, paRes);
    } catch (e) {
      if (isCoreError(e)) return t;
      throw e;
    }
    return this.afterAuthentication(tx, t, r, bases);
  }

  private async afterAuthentication(tx: Tx, t: Transfer, r: AuthorizeResult, bases: Bases): Promise<Transfer> {
    await tx.jobs.cancel(JOBS.transferExpire, String(t.id));
    if (r.kind === 'approved') return this.onSenderCharged(tx, t, bases);
    if (r.kind === 'declined')
      return this.transition(
        tx,
        t,
        TRANSFER_STATUS_OF_PAYMENT[r.payment.status],
        { declineReason: r.payment.declineReason ?? 'processing_error' },
        bases,
      );
    throw new CoreError('INTERNAL', 'the network asked for a second authentication');
  }

  /** The sender paid (amount + fee captured into the merchant's balance): keep the fee, then pay out or wait. */
  private async onSenderCharged(tx: Tx, t: Transfer, bases: Bases): Promise<Transfer> {
    const { ledger } = this.engine;
    const merchant = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
    const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
    await ledger.post(tx, merchant, fees, t.fee, { code: 'mbill_fee', refType: TRANSFER_SUBJECT, refId: String(t.id) });
    if (t.recipientKind === 'external-credential') return this.transition(tx, t, 'waiting_for_claim', {}, bases);
    const next = await this.transition(tx, t, 'processing', {}, bases);
    await this.schedulePayout(tx, t.id);
    return next;
  }

  private async schedulePayout(tx: Tx, transferId: number): Promise<void> {
    await tx.jobs.schedule(JOBS.transferPayout, String(transferId), this.now(), {});
    afterCommit(tx, () => this.engine.scheduler.wake());
  }

  /** The payout job: the recipient leg from the merchant's balance to the recipient's (or claimant's) card. */
  async processPayout(tx: Tx, transferId: number, bases: Bases): Promise<void> {
    const t0 = await S.getTransfer(tx, transferId);
    if (!t0 || t0.status !== 'processing') return;
    await this.engine.payments.lock(tx, t0.paymentId);
    const t = (await S.getTransfer(tx, transferId))!;
    if (t.status !== 'processing') return;
    const claim = t.activeClaimId !== null ? await S.getClaim(tx, t.activeClaimId) : undefined;
    const sealed = claim ? claim.card : t.recipientCard;
    const card = sealed ? openCard(this.engine.vault, sealed, claim ? `claim:${claim.id}` : `transfer:${t.id}`) : undefined;

    const payout = await this.engine.payouts.create(tx, {
      merchantId: t.merchantId,
      face: 'mbill',
      amount: t.amount,
      currency: t.currency,
      metadata: { mbill_transfer_id: String(t.id) },
    });
    let outcome: 'completed' | 'declined' | 'error' = 'error';
    let reason: string | null = 'processing_error';
    if (card) {
      try {
        const target =
          card.expMonth !== null && card.expYear !== null
            ? { number: card.number, expMonth: card.expMonth, expYear: card.expYear }
            : { number: card.number };
        const done = await this.engine.payouts.execute(tx, payout.id, target);
        const o = OUTCOME_OF_PAYOUT[done.status];
        outcome = o === 'pending' ? 'error' : o;
        reason = done.declineReason;
      } catch (e) {
        if (!isCoreError(e)) throw e;
      }
    }
    const now = this.now();
    if (outcome === 'completed') {
      if (claim) await S.updateClaim(tx, claim.id, { status: 'completed', card: null, payoutId: payout.id, updatedAt: now });
      await this.transition(tx, t, 'completed', { payoutId: payout.id, recipientCard: null }, bases);
      return;
    }
    if (claim) {
      // the money stays with the merchant: the recipient may claim again with another card
      const status: ClaimStatus = outcome === 'error' ? 'error' : 'declined';
      await S.updateClaim(tx, claim.id, {
        status,
        card: null,
        payoutId: payout.id,
        declineReason: reason ?? 'processing_error',
        updatedAt: now,
      });
      await this.transition(tx, t, 'waiting_for_claim', { activeClaimId: null }, bases);
      return;
    }
    await this.refundSender(tx, t);
    await this.transition(
      tx,
      t,
      outcome === 'error' ? 'error' : 'declined',
      { payoutId: payout.id, recipientCard: null, declineReason: reason ?? 'processing_error' },
      bases,
    );
  }

  /** The recipient leg failed: the fee comes back from the fees account and the sender is refunded in full. */
  private async refundSender(tx: Tx, t: Transfer): Promise<void> {
    const { ledger } = this.engine;
    const merchant = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
    const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
    await ledger.post(tx, fees, merchant, t.fee, { code: 'mbill_fee_reversal', refType: TRANSFER_SUBJECT, refId: String(t.id) });
    await this.engine.payments.refund(tx, t.paymentId, null, { merchantId: t.merchantId, metadata: { mbill_transfer_id: String(t.id) } });
  }

  /**
   * An unauthenticated transfer declines about 15 minutes after it was created: the core payment expires
   * (`expired_authentication`) and the transfer follows. `force` is for a request that finds it overdue.
   */
  async expireTransfer(tx: Tx, t0: Transfer, bases: Bases, force = false): Promise<Transfer> {
    const p = await this.engine.payments.lock(tx, t0.paymentId);
    const t = (await S.getTransfer(tx, t0.id))!;
    if (t.status !== 'authentication') return t;
    if (p.status === 'created' || p.status === 'requires_authentication') {
      if (!force && t.authExpiresAt !== null && this.now() < t.authExpiresAt) return t;
      await this.engine.payments.expire(tx, p.id);
    }
    const after = await this.engine.payments.get(tx, p.id);
    const status = TRANSFER_STATUS_OF_PAYMENT[after.status];
    if (status === 'authentication') return t;
    await tx.jobs.cancel(JOBS.transferExpire, String(t.id));
    return this.transition(tx, t, status, { declineReason: after.declineReason ?? 'expired_authentication' }, bases);
  }

  /** The expiry job; runs again later if the gateway clock has not reached the deadline yet. */
  async expireJob(tx: Tx, transferId: number, bases: Bases): Promise<number | void> {
    const t = await S.getTransfer(tx, transferId);
    if (!t || t.status !== 'authentication') return;
    if (t.authExpiresAt !== null && this.now() < t.authExpiresAt) return t.authExpiresAt;
    await this.expireTransfer(tx, t, bases, true);
  }

  private async transition(tx: Tx, t: Transfer, to: TransferStatus, patch: TransferPatch, bases: Bases): Promise<Transfer> {
    const now = this.now();
    const full: TransferPatch = { ...patch, status: to, updatedAt: now };
    // a finished transfer keeps no recipient card data
    if (to === 'completed' || to === 'declined' || to === 'error') full.recipientCard = null;
    if (!(await S.updateTransfer(tx, t.id, full, t.status))) throw new CoreError('INVALID_STATE', 'the transfer changed meanwhile');
    const next: Transfer = { ...t, ...full } as Transfer;
    await this.emit(tx, next, bases);
    return next;
  }

  private async emit(tx: Tx, t: Transfer, bases: Bases): Promise<void> {
    const view = await this.transferView(tx, t, bases);
    await this.engine.outbox.emit(tx, {
      merchantId: t.merchantId,
      face: 'mbill',
      type: `transfer.${t.status}`,
      subjectType: TRANSFER_SUBJECT,
      subjectId: String(t.id),
      payload: { transfer: view as unknown as JsonObject },
    });
  }

  private async unique(exists: (v: string) => Promise<unknown>, make: () => string): Promise<string> {
    for (;;) {
      const v = make();
      if (!(await exists(v))) return v;
    }
  }

  // ---------------------------------------------------------------- claims

  async createClaim(tx: Tx, input: ClaimInput): Promise<Claim> {
    const inv = new Invalid();
    const t = await S.getTransferByClaimRef(tx, input.id);
    if (!t || t.status !== 'waiting_for_claim') inv.add('$.id', rules.claimId());
    let card: SealedCard | undefined;
    let view: CredentialView | undefined;
    const c = input.credential;
    if (c.type === 'card-number') {
      card = { number: c.number, expMonth: null, expYear: null };
      view = { type: 'card-number', number: maskNumber(c.number) };
    } else if (inv.empty) {
      const got = await this.takeCardToken(tx, c.token, '$.credential', inv);
      if (got) {
        card = got.card;
        view = { type: 'card-token', token: c.token, token_expires_at: isoUtc(got.expiresAt), number: maskNumber(got.card.number) };
      }
    }
    if (!inv.empty || !t || !card || !view) throw new ValidationFailed(inv.list());
    const merchant = await this.engine.merchants.get(tx, t.merchantId);
    const now = this.now();
    const id = await tx.sequences.nextTransactionId();
    const challenge = await this.engine.challenges.create(tx, {
      merchantId: t.merchantId,
      subjectType: CLAIM_SUBJECT,
      subjectId: String(id),
      kind: 'otp',
      display: { merchant: merchant.name, amount: formatMajor(t.amount, t.currency), currency: t.currency, card: maskNumber(card.number) },
    });
    const claim: Claim = {
      id,
      transferId: t.id,
      merchantId: t.merchantId,
      externalId: input.id,
      token: `claim-token-${uuid()}`,
      tokenExpiresAt: now + CLAIM_TOKEN_TTL,
      status: 'authentication',
      credential: view as unknown as Record<string, unknown>,
      card: sealCard(this.engine.vault, card, `claim:${id}`),
      challengeId: challenge.id,
      authExpiresAt: challenge.expiresAt,
      payoutId: null,
      declineReason: null,
      metadata: input.metadata,
      createdAt: now,
      updatedAt: now,
    };
    await S.insertClaim(tx, claim);
    await tx.jobs.schedule(JOBS.claimExpire, String(id), challenge.expiresAt, {});
    return claim;
  }

  /** POST /claims/{id}/auth: the claimant's OTP; on success the transfer's payout goes to the claimant's card. */
  async authenticateClaim(tx: Tx, claimId: number, code: string, bases: Bases): Promise<ClaimAuthOutcome> {
    const c0 = (await S.getClaim(tx, claimId))!;
    const t0 = (await S.getTransfer(tx, c0.transferId))!;
    await this.engine.payments.lock(tx, t0.paymentId); // one claim decision at a time per transfer
    let claim = (await S.getClaim(tx, claimId))!;
    if (claim.status !== 'authentication') return { kind: 'conflict', message: `Claim is ${claim.status}.` };
    if (this.now() >= claim.authExpiresAt) {
      await this.expireClaim(tx, claim.id, true);
      return { kind: 'conflict', message: 'Claim is declined.' };
    }
    let answer;
    try {
      answer = await this.engine.challenges.answer(tx, claim.challengeId!, { otp: code });
    } catch (e) {
      if (isCoreError(e, 'CHALLENGE_EXPIRED')) {
        await this.expireClaim(tx, claim.id, true);
        return { kind: 'conflict', message: 'Claim is declined.' };
      }
      if (isCoreError(e, 'CHALLENGE_ALREADY_COMPLETED')) return { kind: 'conflict', message: 'This claim was already authenticated.' };
      throw e;
    }
    if (!answer.paRes) return { kind: 'wrong_code', claim };
    const { passed } = await this.engine.challenges.consume(tx, answer.paRes, { type: CLAIM_SUBJECT, id: String(claim.id) });
    const now = this.now();
    await tx.jobs.cancel(JOBS.claimExpire, String(claim.id));
    if (!passed) {
      await S.updateClaim(tx, claim.id, { status: 'declined', declineReason: 'authentication_failed', card: null, updatedAt: now });
      return { kind: 'wrong_code', claim: (await S.getClaim(tx, claim.id))! };
    }
    const t = (await S.getTransfer(tx, claim.transferId))!;
    if (t.status !== 'waiting_for_claim') {
      await S.updateClaim(tx, claim.id, { status: 'declined', declineReason: 'invalid_transaction', card: null, updatedAt: now });
      return { kind: 'conflict', message: `Transfer is ${t.status}.` };
    }
    await S.updateClaim(tx, claim.id, { status: 'processing', updatedAt: now });
    await this.transition(tx, t, 'processing', { activeClaimId: claim.id }, bases);
    await this.schedulePayout(tx, t.id);
    claim = (await S.getClaim(tx, claim.id))!;
    return { kind: 'ok', claim };
  }

  async expireClaim(tx: Tx, claimId: number, force = false): Promise<number | void> {
    const c = await S.getClaim(tx, claimId);
    if (!c || c.status !== 'authentication') return;
    if (!force && this.now() < c.authExpiresAt) return c.authExpiresAt;
    if (c.challengeId) await this.engine.challenges.expire(tx, c.challengeId);
    await S.updateClaim(
      tx,
      c.id,
      { status: 'declined', declineReason: 'expired_authentication', card: null, updatedAt: this.now() },
      'authentication',
    );
    await tx.jobs.cancel(JOBS.claimExpire, String(c.id));
  }

  // ---------------------------------------------------------------- access

  /** A transfer by id for its token holder (or its merchant's API token): 404 before 401. */
  async transferFor(tx: Tx, id: string, tokens: string[], opts: { allowApiToken: boolean }): Promise<Transfer> {
    const t = /^\d{1,15}$/.test(id) ? await S.getTransfer(tx, Number(id)) : undefined;
    if (!t) throw new CoreError('NOT_FOUND');
    if (tokens.some((x) => safeEqual(x, t.token))) return t;
    if (opts.allowApiToken) {
      for (const x of tokens) {
        const found = await this.engine.merchants.authenticate(tx, 'mbill', tokenKey(x));
        if (found && safeEqual(found.credential.secret ?? '', x) && found.merchant.id === t.merchantId) return t;
      }
    }
    throw new CoreError(
      'UNAUTHENTICATED',
      tokens.length ? 'Invalid transfer token.' : 'Send the transfer token as the HTTP Basic username.',
    );
  }

  async claimFor(tx: Tx, id: string, tokens: string[]): Promise<Claim> {
    const c = /^\d{1,15}$/.test(id) ? await S.getClaim(tx, Number(id)) : undefined;
    if (!c) throw new CoreError('NOT_FOUND');
    if (tokens.some((x) => safeEqual(x, c.token))) return c;
    throw new CoreError('UNAUTHENTICATED', tokens.length ? 'Invalid claim token.' : 'Send the claim token as the HTTP Basic username.');
  }

  // ---------------------------------------------------------------- views

  async transferView(tx: Tx, t: Transfer, bases: Bases): Promise<TransferView> {
    const v: TransferView = {
      id: String(t.id),
      type: 'transfer',
      external_id: t.externalId,
      token: t.token,
      token_expires_at: isoUtc(t.tokenExpiresAt),
      amount: amountNumber(t.amount),
      fee: amountNumber(t.fee),
      total: amountNumber(t.amount + t.fee),
      description: t.description,
      status: t.status,
      metadata: t.metadata,
      sender: t.sender,
      recipient: t.recipient,
      created_at: isoNaive(t.createdAt),
      updated_at: isoNaive(t.updatedAt),
    };
    if (t.status === 'authentication' && t.authType === '3d-secure' && t.challengeId) {
      const c = await tx.challenges.get(t.challengeId);
      if (c)
        v.auth = {
          type: '3d-secure',
          acs_url: `${bases.root}/acs`,
          pa_req: this.engine.challenges.paReq(c),
          md: t.externalId,
          terminal_url: `${bases.api}/3ds/terminal`,
        };
    } else if (t.status === 'authentication' && t.authType === 'lookup-code') {
      v.auth = { type: 'lookup-code', md: t.externalId };
    }
    if (t.status === 'declined') v.decline = declineOf(t.declineReason);
    return v;
  }

  summaryView(t: Transfer): TransferSummaryView {
    return {
      id: String(t.id),
      status: t.status,
      amount: amountNumber(t.amount),
      fee: amountNumber(t.fee),
      total: amountNumber(t.amount + t.fee),
      description: t.description,
      sender: t.sender,
      recipient: t.recipient,
      created_at: isoNaive(t.createdAt),
      updated_at: isoNaive(t.updatedAt),
    };
  }

  async claimView(tx: Tx, c: Claim): Promise<ClaimView> {
    const v: ClaimView = {
      id: String(c.id),
      type: 'claim',
      external_id: c.externalId,
      status: c.status,
      token: c.token,
      token_expires_at: isoUtc(c.tokenExpiresAt),
      credential: c.credential,
      auth: { type: 'otp-code' },
      metadata: c.metadata,
      created_at: isoNaive(c.createdAt),
      updated_at: isoNaive(c.updatedAt),
    };
    if (c.status === 'declined' || c.status === 'error') v.decline = declineOf(c.declineReason);
    if (c.status === 'processing' || c.status === 'completed') {
      const t = await S.getTransfer(tx, c.transferId);
      if (t) {
        v.transfer = this.summaryView(t);
        if (c.status === 'completed') v.payment = v.transfer;
      }
    }
    return v;
  }
}
