#!/usr/bin/env node
// The `polypay` command line.
import { Command } from 'commander';
import { startGateway } from './gateway.js';
import { configFromEnv, parseCount, parseList, parsePoolSize, parsePort, parseSwitch, parseTrustProxy } from './config.js';
import { registerAdminCommands } from './cli-admin.js';
import { banner } from './banner.js';
import { trustInstructions } from './tls/trust-commands.js';

interface StartFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  pgPoolSize?: string;
  seed?: string;
  publicUrl?: string;
  logLevel?: string;
  production?: boolean;
  sandboxRoutes?: string;
  webhookAllow?: string;
  trustProxy?: string;
  requestTimeout?: string;
  connectionTimeout?: string;
  keepAliveTimeout?: string;
  maxConnections?: string;
  tls?: boolean;
  tlsPort?: string;
  tlsCert?: string;
  tlsKey?: string;
}

const program = new Command();
program.name('polypay').description('A self-hosted payment gateway speaking the Numopay, NovaPay, Mbill, Way2Pay and CloudPayments APIs');

program
  .command('start')
  .description('start the gateway')
  .option('-p, --port <port>', 'port to listen on (env POLYPAY_PORT)', (v) => Number(v))
  .option('--host <host>', 'interface to bind (env POLYPAY_HOST)')
  .option('-d, --data-dir <dir>', 'SQLite data folder (env POLYPAY_DATA_DIR)')
  .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
  .option('--pg-pool-size <n>', 'PostgreSQL connections per process at most (env POLYPAY_PG_POOL_SIZE; default 16)')
  .option('-s, --seed <file>', 'seed file, JSON or YAML (env POLYPAY_SEED)')
  .option('--public-url <url>', 'base URL browsers and merchants reach the gateway at')
  .option('--log-level <level>', 'log level', undefined)
  .option(
    '--production',
    'production mode: sandbox routes off, webhooks to loopback and private addresses refused unless allowed (env POLYPAY_PRODUCTION=1)',
  )
  .option(
    '--sandbox-routes <on|off>',
    'serve the sandbox operator routes, behind the admin token (env POLYPAY_SANDBOX_ROUTES; default on, off in production)',
  )
  .option(
    '--webhook-allow <list>',
    'CIDRs, addresses, host names, loopback, private: where webhooks may go besides public addresses (env POLYPAY_WEBHOOK_ALLOW)',
  )
  .option(
    '--trust-proxy <list>',
    'proxy addresses/CIDRs whose X-Forwarded-* headers are believed, or true (env POLYPAY_TRUST_PROXY; default off)',
  )
  .option('--request-timeout <ms>', 'time a client has to send a whole request (env POLYPAY_REQUEST_TIMEOUT; default 30000; 0: none)')
  .option('--connection-timeout <ms>', 'a silent connection is closed after this (env POLYPAY_CONNECTION_TIMEOUT; default 120000; 0: none)')
  .option('--keep-alive-timeout <ms>', 'an idle keep-alive connection is closed after this (env POLYPAY_KEEP_ALIVE_TIMEOUT; default 72000)')
  .option('--max-connections <n>', 'open connections per listening port (env POLYPAY_MAX_CONNECTIONS; default 4096)')
  .option('--tls', 'also serve HTTPS, with a local certificate authority kept in the data folder (env POLYPAY_TLS=1)')
  .option('--tls-port <port>', 'HTTPS port (env POLYPAY_TLS_PORT; default 8443; 0: a free port)')
  .option('--tls-cert <file>', "your own certificate (PEM) for HTTPS instead of the local CA's; implies --tls (env POLYPAY_TLS_CERT)")
  .option('--tls-key <file>', 'the private key (PEM) of --tls-cert (env POLYPAY_TLS_KEY)')
  .action(async (o: StartFlags, cmd: Command) => {
    const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
    const gw = await startGateway({
      port: o.port,
      host: o.host,
      dataDir: o.dataDir,
      databaseUrl: o.databaseUrl,
      pgPoolSize: o.pgPoolSize === undefined ? undefined : parsePoolSize(o.pgPoolSize, '--pg-pool-size'),
      seedFile: o.seed,
      publicUrl: o.publicUrl,
      logLevel: o.logLevel,
      production: o.production,
      sandboxRoutes: parseSwitch(o.sandboxRoutes, '--sandbox-routes'),
      webhookAllow: parseList(o.webhookAllow),
      trustProxy: o.trustProxy === undefined ? undefined : parseTrustProxy(o.trustProxy),
      requestTimeoutMs: o.requestTimeout === undefined ? undefined : parseCount(o.requestTimeout, '--request-timeout', 0),
      connectionTimeoutMs: o.connectionTimeout === undefined ? undefined : parseCount(o.connectionTimeout, '--connection-timeout', 0),
      keepAliveTimeoutMs: o.keepAliveTimeout === undefined ? undefined : parseCount(o.keepAliveTimeout, '--keep-alive-timeout', 0),
      maxConnections: o.maxConnections === undefined ? undefined : parseCount(o.maxConnections, '--max-connections', 0),
      tls: o.tls,
      tlsPort: o.tlsPort === undefined ? undefined : parsePort(o.tlsPort, '--tls-port', 0),
      tlsCert: o.tlsCert,
      tlsKey: o.tlsKey,
    });
    const infos = await gw.merchants();
    if (json)
      process.stdout.write(
        JSON.stringify({
          url: gw.url,
          ...(gw.tlsUrl ? { tlsUrl: gw.tlsUrl, caFile: gw.tls?.caFile ?? null } : {}),
          adminToken: gw.adminToken,
          merchants: infos.map((i) => ({ id: i.merchant.id, name: i.merchant.name, faces: i.faces })),
        }) + '\n',
      );
    else process.stdout.write(banner(gw, infos));
    let closing = false;
    const shutdown = (sig: string) => {
      if (closing) return;
      closing = true;
      gw.log.info({ signal: sig }, 'shutting down');
      gw.close().then(
        () => process.exit(0),
        (e) => {
          gw.log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });

program
  .command('ca')
  .description('print the local certificate authority of --tls (made if absent) and how to trust it')
  .option('-d, --data-dir <dir>', 'SQLite data folder (env POLYPAY_DATA_DIR)')
  .option('--tls-port <port>', 'HTTPS port, for the example (env POLYPAY_TLS_PORT; default 8443)')
  .action(async (o: { dataDir?: string; tlsPort?: string }, cmd: Command) => {
    const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
    const config = configFromEnv(process.env, {
      dataDir: o.dataDir,
      tlsPort: o.tlsPort === undefined ? undefined : parsePort(o.tlsPort, '--tls-port', 0),
    });
    if (config.dataDir === ':memory:') throw new Error('polypay ca needs a data folder (--data-dir)');
    const { ensureCaOnly, localCaFiles } = await import('./tls/local-ca.js');
    const files = localCaFiles(config.dataDir);
    await ensureCaOnly(files);
    process.stdout.write(json ? JSON.stringify({ caFile: files.caCert }) + '\n' : trustInstructions(files.caCert, config.tlsPort));
  });

registerAdminCommands(program);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
