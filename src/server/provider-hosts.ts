// The providers' own host names: a request whose Host (X-Forwarded-Host from a trusted proxy) is one of a face's
// `apiHosts` is served by that face at the root, as the provider serves it: `POST /v1/session` on Host
// api-qecom.novapay.ua is routed as `/novapay/v1/session`. The URL is rewritten before routing (Fastify's
// `rewriteUrl`), so the face sees exactly what it sees under its prefix (signatures over the path after the
// prefix, the request log, the request context, its error answers); links the face builds for such a request use
// the gateway's own base URL (the payer pages and the ACS stay under their prefixed paths there).
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

export interface HostMount {
  /** the face's provider host names */
  hosts: readonly string[];
  /** the prefix the face is mounted under on this listener */
  prefix: string;
}

export class ProviderHosts {
  private readonly prefixByHost = new Map<string, string>();
  private readonly trusted: (address: string) => boolean;
  /** requests rewritten here, with the provider host they named */
  private readonly served = new WeakMap<IncomingMessage, string>();

  constructor(mounts: readonly HostMount[], trustProxy: boolean | string[]) {
    for (const m of mounts) {
      if (!m.prefix) continue;
      for (const h of m.hosts) this.prefixByHost.set(h.toLowerCase(), m.prefix);
    }
    this.trusted = trustFunction(trustProxy);
  }

  /** Fastify's `rewriteUrl`: the face's prefix before the path of a request to one of its provider hosts. */
  rewrite(req: IncomingMessage): string {
    const url = req.url ?? '/';
    if (this.prefixByHost.size === 0 || !url.startsWith('/')) return url;
    const host = this.hostOf(req);
    const prefix = host === undefined ? undefined : this.prefixByHost.get(host);
    if (prefix === undefined) return url;
    this.served.set(req, host!);
    return prefix + url;
  }

  /** The provider host a request was routed by, or undefined for the gateway's own layout. */
  providerHostOf(req: IncomingMessage): string | undefined {
    return this.served.get(req);
  }

  /**
   * The host a request names, port stripped, lower case, without a trailing dot: the last X-Forwarded-Host from a
   * trusted proxy (as Fastify's `request.host` takes it), else the Host header.
   */
  hostOf(req: IncomingMessage): string | undefined {
    const forwarded = req.headers['x-forwarded-host'];
    const peer = req.socket?.remoteAddress;
    const raw = forwarded && peer !== undefined && this.trusted(peer) ? lastEntry(forwarded) : (req.headers.host ?? undefined);
    return raw === undefined ? undefined : hostName(raw);
  }
}

/** `Api.Example.COM:8443` → `api.example.com`; `[::1]:80` → `::1`. */
export function hostName(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (!v) return undefined;
  const v6 = /^\[([^\]]+)\](?::\d*)?$/.exec(v);
  if (v6) return v6[1];
  return v.replace(/:\d*$/, '').replace(/\.$/, '') || undefined;
}

function lastEntry(value: string | string[]): string {
  const v = Array.isArray(value) ? value[value.length - 1]! : value;
  const parts = v.split(',');
  return parts[parts.length - 1]!.trim();
}

/** Whom to believe X-Forwarded-Host from: the same rule Fastify applies for `trustProxy`. */
function trustFunction(trustProxy: boolean | string[]): (address: string) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false || trustProxy.length === 0) return () => false;
  const fn = proxyAddr.compile(trustProxy);
  return (address) => fn(address, 0);
}
