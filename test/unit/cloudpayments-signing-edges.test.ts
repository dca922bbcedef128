// CloudPayments notification forms and signatures as pure functions: a form in UTF-8 and in Windows-1251 (bytes
// written here from the code page's table: А C0, я FF, Ё A8, ё B8, № B9, « AB, » BB, — 97, € 88, Ђ 80; what the
// code page lacks as "?"), spaces as "+", the unreserved characters as they are; Content-HMAC over the form as sent
// and X-Content-HMAC over its URL-decoded text, both base64 HMAC-SHA256 keyed with the API Secret, computed here with
// node:crypto from texts written out in full.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeForm, signatureHeaders } from '../../src/faces/cloudpayments/signing.js';

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('base64');

describe('CloudPayments notification forms', () => {
  it('encodes Windows-1251 byte by byte from the code page', () => {
    expect(encodeForm([['Description', 'Оплата №1 «Ёлка» — тест']], 'Windows1251')).toBe(
      'Description=%CE%EF%EB%E0%F2%E0+%B91+%AB%A8%EB%EA%E0%BB+%97+%F2%E5%F1%F2',
    );
    expect(encodeForm([['x', 'Ааяё€Ђ']], 'Windows1251')).toBe('x=%C0%E0%FF%B8%88%80');
    // outside the code page: "?"; the unreserved characters stay, the rest of ASCII is escaped
    expect(encodeForm([['x', 'ł😀']], 'Windows1251')).toBe('x=%3F%3F');
    expect(encodeForm([['a-b_c', "Az09-_.!~*'() +&=/"]], 'Windows1251')).toBe("a-b_c=Az09-_.!~*'()+%2B%26%3D%2F");
    expect(encodeForm([['k', '\u007f\u0080']], 'Windows1251')).toBe('k=%7F%3F');
    expect(encodeForm([['k', '\n\t\u0001']], 'Windows1251')).toBe('k=%0A%09%01');
  });

  it('encodes UTF-8 as encodeURIComponent does, spaces as "+", fields in order', () => {
    expect(
      encodeForm([
        ['Description', 'Оплата №1'],
        ['Amount', '10.00'],
        ['Email', 'a b@c.d'],
      ]),
    ).toBe('Description=%D0%9E%D0%BF%D0%BB%D0%B0%D1%82%D0%B0+%E2%84%961&Amount=10.00&Email=a+b%40c.d');
    expect(encodeForm([['a', "-_.!~*'()"]], 'UTF8')).toBe("a=-_.!~*'()");
  });
});

describe('CloudPayments notification signatures', () => {
  it('signs the form as sent and its decoded text, in UTF-8', () => {
    const signed = 'TransactionId=1&Description=%D0%9E%D0%BF%D0%BB%D0%B0%D1%82%D0%B0+%E2%84%961&Email=a+b%40c.d';
    expect(signatureHeaders('secret', signed)).toEqual({
      'Content-HMAC': hmac('secret', signed),
      'X-Content-HMAC': hmac('secret', 'TransactionId=1&Description=Оплата №1&Email=a b@c.d'),
    });
  });

  it('decodes a Windows-1251 form with its code page', () => {
    const signed = 'Description=%CE%EF%EB%E0%F2%E0+%B91+%AB%A8%EB%EA%E0%BB+%97';
    expect(signatureHeaders('secret', signed, 'Windows1251')).toEqual({
      'Content-HMAC': hmac('secret', signed),
      'X-Content-HMAC': hmac('secret', 'Description=Оплата №1 «Ёлка» —'),
    });
  });

  it('keeps what is not an escape as it is: a lone "%", "%" with one or no hex digit, non-hex, text after', () => {
    expect(signatureHeaders('s', 'a=100%&b=%4&c=%zz1&d=%41%4g&e=Ж')['X-Content-HMAC']).toBe(hmac('s', 'a=100%&b=%4&c=%zz1&d=A%4g&e=Ж'));
    expect(signatureHeaders('s', 'a=%', 'Windows1251')['X-Content-HMAC']).toBe(hmac('s', 'a=%'));
  });
});
