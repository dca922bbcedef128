// The simulated card network and its published catalogue, as docs/test-cards.md states them: the reason texts,
// the CloudPayments-style code inside each decline card, and the decisions for each kind of operation.
import { describe, expect, it } from 'vitest';
import { ALL_DECLINE_REASONS, DECLINE_REASONS, isDeclineReason } from '../../src/core/network/reasons.js';
import { SimulatedNetwork, type NetworkRequest } from '../../src/core/network/network.js';
import { DECLINE_CARD_CODES, declineCardPan, findTestCard, FIXED_TEST_OTP, TEST_CARDS } from '../../src/core/network/test-cards.js';

/** reason → [meaning, code in the card] (docs/test-cards.md, "One card for every decline reason") */
const DECLINES: Record<string, [string, string]> = {
  refer_to_issuer: ['Refer to card issuer', '5001'],
  invalid_merchant: ['Invalid merchant', '5003'],
  pick_up_card: ['Pick up card', '5004'],
  do_not_honor: ['Do not honor', '5005'],
  processing_error: ['Processing error', '5006'],
  pick_up_card_special: ['Pick up card, special conditions', '5007'],
  invalid_transaction: ['Invalid transaction', '5012'],
  amount_error: ['Invalid amount', '5013'],
  invalid_card_number: ['Invalid card number', '5014'],
  no_such_issuer: ['No such issuer (BIN not found)', '5015'],
  customer_cancellation: ['Customer cancellation', '5017'],
  transaction_error: ['Transaction error', '5019'],
  format_error: ['Format error', '5030'],
  bank_not_supported: ['Bank not supported by switch', '5031'],
  expired_card_pickup: ['Expired card, pick up', '5033'],
  suspected_fraud: ['Suspected fraud', '5034'],
  restricted_card: ['Restricted card', '5036'],
  lost_card: ['Lost card', '5041'],
  stolen_card: ['Stolen card', '5043'],
  insufficient_funds: ['Insufficient funds', '5051'],
  expired_card: ['Expired card', '5054'],
  invalid_pin: ['Incorrect PIN', '5055'],
  transaction_not_permitted: ['Transaction not permitted to cardholder', '5057'],
  transaction_not_permitted_terminal: ['Transaction not permitted to terminal', '5058'],
  suspected_fraud_issuer: ['Suspected fraud (issuer)', '5059'],
  exceeds_amount_limit: ['Exceeds withdrawal amount limit', '5061'],
  restricted_card_issuer: ['Restricted card (issuer)', '5062'],
  security_violation: ['Security violation', '5063'],
  exceeds_frequency_limit: ['Exceeds withdrawal frequency limit', '5065'],
  incorrect_cvv: ['Incorrect CVV', '5082'],
  timeout: ['Issuer timeout', '5091'],
  cannot_reach_network: ['Cannot reach network', '5092'],
  system_error: ['System error', '5096'],
  unable_to_process: ['Unable to process', '5204'],
  authentication_failed: ['3-D Secure authentication failed', '5206'],
  authentication_unavailable: ['3-D Secure authentication unavailable', '5207'],
  antifraud: ['Declined by antifraud', '5300'],
  card_not_found: ['Card not found', '9011'],
  card_record_not_found: ['Card record not found at issuer', '9026'],
  invalid_card: ['Invalid card', '9012'],
  payout_not_permitted: ['Payouts to this card are not permitted', '9022'],
  limit_exceeded: ['Card limits exceeded', '9016'],
  expired_authentication: ['Authentication not completed in time', '9099'],
};

