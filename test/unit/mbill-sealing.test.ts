// Mbill's sealed card data as pure functions: a record opens only with its own context, and one that is not JSON,
// whose ciphertext, IV or MAC was changed, or that was moved to another context, is refused with an internal error
// before anything is decrypted; the record holds nothing readable.
import { describe, expect, it } from 'vitest';
import { CardVault } from '../../src/core/vault.js';
import { open, openCard, sealCard } from '../../src/faces/mbill/sealing.js';

const vault = new CardVault([{ id: 'k1', key: Buffer.alloc(32, 7) }], { now: () => 0 });
const card = { number: '5591587543706253', expMonth: 1, expYear: 2030 };

/** The record with one of its fields replaced. */
function tampered(sealed: string, field: 'iv' | 'ct' | 'mac'): string {
  const rec = JSON.parse(sealed) as Record<string, string>;
  const bytes = Buffer.from(rec[field]!, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  return JSON.stringify({ ...rec, [field]: bytes.toString('base64') });
}

describe('Mbill sealed card data', () => {
  it('opens with its own context, and keeps nothing readable', () => {
    const sealed = sealCard(vault, card, 'card-token-1');
    expect(sealed).not.toContain(card.number);
    expect(Object.keys(JSON.parse(sealed))).toEqual(['v', 'kid', 'wk', 'iv', 'ct', 'mac']);
    expect(openCard(vault, sealed, 'card-token-1')).toEqual(card);
    expect(openCard(vault, sealCard(vault, { number: card.number, expMonth: null, expYear: null }, 'c'), 'c')).toEqual({
      number: card.number,
      expMonth: null,
      expYear: null,
    });
  });

  it('refuses a record that is not JSON', () => {
    expect(() => open(vault, 'not json', 'card-token-1')).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: 'sealed card data is unreadable' }),
    );
  });

  it('refuses a record moved to another context, or with a changed IV, ciphertext or MAC', () => {
    const sealed = sealCard(vault, card, 'card-token-1');
    const failed = expect.objectContaining({ code: 'INTERNAL', message: 'sealed card data failed its integrity check' });
    expect(() => open(vault, sealed, 'card-token-2')).toThrow(failed);
    for (const field of ['iv', 'ct', 'mac'] as const)
      expect(() => open(vault, tampered(sealed, field), 'card-token-1'), field).toThrow(failed);
  });
});
