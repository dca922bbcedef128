// Random identifiers (tokens, one-time codes, hex): complete from the very first draw of a process, the right length, and uniform over
// their alphabet (rejection sampling: no letter or digit more likely than another). The uniformity checks count a
// few million draws; a fair source stays within their bounds by more than eight standard deviations, a biased one
// (one symbol 4 % or more likelier than another) cannot.
import { describe, expect, it } from 'vitest';
import { randomDigits, randomHex, randomToken } from '../../src/core/ids.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function counts(text: string): Map<string, number> {
  const byCode = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  return new Map([...byCode].map(([code, n]) => [String.fromCharCode(code), n]));
}

describe('random identifiers', () => {
  // first in this file: the first draw of the process (each test file runs in a fresh module graph)
  it('gives two hex digits per byte, from the first draw on', () => {
    const first = randomHex(4);
    expect(first).toMatch(/^[0-9a-f]{8}$/);
    // bytes below 16 keep their leading zero
    const many = randomHex(4000);
    expect(many).toMatch(/^[0-9a-f]{8000}$/);
  });

  it('draws token letters uniformly from the 62 url-safe letters and digits', () => {
    const n = 62 * 20_000;
    const c = counts(randomToken(n));
    expect([...c.keys()].sort().join('')).toBe([...ALPHABET].sort().join(''));
    // each symbol expected 20 000 times (standard deviation about 140); a bias of 25 % gives 25 000
    for (const ch of ALPHABET) {
      expect(c.get(ch)!, ch).toBeGreaterThan(18_800);
      expect(c.get(ch)!, ch).toBeLessThan(21_200);
    }
  });

  it('draws digits uniformly', () => {
    const c = counts(randomDigits(4_000_000));
    expect([...c.keys()].sort().join('')).toBe('0123456789');
    const values = [...c.values()];
    // each digit expected 400 000 times (standard deviation about 600); a digit 4 % likelier is 16 000 more
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(1.02);
  });
});
