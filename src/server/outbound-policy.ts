// Where the gateway may send webhooks, callbacks and notifications. Decided on the address a URL resolves to,
// at connection time (transport.ts), so that a host name cannot be pointed elsewhere after a check (DNS rebinding),
// and every spelling of an address (127.1, 0x7f000001, [::ffff:127.0.0.1]) is judged by the address itself.
//   - link-local (169.254.0.0/16, fe80::/10: cloud metadata services), multicast and reserved addresses: always refused;
//   - the gateway itself (its listening ports on a local address, or its public URL): always refused;
//   - loopback (127.0.0.0/8, ::1, 0.0.0.0) and private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7):
//     only when the allow-list lets them (default `loopback,private`; in production mode nothing);
//   - every other (public) address: allowed.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

interface Ip {
  v: 4 | 6;
  n: bigint;
}

/** An IPv4 or IPv6 address as a number; IPv4-mapped and NAT64 IPv6 addresses become the IPv4 address they carry. */
export function parseIp(text: string): Ip | null {
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const kind = isIP(s);
  if (kind === 4) return { v: 4, n: ipv4(s) };
  if (kind !== 6) return null;
  const n = ipv6(s.split('%')[0]!);
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address
  if (n >> 32n === 0xffffn || n >> 32n === 0x64ff9b0000000000000000n) return { v: 4, n: n & 0xffffffffn };
  return { v: 6, n };
}

