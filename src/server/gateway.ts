// The composition root: store, engine, faces, pages and HTTP server in one object. Used by the CLI
// (`polypay start`), by tests, and by users' test suites (`createGateway`).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Engine } from '../core/engine.js';
import { ControlledClock } from '../core/clock.js';
import type { Credential, Merchant } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { parseMasterKey, type MasterKey } from '../core/vault.js';
import type { Face, FaceContext } from '../faces/face.js';
import { ALL_FACES } from '../faces/registry.js';
import { registerAcs } from '../pages/acs.js';
import { registerMigrations } from '../store/migrations.js';
import { openStore } from '../store/open-store.js';
import { configFromEnv, type GatewayConfig } from './config.js';
import { loadSeed, applySeed, createDemoMerchant, type Seed } from './seed.js';
import { fetchTransport } from './transport.js';
import type { WebhookTransport } from '../core/dispatcher.js';
import { randomToken } from '../core/ids.js';
import { ApiLog } from './api-log.js';
import { Faults } from './faults.js';
import { Metrics } from './metrics.js';
import { registerAdminApi } from './admin/admin-api.js';
import { registerDashboard } from '../pages/dashboard/index.js';
import { registerReference } from '../pages/reference/index.js';
import './request-context.js';

export interface GatewayOptions extends Partial<GatewayConfig> {
  /** a seed object (instead of, or besides, a seed file) */
  seed?: Seed;
  /** environment to read defaults from (tests pass {}) */
  env?: NodeJS.ProcessEnv;
  logger?: Logger | false;
  transport?: WebhookTransport;
  faces?: Face[];
}

export interface MerchantInfo {
  merchant: Merchant;
  credentials: Credential[];
  faces: Record<string, Record<string, string>>;
}

export class Gateway {
  readonly faces: Face[];
  app!: FastifyInstance;
  private extraApps: FastifyInstance[] = [];
  engine!: Engine;
  store!: Store;
  faults!: Faults;
  apiLog!: ApiLog;
  metrics!: Metrics;
  adminToken = '';
  url = '';
  readonly facePortUrls: Record<string, string> = {};
  private closed = false;

  constructor(
    readonly config: GatewayConfig,
    readonly log: Logger,
    private readonly opts: GatewayOptions,
  ) {
    this.faces = opts.faces ?? ALL_FACES;
    for (const f of this.faces) if (f.migrations) registerMigrations(f.migrations);
  }

  get clock(): ControlledClock {
    return this.engine.clock;
  }

  async start(): Promise<this> {
    this.store = await openStore({ databaseUrl: this.config.databaseUrl, dataDir: this.config.dataDir });
    this.faults = new Faults(this.store);
    await this.faults.load();
    this.engine = new Engine({
      store: this.store,
      masterKeys: await this.masterKeys(),
      transport: this.opts.transport ?? fetchTransport,
      dispatcher: { fault: (d) => this.faults.webhookFault(d) },
      onJobError: (e, kind) => this.log.error({ err: e, kind }, 'scheduled job failed'),
    });
    this.apiLog = new ApiLog(this.store, this.log);
    this.metrics = new Metrics(this.engine);
    this.adminToken = await this.resolveAdminToken();
    this.app = this.buildApp(this.faces.map((f) => ({ face: f, prefix: f.prefix })));
    await registerAdminApi(this.app, this, this.adminToken);
    await registerDashboard(this.app, this);
    await registerReference(this.app, this);
    for (const face of this.faces) {
      const ctx = this.context(face.prefix);
      const r = face.webhooks?.(ctx);
      if (r) this.engine.dispatcher.register(face.name, r);
      for (const [kind, h] of Object.entries(face.jobs?.(ctx) ?? {})) this.engine.scheduler.register(kind, h);
    }
    await this.app.listen({ host: this.config.host, port: this.config.port });
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.config.port;
    this.url = this.config.publicUrl?.replace(/\/$/, '') ?? `http://${this.config.host === '0.0.0.0' ? '127.0.0.1' : this.config.host}:${port}`;
    for (const [name, facePort] of Object.entries(this.config.facePorts)) {
      const face = this.faces.find((f) => f.name === name);
      if (!face || facePort === undefined) continue;
      const extra = this.buildApp([{ face, prefix: '' }]);
      await extra.listen({ host: this.config.host, port: facePort });
      const a = extra.server.address();
      this.facePortUrls[name] = `http://${this.config.host}:${typeof a === 'object' && a ? a.port : facePort}`;
      this.extraApps.push(extra);
    }
    await this.seedData();
    await this.engine.start();
    this.faults.start();
    return this;
  }