/** [card, brand, authentication, payment, token payment, payout] (docs/test-cards.md) */
const PUBLISHED = [
  ['4242424242424242', 'Visa', '3ds', 'approve', 'approve', 'approve'],
  ['5555555555554444', 'Mastercard', '3ds', 'approve', 'approve', 'approve'],
  ['2200000000000004', 'MIR', '3ds', 'approve', 'approve', 'approve'],
  ['4012888888881881', 'Visa', '3ds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['5105105105105100', 'Mastercard', '3ds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['2202202202202200', 'MIR', '3ds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['4000000000003055', 'Visa', 'none', 'approve', 'approve', 'approve'],
  ['5205000000003055', 'Mastercard', 'none', 'approve', 'approve', 'approve'],
  ['2202000000003055', 'MIR', 'none', 'approve', 'approve', 'approve'],
  ['4111111111111111', 'Visa', 'none', 'approve', 'insufficient_funds', 'approve'],
  ['5200828282828210', 'Mastercard', 'none', 'approve', 'insufficient_funds', 'approve'],
  ['2200000022222222', 'MIR', 'none', 'approve', 'insufficient_funds', 'approve'],
  ['4000056655665556', 'Visa', 'none', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['5404000000000043', 'Mastercard', 'none', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['2203000000000043', 'MIR', 'none', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['4000000000000101', 'Visa', 'otp', 'approve', 'approve', 'approve'],
  ['5200000000000106', 'Mastercard', 'otp', 'approve', 'approve', 'approve'],
  ['2200000000000103', 'MIR', 'otp', 'approve', 'approve', 'approve'],
  ['4000000000000200', 'Visa', '3ds', 'do_not_honor', 'do_not_honor', 'do_not_honor'],
];

describe('decline reasons', () => {
  it('are the documented list, each with its meaning', () => {
    expect(ALL_DECLINE_REASONS).toEqual(Object.keys(DECLINES));
    for (const [reason, [meaning]] of Object.entries(DECLINES))
      expect(DECLINE_REASONS[reason as keyof typeof DECLINE_REASONS], reason).toBe(meaning);
    expect(isDeclineReason('stolen_card')).toBe(true);
    expect(isDeclineReason('approve')).toBe(false);
    expect(isDeclineReason('toString')).toBe(false);
    expect(isDeclineReason(5005)).toBe(false);
  });

  it('each have a card 4000 00CC CC00 000K with their code', () => {
    for (const [reason, [, code]] of Object.entries(DECLINES)) {
      expect(DECLINE_CARD_CODES[reason as keyof typeof DECLINE_CARD_CODES], reason).toBe(code);
      expect(declineCardPan(reason as keyof typeof DECLINE_CARD_CODES)).toMatch(new RegExp(`^400000${code}00000\\d$`));
    }
    expect(declineCardPan('stolen_card')).toBe('4000005043000000');
    expect(declineCardPan('payout_not_permitted')).toBe('4000009022000007');
    expect(declineCardPan('insufficient_funds')).toBe('4000005051000009');
  });
});

describe('the test-card catalogue', () => {
  it('holds the published and authentication cards with their outcomes', () => {
    for (const [pan, brand, challenge, payment, tokenPayment, payout] of PUBLISHED)
      expect(findTestCard(pan!), pan).toMatchObject({ pan, brand, challenge, payment, tokenPayment, payout });
    expect(TEST_CARDS.filter((c) => c.group === 'published').map((c) => c.pan)).toEqual(PUBLISHED.slice(0, 15).map((r) => r[0]));
    expect(TEST_CARDS.filter((c) => c.group === 'authentication').map((c) => c.pan)).toEqual(PUBLISHED.slice(15).map((r) => r[0]));
    expect(findTestCard('4242424242424242')!.label).toBe('Visa, 3-D Secure, success');
    expect(findTestCard('4000000000000200')!.label).toBe('Visa, 3-D Secure challenge, then declined by the issuer (do not honor)');
    expect(findTestCard('4000000000003056')).toBeUndefined();
  });

  it('holds a decline card per reason: declined for everything, except payouts-only refusal', () => {
    const declines = TEST_CARDS.filter((c) => c.group === 'decline');
    expect(declines).toHaveLength(43);
    expect(TEST_CARDS).toHaveLength(15 + 4 + 43);
    const stolen = findTestCard('4000005043000000')!;
    expect(stolen).toMatchObject({
      brand: 'Visa',
      challenge: 'none',
      payment: 'stolen_card',
      tokenPayment: 'stolen_card',
      payout: 'stolen_card',
    });
    expect(stolen.label).toBe('Visa, no 3-D Secure, declined: stolen_card');
    const payouts = findTestCard('4000009022000007')!;
    expect(payouts).toMatchObject({ payment: 'approve', tokenPayment: 'approve', payout: 'payout_not_permitted', group: 'decline' });
    expect(payouts.label).toBe('Visa, no 3-D Secure, payments succeed; payouts declined: payout_not_permitted');
  });

  it('accepts the fixed one-time code 3382837', () => {
    expect(FIXED_TEST_OTP).toBe('3382837');
  });
});

describe('the simulated network', () => {
  const net = new SimulatedNetwork();
  const now = Date.UTC(2030, 0, 15);
  const decide = (pan: string, more: Partial<NetworkRequest> = {}) =>
    net.decide({ card: { pan, brand: 'Visa', expMonth: 12, expYear: 2099 }, amount: 100n, currency: 'RUB', kind: 'payment', now, ...more });

  it('approves with a six-character code from its alphabet and a twelve-digit RRN', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const d = decide('4000000000003055');
      if (d.outcome !== 'approved') throw new Error(d.outcome);
      expect(d.authCode).toMatch(/^[A-HJ-NP-Z0-9]{6}$/);
      expect(d.rrn).toMatch(/^\d{12}$/);
      codes.add(d.authCode);
    }
    expect(codes.size).toBeGreaterThan(190);
    const d = decide('4000005043000000');
    expect(d.outcome === 'declined' && d.rrn).toMatch(/^\d{12}$/);
  });

  it('approves a valid number it does not list, for every kind of operation', () => {
    for (const kind of ['payment', 'token_payment', 'payout'] as const)
      expect(decide('4000000000009995', { kind }).outcome, kind).toBe('approved');
  });

  it('declines a card at the end of its expiry month', () => {
    const card = { pan: '4000000000003055', brand: 'Visa' as const, expMonth: 1, expYear: 2030 };
    expect(net.decide({ card, amount: 1n, currency: 'RUB', kind: 'payment', now: Date.UTC(2030, 1, 1) - 1 }).outcome).toBe('approved');
    expect(net.decide({ card, amount: 1n, currency: 'RUB', kind: 'payment', now: Date.UTC(2030, 1, 1) })).toMatchObject({
      outcome: 'declined',
      reason: 'expired_card',
    });
    // expiry is checked before authentication
    expect(decide('4242424242424242', { card: { ...card, pan: '4242424242424242' }, now: Date.UTC(2031, 0, 1) })).toMatchObject({
      outcome: 'declined',
      reason: 'expired_card',
    });
  });

  it('asks for the card authentication unless done, skipped, or a payout; a face may ask for a code', () => {
    expect(decide('4242424242424242')).toEqual({ outcome: 'challenge', method: '3ds' });
    expect(decide('4000000000000101')).toEqual({ outcome: 'challenge', method: 'otp' });
    expect(decide('4242424242424242', { kind: 'token_payment' })).toEqual({ outcome: 'challenge', method: '3ds' });
    expect(decide('4242424242424242', { authenticated: true }).outcome).toBe('approved');
    expect(decide('4242424242424242', { skipAuthentication: true }).outcome).toBe('approved');
    expect(decide('4242424242424242', { kind: 'payout' }).outcome).toBe('approved');
    expect(decide('4000000000003055', { requireAuthentication: true })).toEqual({ outcome: 'challenge', method: 'otp' });
    expect(decide('4000000000009995', { requireAuthentication: true })).toEqual({ outcome: 'challenge', method: 'otp' });
    expect(decide('4000000000003055', { requireAuthentication: true, authenticated: true }).outcome).toBe('approved');
    expect(decide('4000000000003055', { requireAuthentication: true, skipAuthentication: true }).outcome).toBe('approved');
    expect(decide('4000000000003055', { requireAuthentication: true, kind: 'payout' }).outcome).toBe('approved');
    expect(decide('4242424242424242', { requireAuthentication: true })).toEqual({ outcome: 'challenge', method: '3ds' });
    expect(decide('4000000000000200', { authenticated: true })).toMatchObject({ outcome: 'declined', reason: 'do_not_honor' });
  });

  it('decides by the kind of operation', () => {
    expect(decide('4111111111111111', { kind: 'token_payment' })).toMatchObject({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(decide('4111111111111111', { kind: 'payout' }).outcome).toBe('approved');
    expect(decide('4000009022000007', { kind: 'payout' })).toMatchObject({ outcome: 'declined', reason: 'payout_not_permitted' });
    expect(decide('4000009022000007', { kind: 'token_payment' }).outcome).toBe('approved');
    expect(decide('4000009022000007').outcome).toBe('approved');
    expect(decide('4000005043000000', { kind: 'payout' })).toMatchObject({ outcome: 'declined', reason: 'stolen_card' });
  });
});
