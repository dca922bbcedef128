// The local certificate authority behind `polypay start --tls`: a CA certificate made once into the data folder
// (`<data>/tls/ca.pem`, `ca-key.pem`), and a server certificate it signs for localhost, 127.0.0.1, ::1 and every
// face's provider host names (`server.pem`, `server-key.pem`). The server certificate is made again when its names
// no longer match the faces, when it nears its end, or when it is not the CA's; the CA is kept while it is valid,
// so a client that trusts it once keeps trusting the gateway. ECDSA P-256 keys; every cryptographic operation
// through node:crypto's WebCrypto (@peculiar/x509 only writes and reads the certificates' ASN.1).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { privateFolder, writePrivateFile } from '../../store/sqlite/data-folder.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY = 86_400_000;
/** the CA's life: ten years */
export const CA_DAYS = 3650;
/** the server certificate's life: within the 825 days that Apple's and browsers' rules allow */
export const SERVER_DAYS = 825;
/** a certificate this close to its end is made again at start */
export const RENEW_BEFORE_DAYS = 30;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export const TLS_FOLDER = 'tls';

/** The files of the local CA in a data folder. */
export interface LocalCaFiles {
  folder: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export function localCaFiles(dataDir: string): LocalCaFiles {
  const folder = join(dataDir, TLS_FOLDER);
  return {
    folder,
    caCert: join(folder, 'ca.pem'),
    caKey: join(folder, 'ca-key.pem'),
    serverCert: join(folder, 'server.pem'),
    serverKey: join(folder, 'server-key.pem'),
  };
}

/** A certificate and its private key, PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

/** The names a server certificate must carry: the loopback names and every provider host, lower case, once each. */
export function serverNames(providerHosts: Iterable<string>): string[] {
  const names = ['localhost', '127.0.0.1', '::1', ...providerHosts].map((n) => canonicalName(n));
  return [...new Set(names)];
}

/** A DNS name lower-cased without a trailing dot; an IP address in its shortest form (IPv6 `::1`). */
export function canonicalName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (isIP(n) === 6) return new URL(`http://[${n}]/`).hostname.slice(1, -1);
  return n;
}

/** The DNS names and IP addresses a certificate names in its subjectAltName, canonical. */
export function subjectAltNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((entry) => {
      const m = /^(DNS|IP Address):(.*)$/.exec(entry.trim());
      return m ? canonicalName(m[2]!) : undefined;
    })
    .filter((n): n is string => n !== undefined);
}

/**
 * The CA and a server certificate for `names`, from the folder, made or made again there as needed. Several
 * processes sharing the folder take turns (a lock folder), so they end with one CA and one server certificate.
 */
export async function ensureLocalCa(files: LocalCaFiles, names: string[], now = Date.now()): Promise<{ ca: PemPair; server: PemPair }> {
  privateFolder(files.folder);
  return withLock(join(files.folder, '.lock'), async () => {
    let ca = readPair(files.caCert, files.caKey);
    if (!ca || !caStillGood(ca, now)) {
      ca = await createCa(now);
      writePair(files.caCert, files.caKey, ca);
    }
    let server = readPair(files.serverCert, files.serverKey);
    if (!server || !serverStillGood(server, ca, names, now)) {
      server = await createServerCertificate(ca, names, now);
      writePair(files.serverCert, files.serverKey, server);
    }
    return { ca, server };
  });
}

/** The CA alone (`polypay ca`): read, or made when absent or past its end. */
export async function ensureCaOnly(files: LocalCaFiles, now = Date.now()): Promise<PemPair> {
  privateFolder(files.folder);
  return withLock(join(files.folder, '.lock'), async () => {
    const ca = readPair(files.caCert, files.caKey);
    if (ca && caStillGood(ca, now)) return ca;
    const fresh = await createCa(now);
    writePair(files.caCert, files.caKey, fresh);
    return fresh;
  });
}

export async function createCa(now = Date.now()): Promise<PemPair> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=Polypay local CA ${randomBytes(4).toString('hex')}, O=Polypay`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + CA_DAYS * DAY),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

export async function createServerCertificate(ca: PemPair, names: string[], now = Date.now()): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.key), KEY_ALGORITHM, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const notAfter = Math.min(now + SERVER_DAYS * DAY, new Date(caCert.notAfter).getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=Polypay gateway, O=Polypay',
    issuer: caCert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    signingKey: caKey,
    publicKey: keys.publicKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

/** Whether a CA can be kept: it parses, signs itself, is a CA, matches its key, and is not near its end. */
function caStillGood(ca: PemPair, now: number): boolean {
  try {
    const cert = new X509Certificate(ca.cert);
    return cert.ca && cert.verify(cert.publicKey) && cert.checkPrivateKey(privateKeyOf(ca.key)) && !nearEnd(cert, now);
  } catch {
    return false;
  }
}

/** Whether a server certificate can be kept: the CA's, its key's, exactly `names`, and not near its end. */
function serverStillGood(server: PemPair, ca: PemPair, names: string[], now: number): boolean {
  try {
    const cert = new X509Certificate(server.cert);
    const issuer = new X509Certificate(ca.cert);
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return false;
    if (!cert.checkPrivateKey(privateKeyOf(server.key))) return false;
    if (nearEnd(cert, now) || new Date(cert.validFrom).getTime() > now) return false;
    const have = subjectAltNames(cert).sort();
    const want = [...names].sort();
    return have.length === want.length && have.every((n, i) => n === want[i]);
  } catch {
    return false;
  }
}

function nearEnd(cert: X509Certificate, now: number): boolean {
  return new Date(cert.validTo).getTime() - now < RENEW_BEFORE_DAYS * DAY;
}

function privateKeyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** A random positive 128-bit serial number (hex). */
function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function readPair(certFile: string, keyFile: string): PemPair | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/**
 * Writes the key (0600) then the certificate (0644: it is public; the folder itself stays 0700), each through a
 * temporary file renamed into place.
 */
function writePair(certFile: string, keyFile: string, pair: PemPair): void {
  writeAtomically(keyFile, pair.key, true);
  writeAtomically(certFile, pair.cert, false);
}

function writeAtomically(file: string, content: string, secret: boolean): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  if (secret) writePrivateFile(tmp, content);
  else {
    writeFileSync(tmp, content, { mode: 0o644 });
    chmodSync(tmp, 0o644);
  }
  renameSync(tmp, file);
}

/** Runs `work` while holding a lock folder; a lock older than a minute is taken as left by a dead process. */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 50) {
    try {
      mkdirSync(lock, { mode: 0o700 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let stale = false;
      try {
        stale = Date.now() - statSync(lock).mtimeMs > 60_000;
      } catch {
        continue;
      }
      if (stale) rmSync(lock, { recursive: true, force: true });
      else if (waited > 30_000) throw new Error(`${lock}: another process holds the certificate lock; remove the folder if none runs`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
