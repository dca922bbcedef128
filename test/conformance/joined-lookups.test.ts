// The lookups a request makes before its transaction, each one statement (a join), on both stores: a credential with
// its merchant (every authenticated request), a card token with its card (a token charge); every field exactly as
// written, the joined side absent when its row is gone; the engine's authentication refuses a revoked credential and
// one without a merchant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Ledger } from '../../src/core/ledger.js';
import { Merchants } from '../../src/core/merchants.js';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { freshStore, STORES } from '../helpers/stores.js';

const MERCHANT = {
  id: 'm_lookup',
  name: 'Lookup «Shop»',
  settings: { locale: 'ru', nested: { a: [1, 'two'] } },
  createdAt: 1_700_000_000_123,
};
const credential = (id: string, key: string, merchantId = MERCHANT.id, status: 'active' | 'revoked' = 'active') => ({
  id,
  merchantId,
  face: 'cloudpayments' as const,
  key,
  secret: `secret-of-${id}`,
  data: { generation: 3, note: 'ünïcode' },
  status,
  createdAt: 1_700_000_000_456,
});

const CARD = {
  id: 'card_lookup',
  fingerprint: 'fp-lookup',
  panEncrypted: '{"v":1,"ct":"opaque"}',
  keyId: 'k1',
  first6: '424242',
  last4: '4242',
  brand: 'Visa' as const,
  expMonth: 12,
  expYear: 2030,
  holder: 'TARAS SHEVCHENKO',
  createdAt: 1_700_000_000_789,
};
const token = (t: string, cardId: string) => ({
  token: t,
  merchantId: MERCHANT.id,
  cardId,
  face: 'cloudpayments' as const,
  kind: 'recurring' as const,
  payerRef: 'payer-1',
  expiresAt: null,
  usedAt: null,
  createdAt: 1_700_000_001_000,
});

describe.each(STORES)('joined lookups on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
    await store.transaction(async (tx) => {
      await tx.merchants.insert(MERCHANT);
      await tx.credentials.insert(credential('c_live', 'pk_live'));
      await tx.credentials.insert(credential('c_revoked', 'pk_revoked', MERCHANT.id, 'revoked'));
      await tx.merchants.insert({ id: 'm_gone', name: 'Gone', settings: {}, createdAt: 1 });
      await tx.credentials.insert(credential('c_orphan', 'pk_orphan', 'm_gone'));
    });
    await store.transaction((tx) => tx.merchants.delete('m_gone'));
    await store.transaction(async (tx) => {
      await tx.cards.insert(CARD);
      await tx.cardTokens.insert(token('tk_live', CARD.id));
      await tx.cardTokens.insert(token('tk_orphan', 'card_gone'));
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reads a credential with its merchant, every field as written', async () => {
    expect(await store.read((tx) => tx.credentials.findWithMerchant('cloudpayments', 'pk_live'))).toEqual({
      credential: credential('c_live', 'pk_live'),
      merchant: MERCHANT,
    });
    expect(await store.read((tx) => tx.credentials.findWithMerchant('cloudpayments', 'pk_revoked'))).toEqual({
      credential: credential('c_revoked', 'pk_revoked', MERCHANT.id, 'revoked'),
      merchant: MERCHANT,
    });
  });

  it('finds nothing for another face or an unknown key, and no merchant for one that is gone', async () => {
    expect(await store.read((tx) => tx.credentials.findWithMerchant('numopay', 'pk_live'))).toBeUndefined();
    expect(await store.read((tx) => tx.credentials.findWithMerchant('cloudpayments', 'pk_nobody'))).toBeUndefined();
    const orphan = await store.read((tx) => tx.credentials.findWithMerchant('cloudpayments', 'pk_orphan'));
    expect(orphan).toEqual({ credential: credential('c_orphan', 'pk_orphan', 'm_gone'), merchant: undefined });
  });

  it('authenticates only an active credential whose merchant exists', async () => {
    const merchants = new Merchants(systemClock, new Ledger(systemClock));
    expect(await store.read((tx) => merchants.authenticate(tx, 'cloudpayments', 'pk_live'))).toEqual({
      credential: credential('c_live', 'pk_live'),
      merchant: MERCHANT,
    });
    for (const key of ['pk_revoked', 'pk_orphan', 'pk_nobody'])
      expect(await store.read((tx) => merchants.authenticate(tx, 'cloudpayments', key)), key).toBeUndefined();
  });

  it('reads a card token with its card, every field as written; no card when it is gone; nothing for an unknown token', async () => {
    expect(await store.read((tx) => tx.cardTokens.getWithCard('tk_live'))).toEqual({ token: token('tk_live', CARD.id), card: CARD });
    expect(await store.read((tx) => tx.cardTokens.getWithCard('tk_orphan'))).toEqual({
      token: token('tk_orphan', 'card_gone'),
      card: undefined,
    });
    expect(await store.read((tx) => tx.cardTokens.getWithCard('tk_nobody'))).toBeUndefined();
  });
});
