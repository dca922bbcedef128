// A gateway as a child process (the CLI's `start`), for crash, multi-process and load tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Seed } from '../../src/server/seed.js';
import type { StoreTarget } from './stores.js';
import { TEST_MASTER_KEY } from './gateway.js';

export interface ChildInfo {
  url: string;
  adminToken: string;
}

export class ChildGateway {
  proc: ChildProcess | null = null;
  info: ChildInfo | null = null;
  stderr = '';

  constructor(
    private readonly target: StoreTarget,
    private readonly seedFile: string,
    private readonly env: Record<string, string> = {},
  ) {}

  static writeSeed(dir: string, seed: Seed): string {
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    return file;
  }

  async start(port = 0): Promise<ChildInfo> {
    const args = ['--import', 'tsx', 'src/server/cli.ts', 'start', '--port', String(port), '--seed', this.seedFile, '--log-level', 'warn', '--json'];
    if (this.target.dataDir) args.push('--data-dir', this.target.dataDir);
    if (this.target.databaseUrl) args.push('--database-url', this.target.databaseUrl);
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, POLYPAY_MASTER_KEY: TEST_MASTER_KEY, POLYPAY_ADMIN_TOKEN: 'adm_test_token', POLYPAY_DEMO_MERCHANT: '0', ...this.env },
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
