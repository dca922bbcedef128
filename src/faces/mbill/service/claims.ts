// Claims: the recipient of a transfer to an external credential claims it with a card (`authentication`, an OTP
// of its own, 15 minutes); the right code moves claim and transfer to `processing` and the payout job pays the
// claimant's card (payouts.ts). Only one claim takes a transfer; a declined claim leaves it claimable again.
import { MINUTE } from '../../../core/clock.js';
import { isCoreError } from '../../../core/errors.js';
import { uuid } from '../../../core/ids.js';
import { formatMajor } from '../../../core/money.js';
import type { Tx } from '../../../core/ports.js';
import { MbillError, mbillReporter, ownProblem, validationBody } from '../http.js';
import type { ClaimInput } from '../requests.js';
import { sealCard, type SealedCard } from '../sealing.js';
import { CLAIM_SUBJECT, mbillStore as S, type Claim } from '../store.js';
import type { Bases } from '../views.js';
import { isoUtc, maskNumber, type CredentialView } from '../wire.js';
import type { CardTokens } from './card-tokens.js';
import { JOBS, type Lifecycle } from './lifecycle.js';

const CLAIM_TOKEN_TTL = 15 * MINUTE;

export type ClaimAuthOutcome = { kind: 'ok'; claim: Claim } | { kind: 'wrong_code'; claim: Claim } | { kind: 'conflict'; message: string };

export class Claims {
  constructor(
    private readonly life: Lifecycle,
    private readonly cardTokens: CardTokens,
  ) {}

  private get engine() {
    return this.life.engine;
  }

  /** POST /claims: the transfer must wait for a claim (`claim_id` "not found" otherwise). */
  async create(tx: Tx, input: ClaimInput): Promise<Claim> {
    const problems = mbillReporter();
    const t = await S.getTransferByClaimRef(tx, input.id);
    if (!t || t.status !== 'waiting_for_claim') problems.report(ownProblem(['id'], 'claim_id'));
    let card: SealedCard | undefined;
    let view: CredentialView | undefined;
    const c = input.credential;
    if (c.type === 'card-number') {
      card = { number: c.number, expMonth: null, expYear: null };
      view = { type: 'card-number', number: maskNumber(c.number) };
    } else if (!problems.problems.length) {
      const got = await this.cardTokens.take(tx, c.token, ['credential'], problems);
      if (got) {
        card = got.card;
        view = { type: 'card-token', token: c.token, token_expires_at: isoUtc(got.expiresAt), number: maskNumber(got.card.number) };
      }
    }
    problems.done();
    if (!t || !card || !view) throw new MbillError(422, validationBody([]));
    const merchant = await this.engine.merchants.get(tx, t.merchantId);
    const now = this.life.now();
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
  async authenticate(tx: Tx, claimId: number, code: string, bases: Bases): Promise<ClaimAuthOutcome> {
    const c0 = (await S.getClaim(tx, claimId))!;
    const t0 = (await S.getTransfer(tx, c0.transferId))!;
    await this.engine.payments.lock(tx, t0.paymentId); // one claim decision at a time per transfer
    let claim = (await S.getClaim(tx, claimId))!;
    if (claim.status !== 'authentication') return { kind: 'conflict', message: `Claim is ${claim.status}.` };
    if (this.life.now() >= claim.authExpiresAt) {
      await this.expire(tx, claim.id, true);
      return { kind: 'conflict', message: 'Claim is declined.' };
    }
    let answer;
    try {
      answer = await this.engine.challenges.answer(tx, claim.challengeId!, { otp: code });
    } catch (e) {
      if (isCoreError(e, 'CHALLENGE_EXPIRED')) {
        await this.expire(tx, claim.id, true);
        return { kind: 'conflict', message: 'Claim is declined.' };
      }
      if (isCoreError(e, 'CHALLENGE_ALREADY_COMPLETED')) return { kind: 'conflict', message: 'This claim was already authenticated.' };
      throw e;
    }
    if (!answer.paRes) return { kind: 'wrong_code', claim };
    const { passed } = await this.engine.challenges.consume(tx, answer.paRes, { type: CLAIM_SUBJECT, id: String(claim.id) });
    const now = this.life.now();
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
    await this.life.transition(tx, t, 'processing', { activeClaimId: claim.id }, bases);
    await this.life.schedulePayout(tx, t.id);
    claim = (await S.getClaim(tx, claim.id))!;
    return { kind: 'ok', claim };
  }

  /** A claim not authenticated in time declines (`expired_authentication`); also the claim's expiry job. */
  async expire(tx: Tx, claimId: number, force = false): Promise<number | void> {
    const c = await S.getClaim(tx, claimId);
    if (!c || c.status !== 'authentication') return;
    if (!force && this.life.now() < c.authExpiresAt) return c.authExpiresAt;
    if (c.challengeId) await this.engine.challenges.expire(tx, c.challengeId);
    await S.updateClaim(
      tx,
      c.id,
      { status: 'declined', declineReason: 'expired_authentication', card: null, updatedAt: this.life.now() },
      'authentication',
    );
    await tx.jobs.cancel(JOBS.claimExpire, String(c.id));
  }
}
