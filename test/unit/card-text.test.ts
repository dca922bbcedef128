// Card numbers and verification codes a merchant writes into free text and metadata are never kept in clear: the
// core masks them when a payment or payout is created or its metadata set. Expected values are written by hand.
import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskCardNumbersIn } from '../../src/core/card-text.js';

describe('card numbers in free text', () => {
  it('masks a Luhn-valid number in any formatting to its first six and last four digits', () => {
    expect(maskCardNumbers('card 4111 1111 1111 1111 please')).toBe('card 411111******1111 please');
    expect(maskCardNumbers('5392--0817--6543--2104')).toBe('539208******2104');
    expect(maskCardNumbers('5392\t0817\r\n6543\u00a02104')).toBe('539208******2104');
  });

  it('leaves other numbers alone: order numbers, phone numbers, a 12-digit reference', () => {
    expect(maskCardNumbers('order 12345, phone +380631112233')).toBe('order 12345, phone +380631112233');
    expect(maskCardNumbers('ref 123456789012')).toBe('ref 123456789012');
    // digits inside an identifier (a session id whose groups happen to pass Luhn) stay as they are
    expect(maskCardNumbers('5d1c-4111-1111-1111-1111-ab')).toBe('5d1c-4111-1111-1111-1111-ab');
  });

  it('masks inside JSON metadata: strings, numbers and the values of CVV-like keys, at any depth', () => {
    expect(
      maskCardNumbersIn({
        card: { Number: 5392081765432104, cvv: 864, CvcCode: '123' },
        list: ['4111111111111111', 7, null],
        note: 'no card here',
        empty: { cvv: '' },
      }),
    ).toEqual({
      card: { Number: '539208******2104', cvv: '[redacted]', CvcCode: '[redacted]' },
      list: ['411111******1111', 7, null],
      note: 'no card here',
      empty: { cvv: '' },
    });
  });
});
