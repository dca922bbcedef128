// A gateway as a child process (the CLI's `start`), for crash, multi-process and load tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Seed } from '../../src/operator/seed.js';
import type { StoreTarget } from './stores.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TEST_MASTER_KEY } from './gateway.js';

export interface ChildInfo {
  url: string;
  adminToken: string;
}

export interface ChildGatewayOptions {
  /** start the CLI from one file bundled by esbuild (bundledCli) rather than through tsx */
  bundled?: boolean;
}

let bundle: Promise<string> | null = null;

/**
 * The CLI (src/server/cli.ts) bundled into one ES module by esbuild (which tsx itself uses to compile), its
 * dependencies left to node_modules: a child then starts much faster than tsx loading every module through its
 * loader. Built once per test process from the current sources, into node_modules/.cache/polypay-test under a
 * name made from its content (test processes building the same sources share the file); bundles older than an
 * hour are removed. For suites that restart the gateway many times (the crash suite).
 */
export function bundledCli(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    const dir = join('node_modules', '.cache', 'polypay-test');
    // outfile only places the inline source map's paths; the code is written below
    const out = await build({
      entryPoints: ['src/server/cli.ts'],
      write: false,
      outfile: join(dir, 'cli.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'error',
    });
    const code = out.outputFiles[0]!.contents;
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      try {
        if (Date.now() - statSync(join(dir, f)).mtimeMs > 3_600_000) rmSync(join(dir, f), { force: true });
      } catch {
        /* removed meanwhile by another test process */
      }
    }
    const file = join(dir, `cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
    }
    return file;
  })();
  return bundle;
}

export class ChildGateway {
  proc: ChildProcess | null = null;
  info: ChildInfo | null = null;
  stderr = '';

  constructor(
    private readonly target: StoreTarget,
    private readonly seedFile: string,
    private readonly env: Record<string, string> = {},
    private readonly opts: ChildGatewayOptions = {},
  ) {}

  static writeSeed(dir: string, seed: Seed): string {
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    return file;
  }

  async start(port = 0): Promise<ChildInfo> {
    const entry = this.opts.bundled ? ['--enable-source-maps', await bundledCli()] : ['--import', 'tsx', 'src/server/cli.ts'];
    const args = [...entry, 'start', '--port', String(port), '--seed', this.seedFile, '--log-level', 'warn', '--json'];
    if (this.target.dataDir) args.push('--data-dir', this.target.dataDir);
    if (this.target.databaseUrl) args.push('--database-url', this.target.databaseUrl);
    const proc = spawn(process.execPath, args, {
      env: {
        ...process.env,
        POLYPAY_MASTER_KEY: TEST_MASTER_KEY,
        POLYPAY_ADMIN_TOKEN: 'adm_test_token',
        POLYPAY_DEMO_MERCHANT: '0',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stderr!.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-20_000);
    });
    this.info = await new Promise<ChildInfo>((resolve, reject) => {
      let buf = '';
      const onData = (c: Buffer) => {
        buf += c.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          proc.stdout!.off('data', onData);
          resolve(JSON.parse(line) as ChildInfo);
        }
      };
      proc.stdout!.on('data', onData);
      proc.on('exit', (code, sig) => reject(new Error(`gateway exited (${code ?? sig}) before it started: ${this.stderr.slice(-2000)}`)));
    });
    proc.stdout!.resume();
    return this.info;
  }

  /** SIGKILL: no shutdown hooks run. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    this.proc = null;
  }

  async admin(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.info!.url}/admin/api${path}`, {
      method,
      headers: { authorization: 'Bearer adm_test_token', 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/**
 * Starts `n` gateway processes at once on a store that another gateway has already set up (migrated and seeded):
 * they get an empty seed, so starting them adds nothing to it. Races between them are races between OS processes
 * that share nothing but the store. Stop each with `stop()`.
 */
export async function startChildGateways(target: StoreTarget, n: number, env: Record<string, string> = {}): Promise<ChildGateway[]> {
  const seed = ChildGateway.writeSeed(mkdtempSync(join(tmpdir(), 'polypay-children-')), { merchants: [] });
  const gws = Array.from({ length: n }, () => new ChildGateway(target, seed, env, { bundled: true }));
  try {
    await Promise.all(gws.map((g) => g.start()));
  } catch (e) {
    await Promise.all(gws.map((g) => g.stop()));
    throw e;
  }
  return gws;
}
