// The composition root: store, engine, faces, pages and HTTP server in one object. Used by the CLI
// (`polypay start`), by tests, and by users' test suites (`createGateway`).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Engine } from '../core/engine.js';
import { ControlledClock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { parseMasterKey, type MasterKey } from '../core/vault.js';
import type { Face, FaceContext } from '../faces/face.js';
import { ALL_FACES } from '../faces/registry.js';
import { registerAcs } from '../pages/acs.js';
import { migrationsFor } from '../store/migrations.js';
import { openStore } from '../store/open-store.js';
import { configFromEnv, sandboxRoutesOn, type GatewayConfig } from './config.js';
import { loadSeed, applySeed, createDemoMerchant, type Seed } from '../operator/seed.js';
import { createFetchTransport, type PolicyTransport } from './transport.js';
import { OutboundPolicy } from './outbound-policy.js';
import { isAdminRequest } from '../operator/admin-auth.js';
import { privateFolder, writePrivateFile } from '../store/sqlite/data-folder.js';
import type { WebhookTransport } from '../core/dispatcher.js';
import { randomToken } from '../core/ids.js';
import { ApiLog, safeUrl } from './api-log.js';
import { Redactor } from './redaction.js';
import { holdsNulCharacter } from './nul-character.js';
import { Faults } from '../operator/faults.js';
import { Metrics } from './metrics.js';
import { isSignedInOperator, registerOperator, type MerchantInfo, type OperatorContext } from '../operator/index.js';
import { registerReference, type ReferenceContext } from '../pages/reference/index.js';
import { ProviderHosts } from './provider-hosts.js';
import type { ServerTls } from './tls/server-tls.js';
import '../faces/kit/request-context.js';

export interface GatewayOptions extends Partial<GatewayConfig> {
  /** a seed object (instead of, or besides, a seed file) */
  seed?: Seed;
  /** environment to read defaults from (tests pass {}) */
  env?: NodeJS.ProcessEnv;
  logger?: Logger | false;
  transport?: WebhookTransport;
  faces?: Face[];
}

export type { MerchantInfo } from '../operator/index.js';

export class Gateway {
  readonly faces: Face[];
  app!: FastifyInstance;
  /** the HTTPS listener (`--tls`): the same routes as `app` */
  tlsApp: FastifyInstance | undefined;
  private extraApps: FastifyInstance[] = [];
  engine!: Engine;
  store!: Store;
  faults!: Faults;
  apiLog!: ApiLog;
  metrics!: Metrics;
  /** what the operator module (admin API, dashboard, seeds) gets of this gateway */
  private operator!: OperatorContext;
  adminToken = '';
  url = '';
  /** the HTTPS URL with `--tls` ('' without) */
  tlsUrl = '';
  /** what the HTTPS listener serves, and the local CA's certificate file when it is the local CA's */
  tls: ServerTls | undefined;
  /** the faces' provider host names, served at the root (provider-hosts.ts) */
  private providerHosts!: ProviderHosts;
  readonly facePortUrls: Record<string, string> = {};
  /** the webhook transport this gateway made (closed with it); none when one was given */
  private ownTransport: PolicyTransport | undefined;
  /** the ports this gateway listens on (webhooks to them are refused) */
  private readonly listeningPorts: number[] = [];
  private closed = false;

  constructor(
    readonly config: GatewayConfig,
    readonly log: Logger,
    private readonly opts: GatewayOptions,
  ) {
    this.faces = opts.faces ?? ALL_FACES;
  }

  /** Where webhooks may go (outbound-policy.ts): the allow-list, production mode, and this gateway's own addresses. */
  outboundPolicy(): OutboundPolicy {
    return new OutboundPolicy({
      allow: this.config.webhookAllow,
      production: this.config.production,
      self: () => ({ host: this.config.host, ports: this.listeningPorts, publicUrl: this.config.publicUrl }),
    });
  }

  get clock(): ControlledClock {
    return this.engine.clock;
  }

  async start(): Promise<this> {
    const policy = this.outboundPolicy();
    this.warnProduction();
    // the certificate first: a bad one stops the start before anything is opened (the certificate library is
    // loaded only for HTTPS)
    if (this.config.tls)
      this.tls = await (
        await import('./tls/server-tls.js')
      ).resolveServerTls({
        dataDir: this.config.dataDir,
        certFile: this.config.tlsCert,
        keyFile: this.config.tlsKey,
        providerHosts: this.faces.flatMap((f) => f.apiHosts ?? []),
      });
    this.store = await openStore({
      databaseUrl: this.config.databaseUrl,
      pgPoolSize: this.config.pgPoolSize,
      dataDir: this.config.dataDir,
      migrations: migrationsFor(this.faces),
    });
    this.faults = new Faults(this.store);
    await this.faults.load();
    this.engine = new Engine({
      store: this.store,
      masterKeys: await this.masterKeys(),
      transport: this.opts.transport ?? (this.ownTransport = createFetchTransport(policy)),
      dispatcher: { fault: (d) => this.faults.webhookFault(d) },
      onJobError: (e, kind) => this.log.error({ err: e, kind }, 'scheduled job failed'),
    });
    this.apiLog = new ApiLog(this.store, this.log);
    this.metrics = new Metrics(this.engine);
    this.adminToken = await this.resolveAdminToken();
    const mounts = this.faces.map((f) => ({ face: f, prefix: f.prefix }));
    this.providerHosts = new ProviderHosts(
      mounts.map((m) => ({ hosts: m.face.apiHosts ?? [], prefix: m.prefix })),
      this.config.trustProxy,
    );
    this.operator = this.operatorContext();
    this.app = await this.buildGatewayApp(mounts);
    if (this.tls) this.tlsApp = await this.buildGatewayApp(mounts, { cert: this.tls.cert, key: this.tls.key });
    for (const face of this.faces) {
      const ctx = this.context(face.prefix);
      const r = face.webhooks?.(ctx);
      if (r) this.engine.dispatcher.register(face.name, r);
      for (const [kind, h] of Object.entries(face.jobs?.(ctx) ?? {})) this.engine.scheduler.register(kind, h);
    }
    await this.app.listen({ host: this.config.host, port: this.config.port });
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.config.port;
    this.listeningPorts.push(port);
    this.url = this.config.publicUrl?.replace(/\/$/, '') ?? `http://${this.shownHost()}:${port}`;
    if (this.tlsApp) {
      await this.tlsApp.listen({ host: this.config.host, port: this.config.tlsPort });
      const a = this.tlsApp.server.address();
      const tlsPort = typeof a === 'object' && a ? a.port : this.config.tlsPort;
      this.listeningPorts.push(tlsPort);
      this.tlsUrl = `https://${this.shownHost()}:${tlsPort}`;
    }
    for (const [name, facePort] of Object.entries(this.config.facePorts)) {
      const face = this.faces.find((f) => f.name === name);
      if (!face || facePort === undefined) continue;
      const extra = this.buildApp([{ face, prefix: '' }]);
      await extra.listen({ host: this.config.host, port: facePort });
      const a = extra.server.address();
      const ownPort = typeof a === 'object' && a ? a.port : facePort;
      this.listeningPorts.push(ownPort);
      this.facePortUrls[name] = `http://${this.config.host}:${ownPort}`;
      this.extraApps.push(extra);
    }
    await this.seedData();
    await this.engine.start();
    this.faults.start();
    return this;
  }

  /** The host of the gateway's own URLs: the bound interface, 127.0.0.1 for every interface; IPv6 in brackets. */
  private shownHost(): string {
    const h = this.config.host;
    if (h === '0.0.0.0' || h === '::') return '127.0.0.1';
    return isIPv6(h) ? `[${h}]` : h;
  }

  /** A listener with every route: the faces under their prefixes and at their provider hosts, operator, reference. */
  private async buildGatewayApp(
    mounts: Array<{ face: Face; prefix: string }>,
    https?: { cert: string; key: string },
  ): Promise<FastifyInstance> {
    const app = this.buildApp(mounts, { https, providerHosts: this.providerHosts });
    await registerOperator(app, this.operator);
    await registerReference(app, this.referenceContext());
    return app;
  }

  private async resolveAdminToken(): Promise<string> {
    if (this.config.adminToken) return this.config.adminToken;
    // one token for every process sharing the store: the first stored wins
    const existing = await this.store.read((tx) => tx.settings.get('admin.token'));
    return existing ?? this.store.transaction((tx) => tx.settings.setIfAbsent('admin.token', 'adm_' + randomToken(32)));
  }

  private warnProduction(): void {
    const c = this.config;
    if (!c.production) {
      if (c.host !== '127.0.0.1' && c.host !== 'localhost' && c.host !== '::1')
        this.log.warn(
          { host: c.host },
          'listening beyond localhost without --production: sandbox routes are on and webhooks may reach private addresses (docs/reliability.md, threat model)',
        );
      return;
    }
    if (!c.publicUrl) this.log.warn('production mode without --public-url: payer links are built from the Host header of each request');
    if (c.sandboxRoutes)
      this.log.warn('production mode with --sandbox-routes on: the sandbox operator routes are served (behind the admin token)');
    if (!c.databaseUrl && c.masterKeys.length === 0)
      this.log.warn('production mode without POLYPAY_MASTER_KEY: the vault key is kept in the data folder beside the database');
  }

  /** The operator module's view of this gateway: the parts it needs, not the gateway itself. */
  private operatorContext(): OperatorContext {
    return {
      engine: this.engine,
      faces: this.faces,
      log: this.log,
      adminToken: this.adminToken,
      faults: this.faults,
      faceContext: (face) => this.context(face.prefix),
      url: () => this.url,
      isHttps: (req) => this.isHttps(req),
      merchants: {
        list: () => this.merchants(),
        describe: (id) => this.describeMerchant(id),
        reset: (id) => this.resetMerchant(id),
      },
      resetAll: () => this.reset(),
      flushApiLog: () => this.apiLog.flush(),
    };
  }

  /** What the API reference needs: the faces, their URLs, the demo merchant's credentials, the operator's session. */
  private referenceContext(): ReferenceContext {
    return {
      engine: this.engine,
      faces: this.faces,
      baseUrl: (req) => this.baseUrl(req),
      facePortUrl: (name) => this.facePortUrls[name],
      describeMerchant: (id) => this.describeMerchant(id),
      isOperator: (req) => isSignedInOperator(req, this.operator),
    };
  }

  /** The merchant-facing context a face gets. */
  context(prefix: string): FaceContext {
    return {
      engine: this.engine,
      log: this.log,
      prefix,
      baseUrl: (req?: FastifyRequest) => this.baseUrl(req),
      env: this.opts.env ?? process.env,
      sandbox: { enabled: sandboxRoutesOn(this.config), authorized: (req: FastifyRequest) => isAdminRequest(req, this.adminToken) },
    };
  }

  /**
   * The base URL of links for a request: the configured public URL; else the request's host (X-Forwarded-Host
   * only from a trusted proxy) when it is a plausible host name, with https only when the connection or a trusted
   * proxy (X-Forwarded-Proto) says so; else the address the gateway listens at.
   */
  baseUrl(req?: FastifyRequest): string {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/$/, '');
    // a request to a provider's host name: links go to the gateway's own address, where the pages are
    if (req && this.providerHosts?.providerHostOf(req.raw)) return this.url;
    const host = req ? plausibleHost(req.host) : undefined;
    if (host) return `${req!.protocol === 'https' ? 'https' : 'http'}://${host}`;
    return this.url;
  }

  /**
   * Whether a request reached the gateway over HTTPS: directly, or through a trusted proxy (its X-Forwarded-Proto).
   * Not from the public URL alone: a browser that reached the gateway over plain HTTP would drop a Secure cookie.
   */
  isHttps(req: FastifyRequest): boolean {
    return req.protocol === 'https';
  }

  private buildApp(
    mounts: Array<{ face: Face; prefix: string }>,
    listener: { https?: { cert: string; key: string }; providerHosts?: ProviderHosts } = {},
  ): FastifyInstance {
    const c = this.config;
    const headersTimeout = c.requestTimeoutMs > 0 ? Math.min(60_000, c.requestTimeoutMs) : 60_000;
    const serverOptions = {
      headersTimeout,
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(30_000, Math.floor(Math.min(headersTimeout, c.requestTimeoutMs || headersTimeout) / 4)),
      ),
    };
    const hosts = listener.providerHosts;
    /** The answer of the face whose prefix the URL starts with, for a request refused before any face reads it. */
    const refuseBeforeRouting = (code: string, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const path = (req.raw.url ?? '').split('?')[0] ?? '';
      const m = mounts.find((x) => x.prefix === '' || path === x.prefix || path.startsWith(x.prefix + '/'));
      const a = m?.face.frameworkError?.(code, req.raw.url ?? '') ?? {
        status: 400,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: 'bad request' }),
      };
      return reply.code(a.status).header('content-type', a.contentType).send(a.body);
    };
    const options = {
      // the request line as pino logs it: its URL redacted as the request log redacts it (no card in a path or query)
      loggerInstance: this.log.child({ component: 'http' }, { serializers: { req: logSerializedRequest } }),
      bodyLimit: c.bodyLimit,
      // X-Forwarded-* are believed only from the configured proxies (off by default)
      trustProxy: c.trustProxy,
      // a request must arrive whole within requestTimeout (a body trickled byte by byte is cut with a 408);
      // a connection silent for connectionTimeout is closed; an idle keep-alive connection after keepAliveTimeout
      requestTimeout: c.requestTimeoutMs,
      connectionTimeout: c.connectionTimeoutMs,
      keepAliveTimeout: c.keepAliveTimeoutMs,
      // Node checks those deadlines every connectionsCheckingInterval (30 s by default): often enough for short ones
      // (an HTTPS listener takes them with its certificate and key)
      ...(listener.https ? { https: { ...listener.https, ...serverOptions } } : { http: serverOptions }),
      // a request to a face's provider host name is routed under that face's prefix (provider-hosts.ts)
      ...(hosts ? { rewriteUrl: (req: IncomingMessage) => hosts.rewrite(req) } : {}),
      requestIdHeader: false as const,
      return503OnClosing: true,
      forceCloseConnections: false,
      routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 500 },
      // errors raised before routing get the answer of the face whose prefix the URL starts with
      frameworkErrors: (error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply) => {
        void refuseBeforeRouting(error.code ?? 'FST_ERR_BAD_URL', req, reply);
      },
    };
    const app = Fastify(options) as unknown as FastifyInstance;
    // connections beyond the cap are closed as they arrive
    if (c.maxConnections > 0) app.server.maxConnections = c.maxConnections;
    // Every body stays raw bytes: faces verify signatures over exactly what was sent, then parse.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // a NUL character in the URL or the body is refused on every store alike (src/server/nul-character.ts)
    app.addHook('preValidation', async (req, reply) => {
      if (holdsNulCharacter(req.raw.url ?? '', req.body, req.headers['content-type']))
        return refuseBeforeRouting('POLYPAY_NUL_CHARACTER', req, reply);
    });
    const faceOf = (req: FastifyRequest): { face: string; path: string } => {
      const path = (req.raw.url ?? req.url).split('?')[0]!.replace(/\/{2,}/g, '/');
      for (const m of mounts)
        if (m.prefix === '' || path === m.prefix || path.startsWith(m.prefix + '/'))
          return { face: m.face.name, path: path.slice(m.prefix.length) || '/' };
      return { face: 'gateway', path };
    };
    app.addHook('onRequest', async (req, reply) => {
      const id = 'req_' + randomToken(16);
      req.polypay = { id, face: faceOf(req).face, subjects: [], started: performance.now() };
      reply.header('x-polypay-request-id', id);
    });
    this.faults.install(app, faceOf);
    this.apiLog.install(
      app,
      this.engine.clock,
      mounts.map((m) => m.face),
    );
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
      const existing = await this.store.read((tx) => tx.settings.get('vault.master_key'));
      if (existing) return [parseMasterKey(existing)];
      const fresh = randomBytes(32).toString('hex');
      const stored = await this.store.transaction((tx) => tx.settings.setIfAbsent('vault.master_key', fresh));
      this.log.warn('no POLYPAY_MASTER_KEY set: a vault key was generated and kept in the database (sandbox use only)');
      return [parseMasterKey(stored)];
    }
    if (this.config.dataDir === ':memory:') return [parseMasterKey(randomBytes(32).toString('hex'))];
    const file = join(this.config.dataDir, 'master.key');
    if (!existsSync(file)) {
      privateFolder(this.config.dataDir);
      writePrivateFile(file, randomBytes(32).toString('hex') + '\n');
    }
    return [parseMasterKey(readFileSync(file, 'utf8'))];
  }

  private async seedData(): Promise<void> {
    const seed = this.opts.seed ?? (this.config.seedFile ? loadSeed(this.config.seedFile) : undefined);
    if (seed) await applySeed(this.operator, seed);
    else if (this.config.demoMerchant) {
      const any = await this.engine.read((tx) => tx.merchants.list());
      if (any.length === 0) await createDemoMerchant(this.operator);
    }
  }

  /** Credentials and base URLs of a merchant, per face. */
  async describeMerchant(merchantId: string): Promise<MerchantInfo> {
    const { merchant, credentials } = await this.engine.read(async (tx) => ({
      merchant: (await tx.merchants.get(merchantId))!,
      credentials: await tx.credentials.list(merchantId),
    }));
    const faces: Record<string, Record<string, string>> = {};
    for (const f of this.faces) {
      const creds = credentials.filter((c) => c.face === f.name && c.status === 'active');
      if (creds.length) faces[f.name] = f.describe(creds, this.facePortUrls[f.name] ?? this.url + f.prefix);
    }
    return { merchant, credentials, faces };
  }

  async merchants(): Promise<MerchantInfo[]> {
    const list = await this.engine.read((tx) => tx.merchants.list());
    return Promise.all(list.map((m) => this.describeMerchant(m.id)));
  }

  /** Deletes one merchant's data and recreates it from the seed (or as the demo merchant). */
  async resetMerchant(id: string): Promise<void> {
    await this.apiLog.flush();
    await this.engine.transaction((tx) => tx.merchants.purge(id));
    const seed = this.opts.seed ?? (this.config.seedFile ? loadSeed(this.config.seedFile) : undefined);
    const entry = seed?.merchants.find((m) => m.id === id);
    if (entry) await applySeed(this.operator, { merchants: [entry] });
    else if (id === 'demo' && !seed) await createDemoMerchant(this.operator);
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
    await this.tlsApp?.close();
    await this.app.close();
    this.faults.stop();
    await this.apiLog.flush();
    await this.engine.stop();
    await this.ownTransport?.close();
    await this.store.close();
  }
}

/** A Host header value that names a host: a DNS name or an IP address, with an optional port; else undefined. */
export function plausibleHost(value: string | undefined): string | undefined {
  if (!value || value.length > 260) return undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  const m = v6 ?? /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const [, name, port] = m;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  if (v6) return isIPv6(name!) ? value : undefined;
  if (isIPv4(name!)) return value;
  const labels = name!.replace(/\.$/, '').split('.');
  const ok =
    name!.length <= 253 &&
    labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)) &&
    !/^\d+$/.test(labels[labels.length - 1]!);
  return ok ? value : undefined;
}

const urlRedactor = new Redactor();

/** What pino logs of a request: the method, the URL with card numbers and secrets masked, the peer. */
function logSerializedRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: safeUrl(urlRedactor, req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function makeLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-sign"]',
        'req.headers.signature',
        'req.headers["x-signature"]',
        'req.headers.cookie',
        '*.secret',
        '*.apiSecret',
        '*.password',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const config = configFromEnv(opts.env ?? process.env, opts);
  const log = opts.logger === false ? pino({ level: 'silent' }) : (opts.logger ?? makeLogger(config.logLevel));
  return new Gateway(config, log, opts).start();
}
