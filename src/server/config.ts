// Gateway configuration from flags and environment.
import { ALL_FACES } from '../faces/registry.js';

export interface GatewayConfig {
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the base URL payers' browsers and merchants' servers reach the gateway at */
  publicUrl: string | undefined;
  /** SQLite data folder, or ':memory:' */
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL connections this process keeps at most (its transactions, and its reads' round trips) */
  pgPoolSize: number;
  seedFile: string | undefined;
  /** hex or base64 32-byte vault master key(s); the last is current */
  masterKeys: string[];
  adminToken: string | undefined;
  logLevel: string;
  /** request body size limit in bytes */
  bodyLimit: number;
  /** create a demo merchant when the store has none and no seed is given */
  demoMerchant: boolean;
  /** faces served on ports of their own (clients with fixed paths) */
  facePorts: Partial<Record<string, number>>;
  /** production mode: sandbox routes off, webhooks to loopback and private addresses refused unless allowed */
  production: boolean;
  /** serve the faces' sandbox operator routes (behind the admin token); undefined: on, off in production */
  sandboxRoutes: boolean | undefined;
  /**
   * Where webhooks may go besides public addresses: CIDRs, addresses, host names, `loopback`, `private`.
   * undefined: `loopback,private`, none in production. Link-local addresses and the gateway itself are always refused.
   */
  webhookAllow: string[] | undefined;
  /** proxies whose X-Forwarded-* headers are believed: false, true (any), or addresses/CIDRs */
  trustProxy: boolean | string[];
  /** ms a client has to send a whole request (headers and body); 0: no limit */
  requestTimeoutMs: number;
  /** ms a connection may stay silent (no byte either way) before it is closed; 0: no limit */
  connectionTimeoutMs: number;
  /** ms an idle keep-alive connection is kept open */
  keepAliveTimeoutMs: number;
  /** open connections per listening port; more are refused */
  maxConnections: number;
  /** serve HTTPS beside HTTP (`--tls`, POLYPAY_TLS); a certificate and key given imply it */
  tls: boolean;
  /** the HTTPS port; 0 picks a free port */
  tlsPort: number;
  /** the user's own certificate (PEM, chain allowed) and private key; undefined: the local CA's (docs/https.md) */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 120_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 72_000;
export const DEFAULT_MAX_CONNECTIONS = 4096;
export const DEFAULT_TLS_PORT = 8443;
export const DEFAULT_PG_POOL_SIZE = 16;

/** `1`, `true`, `on`, `yes` → true; `0`, `false`, `off`, `no` → false; empty or absent → undefined. */
export function parseSwitch(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(s)) return true;
  if (['0', 'false', 'off', 'no'].includes(s)) return false;
  throw new Error(`${name} must be on or off (got ${JSON.stringify(v)})`);
}

/** A comma-separated list; empty or absent → undefined. */
export function parseList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** `--trust-proxy`: off (default), `true` (every peer), or a list of proxy addresses/CIDRs. */
export function parseTrustProxy(v: string | undefined): boolean | string[] {
  if (v === undefined || v.trim() === '') return false;
  const s = v.trim().toLowerCase();
  if (['0', 'false', 'off', 'no'].includes(s)) return false;
  if (['1', 'true', 'on', 'yes'].includes(s)) return true;
  return parseList(v) ?? false;
}

/** A non-negative whole number of milliseconds (or connections). */
export function parseCount(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got ${JSON.stringify(v)})`);
  return n;
}

/** A PostgreSQL pool size: at least 1 (a transaction needs a connection). */
export function parsePoolSize(v: string | undefined, name: string): number {
  const n = parseCount(v, name, DEFAULT_PG_POOL_SIZE);
  if (n < 1) throw new Error(`${name} must be at least 1 (got ${JSON.stringify(v)})`);
  return n;
}

/** A TCP port, 0 to 65535 (0: a free one). */
export function parsePort(v: string | undefined, name: string, fallback: number): number {
  const n = parseCount(v, name, fallback);
  if (n > 65535) throw new Error(`${name} must be a port, 0 to 65535 (got ${JSON.stringify(v)})`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const facePorts: Record<string, number> = {};
  for (const { name } of ALL_FACES) {
    const v = env[`POLYPAY_${name.toUpperCase()}_PORT`];
    if (v) facePorts[name] = Number(v);
  }
  const base: GatewayConfig = {
    host: env.POLYPAY_HOST ?? '127.0.0.1',
    port: Number(env.POLYPAY_PORT ?? env.PORT ?? 8080),
    publicUrl: env.POLYPAY_PUBLIC_URL || undefined,
    dataDir: env.POLYPAY_DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    pgPoolSize: parsePoolSize(env.POLYPAY_PG_POOL_SIZE, 'POLYPAY_PG_POOL_SIZE'),
    seedFile: env.POLYPAY_SEED || undefined,
    masterKeys: (env.POLYPAY_MASTER_KEYS ?? env.POLYPAY_MASTER_KEY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    adminToken: env.POLYPAY_ADMIN_TOKEN || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimit: Number(env.POLYPAY_BODY_LIMIT ?? 1024 * 1024),
    demoMerchant: env.POLYPAY_DEMO_MERCHANT !== '0',
    facePorts,
    production: parseSwitch(env.POLYPAY_PRODUCTION, 'POLYPAY_PRODUCTION') ?? false,
    sandboxRoutes: parseSwitch(env.POLYPAY_SANDBOX_ROUTES, 'POLYPAY_SANDBOX_ROUTES'),
    webhookAllow: parseList(env.POLYPAY_WEBHOOK_ALLOW),
    trustProxy: parseTrustProxy(env.POLYPAY_TRUST_PROXY),
    requestTimeoutMs: parseCount(env.POLYPAY_REQUEST_TIMEOUT, 'POLYPAY_REQUEST_TIMEOUT', DEFAULT_REQUEST_TIMEOUT_MS),
    connectionTimeoutMs: parseCount(env.POLYPAY_CONNECTION_TIMEOUT, 'POLYPAY_CONNECTION_TIMEOUT', DEFAULT_CONNECTION_TIMEOUT_MS),
    keepAliveTimeoutMs: parseCount(env.POLYPAY_KEEP_ALIVE_TIMEOUT, 'POLYPAY_KEEP_ALIVE_TIMEOUT', DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
    maxConnections: parseCount(env.POLYPAY_MAX_CONNECTIONS, 'POLYPAY_MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS),
    tls: parseSwitch(env.POLYPAY_TLS, 'POLYPAY_TLS') ?? false,
    tlsPort: parsePort(env.POLYPAY_TLS_PORT, 'POLYPAY_TLS_PORT', DEFAULT_TLS_PORT),
    tlsCert: env.POLYPAY_TLS_CERT || undefined,
    tlsKey: env.POLYPAY_TLS_KEY || undefined,
  };
  const merged = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  // a certificate of one's own means HTTPS
  if (merged.tlsCert || merged.tlsKey) merged.tls = true;
  return merged;
}

/** Whether the sandbox operator routes are served: as configured, else on outside production. */
export function sandboxRoutesOn(c: Pick<GatewayConfig, 'sandboxRoutes' | 'production'>): boolean {
  return c.sandboxRoutes ?? !c.production;
}
