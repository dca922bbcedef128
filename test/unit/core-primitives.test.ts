// The core's small pieces with literal expectations: coded errors and their default texts, random identifiers,
// constant-time comparison, HMAC and SHA-256 against published test vectors (RFC 4231, FIPS 180-2), and money
// conversion at its edges.
import { describe, expect, it } from 'vitest';
import { CoreError, ERROR_CODES, invariant, isCoreError } from '../../src/core/errors.js';
import { randomDigits, randomHex, randomToken, uuid } from '../../src/core/ids.js';
import { hmac, safeEqual, sha256Hex } from '../../src/core/crypto.js';
import {
  currencyInfo,
  formatMajor,
  isSupportedCurrency,
  maxBig,
  minBig,
  numberToPlainString,
  parseMajor,
  parseMinor,
  percentOf,
  supportedCurrencies,
} from '../../src/core/money.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('coded errors', () => {
  it('carry their code, a default text per code, and details', () => {
    expect(ERROR_CODES).toEqual({
      VALIDATION: 'invalid request',
      AMOUNT_INVALID: 'invalid amount',
      AMOUNT_PRECISION: 'amount has too many fractional digits',
      AMOUNT_TOO_SMALL: 'amount is too small',
      AMOUNT_TOO_LARGE: 'amount is too large',
      CURRENCY_UNSUPPORTED: 'unsupported currency',
      CARD_NUMBER_INVALID: 'invalid card number',
      CARD_BRAND_UNSUPPORTED: 'card brand not supported',
      CARD_EXPIRY_INVALID: 'invalid card expiry',
      CARD_CVV_INVALID: 'invalid cvv',
      UNAUTHENTICATED: 'unauthenticated',
      SIGNATURE_INVALID: 'signature is invalid',
      TIMESTAMP_OUT_OF_WINDOW: 'request timestamp outside the allowed window',
      NONCE_REUSED: 'nonce already used',
      FORBIDDEN: 'forbidden',
      MERCHANT_NOT_FOUND: 'merchant not found',
      ACCOUNT_NOT_FOUND: 'account not found',
      PAYMENT_NOT_FOUND: 'payment not found',
      PAYOUT_NOT_FOUND: 'payout not found',
      TOKEN_NOT_FOUND: 'token not found',
      TOKEN_EXPIRED: 'token expired',
      TOKEN_USED: 'token already used',
      CHECKOUT_EXPIRED: 'checkout expired',
      CHECKOUT_USED: 'checkout attempt already used',
      CHECKOUT_PAID: 'checkout already paid',
      CHECKOUT_CANCELLED: 'checkout cancelled',
      CHECKOUT_BUSY: 'a payment of the checkout is waiting for authentication',
      CHALLENGE_NOT_FOUND: 'authentication not found',
      CHALLENGE_EXPIRED: 'authentication expired',
      CHALLENGE_ALREADY_COMPLETED: 'authentication already completed',
      NOT_FOUND: 'not found',
      INVALID_STATE: 'operation not allowed in the current state',
      AMOUNT_EXCEEDS_AVAILABLE: 'amount exceeds the available amount',
      INSUFFICIENT_BALANCE: 'insufficient balance',
      ZERO_BALANCE: 'zero balance',
      REFUND_WINDOW_PASSED: 'refund window has passed',
      DUPLICATE: 'already exists',
      IDEMPOTENCY_CONFLICT: 'idempotency key reused with a different request',
      LEDGER_INVARIANT: 'ledger invariant violated',
      CONFLICT: 'conflict',
      INTERNAL: 'internal error',
    });
    const e = new CoreError('ZERO_BALANCE');
    expect([e.code, e.message, e.name, e.details, e instanceof Error]).toEqual([
      'ZERO_BALANCE',
      'zero balance',
      'CoreError',
      undefined,
      true,
    ]);
    const f = new CoreError('VALIDATION', 'amount is required', { field: 'amount' });
    expect([f.message, f.details]).toEqual(['amount is required', { field: 'amount' }]);
    expect(isCoreError(e)).toBe(true);
    expect(isCoreError(e, 'ZERO_BALANCE')).toBe(true);
    expect(isCoreError(e, 'INTERNAL')).toBe(false);
    expect(isCoreError(new Error('zero balance'))).toBe(false);
    expect(isCoreError({ code: 'ZERO_BALANCE' }, 'ZERO_BALANCE')).toBe(false);
  });

  it('invariant throws LEDGER_INVARIANT with its message when the condition fails', () => {
    expect(() => invariant(1, 'never')).not.toThrow();
    let err: unknown;
    try {
      invariant(0, 'totals differ');
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'LEDGER_INVARIANT') && err.message).toBe('totals differ');
  });
});

