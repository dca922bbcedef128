// The card vault and the merchant registry at their edges, over both real stores: a card given again with only a
// new month or only a new year keeps that new expiry; the texts of the vault's and the registry's refusals; and a
// merchant created without currencies has no ledger account until one is used.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import { STORES } from '../helpers/stores.js';
import { useEngineRig, refusal } from './engine-harness.js';

describe.each(STORES)('vault and merchants on %s', (kind) => {
  let engine: Engine;

  useEngineRig(kind, (r) => {
    engine = r.engine;
  });

  const store = (number: string, expMonth: number, expYear: number) =>
    engine.transaction((tx) => engine.vault.store(tx, { number, expMonth, expYear }));
  const expiryOf = async (cardId: string) => {
    const c = (await engine.read((tx) => tx.cards.get(cardId)))!;
    return [c.expMonth, c.expYear];
  };

  it('keeps the expiry a card was last given: a new month alone, a new year alone, or both', async () => {
    const first = await store('2202 0000 0000 3055', 7, 2031);
    expect(await expiryOf(first.cardId)).toEqual([7, 2031]);
    const month = await store('2202000000003055', 8, 2031);
    expect([month.cardId, month.expMonth, month.expYear]).toEqual([first.cardId, 8, 2031]);
    expect(await expiryOf(first.cardId)).toEqual([8, 2031]);
    const year = await store('2202000000003055', 8, 2032);
    expect([year.cardId, year.expMonth, year.expYear]).toEqual([first.cardId, 8, 2032]);
    expect(await expiryOf(first.cardId)).toEqual([8, 2032]);
    await store('2202000000003055', 9, 2033);
    expect(await expiryOf(first.cardId)).toEqual([9, 2033]);
    // given with the same expiry: nothing changes
    await store('2202000000003055', 9, 2033);
    expect(await expiryOf(first.cardId)).toEqual([9, 2033]);
  });

  it('says which card it cannot read: one it does not know, one under a master key it does not have', async () => {
    expect(await refusal(engine.read((tx) => engine.vault.reveal(tx, 'card_nope')))).toBe('NOT_FOUND: card not found');
    const snap = await store('4000000000003055', 1, 2035);
    const row = (await engine.read((tx) => tx.cards.get(snap.cardId)))!;
    let text = '';
    try {
      engine.vault.decrypt({ panEncrypted: row.panEncrypted, keyId: 'mk_000000000000' });
    } catch (e) {
      text = `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
    expect(text).toBe('INTERNAL: card encrypted under an unknown master key');
  });

  it('opens no ledger account for a merchant created without currencies', async () => {
    const { merchant } = await engine.transaction((tx) => engine.merchants.create(tx, { id: 'm_bare', name: 'Bare', credentials: [] }));
    expect(await engine.read((tx) => tx.ledger.listAccounts(merchant.id))).toEqual([]);
    await engine.transaction((tx) => engine.merchants.create(tx, { id: 'm_eur', name: 'Euro', credentials: [], currencies: ['EUR'] }));
    expect((await engine.read((tx) => tx.ledger.listAccounts('m_eur'))).map((a) => [a.merchantId, a.currency, a.kind])).toEqual([
      ['m_eur', 'EUR', 'available'],
    ]);
  });

  it('says which merchant or credential already exists', async () => {
    expect(await refusal(engine.transaction((tx) => engine.merchants.create(tx, { id: 'm1', name: 'again', credentials: [] })))).toBe(
      'DUPLICATE: merchant m1 already exists',
    );
    await engine.transaction((tx) => engine.merchants.addCredential(tx, 'm1', { face: 'mbill', key: 'dup-key', secret: 's' }));
    expect(
      await refusal(engine.transaction((tx) => engine.merchants.addCredential(tx, 'm1', { face: 'mbill', key: 'dup-key', secret: 'x' }))),
    ).toBe('DUPLICATE: mbill credential dup-key already exists');
  });
});
