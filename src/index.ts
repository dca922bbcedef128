// Polypay as a library: start a gateway inside a test process, and the typed clients.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlledClock } from './core/clock.js';
import { Gateway, startGateway, type MerchantInfo } from './server/gateway.js';
import { loadSeed, type Seed } from './operator/seed.js';

export interface CreateGatewayOptions {
  /** a seed object or the path of a seed file (JSON or YAML); without one, a demo merchant is created */
  seed?: Seed | string;
  /** 'memory' (default): SQLite in memory; 'temp': SQLite in a temporary folder; or a folder; or a PostgreSQL URL */
  store?: 'memory' | 'temp' | { dataDir: string } | { databaseUrl: string };
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** log to stdout (default false) */
  logs?: boolean | string;
  /** vault master key, hex or base64 (default: a random one) */
  masterKey?: string;
}

export interface PolypayHandle {
  /** the gateway's base URL */
  url: string;
  /** base URL of each face (e.g. urls.numopay = http://127.0.0.1:PORT/numopay) */
  urls: Record<string, string>;
  /** merchants with their credentials per face */
  merchants: MerchantInfo[];
  /** the sandbox clock: now(), advance(ms), freeze(), unfreeze() */
  clock: ControlledClock;
  /** empties every table and applies the seed again */
  reset(): Promise<void>;
  close(): Promise<void>;
  gateway: Gateway;
}

export async function createGateway(opts: CreateGatewayOptions = {}): Promise<PolypayHandle> {
  const store = opts.store ?? 'memory';
  let tempDir: string | undefined;
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  if (store === 'memory') dataDir = ':memory:';
  else if (store === 'temp') dataDir = tempDir = mkdtempSync(join(tmpdir(), 'polypay-'));
  else if ('dataDir' in store) dataDir = store.dataDir;
  else databaseUrl = store.databaseUrl;
  const seed = typeof opts.seed === 'string' ? loadSeed(opts.seed) : opts.seed;
  const gw = await startGateway({
    env: {},
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    ...(seed ? { seed } : {}),
    demoMerchant: true,
    masterKeys: opts.masterKey ? [opts.masterKey] : [],
    logger: opts.logs ? undefined : false,
    logLevel: typeof opts.logs === 'string' ? opts.logs : 'info',
  });
  const urls: Record<string, string> = {};
  for (const f of gw.faces) urls[f.name] = gw.facePortUrls[f.name] ?? gw.url + f.prefix;
  const handle: PolypayHandle = {
    url: gw.url,
    urls,
    merchants: await gw.merchants(),
    clock: gw.clock,
    gateway: gw,
    async reset() {
      await gw.reset();
      handle.merchants = await gw.merchants();
    },
    async close() {
      await gw.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export { Gateway, startGateway } from './server/gateway.js';
export type { Seed, SeedMerchant } from './operator/seed.js';
export { NumopayClient, NumopayApiError } from './faces/numopay/client.js';
export { CloudPaymentsClient, buildCryptogram, verifyNotification } from './faces/cloudpayments/client.js';
export { NovapayClient } from './faces/novapay/client.js';
export { MbillClient } from './faces/mbill/client.js';
export { Way2PayClient } from './faces/way2pay/client.js';
export { TEST_CARDS, FIXED_TEST_OTP, declineCardPan } from './core/network/test-cards.js';
export { DECLINE_REASONS } from './core/network/reasons.js';
