// The documented test-card catalogue (docs/test-cards.md is generated from it by `npm run docs:cards`).
// CloudPayments' published cards behave as published on every face; one card per core decline reason;
// one card per authentication path.
import { detectBrand, luhnCheckDigit, type CardBrand } from '../cards.js';
import { ALL_DECLINE_REASONS, type DeclineReason } from './reasons.js';

export type Outcome = 'approve' | DeclineReason;
export type ChallengeKind = 'none' | '3ds' | 'otp';

export interface TestCard {
  pan: string;
  brand: CardBrand;
  label: string;
  challenge: ChallengeKind;
  /** a card payment (cryptogram, card form, card data) */
  payment: Outcome;
  /** a payment with a saved token (recurring); defaults to `payment` */
  tokenPayment: Outcome;
  /** money sent to the card */
  payout: Outcome;
  group: 'published' | 'authentication' | 'decline';
}

function card(
  pan: string,
  label: string,
  challenge: ChallengeKind,
  payment: Outcome,
  extra: Partial<TestCard> = {},
  group: TestCard['group'] = 'published',
): TestCard {
  const p = pan.replace(/\s/g, '');
  return {
    pan: p,
    brand: detectBrand(p)!,
    label,
    challenge,
    payment,
    tokenPayment: extra.tokenPayment ?? payment,
    payout: extra.payout ?? (payment === 'approve' ? 'approve' : payment),
    group,
  };
}

/** The four-digit code embedded in each decline card: `4000 00CC CC00 000K` (K = Luhn check digit). */
export const DECLINE_CARD_CODES: Record<DeclineReason, string> = {
  refer_to_issuer: '5001',
  invalid_merchant: '5003',
  pick_up_card: '5004',
  do_not_honor: '5005',
  processing_error: '5006',
  pick_up_card_special: '5007',
  invalid_transaction: '5012',
  amount_error: '5013',
  invalid_card_number: '5014',
  no_such_issuer: '5015',
  customer_cancellation: '5017',
  transaction_error: '5019',
  format_error: '5030',
  bank_not_supported: '5031',
  expired_card_pickup: '5033',
  suspected_fraud: '5034',
  restricted_card: '5036',
  lost_card: '5041',
  stolen_card: '5043',
  insufficient_funds: '5051',
  expired_card: '5054',
  invalid_pin: '5055',
  transaction_not_permitted: '5057',
  transaction_not_permitted_terminal: '5058',
  suspected_fraud_issuer: '5059',
  exceeds_amount_limit: '5061',
  restricted_card_issuer: '5062',
  security_violation: '5063',
  exceeds_frequency_limit: '5065',
  incorrect_cvv: '5082',
  timeout: '5091',
  cannot_reach_network: '5092',
  system_error: '5096',
  unable_to_process: '5204',
  authentication_failed: '5206',
  authentication_unavailable: '5207',
  antifraud: '5300',
  card_not_found: '9011',
  card_record_not_found: '9026',
  invalid_card: '9012',
  payout_not_permitted: '9022',
  limit_exceeded: '9016',
  expired_authentication: '9099',
};

export function declineCardPan(reason: DeclineReason): string {
  const partial = `400000${DECLINE_CARD_CODES[reason]}00000`;
  return partial + luhnCheckDigit(partial);
}

const published: TestCard[] = [
  card('4242 4242 4242 4242', 'Visa, 3-D Secure, success', '3ds', 'approve'),
  card('5555 5555 5555 4444', 'Mastercard, 3-D Secure, success', '3ds', 'approve'),
  card('2200 0000 0000 0004', 'MIR, 3-D Secure, success', '3ds', 'approve'),
  card('4012 8888 8888 1881', 'Visa, 3-D Secure, insufficient funds', '3ds', 'insufficient_funds'),
  card('5105 1051 0510 5100', 'Mastercard, 3-D Secure, insufficient funds', '3ds', 'insufficient_funds'),
  card('2202 2022 0220 2200', 'MIR, 3-D Secure, insufficient funds', '3ds', 'insufficient_funds'),
  card('4000 0000 0000 3055', 'Visa, no 3-D Secure, success', 'none', 'approve'),
  card('5205 0000 0000 3055', 'Mastercard, no 3-D Secure, success', 'none', 'approve'),
  card('2202 0000 0000 3055', 'MIR, no 3-D Secure, success', 'none', 'approve'),
  card('4111 1111 1111 1111', 'Visa, no 3-D Secure, success; token payments: insufficient funds', 'none', 'approve', {
    tokenPayment: 'insufficient_funds',
  }),
  card('5200 8282 8282 8210', 'Mastercard, no 3-D Secure, success; token payments: insufficient funds', 'none', 'approve', {
    tokenPayment: 'insufficient_funds',
  }),
  card('2200 0000 2222 2222', 'MIR, no 3-D Secure, success; token payments: insufficient funds', 'none', 'approve', {
    tokenPayment: 'insufficient_funds',
  }),
  card('4000 0566 5566 5556', 'Visa, no 3-D Secure, insufficient funds', 'none', 'insufficient_funds'),
  card('5404 0000 0000 0043', 'Mastercard, no 3-D Secure, insufficient funds', 'none', 'insufficient_funds'),
  card('2203 0000 0000 0043', 'MIR, no 3-D Secure, insufficient funds', 'none', 'insufficient_funds'),
];

function authCard(partial15: string, label: string, challenge: ChallengeKind, payment: Outcome): TestCard {
  return card(partial15 + luhnCheckDigit(partial15), label, challenge, payment, {}, 'authentication');
}

const authentication: TestCard[] = [
  authCard('400000000000010', 'Visa, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve'),
  authCard('520000000000010', 'Mastercard, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve'),
  authCard('220000000000010', 'MIR, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve'),
  authCard('400000000000020', 'Visa, 3-D Secure challenge, then declined by the issuer (do not honor)', '3ds', 'do_not_honor'),
];

const declines: TestCard[] = ALL_DECLINE_REASONS.map((reason) =>
  reason === 'payout_not_permitted'
    ? card(
        declineCardPan(reason),
        `Visa, no 3-D Secure, payments succeed; payouts declined: ${reason}`,
        'none',
        'approve',
        { payout: reason },
        'decline',
      )
    : card(declineCardPan(reason), `Visa, no 3-D Secure, declined: ${reason}`, 'none', reason, {}, 'decline'),
);

export const TEST_CARDS: readonly TestCard[] = [...published, ...authentication, ...declines];

const byPan = new Map(TEST_CARDS.map((c) => [c.pan, c]));

export function findTestCard(pan: string): TestCard | undefined {
  return byPan.get(pan);
}

/** The fixed one-time code every OTP challenge accepts besides the code it generated. */
export const FIXED_TEST_OTP = '3382837';
