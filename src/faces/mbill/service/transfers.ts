// Transfers (card-to-card transfers of the core, core/card-transfers.ts): the sender leg is a core payment of
// amount + fee (UAH), authorized with authentication always required (3-D Secure for enrolled cards, an OTP "lookup
// code" otherwise). Once it is paid the recipient leg follows (payouts.ts); an unauthenticated transfer declines
// about 15 minutes after it was made.
import { MINUTE } from '../../../core/clock.js';
import { CoreError, isCoreError } from '../../../core/errors.js';
import { randomDigits, uuid } from '../../../core/ids.js';
import type { Merchant } from '../../../core/model.js';
import type { AuthorizeResult } from '../../../core/payments.js';
import type { Tx } from '../../../core/ports.js';
import { readTogether } from '../../../core/unit-of-work.js';
import { MbillError, mbillReporter, validationBody } from '../http.js';
import type { CardData } from '../card-fields.js';
import type { TransferInput } from '../requests.js';
import { sealCard, type SealedCard } from '../sealing.js';
import { mbillStore as S, type Transfer, type TransferPatch } from '../store.js';
import { carryCredentials } from '../webhooks.js';
import type { Bases } from '../views.js';
import { CURRENCY, isoUtc, maskNumber, TRANSFER_STATUS_OF_PAYMENT, type CredentialView } from '../wire.js';
import type { CardTokens } from './card-tokens.js';
import { JOBS, type Lifecycle } from './lifecycle.js';
import type { Payouts } from './payouts.js';

/** Transfer tokens (PAYMENT_TOKEN_EXPIRES_IN) and the time a transfer has to be authenticated. */
const TRANSFER_TOKEN_TTL = 15 * MINUTE;
const AUTH_TTL = 15 * MINUTE;

export type AuthOutcome =
  { kind: 'ok'; transfer: Transfer } | { kind: 'wrong_code'; transfer: Transfer } | { kind: 'conflict'; message: string };

export class Transfers {
  constructor(
    private readonly life: Lifecycle,
    private readonly cardTokens: CardTokens,
    private readonly payouts: Payouts,
  ) {}

  private get engine() {
    return this.life.engine;
  }

