// Money's refusals and bounds, with the texts a merchant reads: some providers' error bodies carry the message of the
// refusal (CloudPayments `Message`), so each names what was wrong. Also the store range a sum must stay in (a signed
// 64-bit integer, both ends) and the smaller/larger helpers.
import { describe, expect, it } from 'vitest';
import { CoreError, type ErrorCode } from '../../src/core/errors.js';
import { checkAmount, checkedAdd, maxBig, minBig, parseMajor, parseMinor } from '../../src/core/money.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The code and message a call throws. */
function refusal(fn: () => unknown): { code: ErrorCode; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return { code: (e as CoreError).code, message: (e as CoreError).message };
  }
  throw new Error('expected a refusal');
}

describe('an amount checked for an operation', () => {
  it('names the amount, or what the caller calls it, when it is not positive', () => {
    expect(refusal(() => checkAmount(0n))).toEqual({ code: 'AMOUNT_TOO_SMALL', message: 'amount must be positive' });
    expect(refusal(() => checkAmount(-1n, 'refund amount'))).toEqual({
      code: 'AMOUNT_TOO_SMALL',
      message: 'refund amount must be positive',
    });
  });

  it('states the largest amount when it is above fifteen digits of minor units', () => {
    expect(checkAmount(999_999_999_999_999n)).toBe(999_999_999_999_999n);
    expect(refusal(() => checkAmount(1_000_000_000_000_000n))).toEqual({
      code: 'AMOUNT_TOO_LARGE',
      message: 'amount must be at most 999999999999999 minor units',
    });
  });
});

describe('a sum kept in a store column', () => {
  it('reaches both ends of the signed 64-bit range and no further', () => {
    expect(checkedAdd(1n, 2n)).toBe(3n);
    expect(checkedAdd(-5n, 2n)).toBe(-3n);
    expect(checkedAdd(INT64_MAX - 1n, 1n)).toBe(INT64_MAX);
    expect(checkedAdd(INT64_MIN + 1n, -1n)).toBe(INT64_MIN);
    const tooLarge = { code: 'AMOUNT_TOO_LARGE', message: 'the total would exceed what the ledger can hold' };
    expect(refusal(() => checkedAdd(INT64_MAX, 1n))).toEqual(tooLarge);
    expect(refusal(() => checkedAdd(INT64_MIN, -1n))).toEqual(tooLarge);
  });
});

describe('parsing an amount', () => {
  it('says a number that is not finite is not one', () => {
    for (const v of [Infinity, -Infinity, NaN])
      expect(
        refusal(() => parseMajor(v, 'RUB')),
        String(v),
      ).toEqual({ code: 'AMOUNT_INVALID', message: 'amount is not a finite number' });
  });

  it('quotes at most 40 characters of what it could not read', () => {
    expect(refusal(() => parseMajor('x'.repeat(100), 'RUB'))).toEqual({
      code: 'AMOUNT_INVALID',
      message: 'invalid amount "' + 'x'.repeat(39),
    });
    expect(refusal(() => parseMajor('1,5', 'RUB')).message).toBe('invalid amount "1,5"');
  });

  it('refuses more than 30 integer digits as too large, and takes 30', () => {
    expect(parseMajor('1'.repeat(30), 'JPY')).toBe(BigInt('1'.repeat(30)));
    expect(refusal(() => parseMajor('1'.repeat(31), 'RUB'))).toEqual({ code: 'AMOUNT_INVALID', message: 'amount is too large' });
  });

  it('says what an amount in minor units must be', () => {
    expect(refusal(() => parseMinor(1.5))).toEqual({ code: 'AMOUNT_INVALID', message: 'amount must be an integer' });
    expect(refusal(() => parseMinor(2 ** 53))).toEqual({ code: 'AMOUNT_INVALID', message: 'amount must be an integer' });
    expect(refusal(() => parseMinor('12.5'))).toEqual({ code: 'AMOUNT_INVALID', message: 'amount must be an integer string' });
    expect(parseMinor(-42)).toBe(-42n);
    expect(parseMinor(' -7 ')).toBe(-7n);
  });
});

describe('the smaller and the larger of two amounts', () => {
  it('are the right ones either way round', () => {
    expect([minBig(3n, 5n), minBig(5n, 3n), minBig(4n, 4n)]).toEqual([3n, 3n, 4n]);
    expect([maxBig(3n, 5n), maxBig(5n, 3n), maxBig(4n, 4n)]).toEqual([5n, 5n, 4n]);
  });
});
