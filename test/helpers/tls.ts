// HTTPS requests as a client with a fixed provider host sends them: TLS server name and Host header set to the
// provider's name, the connection made to the gateway's address (no hosts file), the given CA trusted.
import { Agent, request } from 'undici';
import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';

export interface TlsAnswer {
  status: number;
  type: string;
  text: string;
  json: any;
}

export interface TlsRequest {
  /** the gateway's HTTPS URL plus the path: https://127.0.0.1:<port>/v1/session */
  url: string;
  /** the TLS server name and the Host header (default: the URL's host) */
  host?: string;
  /** the CA certificates to trust (PEM) */
  ca: string | string[];
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export async function tlsCall(r: TlsRequest): Promise<TlsAnswer> {
  // (a TLS server name is a DNS name: none for an IP address)
  const dispatcher = new Agent({ connect: { ca: r.ca, ...(r.host && !isIP(r.host) ? { servername: r.host } : {}) } });
  try {
    const res = await request(r.url, {
      method: (r.method ?? 'GET') as 'GET',
      dispatcher,
      headers: { ...(r.host ? { host: r.host } : {}), ...(r.headers ?? {}) },
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const type = res.headers['content-type'];
    return { status: res.statusCode, type: Array.isArray(type) ? type.join(',') : (type ?? ''), text, json };
  } finally {
    await dispatcher.close();
  }
}

/** The certificate a TLS server presents for a server name (not verified: for inspection). */
export function peerCertificate(port: number, servername: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}
