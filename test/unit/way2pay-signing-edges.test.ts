// Way2Pay's signing functions at their edges: generation 1 over a body given as bytes (signed byte for byte, not
// re-encoded), the canonical JSON of nothing (""), and generation 2 and 3 texts for a request without a body (undefined
// or null: path + "" + nonce, never "null"). Expected signatures are computed here with node:crypto from the
// documented formulas: generation 1 = hex HMAC-SHA256(secret, body + nonce), generation 3 = hex HMAC-SHA512(secret,
// path + sorted JSON + nonce), generation 2 = generation 3 with Expires in place of the nonce.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generationFromSeed } from '../../src/faces/way2pay/auth.js';
import { canonicalJson, gen1Signature, gen2Signature, gen3Message, gen3Signature } from '../../src/faces/way2pay/signing.js';

const hmac = (alg: 'sha256' | 'sha512', secret: string, message: string | Buffer) => createHmac(alg, secret).update(message).digest('hex');

describe('Way2Pay signing edges', () => {
  it('signs a generation 1 body given as bytes, byte for byte, followed by the nonce', () => {
    const text = '{"externalID":"test123","description":"Тестовый платеж"}';
    expect(gen1Signature('k', Buffer.from(text), 1721585422)).toBe(hmac('sha256', 'k', `${text}1721585422`));
    expect(gen1Signature('k', Buffer.from(text), '1721585422')).toBe(gen1Signature('k', text, '1721585422'));
    // bytes that are not UTF-8 stay what they are
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(gen1Signature('k', bytes, 5n)).toBe(hmac('sha256', 'k', Buffer.concat([bytes, Buffer.from('5')])));
    expect(gen1Signature('k', Buffer.alloc(0), 7)).toBe(hmac('sha256', 'k', '7'));
    expect(gen1Signature('k', Buffer.alloc(0), 7)).not.toBe(hmac('sha256', 'k', ''));
  });

  it('writes nothing as the canonical JSON of nothing', () => {
    expect(canonicalJson(undefined)).toBe('');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'я' } })).toBe('{"a":{"c":"я","d":[{"z":1,"y":2}]},"b":1}');
  });

  it('signs path + "" + nonce for a request without a body (undefined or null)', () => {
    for (const body of [undefined, null]) {
      expect(gen3Message('/api/v1/balance', body, 1721585422)).toBe('/api/v1/balance1721585422');
      expect(gen3Message('/api/v1/balance?currency=RUB', body, '172158542200000001')).toBe(
        '/api/v1/balance?currency=RUB172158542200000001',
      );
      expect(gen3Signature('k', '/api/v1/balance', body, 9)).toBe(hmac('sha512', 'k', '/api/v1/balance9'));
      expect(gen2Signature('k', '/api/v1/balance', body, 1721585422)).toBe(hmac('sha512', 'k', '/api/v1/balance1721585422'));
    }
    // a JSON null given as text is the text "null"; a string is signed as given
    expect(gen3Message('/x', 'null', 1)).toBe('/xnull1');
    expect(gen3Message('/x', '{"b":1,"a":2}', 1)).toBe('/x{"b":1,"a":2}1');
    expect(gen3Message('/x', { b: 1, a: 2 }, 1)).toBe('/x{"a":2,"b":1}1');
  });

  it('reads a generation 1, 2 or 3 from what a seed says, 1 when it says nothing else', () => {
    for (const g of [undefined, null, 1, '1', '', 0, 4, 'three', {}]) expect(generationFromSeed(g), JSON.stringify(g)).toBe(1);
    expect(generationFromSeed(2)).toBe(2);
    expect(generationFromSeed('2')).toBe(2);
    expect(generationFromSeed(3)).toBe(3);
    expect(generationFromSeed('3')).toBe(3);
  });
});
