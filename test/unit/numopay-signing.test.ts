// Numopay request signing with expectations computed here from the documented formula (hex HMAC-SHA256 keyed with
// the secret, over timestamp + METHOD + path + query + body), the header's parsing at its edges, and the query
// string the typed client signs (keys sorted, strict URI encoding).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { numopayAuthorization, numopaySignature, parseAuthorization, sortedQuery } from '../../src/faces/numopay/signing.js';

const documented = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const SIG = 'a'.repeat(64);

describe('Numopay signing', () => {
  it('signs timestamp + METHOD + path + query + body', () => {
    expect(numopaySignature('s3cret', '1577836800', 'post', '/v2/accounts/a/charge', '?x=1', '{"amount":"100"}')).toBe(
      documented('s3cret', '1577836800POST/v2/accounts/a/charge?x=1{"amount":"100"}'),
    );
    expect(numopaySignature('s3cret', '1', 'GET', '/v2/accounts', '', '')).toBe(documented('s3cret', '1GET/v2/accounts'));
  });

  it('writes the header as NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>', () => {
    expect(numopayAuthorization('key_1', 's3cret', 1577836800, 'get', '/v2/accounts', '', '')).toBe(
      `NP-ACCESS-TOKEN 2019-12-22.1577836800.key_1.${documented('s3cret', '1577836800GET/v2/accounts')}`,
    );
  });

  it('reads the header back, and nothing malformed', () => {
    expect(parseAuthorization(`NP-ACCESS-TOKEN 2019-12-22.1577836800.key_1.${SIG}`)).toEqual({
      version: '2019-12-22',
      timestamp: '1577836800',
      apiKey: 'key_1',
      signature: SIG,
    });
    // an API key may hold dots; white space around; an upper-case signature is read in lower case
    expect(parseAuthorization(`  NP-ACCESS-TOKEN   v.1.key.with.dots.${'AB'.repeat(32)} `)).toEqual({
      version: 'v',
      timestamp: '1',
      apiKey: 'key.with.dots',
      signature: 'ab'.repeat(32),
    });
    expect(parseAuthorization(`NP-ACCESS-TOKEN v.123456789012.k.${SIG}`)?.timestamp).toBe('123456789012');
    for (const bad of [
      undefined,
      '',
      `Bearer v.1.k.${SIG}`,
      `np-access-token v.1.k.${SIG}`,
      `NP-ACCESS-TOKENv.1.k.${SIG}`,
      `NP-ACCESS-TOKEN `,
      `NP-ACCESS-TOKEN v.1.${SIG}`,
      `NP-ACCESS-TOKEN v.1..${SIG}`,
      `NP-ACCESS-TOKEN v.x1.k.${SIG}`,
      `NP-ACCESS-TOKEN v..k.${SIG}`,
      `NP-ACCESS-TOKEN v.1234567890123.k.${SIG}`,
      `NP-ACCESS-TOKEN v.1.k.${'a'.repeat(63)}`,
      `NP-ACCESS-TOKEN v.1.k.${'a'.repeat(65)}`,
      `NP-ACCESS-TOKEN v.1.k.${'g'.repeat(64)}`,
      `X NP-ACCESS-TOKEN v.1.k.${SIG}`,
      // one header line only: a second line after a valid token is not ignored
      `NP-ACCESS-TOKEN v.1.k.${SIG}\nX`,
    ])
      expect(parseAuthorization(bad), String(bad)).toBeUndefined();
  });

  it('builds the query string with sorted keys and strict URI encoding, without empty values', () => {
    expect(sortedQuery({})).toBe('');
    expect(sortedQuery({ a: undefined, b: null })).toBe('');
    expect(sortedQuery({ b: 2, a: 'x y', c: true, d: undefined, e: null })).toBe('?a=x%20y&b=2&c=true');
    expect(sortedQuery({ "k!'()*": "v!'()*/é" })).toBe('?k%21%27%28%29%2A=v%21%27%28%29%2A%2F%C3%A9');
    expect(sortedQuery({ z: '', y: 0 })).toBe('?y=0&z=');
  });
});
