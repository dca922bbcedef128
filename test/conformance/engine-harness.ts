// An Engine over a fresh real store, for the core conformance suites: one merchant ('m1', RUB and USD), the test
// master key, and a frozen clock (a test moves it; nothing depends on the time a test takes).
import { afterAll, beforeEach } from 'vitest';
import { Engine, type EngineOptions } from '../../src/core/engine.js';
import { AVAILABLE, NETWORK_ACCOUNT, type BalanceView } from '../../src/core/ledger.js';
import { parseMasterKey } from '../../src/core/vault.js';
import type { Store } from '../../src/core/ports.js';
import type { CoreError, ErrorCode } from '../../src/core/errors.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { fetchTransport } from '../../src/server/transport.js';
import { freshStore, type StoreKind, type StoreTarget } from '../helpers/stores.js';

/** The test gateway's master key (hex). */
export const TEST_MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

export interface EngineRig {
  engine: Engine;
  store: Store;
  target: StoreTarget;
  /** merchant m1's balance in RUB (its available account) */
  balance(merchantId?: string, currency?: string): Promise<BalanceView>;
  /** merchant m1's network counter-account in RUB */
  network(merchantId?: string, currency?: string): Promise<BalanceView>;
  close(): Promise<void>;
}

export async function openEngine(kind: StoreKind, opts: Partial<EngineOptions> = {}): Promise<EngineRig> {
  const target = await freshStore(kind);
  const store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: coreMigrations });
  const engine = new Engine({ store, masterKeys: [parseMasterKey(TEST_MASTER_KEY)], transport: fetchTransport, ...opts });
  engine.clock.freeze();
  await engine.transaction((tx) => engine.merchants.create(tx, { id: 'm1', name: 'M1', credentials: [], currencies: ['RUB', 'USD'] }));
  return {
    engine,
    store,
    target,
    balance: (merchantId = 'm1', currency = 'RUB') => engine.read((tx) => engine.ledger.balance(tx, merchantId, currency, AVAILABLE)),
    network: (merchantId = 'm1', currency = 'RUB') => engine.read((tx) => engine.ledger.balance(tx, merchantId, currency, NETWORK_ACCOUNT)),
    async close() {
      await engine.stop();
      await store.close();
    },
  };
}

/**
 * A suite's rig over a fresh store of `kind`: opened in the first test's hook, not in beforeAll, so that mutation
 * testing knows which test ran the setup code; `ready` receives it once; closed after the suite.
 */
export function useEngineRig(kind: StoreKind, ready: (rig: EngineRig) => void | Promise<void>, opts: Partial<EngineOptions> = {}): void {
  let rig: EngineRig | undefined;
  beforeEach(async () => {
    if (rig) return;
    rig = await openEngine(kind, opts);
    await ready(rig);
  });
  afterAll(() => rig?.close());
}

/** The code and message of the error a promise rejects with (fails the test when it resolves). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  throw new Error('expected a rejection');
}

/** The coded error a promise rejects with (fails the test when it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<ErrorCode | string> {
  try {
    await p;
  } catch (e) {
    return (e as CoreError).code ?? String(e);
  }
  throw new Error('expected a rejection');
}

/** The parts of a balance a test compares. */
export const money = (b: BalanceView) => ({
  posted: b.posted,
  pendingIn: b.pendingIn,
  available: b.available,
  frozenIn: b.frozenIn,
  frozenOut: b.frozenOut,
});