  private async resolveAdminToken(): Promise<string> {
    if (this.config.adminToken) return this.config.adminToken;
    const existing = await this.store.read((tx) => tx.getSetting('admin.token'));
    if (existing) return existing;
    await this.store.transaction(async (tx) => {
      if (!(await tx.getSetting('admin.token'))) await tx.setSetting('admin.token', 'adm_' + randomToken(32));
    });
    return (await this.store.read((tx) => tx.getSetting('admin.token')))!;
  }

  /** The merchant-facing context a face gets. */
  context(prefix: string): FaceContext {
    return {
      engine: this.engine,
      log: this.log,
      prefix,
      baseUrl: (req?: FastifyRequest) => this.baseUrl(req),
      env: this.opts.env ?? process.env,
    };
  }

  baseUrl(req?: FastifyRequest): string {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/$/, '');
    const host = req?.headers.host;
    if (host && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) return `${req!.protocol}://${host}`;
    return this.url;
  }

  private buildApp(mounts: Array<{ face: Face; prefix: string }>): FastifyInstance {
    const options = {
      loggerInstance: this.log.child({ component: 'http' }),
      bodyLimit: this.config.bodyLimit,
      trustProxy: true,
      requestIdHeader: false as const,
      return503OnClosing: true,
      forceCloseConnections: false,
      routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 500 },
      // errors raised before routing get the answer of the face whose prefix the URL starts with
      frameworkErrors: (error: Error & { code?: string }, req: FastifyRequest, reply: import('fastify').FastifyReply) => {
        const path = (req.raw.url ?? '').split('?')[0] ?? '';
        const m = mounts.find((x) => x.prefix === '' || path === x.prefix || path.startsWith(x.prefix + '/'));
        const a = m?.face.frameworkError?.(error.code ?? 'FST_ERR_BAD_URL', req.raw.url ?? '') ?? { status: 400, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: 'bad request' }) };
        void reply.code(a.status).header('content-type', a.contentType).send(a.body);
      },
    };
    const app = Fastify(options) as unknown as FastifyInstance;
    // Every body stays raw bytes: faces verify signatures over exactly what was sent, then parse.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const faceOf = (req: FastifyRequest): { face: string; path: string } => {
      const path = (req.raw.url ?? req.url).split('?')[0]!.replace(/\/{2,}/g, '/');
      for (const m of mounts) if (m.prefix === '' || path === m.prefix || path.startsWith(m.prefix + '/')) return { face: m.face.name, path: path.slice(m.prefix.length) || '/' };
      return { face: 'gateway', path };
    };
    app.addHook('onRequest', async (req, reply) => {
      const id = 'req_' + randomToken(16);
      req.polypay = { id, face: faceOf(req).face, subjects: [], started: performance.now() };
      reply.header('x-polypay-request-id', id);
    });
    this.faults.install(app, faceOf);
    this.apiLog.install(app, this.engine.clock);
    this.metrics.install(app);
    app.get('/healthz', async () => ({ status: 'ok', store: this.store.dialect }));
    registerAcs(app, this.engine);
    for (const { face, prefix } of mounts) {
      app.register(
        async (scope) => {
          await face.routes(scope, this.context(prefix));
        },
        { prefix },
      );
    }
    return app;
  }

  private async masterKeys(): Promise<MasterKey[]> {
    if (this.config.masterKeys.length) return this.config.masterKeys.map((k) => parseMasterKey(k));
    if (this.config.databaseUrl) {
      // No key configured for a shared database: keep one in the store so every process agrees.
      const existing = await this.store.read((tx) => tx.getSetting('vault.master_key'));
      if (existing) return [parseMasterKey(existing)];
      const fresh = randomBytes(32).toString('hex');
      await this.store.transaction((tx) => tx.setSetting('vault.master_key', fresh));
      const stored = (await this.store.read((tx) => tx.getSetting('vault.master_key')))!;
      this.log.warn('no POLYPAY_MASTER_KEY set: a vault key was generated and kept in the database (sandbox use only)');
      return [parseMasterKey(stored)];
    }
    if (this.config.dataDir === ':memory:') return [parseMasterKey(randomBytes(32).toString('hex'))];
    const file = join(this.config.dataDir, 'master.key');
    if (!existsSync(file)) {
      mkdirSync(this.config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return [parseMasterKey(readFileSync(file, 'utf8'))];
  }

  private async seedData(): Promise<void> {
    const seed = this.opts.seed ?? (this.config.seedFile ? loadSeed(this.config.seedFile) : undefined);
    if (seed) await applySeed(this, seed);
    else if (this.config.demoMerchant) {
      const any = await this.engine.read((tx) => tx.listMerchants());
      if (any.length === 0) await createDemoMerchant(this);
    }
  }

  /** Credentials and base URLs of a merchant, per face. */
  async describeMerchant(merchantId: string): Promise<MerchantInfo> {
    const { merchant, credentials } = await this.engine.read(async (tx) => ({ merchant: (await tx.getMerchant(merchantId))!, credentials: await tx.listCredentials(merchantId) }));
    const faces: Record<string, Record<string, string>> = {};
    for (const f of this.faces) {
      const creds = credentials.filter((c) => c.face === f.name && c.status === 'active');
      if (creds.length) faces[f.name] = f.describe(creds, this.facePortUrls[f.name] ?? this.url + f.prefix);
    }
    return { merchant, credentials, faces };
  }

  async merchants(): Promise<MerchantInfo[]> {
    const list = await this.engine.read((tx) => tx.listMerchants());
    return Promise.all(list.map((m) => this.describeMerchant(m.id)));
  }

  /** Deletes one merchant's data and recreates it from the seed (or as the demo merchant). */
  async resetMerchant(id: string): Promise<void> {
    await this.apiLog.flush();
    await this.engine.transaction((tx) => tx.purgeMerchant(id));
    const seed = this.opts.seed ?? (this.config.seedFile ? loadSeed(this.config.seedFile) : undefined);
    const entry = seed?.merchants.find((m) => m.id === id);
    if (entry) await applySeed(this, { merchants: [entry] });
    else if (id === 'demo' && !seed) await createDemoMerchant(this);
  }

  /** Empties every table and applies the seed (or the demo merchant) again. */
  async reset(): Promise<void> {
    await this.apiLog.flush();
    await this.engine.stop();
    await this.store.truncateAll();
    this.engine.clock.reset();
    await this.seedData();
    await this.engine.start();
  }

  /** Graceful shutdown: stop accepting, finish in-flight requests, stop workers, close the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.extraApps) await a.close();
    await this.app.close();
    this.faults.stop();
    await this.apiLog.flush();
    await this.engine.stop();
    await this.store.close();
  }
}

export function makeLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-sign"]', 'req.headers.signature', 'req.headers["x-signature"]', 'req.headers.cookie', '*.secret', '*.apiSecret', '*.password'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const config = configFromEnv(opts.env ?? process.env, opts);
  const log = opts.logger === false ? pino({ level: 'silent' }) : opts.logger ?? makeLogger(config.logLevel);
  return new Gateway(config, log, opts).start();
}
