// Gateway configuration from flags and environment.
export interface GatewayConfig {
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the base URL payers' browsers and merchants' servers reach the gateway at */
  publicUrl: string | undefined;
  /** SQLite data folder, or ':memory:' */
  dataDir: string;
  databaseUrl: string | undefined;
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
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const facePorts: Record<string, number> = {};
  for (const face of ['numopay', 'novapay', 'mbill', 'way2pay', 'cloudpayments']) {
    const v = env[`POLYPAY_${face.toUpperCase()}_PORT`];
    if (v) facePorts[face] = Number(v);
  }
  const base: GatewayConfig = {
    host: env.POLYPAY_HOST ?? '127.0.0.1',
    port: Number(env.POLYPAY_PORT ?? env.PORT ?? 8080),
    publicUrl: env.POLYPAY_PUBLIC_URL || undefined,
    dataDir: env.POLYPAY_DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    seedFile: env.POLYPAY_SEED || undefined,
    masterKeys: (env.POLYPAY_MASTER_KEYS ?? env.POLYPAY_MASTER_KEY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    adminToken: env.POLYPAY_ADMIN_TOKEN || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimit: Number(env.POLYPAY_BODY_LIMIT ?? 1024 * 1024),
    demoMerchant: env.POLYPAY_DEMO_MERCHANT !== '0',
    facePorts,
  };
  const merged = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}
