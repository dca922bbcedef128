// The CLI driven as a user would: `polypay start` as a child process, then operator commands, output checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NumopayClient } from '../../src/faces/numopay/client.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/server/cli.ts'];

describe('polypay CLI', () => {
  let child: ChildProcess;
  let info: { url: string; adminToken: string; merchants: Array<{ id: string; faces: Record<string, Record<string, string>> }> };
  const dir = mkdtempSync(join(tmpdir(), 'polypay-cli-'));
  const cli = async (...args: string[]) => {
    const r = await run(process.execPath, [...CLI, ...args], {
      env: { ...process.env, POLYPAY_URL: info.url, POLYPAY_ADMIN_TOKEN: info.adminToken },
    });
    return r.stdout;
  };

  beforeAll(async () => {
    child = spawn(process.execPath, [...CLI, 'start', '--port', '0', '--data-dir', dir, '--log-level', 'warn', '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    info = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (c: Buffer) => {
        buf += c.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.on('exit', (code) => reject(new Error(`start exited with ${code}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('starts with a demo merchant and prints its credentials', () => {
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.adminToken).toMatch(/^adm_/);
    expect(info.merchants[0]!.id).toBe('demo');
    expect(info.merchants[0]!.faces.numopay!.apiKey).toMatch(/^np_/);
  });

  it('creates and lists merchants, lists payments, triggers, advances the clock', async () => {
    expect(await cli('merchant', 'create', '--name', 'Acme', '--id', 'acme')).toContain('created acme (Acme)');
    const list = JSON.parse(await cli('merchant', 'list', '--json'));
    expect(list.map((m: { merchant: { id: string } }) => m.merchant.id)).toEqual(['demo', 'acme']);
    const demo = info.merchants[0]!.faces.numopay!;
    const c = new NumopayClient({ baseUrl: demo.baseUrl!, apiKey: demo.apiKey!, secret: demo.secret! });
    const [acc] = await c.accounts();
    const t = await c.createChargeToken(acc!.id, { amount: '2500' });
    await c.charge(acc!.id, { token: t.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' } });
    const table = await cli('payments', 'list', '--merchant', 'demo');
    expect(table.split('\n')[0]).toMatch(/^id\s+merchant\s+face\s+status\s+amount/);
    expect(table).toContain('25.00 RUB');
    const id = JSON.parse(await cli('payments', 'list', '--json', '--search', t.order_slug)).items[0].id;
    expect(await cli('trigger', 'refund', String(id), '--amount', '500')).toBe(`payment ${id}: partially_refunded\n`);
    expect(await cli('clock', 'advance', '15m')).toMatch(/^clock: .* \(offset 900 s\)\n$/);
  });

  it('follows webhook deliveries live', async () => {
    const demo = info.merchants[0]!.faces.numopay!;
    const c = new NumopayClient({ baseUrl: demo.baseUrl!, apiKey: demo.apiKey!, secret: demo.secret! });
    const [acc] = await c.accounts();
    await c.createWebhookEndpoint(acc!.id, { url: `${info.url}/healthz`, event: 'order' });
    const tail = spawn(process.execPath, [...CLI, 'webhooks', 'tail', '--count', '1', '--interval', '100'], {
      env: { ...process.env, POLYPAY_URL: info.url, POLYPAY_ADMIN_TOKEN: info.adminToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    tail.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise((r) => tail.on('exit', r));
    // wait until it follows, then make a delivery happen
    await new Promise<void>((resolve) => {
      let err = '';
      tail.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (err.includes('following webhook deliveries')) resolve();
      });
    });
    const t = await c.createChargeToken(acc!.id, { amount: '100' });
    await c.charge(acc!.id, { token: t.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' } });
    await exited;
    // a webhook to the gateway itself is refused by the outbound URL policy, and the tail shows why
    expect(stdout).toMatch(
      /#\d+ numopay order POST http:\/\/127\.0\.0\.1:\d+\/healthz → refused by the outbound URL policy: 127\.0\.0\.1:\d+ is this gateway's own address \(always refused\) \((failed|pending), attempt 1\)/,
    );
  });

  it('imports a seed file with a progress bar and resets', async () => {
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, 'merchants:\n' + Array.from({ length: 30 }, (_, i) => `  - id: bulk${i}\n    name: Bulk ${i}\n`).join(''));
    const r = await run(process.execPath, [...CLI, 'import', file, '--batch', '10'], {
      env: { ...process.env, POLYPAY_URL: info.url, POLYPAY_ADMIN_TOKEN: info.adminToken },
    });
    expect(r.stdout).toBe('imported 30 merchants\n');
    expect(r.stderr).toContain('[##############################] 30/30');
    expect(await cli('reset')).toBe('all data reset\n');
    const list = JSON.parse(await cli('merchant', 'list', '--json'));
    expect(list.map((m: { merchant: { id: string } }) => m.merchant.id)).toEqual(['demo']);
  });
});