describe('random identifiers', () => {
  it('are of the asked length and alphabet, and differ', () => {
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomToken()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomToken(5)).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(randomToken(0)).toBe('');
    expect(randomDigits(12)).toMatch(/^\d{12}$/);
    expect(randomDigits(0)).toBe('');
    expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/);
    expect(randomHex(0)).toBe('');
    // across more than one 8 KiB pool of random bytes: every symbol turns up, roughly evenly
    const letters = randomToken(20_000);
    const seen = new Set(letters);
    expect(seen.size).toBe(62);
    const digits = randomDigits(20_000);
    for (let d = 0; d <= 9; d++) {
      const n = digits.split(String(d)).length - 1;
      expect(n, String(d)).toBeGreaterThan(1700);
      expect(n, String(d)).toBeLessThan(2300);
    }
    const hex = randomHex(5000);
    expect(new Set(hex).size).toBe(16);
    expect(hex.startsWith('00') || hex.includes('0')).toBe(true);
    expect(new Set(Array.from({ length: 50 }, () => randomToken(16))).size).toBe(50);
  });
});

describe('crypto helpers', () => {
  it('compare in constant time, false for any difference in content or length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(safeEqual('abc', Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from([1, 2]), Buffer.from([1, 3]))).toBe(false);
  });

  it('compute HMACs and SHA-256 as the published test vectors say', () => {
    // RFC 4231 test case 2 (key "Jefe"); SHA-1 from RFC 2202 test case 2
    const data = 'what do ya want for nothing?';
    expect(hmac('sha256', 'Jefe', data).toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hmac('sha512', Buffer.from('Jefe'), Buffer.from(data)).toString('hex')).toBe(
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    );
    expect(hmac('sha1', 'Jefe', data).toString('hex')).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('money at its edges', () => {
  it('knows twenty currencies with their ISO numbers and minor digits, in any letter case', () => {
    expect(supportedCurrencies().map((c) => `${c.code}:${c.numeric}:${c.exponent}`)).toEqual([
      'RUB:643:2',
      'USD:840:2',
      'EUR:978:2',
      'GBP:826:2',
      'UAH:980:2',
      'KZT:398:2',
      'BYN:933:2',
      'AMD:51:2',
      'AZN:944:2',
      'UZS:860:2',
      'TJS:972:2',
      'GEL:981:2',
      'KGS:417:2',
      'TRY:949:2',
      'PLN:985:2',
      'CZK:203:2',
      'CNY:156:2',
      'JPY:392:0',
      'VND:704:0',
      'KRW:410:0',
    ]);
    expect(currencyInfo('rub')).toEqual({ code: 'RUB', numeric: 643, exponent: 2 });
    expect(codeOf(() => currencyInfo('XXX'))).toBe('CURRENCY_UNSUPPORTED');
    expect(() => currencyInfo('XXX')).toThrow('unsupported currency XXX');
    expect([isSupportedCurrency('usd'), isSupportedCurrency('XXX'), isSupportedCurrency('toString'), isSupportedCurrency(643)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('parses major units: signs, bigints, numbers, rounding half up only when asked', () => {
    expect(parseMajor(12n, 'RUB')).toBe(1200n);
    expect(parseMajor(12n, 'JPY')).toBe(12n);
    expect(parseMajor('-1.5', 'RUB')).toBe(-150n);
    expect(parseMajor(' 1.5 ', 'RUB')).toBe(150n);
    expect(parseMajor(-0.01, 'RUB')).toBe(-1n);
    expect(parseMajor(1e-7, 'RUB', 'half-up')).toBe(0n);
    expect(parseMajor('0.004', 'RUB', 'half-up')).toBe(0n);
    expect(parseMajor('0.0049', 'RUB', 'half-up')).toBe(0n);
    expect(parseMajor('0.005', 'RUB', 'half-up')).toBe(1n);
    expect(parseMajor('0.0050', 'RUB', 'half-up')).toBe(1n);
    expect(parseMajor('0.009', 'RUB', 'half-up')).toBe(1n);
    expect(parseMajor('-0.005', 'RUB', 'half-up')).toBe(-1n);
    expect(parseMajor('0.5', 'JPY', 'half-up')).toBe(1n);
    expect(parseMajor('0.4', 'JPY', 'half-up')).toBe(0n);
    expect(parseMajor('10.000000', 'RUB')).toBe(1000n);
    expect(parseMajor('1'.repeat(30), 'JPY')).toBe(BigInt('1'.repeat(30)));
    expect(codeOf(() => parseMajor('1'.repeat(31), 'JPY'))).toBe('AMOUNT_INVALID');
    expect(codeOf(() => parseMajor('0.001', 'RUB'))).toBe('AMOUNT_PRECISION');
    expect(() => parseMajor('0.001', 'RUB')).toThrow('amount has more than 2 fractional digits');
    expect(codeOf(() => parseMajor(Number.NaN, 'RUB'))).toBe('AMOUNT_INVALID');
    expect(codeOf(() => parseMajor('1e3', 'RUB'))).toBe('AMOUNT_INVALID');
    expect(codeOf(() => parseMajor('+1', 'RUB'))).toBe('AMOUNT_INVALID');
    expect(() => parseMajor('x'.repeat(100), 'RUB')).toThrow(`invalid amount "${'x'.repeat(38)}`);
    expect(codeOf(() => parseMajor('1', 'XXX'))).toBe('CURRENCY_UNSUPPORTED');
  });

  it('parses minor units: integers only, up to thirty digits', () => {
    expect(parseMinor(5n)).toBe(5n);
    expect(parseMinor(-5)).toBe(-5n);
    expect(parseMinor(9007199254740991)).toBe(9007199254740991n);
    expect(codeOf(() => parseMinor(9007199254740992))).toBe('AMOUNT_INVALID');
    expect(codeOf(() => parseMinor(1.5))).toBe('AMOUNT_INVALID');
    expect(parseMinor(' -12 ')).toBe(-12n);
    expect(parseMinor('1'.repeat(30))).toBe(BigInt('1'.repeat(30)));
    for (const bad of ['1'.repeat(31), '', '+1', '1 2', '0x10'])
      expect(
        codeOf(() => parseMinor(bad)),
        bad,
      ).toBe('AMOUNT_INVALID');
  });

  it('formats minor units in any currency', () => {
    expect(formatMajor(0n, 'RUB')).toBe('0.00');
    expect(formatMajor(100n, 'RUB')).toBe('1.00');
    expect(formatMajor(-1234n, 'JPY')).toBe('-1234');
    expect(formatMajor(0n, 'JPY', { trimZeros: true })).toBe('0');
    expect(formatMajor(10n, 'RUB', { trimZeros: true })).toBe('0.1');
    expect(formatMajor(-100n, 'RUB', { trimZeros: true })).toBe('-1');
    expect(formatMajor(1005n, 'rub', { trimZeros: true })).toBe('10.05');
    expect(formatMajor(123456789012345678n, 'USD')).toBe('1234567890123456.78');
  });

  it('writes numbers without exponent notation', () => {
    expect(numberToPlainString(12.5)).toBe('12.5');
    expect(numberToPlainString(1.5e21)).toBe('1500000000000000000000');
    expect(numberToPlainString(-1e-7)).toBe('-0.0000001');
    expect(numberToPlainString(1.2345e-9)).toBe('0.0000000012345');
    expect(numberToPlainString(-2.5e22)).toBe('-25000000000000000000000');
  });

  it('takes percentages in basis points, half up, and compares bigints', () => {
    expect(percentOf(100n, 50n)).toBe(1n); // 0.5 → 1
    expect(percentOf(100n, 49n)).toBe(0n); // 0.49 → 0
    expect(percentOf(12345n, 250n)).toBe(309n); // 308.625 → 309
    expect(percentOf(0n, 250n)).toBe(0n);
    expect(percentOf(10000n, 1n)).toBe(1n);
    expect([minBig(1n, 2n), minBig(2n, 1n), maxBig(1n, 2n), maxBig(2n, 1n), minBig(3n, 3n)]).toEqual([1n, 1n, 2n, 2n, 3n]);
  });
});
