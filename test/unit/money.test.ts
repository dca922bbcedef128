import { describe, expect, it } from 'vitest';
import { formatMajor, parseMajor, parseMinor, percentOf, toWireNumber, numberToPlainString } from '../../src/core/money.js';
import { isCoreError } from '../../src/core/errors.js';

describe('money', () => {
  it('parses major-unit decimals exactly', () => {
    expect(parseMajor('10', 'RUB')).toBe(1000n);
    expect(parseMajor('10.5', 'RUB')).toBe(1050n);
    expect(parseMajor(10.5, 'RUB')).toBe(1050n);
    expect(parseMajor(0.1, 'RUB')).toBe(10n);
    expect(parseMajor(0.29, 'USD')).toBe(29n); // 0.29 * 100 is 28.999999999999996 in floats
    expect(parseMajor(1.005, 'USD', 'half-up')).toBe(101n);
    expect(parseMajor('123456789012345678.99', 'RUB')).toBe(12345678901234567899n);
    expect(parseMajor('7', 'JPY')).toBe(7n);
  });

  it('refuses more fractional digits than the currency has, unless asked to round', () => {
    expect(() => parseMajor('10.001', 'RUB')).toThrow();
    expect(parseMajor('10.001', 'RUB', 'half-up')).toBe(1000n);
    expect(parseMajor('10.005', 'RUB', 'half-up')).toBe(1001n);
    expect(parseMajor('10.000', 'RUB')).toBe(1000n);
    try {
      parseMajor('1.5', 'JPY');
      expect.unreachable();
    } catch (e) {
      expect(isCoreError(e, 'AMOUNT_PRECISION')).toBe(true);
    }
  });

  it('rejects what is not a decimal', () => {
    for (const bad of ['', 'abc', '1e3', '1,5', '--1', '1.', '.5', 'NaN']) expect(() => parseMajor(bad, 'RUB'), bad).toThrow();
    expect(() => parseMajor(Infinity, 'RUB')).toThrow();
    expect(() => parseMinor('12.5')).toThrow();
    expect(parseMinor('000100')).toBe(100n);
  });

  it('formats minor units back', () => {
    expect(formatMajor(1050n, 'RUB')).toBe('10.50');
    expect(formatMajor(5n, 'RUB')).toBe('0.05');
    expect(formatMajor(-5n, 'RUB')).toBe('-0.05');
    expect(formatMajor(1050n, 'RUB', { trimZeros: true })).toBe('10.5');
    expect(formatMajor(1000n, 'RUB', { trimZeros: true })).toBe('10');
    expect(formatMajor(7n, 'JPY')).toBe('7');
    expect(toWireNumber(1050n, 'RUB')).toBe(10.5);
    expect(JSON.stringify({ a: toWireNumber(29n, 'USD') })).toBe('{"a":0.29}');
  });

  it('round-trips every amount up to 100000.00 through the wire number', () => {
    for (let m = 0n; m < 10_000_000n; m += 997n) expect(parseMajor(toWireNumber(m, 'RUB'), 'RUB')).toBe(m);
  });

  it('expands exponent notation exactly', () => {
    expect(numberToPlainString(1e21)).toBe('1000000000000000000000');
    expect(numberToPlainString(1e-7)).toBe('0.0000001');
    expect(numberToPlainString(1.5e-7)).toBe('0.00000015');
  });

  it('computes percentages half up', () => {
    expect(percentOf(1000n, 100n)).toBe(10n);
    expect(percentOf(150n, 100n)).toBe(2n); // 1.5 → 2
    expect(percentOf(149n, 100n)).toBe(1n);
  });
});
