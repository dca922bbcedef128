// What the HTTPS listener serves: the user's own certificate and key (`--tls-cert`/`--tls-key`), or the local
// CA's server certificate for localhost and the providers' host names (local-ca.ts).
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createCa, createServerCertificate, ensureLocalCa, localCaFiles, serverNames } from './local-ca.js';

export interface ServerTls {
  /** PEM certificate (chain) and private key the HTTPS listener presents */
  cert: string;
  key: string;
  /** the local CA's certificate file clients trust; undefined with a user's certificate or an in-memory store */
  caFile: string | undefined;
  /** the local CA's certificate (PEM); undefined with a user's certificate */
  caPem: string | undefined;
}

export interface ServerTlsOptions {
  /** the data folder (`:memory:`: a CA made for this process only, written nowhere) */
  dataDir: string;
  certFile: string | undefined;
  keyFile: string | undefined;
  /** the faces' provider host names the server certificate must name */
  providerHosts: Iterable<string>;
}

export async function resolveServerTls(o: ServerTlsOptions): Promise<ServerTls> {
  if (o.certFile || o.keyFile) {
    if (!o.certFile || !o.keyFile) throw new Error('--tls-cert and --tls-key go together (POLYPAY_TLS_CERT, POLYPAY_TLS_KEY)');
    const cert = readFileSync(o.certFile, 'utf8');
    const key = readFileSync(o.keyFile, 'utf8');
    // refuse a mismatched pair at start, not at the first handshake
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
      throw new Error(`${o.keyFile} is not the private key of the certificate in ${o.certFile}`);
    return { cert, key, caFile: undefined, caPem: undefined };
  }
  const names = serverNames(o.providerHosts);
  if (o.dataDir === ':memory:') {
    const ca = await createCa();
    const server = await createServerCertificate(ca, names);
    return { cert: server.cert, key: server.key, caFile: undefined, caPem: ca.cert };
  }
  const files = localCaFiles(o.dataDir);
  const { ca, server } = await ensureLocalCa(files, names);
  return { cert: server.cert, key: server.key, caFile: files.caCert, caPem: ca.cert };
}
