// The exported test-card catalogue (src/index.ts exports TEST_CARDS): every card as docs/test-cards.md and the
// published CloudPayments list describe it, with its label. The catalogue is imported inside each test, not at the
// top of the file: a catalogue that cannot even be built (a card number that no check digit completes, a card left
// out) then fails these tests instead of failing to load the file.
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from '../../src/core/cards.js';

const catalogue = () => import('../../src/core/network/test-cards.js');

/** [card, label, authentication, payment, token payment, payout] (docs/test-cards.md, CloudPayments' test cards) */
const LISTED: Array<[string, string, string, string, string, string]> = [
  ['4242424242424242', 'Visa, 3-D Secure, success', '3ds', 'approve', 'approve', 'approve'],
  ['5555555555554444', 'Mastercard, 3-D Secure, success', '3ds', 'approve', 'approve', 'approve'],
  ['2200000000000004', 'MIR, 3-D Secure, success', '3ds', 'approve', 'approve', 'approve'],
  ['4012888888881881', 'Visa, 3-D Secure, insufficient funds', '3ds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  [
    '5105105105105100',
    'Mastercard, 3-D Secure, insufficient funds',
    '3ds',
    'insufficient_funds',
    'insufficient_funds',
    'insufficient_funds',
  ],
  ['2202202202202200', 'MIR, 3-D Secure, insufficient funds', '3ds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['4000000000003055', 'Visa, no 3-D Secure, success', 'none', 'approve', 'approve', 'approve'],
  ['5205000000003055', 'Mastercard, no 3-D Secure, success', 'none', 'approve', 'approve', 'approve'],
  ['2202000000003055', 'MIR, no 3-D Secure, success', 'none', 'approve', 'approve', 'approve'],
  [
    '4111111111111111',
    'Visa, no 3-D Secure, success; token payments: insufficient funds',
    'none',
    'approve',
    'insufficient_funds',
    'approve',
  ],
  [
    '5200828282828210',
    'Mastercard, no 3-D Secure, success; token payments: insufficient funds',
    'none',
    'approve',
    'insufficient_funds',
    'approve',
  ],
  [
    '2200000022222222',
    'MIR, no 3-D Secure, success; token payments: insufficient funds',
    'none',
    'approve',
    'insufficient_funds',
    'approve',
  ],
  ['4000056655665556', 'Visa, no 3-D Secure, insufficient funds', 'none', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  [
    '5404000000000043',
    'Mastercard, no 3-D Secure, insufficient funds',
    'none',
    'insufficient_funds',
    'insufficient_funds',
    'insufficient_funds',
  ],
  ['2203000000000043', 'MIR, no 3-D Secure, insufficient funds', 'none', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
  ['4000000000000101', 'Visa, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve', 'approve', 'approve'],
  ['5200000000000106', 'Mastercard, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve', 'approve', 'approve'],
  ['2200000000000103', 'MIR, 3-D Secure challenge with a one-time code (OTP), success', 'otp', 'approve', 'approve', 'approve'],
  [
    '4000000000000200',
    'Visa, 3-D Secure challenge, then declined by the issuer (do not honor)',
    '3ds',
    'do_not_honor',
    'do_not_honor',
    'do_not_honor',
  ],
];

describe('the test-card catalogue, as exported', () => {
  it('builds, and finds each of its cards by number', async () => {
    const { TEST_CARDS, findTestCard } = await catalogue();
    expect(TEST_CARDS).toHaveLength(15 + 4 + 43);
    for (const c of TEST_CARDS) {
      expect(c, 'a card in the catalogue').toBeDefined();
      expect(luhnValid(c.pan), c.pan).toBe(true);
      expect(findTestCard(c.pan), c.pan).toBe(c);
    }
  });

  it('labels each published and authentication card with its brand, authentication and outcome', async () => {
    const { TEST_CARDS } = await catalogue();
    const listed = TEST_CARDS.filter((c) => c.group !== 'decline').map((c) => [
      c.pan,
      c.label,
      c.challenge,
      c.payment,
      c.tokenPayment,
      c.payout,
    ]);
    expect(listed).toEqual(LISTED);
  });

  it('has a decline card for each reason, its number completed by the Luhn check digit', async () => {
    const { declineCardPan, findTestCard } = await catalogue();
    // 4000 0050 5100 000K: the check digit that completes it is 9
    expect(luhnCheckDigit('400000505100000')).toBe('9');
    expect(declineCardPan('insufficient_funds')).toBe('4000005051000009');
    expect(declineCardPan('do_not_honor')).toBe('4000005005000006');
    expect(findTestCard('4000005005000006')).toMatchObject({
      label: 'Visa, no 3-D Secure, declined: do_not_honor',
      payment: 'do_not_honor',
      payout: 'do_not_honor',
      group: 'decline',
    });
  });
});
