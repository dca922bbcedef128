// The card network port and the built-in simulated issuer. A real acquirer connector would implement
// the same interface.
import { randomDigits } from '../ids.js';
import { isExpired, type CardBrand } from '../cards.js';
import type { DeclineReason } from './reasons.js';
import { findTestCard, type ChallengeKind } from './test-cards.js';

export type OperationKind = 'payment' | 'token_payment' | 'payout';

export interface NetworkCard {
  pan: string;
  brand: CardBrand;
  expMonth: number;
  expYear: number;
}

export interface NetworkRequest {
  card: NetworkCard;
  amount: bigint;
  currency: string;
  kind: OperationKind;
  now: number;
  /** true once the cardholder has passed 3-D Secure or OTP for this operation */
  authenticated?: boolean;
  /** the face wants authentication even for cards without 3-D Secure (Mbill: OTP lookup codes) */
  requireAuthentication?: boolean;
  /** the face skips authentication (recurring token payments, payouts) */
  skipAuthentication?: boolean;
}

export type NetworkDecision =
  | { outcome: 'approved'; authCode: string; rrn: string }
  | { outcome: 'declined'; reason: DeclineReason; rrn: string }
  | { outcome: 'challenge'; method: Exclude<ChallengeKind, 'none'> };

export interface CardNetwork {
  decide(req: NetworkRequest): NetworkDecision;
}

export class SimulatedNetwork implements CardNetwork {
  decide(req: NetworkRequest): NetworkDecision {
    const rrn = randomDigits(12);
    if (isExpired(req.card.expMonth, req.card.expYear, req.now)) return { outcome: 'declined', reason: 'expired_card', rrn };
    const tc = findTestCard(req.card.pan);
    const challenge: ChallengeKind = tc?.challenge ?? 'none';
    if (!req.authenticated && !req.skipAuthentication && req.kind !== 'payout') {
      if (challenge !== 'none') return { outcome: 'challenge', method: challenge };
      if (req.requireAuthentication) return { outcome: 'challenge', method: 'otp' };
    }
    const outcome = !tc ? 'approve' : req.kind === 'payout' ? tc.payout : req.kind === 'token_payment' ? tc.tokenPayment : tc.payment;
    if (outcome === 'approve') return { outcome: 'approved', authCode: authCode(), rrn };
    return { outcome: 'declined', reason: outcome, rrn };
  }
}

function authCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  let s = '';
  const digits = randomDigits(12);
  for (let i = 0; i < 6; i++) s += alphabet[Number(digits.slice(i * 2, i * 2 + 2)) % alphabet.length];
  return s;
}
