// A PHP client written by hand from NovaPay's documentation (test/clients/php/novapay-client.php: openssl_sign with
// SHA-1, curl) calls https://api-qecom.novapay.ua/v1/... with the name pinned to the gateway (CURLOPT_RESOLVE) and
// the gateway's local CA trusted (CURLOPT_CAINFO): what an SDK with a fixed host does after one hosts line.
// Needs Debian's php-cli and php-curl (.ci/run installs them); skipped only outside CI when php is missing.
import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STORES } from '../helpers/stores.js';
import { startTestGateway, useGateway } from '../helpers/gateway.js';
import { NOVA, REL_SEED } from '../reliability/faces.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./php/novapay-client.php', import.meta.url));

function phpWithCurl(): boolean {
  try {
    return execFileSync('php', ['-m'], { encoding: 'utf8' }).split('\n').includes('curl');
  } catch {
    return false;
  }
}
const HAVE_PHP = phpWithCurl();
if (!HAVE_PHP && process.env.CI) throw new Error('php-cli with php-curl is required in CI (.ci/run installs them)');

/** The session statuses NovaPay documents. */
const SESSION_STATUSES = [
  'created',
  'expired',
  'processing',
  'holded',
  'hold_confirmed',
  'processing_hold_completion',
  'paid',
  'failed',
  'processing_void',
  'voided',
];

describe.skipIf(!HAVE_PHP)('a hand-written PHP NovaPay client over HTTPS at api-qecom.novapay.ua', () => {
  describe.each(STORES)('%s', (kind) => {
    const g = useGateway(() => startTestGateway(kind, REL_SEED, undefined, { tls: true }));

    it('creates a session, adds a payment, reads its status; a bad request gets the documented validation error', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'polypay-php-'));
      const keyFile = join(dir, 'merchant.pem');
      writeFileSync(keyFile, NOVA.A.privateKey, { mode: 0o600 });
      const port = new URL(g.h.gw.tlsUrl).port;
      const { stdout } = await run('php', [SCRIPT, keyFile, String(NOVA.A.merchantId), port, g.h.gw.tls!.caFile!]);
      const out = JSON.parse(stdout);

      expect(out.session.status).toBe(200);
      expect(out.session.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), metadata: { order: 'php-1' } });
      expect(out.session.signed).toBe(true);
      const sid = out.session.body.id;

      expect(out.payment.status).toBe(200);
      expect(out.payment.signed).toBe(true);
      // the payer's page: at the gateway's own address, where the payer opens it
      const url = String(out.payment.body.url);
      expect(url.startsWith(g.h.gw.url + '/novapay/')).toBe(true);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);

      expect(out.status.status).toBe(200);
      expect(out.status.signed).toBe(true);
      expect(out.status.body.id).toBe(sid);
      expect(SESSION_STATUSES).toContain(out.status.body.status);
      expect(out.status.body.metadata).toEqual({ order: 'php-1' });

      expect(out.invalid.status).toBe(400);
      expect(out.invalid.body.type).toBe('validation');
      expect(Array.isArray(out.invalid.body.errors)).toBe(true);
    });
  });
});
