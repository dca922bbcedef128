// HTTPS plumbing: the local certificate authority in the data folder (what it makes, what it keeps, what it makes
// again), a user's own certificate, and `polypay ca`. Pure TLS: SQLite only.
import { describe, expect, it } from 'vitest';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { banner } from '../../src/server/banner.js';
import { peerCertificate, tlsCall } from '../helpers/tls.js';

const run = promisify(execFile);
const DAY = 86_400_000;

/** The providers' API host names, as their documents name them. */
const PROVIDER_HOSTS = [
  'api.numopay.com',
  'api-qecom.novapay.ua',
  'api-ecom.novapay.ua',
  'api.cloudpayments.ru',
  'way2pay.app',
  'api.way2pay.com',
  'transfers.mbill.co',
  'tokenizer-api.herokuapp.com',
];

const start = (dataDir: string, more: Record<string, unknown> = {}) =>
  startGateway({ env: {}, logger: false, port: 0, host: '127.0.0.1', dataDir, demoMerchant: false, tls: true, tlsPort: 0, ...more });

const freshDir = () => mkdtempSync(join(tmpdir(), 'polypay-tls-'));
const tlsFile = (dir: string, name: string) => join(dir, 'tls', name);
const read = (dir: string, name: string) => readFileSync(tlsFile(dir, name), 'utf8');

/** `DNS:a, IP Address:b` → ['a', 'b'] */
function sanNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').map((e) => e.replace(/^(DNS|IP Address):/, ''));
}

async function withGateway<T>(dataDir: string, work: (gw: Gateway) => Promise<T>, more: Record<string, unknown> = {}): Promise<T> {
  const gw = await start(dataDir, more);
  try {
    return await work(gw);
  } finally {
    await gw.close();
  }
}

