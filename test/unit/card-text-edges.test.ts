// Card numbers in free text at the edges of the masking rules: every number in a text, the 13 to 19 digits a card
// number has (a 12-digit Luhn-valid reference is not one), longer runs that hold a card number somewhere in them,
// the identifier a run of digits can be part of, and JSON values that are not strings. Expected texts by hand.
import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskCardNumbersIn, maskCardRuns, REDACTED } from '../../src/core/card-text.js';

describe('card numbers in free text: the rules at their edges', () => {
  it('masks every card number in a text, not only the first', () => {
    expect(maskCardNumbers('paid 4111 1111 1111 1111, refunded to 5555 5555 5555 4444')).toBe(
      'paid 411111******1111, refunded to 555555******4444',
    );
    expect(maskCardRuns('4111111111111111 / 5555555555554444')).toEqual({ text: '411111******1111 / 555555******4444', changed: true });
  });

  it('masks a 19-digit card number to its first six and last four digits', () => {
    // 4000 0000 0000 0000 006 passes Luhn
    expect(maskCardNumbers('card 4000 0000 0000 0000 006 ok')).toBe('card 400000*********0006 ok');
    expect(maskCardRuns('4000000000000000006')).toEqual({ text: '400000*********0006', changed: true });
  });

  it('leaves a 12-digit number alone even when it passes Luhn, and says nothing changed when nothing did', () => {
    // 400000000002 passes Luhn but has 12 digits: no card number has fewer than 13
    expect(maskCardRuns('card 4111111111111111 ref 400000000002')).toEqual({
      text: 'card 411111******1111 ref 400000000002',
      changed: true,
    });
    // sixteen digits that fail Luhn, and no 13 to 16 of them in a row pass it
    expect(maskCardRuns('order 1111 1111 1111 1111')).toEqual({ text: 'order 1111 1111 1111 1111', changed: false });
    expect(maskCardNumbers('order 1111 1111 1111 1111')).toBe('order 1111 1111 1111 1111');
  });

  it('redacts a run longer than 19 digits when 13 to 19 digits of it in a row, anywhere, pass Luhn', () => {
    // the one Luhn-valid stretch: 19 digits at the end
    expect(maskCardRuns('88488387223676289911')).toEqual({ text: REDACTED, changed: true });
    // the one Luhn-valid stretch: 13 digits at the end (digits 8 to 20)
    expect(maskCardRuns('47924451572383574651')).toEqual({ text: REDACTED, changed: true });
    expect(maskCardNumbers('ref 4792 4451 5723 8357 4651 end')).toBe(`ref ${REDACTED} end`);
    // no stretch of 13 to 19 passes (the last 12 digits do, but that is no card number)
    expect(maskCardRuns('39552882238868959673')).toEqual({ text: '39552882238868959673', changed: false });
    expect(maskCardRuns('11111111111111111111')).toEqual({ text: '11111111111111111111', changed: false });
  });

  it('leaves a number that is part of an identifier: letters, digits or _ before it, or after it', () => {
    const long = 'ord_4111111111111111 was paid in full on the fourth of December';
    expect(maskCardNumbers(long)).toBe(long);
    expect(maskCardNumbers('ord--4111111111111111 paid')).toBe('ord--4111111111111111 paid');
    expect(maskCardNumbers('paid by 4111111111111111abc')).toBe('paid by 4111111111111111abc');
    expect(maskCardNumbers('paid by 4111111111111111--abc')).toBe('paid by 4111111111111111--abc');
    expect(maskCardNumbers('ref 4000 0000 0000 0000 006x')).toBe('ref 4000 0000 0000 0000 006x');
    // standing on its own, the same numbers are masked
    expect(maskCardNumbers('ord 4111111111111111 paid')).toBe('ord 411111******1111 paid');
    expect(maskCardNumbers('ref 4000 0000 0000 0000 006 x')).toBe('ref 400000*********0006 x');
  });

  it('keeps JSON values that hold no card number as they are: booleans, a null CVV, long numbers that are not cards', () => {
    const v = { flag: true, off: false, cvv: null, n: 1234567890123, rate: 1.5, list: [true, 12] };
    expect(maskCardNumbersIn(v)).toEqual({ flag: true, off: false, cvv: null, n: 1234567890123, rate: 1.5, list: [true, 12] });
    expect(maskCardNumbersIn(true)).toBe(true);
    expect(maskCardNumbersIn(null)).toBe(null);
  });
});
