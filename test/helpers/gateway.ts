// Starts a real gateway on 127.0.0.1 (a free port) over a fresh store, with a fixed seed.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Receiver } from './receiver.js';
import { Gateway, startGateway } from '../../src/server/gateway.js';
import type { Seed } from '../../src/operator/seed.js';
import type { Face } from '../../src/faces/face.js';
import type { WebhookTransport } from '../../src/core/dispatcher.js';
import { freshStore, type StoreKind, type StoreTarget } from './stores.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

export const TEST_SEED: Seed = {
  merchants: [
    {
      id: 'shop1',
      name: 'Test Shop',
      currencies: ['RUB', 'USD'],
      numopay: {
        apiKey: 'np_test_key_1',
        secret: 'np_test_secret_1',
        publishableKey: 'pk_live_test1',
        accounts: [
          { id: '423e5010-24d7-11ea-a0af-ad4afa2c683c', currency: 'RUB' },
          { id: '523e5010-24d7-11ea-a0af-ad4afa2c683d', currency: 'USD' },
        ],
      },
    },
    {
      id: 'shop2',
      name: 'Other Shop',
      numopay: {
        apiKey: 'np_test_key_2',
        secret: 'np_test_secret_2',
        accounts: [{ id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', currency: 'RUB' }],
      },
    },
  ],
};

export interface TestGateway {
  gw: Gateway;
  url: string;
  target: StoreTarget;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** faces to serve (default: every registered face) */
  faces?: Face[];
  /** a webhook transport other than real HTTP (never needed by tests of faces) */
  transport?: WebhookTransport;
  /** also serve HTTPS on a free port, with the local CA in the data folder (a fresh folder on PostgreSQL too) */
  tls?: boolean;
}

export async function startTestGateway(
  kind: StoreKind,
  seed: Seed = TEST_SEED,
  target?: StoreTarget,
  opts: TestGatewayOptions = {},
): Promise<TestGateway> {
  const t = target ?? (await freshStore(kind));
  // the local CA lives in the data folder, which a PostgreSQL store has no use for otherwise
  const dataDir = t.dataDir ?? (opts.tls ? mkdtempSync(join(tmpdir(), 'polypay-tls-')) : undefined);
  const start = () =>
    startGateway({
      env: {},
      logger: false,
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: t.databaseUrl,
      masterKeys: [TEST_MASTER_KEY],
      seed,
      demoMerchant: false,
      ...(opts.faces ? { faces: opts.faces } : {}),
      ...(opts.transport ? { transport: opts.transport } : {}),
      ...(opts.tls ? { tls: true, tlsPort: 0 } : {}),
    });
  const h: TestGateway = {
    gw: await start(),
    url: '',
    target: t,
    async restart() {
      await h.gw.close();
      h.gw = await start();
      h.url = h.gw.url;
    },
    async close() {
      await h.gw.close();
    },
  };
  h.url = h.gw.url;
  return h;
}

/**
 * Registers the usual lifecycle of a test file: start a gateway (and a webhook receiver) before the
 * tests, check the ledger after each test, close everything at the end.
 */
export function useGateway(
  start: () => Promise<TestGateway>,
  opts: { receiver?: boolean } = {},
): { readonly h: TestGateway; readonly rx: Receiver } {
  let h: TestGateway | undefined;
  let rx: Receiver | undefined;
  beforeAll(async () => {
    h = await start();
    if (opts.receiver) rx = await new Receiver().start();
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    if (h) await h.gw.engine.read((tx) => h!.gw.engine.ledger.verify(tx));
  });
  return {
    get h() {
      return h!;
    },
    get rx() {
      if (!rx) throw new Error('useGateway: started without a receiver');
      return rx;
    },
  };
}
