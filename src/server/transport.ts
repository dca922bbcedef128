// The webhook HTTP client: undici with keep-alive connections per origin, a timeout per attempt, redirects not
// followed, and at most 64 KiB of an answer read (the dispatcher keeps an excerpt). Every connection goes through
// the outbound URL policy (outbound-policy.ts) on the address it actually connects to: a literal address before
// connecting, a host name's addresses in the DNS lookup of the connection itself. A refused URL fails the attempt
// with the policy's reason, without a byte sent to it and so without an answer to keep.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import type { OutgoingRequest, TransportResult, WebhookTransport } from '../core/dispatcher.js';
import { OutboundPolicy, OutboundRefusedError } from './outbound-policy.js';

const MAX_BODY = 64 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A DNS lookup that keeps only the addresses the policy lets this port be reached at. */
function policyLookup(policy: OutboundPolicy, port: number) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed: LookupAddress[] = [];
      let reason: string | null = null;
      for (const a of addresses) {
        const refused = policy.check(a.address, port, hostname);
        if (refused) reason ??= refused;
        else allowed.push(a);
      }
      if (!allowed.length) return callback(new OutboundRefusedError(`${hostname}: ${reason ?? 'no address'}`), []);
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/** undici's connector, with the policy applied to the address of every new connection. */
function policyConnector(policy: OutboundPolicy): buildConnector.connector {
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refused = policy.check(host, port, host);
      if (refused) {
        callback(new OutboundRefusedError(refused), null);
        return undefined as never;
      }
    }
    const connect = buildConnector({ timeout: CONNECT_TIMEOUT_MS, lookup: policyLookup(policy, port) } as buildConnector.BuildOptions);
    return connect(opts, callback);
  };
}

export interface PolicyTransport extends WebhookTransport {
  close(): Promise<void>;
}

export function createFetchTransport(policy: OutboundPolicy): PolicyTransport {
  const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connect: policyConnector(policy) });
  return {
    async send(req: OutgoingRequest): Promise<TransportResult> {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        throw new OutboundRefusedError(`${JSON.stringify(req.url.slice(0, 200))} is not a URL`);
      }
      const refused = policy.checkUrl(url);
      if (refused) throw new OutboundRefusedError(refused);
      const res = await request(url, {
        method: req.method as 'GET' | 'POST' | 'PUT',
        headers: req.headers,
        ...(req.method === 'GET' ? {} : { body: req.body }),
        dispatcher: agent,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY) {
          res.body.destroy();
          break;
        }
      }
      return { status: res.statusCode, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') };
    },
    async close() {
      await agent.close();
    },
  };
}

/** A transport with the default policy (loopback and private receivers allowed) and no gateway to protect. */
export const fetchTransport: WebhookTransport = createFetchTransport(new OutboundPolicy());
