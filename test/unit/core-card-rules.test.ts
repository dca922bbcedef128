// Card number rules at their edges: separators, Luhn over 12 to 19 digits, brand ranges (Visa 4; Mastercard 51-55
// and 2221-2720; MIR 2200-2204), masking, the expiry forms faces send, and the end of the expiry month.
import { describe, expect, it } from 'vitest';
import {
  detectBrand,
  isExpired,
  luhnCheckDigit,
  luhnValid,
  maskPan,
  normalizePan,
  PAN_SEPARATOR_CLASS,
  parseExpiry,
  validateCardNumber,
} from '../../src/core/cards.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('card numbers', () => {
  it('lose their spaces (any white space) and hyphens, nothing else', () => {
    expect(PAN_SEPARATOR_CLASS).toBe('[\\s-]');
    expect(normalizePan(' 4000-0000\t0000\n3055\u00a0\u2009\ufeff')).toBe('4000000000003055');
    expect(normalizePan('4000.0000/0000_3055')).toBe('4000.0000/0000_3055');
    expect(normalizePan('a - b')).toBe('ab');
  });

  it('pass Luhn with 12 to 19 digits only', () => {
    expect(luhnValid('000000000000')).toBe(true);
    expect(luhnValid('00000000000')).toBe(false);
    expect(luhnValid('0000000000000000000')).toBe(true);
    expect(luhnValid('00000000000000000000')).toBe(false);
    expect(luhnValid('4000000000003055')).toBe(true);
    expect(luhnValid('4000000000003056')).toBe(false);
    expect(luhnValid('79927398713000')).toBe(false);
    expect(luhnValid('4000 0000 0000 3055')).toBe(false);
    expect(luhnValid('400000000000305a')).toBe(false);
    // digits doubled past 9 (5 → 10 → 1, 9 → 18 → 9)
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('4012888888881881')).toBe(true);
    expect(luhnValid('6011000990139424')).toBe(true);
    expect(luhnValid('6011000990139425')).toBe(false);
    expect(luhnCheckDigit('400000000000305')).toBe('5');
    expect(luhnCheckDigit('400000000000010')).toBe('1');
    expect(luhnCheckDigit('555555555555444')).toBe('4');
    expect(luhnCheckDigit('400000504300000')).toBe('0');
    expect(luhnCheckDigit('400000902200000')).toBe('7');
    expect(() => luhnCheckDigit('1')).toThrow();
  });

  it('have a brand by their first digits', () => {
    const brand = (prefix: string) => detectBrand(prefix.padEnd(16, '0'));
    expect(['4', '49'].map(brand)).toEqual(['Visa', 'Visa']);
    expect(['50', '51', '53', '55', '56'].map(brand)).toEqual([null, 'Mastercard', 'Mastercard', 'Mastercard', null]);
    expect(['2220', '2221', '2500', '2720', '2721'].map(brand)).toEqual([null, 'Mastercard', 'Mastercard', 'Mastercard', null]);
    expect(['2199', '2200', '2202', '2204', '2205'].map(brand)).toEqual([null, 'MIR', 'MIR', 'MIR', null]);
    expect(['3', '6011', '34'].map(brand)).toEqual([null, null, null]);
  });

  it('are masked as first six, stars, last four', () => {
    expect(maskPan('4000000000003055')).toBe('400000******3055');
    expect(maskPan('4000000000003055', '•')).toBe('400000••••••3055');
    expect(maskPan('4000003055')).toBe('4000003055');
    expect(maskPan('400000305')).toBe('*********');
    expect(maskPan('4000000000000003055')).toBe('400000*********3055');
  });

  it('are checked in full: Luhn first, then the brand', () => {
    expect(validateCardNumber('2200 0000 0000 0004')).toEqual({ pan: '2200000000000004', brand: 'MIR' });
    expect(codeOf(() => validateCardNumber('2200000000000005'))).toBe('CARD_NUMBER_INVALID');
    expect(codeOf(() => validateCardNumber('6011000990139424'))).toBe('CARD_BRAND_UNSUPPORTED');
    expect(codeOf(() => validateCardNumber(''))).toBe('CARD_NUMBER_INVALID');
  });
});

describe('card expiry', () => {
  it('takes a month 1-12 and a year of two or four digits, 2000-2099', () => {
    expect(parseExpiry(1, 2099)).toEqual({ expMonth: 1, expYear: 2099 });
    expect(parseExpiry(' 7 ', ' 00 ')).toEqual({ expMonth: 7, expYear: 2000 });
    expect(parseExpiry('12', '99')).toEqual({ expMonth: 12, expYear: 2099 });
    expect(parseExpiry(3, 30)).toEqual({ expMonth: 3, expYear: 2030 });
    expect(parseExpiry('03', '2000')).toEqual({ expMonth: 3, expYear: 2000 });
    for (const [m, y] of [
      ['0', '2030'],
      ['13', '2030'],
      [0, 2030],
      [1.5, 2030],
      ['123', '2030'],
      ['1a', '2030'],
      ['', '2030'],
      ['1', '203'],
      ['1', '1999'],
      ['1', '2100'],
      [1, 2100],
      [1, 1999],
      [1, 20.5],
      ['1', ''],
      ['1', '20300'],
    ] as const)
      expect(
        codeOf(() => parseExpiry(m, y)),
        `${m}/${y}`,
      ).toBe('CARD_EXPIRY_INVALID');
  });

  it('ends with the last instant of its month (UTC)', () => {
    expect(isExpired(2, 2024, Date.UTC(2024, 2, 1) - 1)).toBe(false);
    expect(isExpired(2, 2024, Date.UTC(2024, 2, 1))).toBe(true);
    expect(isExpired(12, 2030, Date.UTC(2030, 11, 31, 23, 59, 59, 999))).toBe(false);
    expect(isExpired(12, 2030, Date.UTC(2031, 0, 1))).toBe(true);
    expect(isExpired(1, 2030, Date.UTC(2029, 11, 1))).toBe(false);
  });
});