describe('the local certificate authority', () => {
  it('makes a CA and a server certificate for localhost, the loopback addresses and every provider host', async () => {
    const dir = freshDir();
    await withGateway(dir, async (gw) => {
      expect(gw.tls?.caFile).toBe(tlsFile(dir, 'ca.pem'));
      // the start banner names the HTTPS URL and the CA
      expect(banner(gw, []).split('\n')[2]).toBe(
        `HTTPS at ${gw.tlsUrl}  (local CA ${tlsFile(dir, 'ca.pem')}: \`polypay ca\` prints how to trust it)`,
      );
      const ca = new X509Certificate(read(dir, 'ca.pem'));
      const server = new X509Certificate(read(dir, 'server.pem'));
      expect(ca.ca).toBe(true);
      expect(server.ca).toBe(false);
      expect(server.checkIssued(ca)).toBe(true);
      expect(server.verify(ca.publicKey)).toBe(true);
      // the names
      const names = sanNames(server);
      for (const n of ['localhost', '127.0.0.1', ...PROVIDER_HOSTS]) expect(names, n).toContain(n);
      expect(server.checkIP('::1')).toBe('::1');
      for (const h of PROVIDER_HOSTS) expect(server.checkHost(h), h).toBe(h);
      // the lives: the CA ten years, the server certificate at most 825 days, for server authentication
      const life = (c: X509Certificate) => (Date.parse(c.validTo) - Date.parse(c.validFrom)) / DAY;
      expect(life(ca)).toBeGreaterThanOrEqual(3650);
      expect(life(server)).toBeLessThanOrEqual(825 + 1);
      expect(life(server)).toBeGreaterThan(800);
      expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      // the keys are the owner's alone
      expect(statSync(tlsFile(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(tlsFile(dir, 'server-key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'tls')).mode & 0o777).toBe(0o700);
      // and it is what the listener presents, for a provider name as for localhost
      const port = Number(new URL(gw.tlsUrl).port);
      const presented = await peerCertificate(port, 'api-qecom.novapay.ua');
      expect(presented.fingerprint256).toBe(server.fingerprint256);
    });
  });

  it('keeps both at the next start; makes the server certificate again when its names or its time no longer fit, keeping the CA', async () => {
    const dir = freshDir();
    await withGateway(dir, async () => undefined);
    const ca1 = read(dir, 'ca.pem');
    const server1 = read(dir, 'server.pem');
    await withGateway(dir, async () => undefined);
    expect(read(dir, 'ca.pem')).toBe(ca1);
    expect(read(dir, 'server.pem')).toBe(server1);

    // a server certificate without the provider names (as an older gateway's would be): made again
    const caKey = await webcrypto.subtle.importKey(
      'pkcs8',
      pemDer(read(dir, 'ca-key.pem')),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const narrow = await signedBy(ca1, caKey, ['localhost'], Date.now() + 400 * DAY);
    writeFileSync(tlsFile(dir, 'server.pem'), narrow.cert);
    writeFileSync(tlsFile(dir, 'server-key.pem'), narrow.key);
    await withGateway(dir, async () => undefined);
    expect(read(dir, 'ca.pem')).toBe(ca1);
    const renamed = new X509Certificate(read(dir, 'server.pem'));
    for (const h of PROVIDER_HOSTS) expect(renamed.checkHost(h), h).toBe(h);

    // one about to end (in five days): made again, the CA kept
    const ending = await signedBy(ca1, caKey, ['localhost', '127.0.0.1', '::1', ...PROVIDER_HOSTS], Date.now() + 5 * DAY);
    writeFileSync(tlsFile(dir, 'server.pem'), ending.cert);
    writeFileSync(tlsFile(dir, 'server-key.pem'), ending.key);
    await withGateway(dir, async () => undefined);
    expect(read(dir, 'ca.pem')).toBe(ca1);
    const renewed = new X509Certificate(read(dir, 'server.pem'));
    expect(Date.parse(renewed.validTo)).toBeGreaterThan(Date.now() + 800 * DAY);
    expect(renewed.checkIssued(new X509Certificate(ca1))).toBe(true);
  });

  it("serves a user's own certificate and key instead (--tls-cert, --tls-key), and refuses a key of another certificate", async () => {
    const dir = freshDir();
    const own = await selfSigned('shop.example');
    const other = await selfSigned('other.example');
    writeFileSync(join(dir, 'cert.pem'), own.cert);
    writeFileSync(join(dir, 'key.pem'), own.key);
    writeFileSync(join(dir, 'other-key.pem'), other.key);
    await withGateway(
      dir,
      async (gw) => {
        expect(gw.tls?.caFile).toBeUndefined();
        const port = Number(new URL(gw.tlsUrl).port);
        const presented = await peerCertificate(port, 'shop.example');
        expect(presented.fingerprint256).toBe(new X509Certificate(own.cert).fingerprint256);
        const r = await tlsCall({ url: `https://127.0.0.1:${port}/healthz`, host: 'shop.example', ca: own.cert });
        expect(r.status).toBe(200);
      },
      { tls: undefined, tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') },
    );
    await expect(start(dir, { tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'other-key.pem') })).rejects.toThrow(/not the private key/);
    await expect(start(dir, { tlsCert: join(dir, 'cert.pem') })).rejects.toThrow(/go together/);
  });

  it('POLYPAY_TLS and POLYPAY_TLS_PORT turn it on from the environment', async () => {
    const dir = freshDir();
    const gw = await startGateway({
      env: { POLYPAY_TLS: '1', POLYPAY_TLS_PORT: '0' },
      logger: false,
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      demoMerchant: false,
    });
    try {
      expect(gw.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const r = await tlsCall({ url: gw.tlsUrl + '/healthz', ca: read(dir, 'ca.pem') });
      expect(r.status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('polypay ca', () => {
  const CLI = ['--import', 'tsx', 'src/server/cli.ts'];

  // (one child process through tsx: slow on a loaded machine, hence the longer time limit)
  it('makes the CA when absent, prints its path and how to trust it; the gateway then uses that CA', { timeout: 180_000 }, async () => {
    const dir = freshDir();
    const { stdout } = await run(process.execPath, [...CLI, 'ca', '--data-dir', dir, '--tls-port', '9443'], { env: { ...process.env } });
    const caFile = tlsFile(dir, 'ca.pem');
    expect(stdout).toContain(caFile);
    expect(new X509Certificate(readFileSync(caFile)).ca).toBe(true);
    expect(stdout).toContain(`cp ${caFile} /usr/local/share/ca-certificates/polypay.crt && sudo update-ca-certificates`);
    expect(stdout).toContain(`security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caFile}`);
    expect(stdout).toContain(`NODE_EXTRA_CA_CERTS=${caFile}`);
    expect(stdout).toContain(`curl.cainfo=${caFile}`);
    expect(stdout).toContain('CURLOPT_CAINFO');
    expect(stdout).toContain(`REQUESTS_CA_BUNDLE=${caFile}`);
    expect(stdout).toContain(`SSL_CERT_FILE=${caFile}`);
    expect(stdout).toContain(`curl --cacert ${caFile} https://127.0.0.1:9443/healthz`);
    const ca = readFileSync(caFile, 'utf8');
    // the gateway signs its server certificate with it
    await withGateway(dir, async () => {
      expect(new X509Certificate(read(dir, 'server.pem')).checkIssued(new X509Certificate(ca))).toBe(true);
    });
  });
});

// ---- certificates made here with @peculiar/x509 directly, not with the gateway's module

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function selfSigned(name: string): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: name }])],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

async function signedBy(
  caPem: string,
  caKey: webcrypto.CryptoKey,
  names: string[],
  notAfter: number,
): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = new x509.X509Certificate(caPem);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=old',
    issuer: ca.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(notAfter),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (/^[\d.:]+$/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}
