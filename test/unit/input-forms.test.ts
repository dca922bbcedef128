// Values the gateway reads from clients and operators, in exactly the forms they are documented in and no other:
// a card's expiry month and year, a master key (64 hex digits or base64 of 32 bytes), a decline reason name, and a
// sandbox clock moved only forwards. Expected values and texts written by hand.
import { describe, expect, it } from 'vitest';
import { parseExpiry } from '../../src/core/cards.js';
import { ControlledClock } from '../../src/core/clock.js';
import { isDeclineReason } from '../../src/core/network/reasons.js';
import { parseMasterKey } from '../../src/core/vault.js';

const refusal = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
};

describe('card expiry', () => {
  it('takes a month of one or two digits, nothing before or after them', () => {
    expect(parseExpiry('7', '2031')).toEqual({ expMonth: 7, expYear: 2031 });
    expect(parseExpiry(' 07 ', '31')).toEqual({ expMonth: 7, expYear: 2031 });
    for (const month of ['+5', '005', '-1', '1e1', '10.0', '12x', '0x1'])
      expect(
        refusal(() => parseExpiry(month, '2031')),
        month,
      ).toBe('CARD_EXPIRY_INVALID: invalid expiry month');
  });

  it('takes a year of two or four digits, nothing before or after them', () => {
    expect(parseExpiry('1', '2099')).toEqual({ expMonth: 1, expYear: 2099 });
    expect(parseExpiry('1', ' 00 ')).toEqual({ expMonth: 1, expYear: 2000 });
    for (const year of ['+25', '025', '02025', '25.0', '2025.0', '20e2', '2025x', '-25', 'x'])
      expect(
        refusal(() => parseExpiry('1', year)),
        year,
      ).toBe('CARD_EXPIRY_INVALID: invalid expiry year');
    // a year given as a number: two digits are this century, a year outside 2000-2099 is refused
    expect(parseExpiry(1, 31)).toEqual({ expMonth: 1, expYear: 2031 });
    for (const year of [1999, 2100, 100, 2030.5])
      expect(
        refusal(() => parseExpiry(1, year)),
        String(year),
      ).toBe('CARD_EXPIRY_INVALID: invalid expiry year');
  });
});

describe('master keys', () => {
  const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

  it('are 64 hex digits exactly, or base64 of 32 bytes: more or other characters are refused', () => {
    expect(parseMasterKey(HEX).key.toString('hex')).toBe(HEX);
    for (const bad of [`0${HEX}`, `${HEX}0`, `${HEX}x`, `${HEX}00`, `zz${HEX}`])
      expect(() => parseMasterKey(bad), bad).toThrow('master key must be 32 bytes, hex or base64');
  });
});

describe('decline reasons', () => {
  it('are names given as strings: an array or an object that prints as a name is not one', () => {
    expect(isDeclineReason('stolen_card')).toBe(true);
    expect(isDeclineReason(['stolen_card'])).toBe(false);
    expect(isDeclineReason({ toString: () => 'stolen_card' })).toBe(false);
    expect(isDeclineReason(null)).toBe(false);
  });
});

describe('the sandbox clock', () => {
  it('says why it refuses to move backwards or by no valid duration', () => {
    const clock = new ControlledClock({ now: () => 1_000 });
    expect(() => clock.advance(-1)).toThrow(new RangeError('advance needs a non-negative duration'));
    expect(() => clock.advance(Number.NaN)).toThrow(new RangeError('advance needs a non-negative duration'));
    expect(clock.now()).toBe(1_000);
  });
});
