// README truths: the start banner shown under "What `npm start` gives you" is the banner `polypay start` prints
// (the demo merchant on a fresh SQLite data folder), with only what varies put in a fixed form: the port, the data
// folder, and generated keys and secrets (`np_…`, `…`).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../src/server/gateway.js';
import { banner } from '../../src/server/banner.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first fenced block after a heading. */
function blockAfter(heading: string): string {
  const at = README.indexOf(heading);
  if (at < 0) throw new Error(`README has no heading ${heading}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(README.slice(at));
  if (!m) throw new Error(`no code block after ${heading}`);
  return m[1]!;
}

/**
 * What varies from start to start, in the README's fixed form: the port becomes 8080, the data folder ./data, and
 * every generated value (a credential that is neither a URL nor a file, the admin token) its fixed prefix (`np_`,
 * `pk_live_`; generated values are letters and digits only, so an underscore ends a prefix) and `…`.
 */
function normalise(text: string, port: number, dataDir: string): string {
  const secret = (v: string) => (/^\d{1,2}$/.test(v) ? v : (/^([a-z0-9]+_)+/.exec(v)?.[0] ?? '') + '…');
  return text
    .split(dataDir)
    .join('./data')
    .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:8080')
    .split('\n')
    .map((line) => {
      const cred = /^( {4}\S+ +)(\S+)$/.exec(line);
      if (cred && !/^(https?:\/\/|\.\/)/.test(cred[2]!)) return cred[1] + secret(cred[2]!);
      return line.replace(/\btoken adm_\w+/, 'token adm_…');
    })
    .join('\n')
    .trim();
}

describe('README', () => {
  it('shows the real start banner', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'polypay-readme-'));
    const gw = await startGateway({ env: {}, logger: false, port: 0, host: '127.0.0.1', dataDir });
    try {
      const port = Number(new URL(gw.url).port);
      const printed = normalise(banner(gw, await gw.merchants()), port, dataDir);
      expect(blockAfter('## What `npm start` gives you').trim()).toBe(printed);
    } finally {
      await gw.close();
    }
  });
});
