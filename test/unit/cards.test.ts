import { describe, expect, it } from 'vitest';
import { detectBrand, isExpired, luhnValid, maskPan, parseExpiry } from '../../src/core/cards.js';
import { ALL_DECLINE_REASONS } from '../../src/core/network/reasons.js';
import { SimulatedNetwork } from '../../src/core/network/network.js';
import { declineCardPan, findTestCard, TEST_CARDS } from '../../src/core/network/test-cards.js';

describe('cards', () => {
  it('checks Luhn and detects Visa, Mastercard and MIR', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42424242')).toBe(false);
    expect(detectBrand('4111111111111111')).toBe('Visa');
    expect(detectBrand('5555555555554444')).toBe('Mastercard');
    expect(detectBrand('2221000000000009')).toBe('Mastercard');
    expect(detectBrand('2200000000000004')).toBe('MIR');
    expect(detectBrand('6011111111111117')).toBe(null);
    expect(maskPan('4242424242424242')).toBe('424242******4242');
  });

  it('parses expiry forms and checks expiry at the end of the month', () => {
    expect(parseExpiry('12', '2021')).toEqual({ expMonth: 12, expYear: 2021 });
    expect(parseExpiry('05', '19')).toEqual({ expMonth: 5, expYear: 2019 });
    expect(() => parseExpiry('13', '2021')).toThrow();
    expect(() => parseExpiry('1', 'x')).toThrow();
    expect(isExpired(12, 2021, Date.UTC(2021, 11, 31, 23, 59))).toBe(false);
    expect(isExpired(12, 2021, Date.UTC(2022, 0, 1))).toBe(true);
  });

  it('has a valid, unique test card for every decline reason', () => {
    const pans = new Set<string>();
    for (const c of TEST_CARDS) {
      expect(luhnValid(c.pan), c.pan).toBe(true);
      expect(c.brand).toBe(detectBrand(c.pan));
      expect(pans.has(c.pan), c.pan).toBe(false);
      pans.add(c.pan);
    }
    const net = new SimulatedNetwork();
    for (const reason of ALL_DECLINE_REASONS) {
      const pan = declineCardPan(reason);
      const card = findTestCard(pan)!;
      const kind = reason === 'payout_not_permitted' ? 'payout' : 'payment';
      const d = net.decide({
        card: { pan, brand: card.brand, expMonth: 12, expYear: 2099 },
        amount: 100n,
        currency: 'RUB',
        kind,
        now: Date.now(),
      });
      expect(d, reason).toMatchObject({ outcome: 'declined', reason });
    }
  });

  it('behaves as CloudPayments publishes for its test cards', () => {
    const net = new SimulatedNetwork();
    const now = Date.now();
    const decide = (pan: string, kind: 'payment' | 'token_payment', authenticated = false) =>
      net.decide({
        card: { pan, brand: detectBrand(pan)!, expMonth: 12, expYear: 2099 },
        amount: 100n,
        currency: 'RUB',
        kind,
        now,
        authenticated,
      });
    expect(decide('4242424242424242', 'payment')).toEqual({ outcome: 'challenge', method: '3ds' });
    expect(decide('4242424242424242', 'payment', true)).toMatchObject({ outcome: 'approved' });
    expect(decide('4012888888881881', 'payment', true)).toMatchObject({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(decide('4000000000003055', 'payment')).toMatchObject({ outcome: 'approved' });
    expect(decide('4111111111111111', 'payment')).toMatchObject({ outcome: 'approved' });
    expect(decide('4111111111111111', 'token_payment')).toMatchObject({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(decide('4000056655665556', 'payment')).toMatchObject({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(
      net.decide({
        card: { pan: '4000000000003055', brand: 'Visa', expMonth: 1, expYear: 2020 },
        amount: 1n,
        currency: 'RUB',
        kind: 'payment',
        now,
      }),
    ).toMatchObject({ outcome: 'declined', reason: 'expired_card' });
  });
});

describe('docs/test-cards.md', () => {
  it('is the catalogue as generated', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderTestCardsDoc } = await import('../../src/core/network/test-cards-doc.js');
    expect(readFileSync(new URL('../../docs/test-cards.md', import.meta.url), 'utf8')).toBe(renderTestCardsDoc());
  });
});