  /** POST /transfers: card tokens are used here, so a refused transfer (422) leaves them usable. */
  async create(tx: Tx, merchant: Merchant, input: TransferInput, bases: Bases): Promise<Transfer> {
    const problems = mbillReporter();
    let senderCard: CardData | undefined;
    let senderView: CredentialView | undefined;
    const sc = input.sender.credential;
    if (sc.type === 'card') {
      senderCard = { number: sc.number, expMonth: sc.expMonth, expYear: sc.expYear };
      senderView = { type: 'card', number: maskNumber(sc.number) };
    } else {
      const got = await this.cardTokens.take(tx, sc.token, ['sender', 'credential'], problems);
      if (got && got.card.expMonth !== null && got.card.expYear !== null) {
        senderCard = { number: got.card.number, expMonth: got.card.expMonth, expYear: got.card.expYear };
        senderView = { type: 'card-token', token: sc.token, token_expires_at: isoUtc(got.expiresAt), number: maskNumber(got.card.number) };
      }
    }

    let recipientCard: SealedCard | null = null;
    let recipientView: CredentialView | undefined;
    let claimRef: string | null = null;
    const rc = input.recipient.credential;
    if (rc.type === 'card-number') {
      recipientCard = { number: rc.number, expMonth: null, expYear: null };
      recipientView = { type: 'card-number', number: maskNumber(rc.number) };
    } else if (rc.type === 'card-token') {
      const got = await this.cardTokens.take(tx, rc.token, ['recipient', 'credential'], problems);
      if (got) {
        recipientCard = got.card;
        recipientView = {
          type: 'card-token',
          token: rc.token,
          token_expires_at: isoUtc(got.expiresAt),
          number: maskNumber(got.card.number),
        };
      }
    } else {
      claimRef = await this.life.unique(
        (ref) => S.getTransferByClaimRef(tx, ref),
        () => randomDigits(9),
      );
      recipientView = { type: 'external-credential', id: claimRef, metadata: rc.metadata };
    }
    problems.done();
    if (!senderCard || !senderView || !recipientView) throw new MbillError(422, validationBody([]));

    const now = this.life.now();
    // the transfer's id, a free external id, the merchant's credentials (for its webhooks), and what authorizing the
    // sender's card will read (the card, the merchant's accounts), read together
    const first = () =>
      Promise.all([
        tx.sequences.nextTransactionId(),
        this.life.unique(
          (x) => S.getTransferByExternalId(tx, x),
          () => randomDigits(12),
        ),
        tx.credentials.list(merchant.id),
        this.engine.payments.readAheadForCard(tx, merchant.id, CURRENCY, senderCard.number),
      ]);
    const [id, externalId, credentials] = await readTogether(tx, first);
    carryCredentials(tx, merchant.id, credentials);
    await this.engine.cardTransfers.createSenderLeg(tx, {
      id,
      merchantId: merchant.id,
      face: 'mbill',
      amount: input.amount,
      fee: input.fee,
      currency: CURRENCY,
      description: input.description,
      email: input.sender.email,
      expiresAt: now + AUTH_TTL,
      metadata: { mbill_transfer_id: String(id) },
    });
    const t: Transfer = {
      id,
      merchantId: merchant.id,
      externalId,
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
      await S.patchOwnTransfer(tx, id, patch);
      await tx.jobs.schedule(JOBS.transferExpire, String(id), expiresAt, {});
      const fresh = { ...t, ...patch };
      await this.life.emit(tx, fresh, bases);
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
    if (p.status !== 'requires_authentication' || (t.authExpiresAt !== null && this.life.now() >= t.authExpiresAt)) {
      t = await this.expire(tx, t, bases, true);
      return { kind: 'conflict', message: `Transfer is ${t.status}.` };
    }
    let answer;
    try {
      answer = await this.engine.challenges.answer(tx, t.challengeId!, { otp: code });
    } catch (e) {
      if (isCoreError(e, 'CHALLENGE_EXPIRED')) {
        t = await this.expire(tx, t, bases, true);
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
    if (r.kind === 'approved') return this.payouts.onSenderCharged(tx, t, bases);
    if (r.kind === 'declined')
      return this.life.transition(
        tx,
        t,
        TRANSFER_STATUS_OF_PAYMENT[r.payment.status],
        { declineReason: r.payment.declineReason ?? 'processing_error' },
        bases,
      );
    throw new CoreError('INTERNAL', 'the network asked for a second authentication');
  }

  /**
   * An unauthenticated transfer declines about 15 minutes after it was created: the core payment expires
   * (`expired_authentication`) and the transfer follows. `force` is for a request that finds it overdue.
   */
  async expire(tx: Tx, t0: Transfer, bases: Bases, force = false): Promise<Transfer> {
    const p = await this.engine.payments.lock(tx, t0.paymentId);
    const t = (await S.getTransfer(tx, t0.id))!;
    if (t.status !== 'authentication') return t;
    if (p.status === 'created' || p.status === 'requires_authentication') {
      if (!force && t.authExpiresAt !== null && this.life.now() < t.authExpiresAt) return t;
      await this.engine.payments.expire(tx, p.id);
    }
    const after = await this.engine.payments.get(tx, p.id);
    const status = TRANSFER_STATUS_OF_PAYMENT[after.status];
    if (status === 'authentication') return t;
    await tx.jobs.cancel(JOBS.transferExpire, String(t.id));
    return this.life.transition(tx, t, status, { declineReason: after.declineReason ?? 'expired_authentication' }, bases);
  }

  /** The expiry job; runs again later if the gateway clock has not reached the deadline yet. */
  async expireJob(tx: Tx, transferId: number, bases: Bases): Promise<number | void> {
    const t = await S.getTransfer(tx, transferId);
    if (!t || t.status !== 'authentication') return;
    if (t.authExpiresAt !== null && this.life.now() < t.authExpiresAt) return t.authExpiresAt;
    await this.expire(tx, t, bases, true);
  }
}
