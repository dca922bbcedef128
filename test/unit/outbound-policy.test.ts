// The outbound URL policy's judgement of addresses, without the network: every spelling of an address is judged by
// the address itself, the allow-list entries parse (or are refused at start), and the gateway's own ports are refused.
import { describe, expect, it } from 'vitest';
import { classify, OutboundPolicy, parseAllowList, parseIp } from '../../src/server/outbound-policy.js';

const cls = (text: string) => classify(parseIp(text)!);

describe('outbound URL policy', () => {
  it('classifies addresses, IPv4-mapped and NAT64 forms as the IPv4 address they carry', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.1.2', 'loopback'],
      ['0.0.0.0', 'loopback'],
      ['::1', 'loopback'],
      ['::', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['[::ffff:127.0.0.1]', 'loopback'],
      ['64:ff9b::7f00:1', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['fe80::1', 'link-local'],
      ['febf:ffff::1', 'link-local'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['fd00::1', 'private'],
      ['::ffff:10.1.2.3', 'private'],
      ['224.0.0.1', 'reserved'],
      ['255.255.255.255', 'reserved'],
      ['ff02::1', 'reserved'],
      ['::7f00:1', 'reserved'],
      ['8.8.8.8', 'public'],
      ['172.32.0.1', 'public'],
      ['2001:4860:4860::8888', 'public'],
      ['::ffff:8.8.8.8', 'public'],
    ];
    for (const [ip, want] of cases) expect(cls(ip), ip).toBe(want);
    expect(parseIp('127.1')).toBeNull();
    expect(parseIp('example.com')).toBeNull();
  });

  it('parses allow-list entries and refuses anything else at start', () => {
    expect(
      parseAllowList(['loopback', 'PRIVATE', '10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'hooks.internal', '*.example.com']).map(
        (e) => e.kind,
      ),
    ).toEqual(['class', 'class', 'cidr', 'cidr', 'cidr', 'host', 'suffix']);
    for (const bad of ['10.0.0.0/33', '127.1', 'http://x', 'a b', '*.', '::1/129'])
      expect(() => parseAllowList([bad]), bad).toThrow(/--webhook-allow/);
  });

  it('allows loopback and private by default, only what is listed in production, never link-local or itself', () => {
    const self = () => ({ host: '127.0.0.1', ports: [8080, 8081], publicUrl: 'https://pay.example.test' });
    const dev = new OutboundPolicy({ self });
    expect(dev.check('127.0.0.1', 9000, '127.0.0.1')).toBeNull();
    expect(dev.check('10.1.2.3', 80, 'h')).toBeNull();
    expect(dev.check('127.0.0.1', 8080, 'localhost')).toMatch(/this gateway's own address/);
    expect(dev.check('::ffff:127.0.0.1', 8081, 'x')).toMatch(/\(127\.0\.0\.1\):8081 is this gateway's own address/);
    expect(dev.check('169.254.169.254', 80, 'x')).toMatch(/link-local/);
    expect(dev.checkUrl(new URL('https://pay.example.test/admin/api/merchants'))).toMatch(/public URL/);
    expect(dev.checkUrl(new URL('ftp://example.com/'))).toMatch(/http and https only/);
    expect(dev.checkUrl(new URL('http://0xa9fea9fe/'))).toMatch(/link-local/);

    const prod = new OutboundPolicy({ production: true, allow: ['10.0.3.0/24', 'hooks.internal', '*.corp.test'], self });
    expect(prod.check('127.0.0.1', 9000, '127.0.0.1')).toMatch(/loopback address, not in the allow-list/);
    expect(prod.check('10.0.3.9', 80, '10.0.3.9')).toBeNull();
    expect(prod.check('10.0.4.9', 80, '10.0.4.9')).toMatch(/private address/);
    expect(prod.check('10.9.9.9', 80, 'hooks.internal')).toBeNull();
    expect(prod.check('10.9.9.9', 80, 'a.corp.test')).toBeNull();
    expect(prod.check('169.254.1.1', 80, 'hooks.internal')).toMatch(/link-local/);
    expect(prod.check('127.0.0.1', 8080, 'hooks.internal')).toMatch(/own address/);
    expect(prod.check('93.184.216.34', 443, 'example.com')).toBeNull();
    expect(new OutboundPolicy({ production: true }).check('192.168.0.10', 80, 'x')).toMatch(/private address/);
  });
});