function ipv4(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6(s: string): bigint {
  let text = s;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

interface Cidr {
  v: 4 | 6;
  net: bigint;
  bits: number;
}

function cidr(text: string): Cidr | null {
  const [addr, bitsText] = text.split('/');
  const ip = parseIp(addr ?? '');
  if (!ip) return null;
  const max = ip.v === 4 ? 32 : 128;
  // a mapped IPv6 prefix (::ffff:10.0.0.0/104) counts in IPv4 bits
  const given = bitsText === undefined ? max : Number(bitsText) - (ip.v === 4 && isIP(addr!.replace(/^\[|\]$/g, '')) === 6 ? 96 : 0);
  if (!Number.isInteger(given) || given < 0 || given > max) return null;
  return { v: ip.v, net: ip.n >> BigInt(max - given), bits: given };
}

function contains(c: Cidr, ip: Ip): boolean {
  if (c.v !== ip.v) return false;
  const max = c.v === 4 ? 32 : 128;
  return ip.n >> BigInt(max - c.bits) === c.net;
}

const ranges = (list: string[]): Cidr[] => list.map((t) => cidr(t)!);

const LINK_LOCAL = ranges(['169.254.0.0/16', 'fe80::/10']);
const RESERVED = ranges(['224.0.0.0/4', '240.0.0.0/4', 'ff00::/8', '::/96', '100::/64', '2001:db8::/32']);
// 0.0.0.0 and :: reach the local host when connected to
const LOOPBACK = ranges(['127.0.0.0/8', '0.0.0.0/8', '::1/128', '::/128']);
const PRIVATE = ranges(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15', 'fc00::/7', 'fec0::/10']);

export function classify(ip: Ip): AddressClass {
  if (LINK_LOCAL.some((c) => contains(c, ip))) return 'link-local';
  // checked before RESERVED: ::/128 and ::1/128 fall inside ::/96
  if (LOOPBACK.some((c) => contains(c, ip))) return 'loopback';
  if (RESERVED.some((c) => contains(c, ip))) return 'reserved';
  if (PRIVATE.some((c) => contains(c, ip))) return 'private';
  return 'public';
}

type AllowEntry =
  | { kind: 'class'; cls: 'loopback' | 'private' }
  | { kind: 'cidr'; cidr: Cidr }
  | { kind: 'host'; host: string }
  | { kind: 'suffix'; suffix: string };

const HOST_RE = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/;

/** Parses `--webhook-allow` entries; throws on one that is none of a CIDR, an address, a host name or a keyword. */
export function parseAllowList(list: string[]): AllowEntry[] {
  return list.map((raw) => {
    const t = raw.trim().toLowerCase();
    if (t === 'loopback' || t === 'private') return { kind: 'class', cls: t };
    const c = cidr(t);
    if (c) return { kind: 'cidr', cidr: c };
    if (t.startsWith('*.') && HOST_RE.test(t.slice(2))) return { kind: 'suffix', suffix: t.slice(1).replace(/\.$/, '') };
    if (HOST_RE.test(t) && !/^[\d.]+$/.test(t)) return { kind: 'host', host: t.replace(/\.$/, '') };
    throw new Error(`--webhook-allow: ${JSON.stringify(raw)} is not a CIDR, an IP address, a host name, "loopback" or "private"`);
  });
}

/** What the gateway listens on, read when a request is sent (ports are known once it listens). */
export interface SelfAddress {
  /** the interface the gateway binds ('0.0.0.0' or '::' for all) */
  host: string;
  ports: number[];
  /** the public URL, when configured: a webhook to it would come back to the gateway */
  publicUrl?: string | undefined;
}

export interface OutboundPolicyOptions {
  /** the allow-list; undefined: `loopback,private`, or nothing in production */
  allow?: string[] | undefined;
  production?: boolean;
  self?: () => SelfAddress;
}

export class OutboundRefusedError extends Error {
  readonly code = 'POLYPAY_OUTBOUND_REFUSED';
  constructor(reason: string) {
    super(`refused by the outbound URL policy: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

export class OutboundPolicy {
  private readonly allow: AllowEntry[];
  private localAddresses: Ip[] | undefined;

  constructor(private readonly opts: OutboundPolicyOptions = {}) {
    this.allow = parseAllowList(opts.allow ?? (opts.production ? [] : ['loopback', 'private']));
  }

  /** A URL's own refusals (scheme, the gateway's public URL, an address written in it); null when it may be tried. */
  checkUrl(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not sent (http and https only)`;
    const self = this.opts.self?.();
    if (self?.publicUrl) {
      try {
        if (new URL(self.publicUrl).origin === url.origin) return `${url.origin} is this gateway's public URL`;
      } catch {
        /* a public URL that does not parse is not compared */
      }
    }
    const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol]!;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? this.check(host, port, host) : null;
  }

  /** Whether a connection to `address:port`, for the URL host `host`, is refused: the reason, or null. */
  check(address: string, port: number, host: string): string | null {
    const ip = parseIp(address);
    if (!ip) return `${address} is not an IP address`;
    const shown = ip.v === 4 && isIP(address) === 6 ? `${address} (${v4Text(ip.n)})` : address;
    const cls = classify(ip);
    if (cls === 'link-local') return `${shown} is a link-local address (always refused)`;
    if (cls === 'reserved') return `${shown} is a multicast or reserved address (always refused)`;
    if (this.isSelf(ip, cls, port)) return `${shown}:${port} is this gateway's own address (always refused)`;
    if (cls === 'public') return null;
    if (this.allowed(ip, cls, host)) return null;
    return `${shown} is a ${cls} address, not in the allow-list (--webhook-allow / POLYPAY_WEBHOOK_ALLOW)`;
  }

  private allowed(ip: Ip, cls: 'loopback' | 'private', host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.allow.some((e) => {
      switch (e.kind) {
        case 'class':
          return e.cls === cls;
        case 'cidr':
          return contains(e.cidr, ip);
        case 'host':
          return e.host === h;
        case 'suffix':
          return h.endsWith(e.suffix);
      }
    });
  }

  private isSelf(ip: Ip, cls: AddressClass, port: number): boolean {
    const self = this.opts.self?.();
    if (!self || !self.ports.includes(port)) return false;
    if (cls === 'loopback') return true;
    const bound = parseIp(self.host);
    if (bound && classify(bound) !== 'loopback' && bound.v === ip.v && bound.n === ip.n) return true;
    // bound to every interface: any address of this machine reaches it
    if (!bound || classify(bound) === 'loopback') {
      const wildcard = self.host === '0.0.0.0' || self.host === '::' || self.host === '';
      if (wildcard) return this.local().some((a) => a.v === ip.v && a.n === ip.n);
    }
    return false;
  }

  private local(): Ip[] {
    if (!this.localAddresses) {
      this.localAddresses = [];
      for (const list of Object.values(networkInterfaces()))
        for (const a of list ?? []) {
          const ip = parseIp(a.address);
          if (ip) this.localAddresses.push(ip);
        }
    }
    return this.localAddresses;
  }
}

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}
