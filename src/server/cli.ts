#!/usr/bin/env node
// The `polypay` command line.
import { Command } from 'commander';
import { join } from 'node:path';
import { startGateway, type Gateway } from './gateway.js';
import { parseCount, parseList, parseSwitch, parseTrustProxy } from './config.js';
import { CREDENTIALS_FOLDER, privateFolder, writePrivateFile } from '../store/sqlite/data-folder.js';
import { registerAdminCommands } from './cli-admin.js';

function banner(gw: Gateway, infos: Awaited<ReturnType<Gateway['merchants']>>): string {
  const lines = [
    ``,
    `Polypay is running at ${gw.url}  (store: ${gw.store.dialect}${gw.store.dialect === 'sqlite' ? `, data folder ${gw.config.dataDir}` : ''})`,
    ``,
  ];
  for (const info of infos) {
    lines.push(`Merchant ${info.merchant.id} (${info.merchant.name})`);
    for (const [face, fields] of Object.entries(info.faces)) {
      lines.push(`  ${face}`);
      for (const [k, v] of Object.entries(fields)) lines.push(`    ${k.padEnd(16)} ${printable(gw, info.merchant.id, face, k, v)}`);
    }
    lines.push('');
  }
  lines.push(`Dashboard:  ${gw.url}/dashboard  (sign in with the admin token)`);
  lines.push(`API docs:   ${gw.url}/docs  (OpenAPI for each face; try requests in the browser)`);
  lines.push(`Admin API:  ${gw.url}/admin/api  (token ${gw.adminToken}; OpenAPI at ${gw.url}/admin/openapi.json)`);
  lines.push(`Test cards: docs/test-cards.md   Health: ${gw.url}/healthz   Metrics: ${gw.url}/metrics`, '');
  return lines.join('\n');
}

/** Multi-line values (PEM keys) go to a file beside the data, and the banner shows its path. */
function printable(gw: Gateway, merchantId: string, face: string, key: string, value: string): string {
  if (!value.includes('\n')) return value;
  if (gw.store.dialect !== 'sqlite' || gw.config.dataDir === ':memory:')
    return '(PEM: `polypay merchant list --json` or GET /admin/api/merchants)';
  const dir = join(gw.config.dataDir, CREDENTIALS_FOLDER);
  privateFolder(dir);
  const file = join(dir, `${merchantId}-${face}-${key}.pem`);
  writePrivateFile(file, value.endsWith('\n') ? value : value + '\n');
  return file;
}

interface StartFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
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
  .action(async (o: StartFlags, cmd: Command) => {
    const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
    const gw = await startGateway({
      port: o.port,
      host: o.host,
      dataDir: o.dataDir,
      databaseUrl: o.databaseUrl,
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
    });
    const infos = await gw.merchants();
    if (json)
      process.stdout.write(
        JSON.stringify({
          url: gw.url,
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

registerAdminCommands(program);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
