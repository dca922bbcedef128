// The benchmark's smoke mode, to keep `npm run bench` working: about a second per scenario at 4 connections,
// SQLite only, the gateway run from the sources (no build), results in a temporary folder. It asserts that
// every scenario ran with zero errors and that the JSON was written, never a timing.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../bench/lib/report.js';

const run = promisify(execFile);

describe('npm run bench -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polypay-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario without an error and writes its JSON', { timeout: 300_000 }, async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--from-source', '--quiet', '--results-dir', dir],
      {
        env: { ...process.env, DATABASE_URL: '' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 280_000,
      },
    );
    expect(stdout).toContain('Polypay benchmark');
    const file = join(dir, 'latest.json');
    expect(existsSync(file)).toBe(true);
    const res = JSON.parse(readFileSync(file, 'utf8')) as RunResults;
    const keys = res.rows.map((r) => r.key);
    for (const k of [
      'echo',
      'store-ceiling',
      'cp-token-charge',
      'cp-cryptogram-charge',
      'cp-auth-confirm',
      'numopay-status',
      'novapay-session',
      'mbill-transfer',
      'way2pay-payin',
      'webhooks-live',
      'webhooks-paced',
      'webhooks-backlog',
    ])
      expect(keys).toContain(k);
    expect(keys.some((k) => k.startsWith('populated-'))).toBe(true);
    for (const r of res.rows) {
      expect({ scenario: r.key, errors: r.errors }).toEqual({ scenario: r.key, errors: 0 });
      // completed: some requests were answered (a count, not a rate)
      if (r.load) expect(r.load.requests, r.key).toBeGreaterThan(0);
    }
    expect(res.problems).toEqual([]);
    expect(res.crypto?.rsaDecryptRaw).toBeGreaterThan(0);
  });
});
