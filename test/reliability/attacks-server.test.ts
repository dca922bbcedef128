// Attacks on the gateway itself rather than on a face's API, on both stores: the sandbox operator routes without
// the admin token, the API reference showing secrets to visitors, webhooks aimed at the gateway, at loopback in
// every spelling and at link-local addresses (cloud metadata), the data folder's permissions, SQLite durability,
// a body trickled one byte at a time and a flood of connections, a dashboard cookie used after sign-out or over
// HTTPS, forged X-Forwarded-* and Host headers in payer links, garbage admin filters and a login `next` with
// CR/LF. Each was possible before (docs/reliability.md, threat model); each must be refused now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Way2PayClient } from '../../src/faces/way2pay/client.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway.js';
import type { Seed } from '../../src/operator/seed.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { changedTables, stateDigest } from '../helpers/fuzz.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';
import { errorShape, REL_SEED, W2P } from './faces.js';

/** A signed Way2Pay request of merchant A on a connection of its own. */
async function w2pRaw(g: Gateway, path: string, query: Record<string, string> = {}): Promise<any> {
  const r = w2pA(g).sign('GET', path, undefined, query);
  const u = new URL(r.url);
  return JSON.parse((await raw(local(g), 'GET', u.pathname + u.search, r.headers)).text);
}

/** A demo merchant besides A and B: the API reference fills its credentials in. */
const DEMO = {
  numopay: { apiKey: 'np_srv_demo_key', secret: 'np_srv_demo_secret' },
  cloudpayments: { publicId: 'pk_srv0000000000000000000000d1', apiSecret: 'cp_srv_demo_secret' },
  mbill: { apiToken: 'mbill_srv_demo_token' },
  way2pay: { publicKey: 'w2p_pk_srv_demo', secretKey: 'w2p_sk_srv_demo' },
};
const SEED: Seed = {
  merchants: [
    ...REL_SEED.merchants,
    {
      id: 'demo',
      name: 'Demo Shop',
      currencies: ['RUB'],
      numopay: { ...DEMO.numopay, accounts: [{ id: '7c0a7d2e-0b1f-4c55-9a51-0000000000d1', currency: 'RUB' }] },
      cloudpayments: DEMO.cloudpayments,
      mbill: DEMO.mbill,
      way2pay: { ...DEMO.way2pay, generation: 1 },
    },
  ],
};
const SECRETS: Record<string, string> = {
  numopay: DEMO.numopay.secret,
  cloudpayments: DEMO.cloudpayments.apiSecret,
  mbill: DEMO.mbill.apiToken,
  way2pay: DEMO.way2pay.secretKey,
};

function start(t: StoreTarget, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return startGateway({
    env: {},
    logger: false,
    port: 0,
    host: '127.0.0.1',
    dataDir: t.dataDir,
    databaseUrl: t.databaseUrl,
    masterKeys: [TEST_MASTER_KEY],
    seed: SEED,
    demoMerchant: false,
    ...extra,
  });
}

const portOf = (url: string) => Number(new URL(url).port);
/** Where a gateway listens (its `url` is its public URL when it has one). */
const local = (g: Gateway) => `http://127.0.0.1:${(g.app.server.address() as AddressInfo).port}`;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request on a connection of its own (closed after the answer), with any Host header. */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: portOf(url), method, path, agent: false, headers: { connection: 'close', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function admin(g: Gateway, method: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${g.url}/admin/api${path}`, { method, headers: { authorization: `Bearer ${g.adminToken}` } });
  return { status: res.status, json: await res.json() };
}

/** Signs in to the dashboard; answers the session cookie (`name=value`) and the whole Set-Cookie header. */
async function signIn(g: Gateway, headers: Record<string, string> = {}): Promise<{ cookie: string; setCookie: string }> {
  const r = await raw(
    local(g),
    'POST',
    '/dashboard/login',
    { ...form, ...headers },
    new URLSearchParams({ token: g.adminToken, next: '/dashboard' }).toString(),
  );
  expect(r.status).toBe(303);
  const setCookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('polypay_dash='))!;
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** The CSRF token of a signed-in dashboard page. */
async function csrfOf(g: Gateway, cookie: string): Promise<string> {
  const r = await raw(local(g), 'GET', '/dashboard', { cookie });
  expect(r.status).toBe(200);
  return /name="_csrf" value="([^"]+)"/.exec(r.text)![1]!;
}

const w2pA = (g: Gateway) =>
  new Way2PayClient({ baseUrl: `${g.url}/way2pay`, publicKey: W2P.A.publicKey, secretKey: W2P.A.secretKey, generation: 1 });

function sandbox(g: Gateway, path: string, body: unknown = {}, token: string | null = g.adminToken) {
  return raw(
    local(g),
    'POST',
    `/way2pay/sandbox${path}`,
    { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    JSON.stringify(body),
  );
}

/**
 * A Way2Pay pay-in of merchant A with its callback URL set to `url`, confirmed by the operator (admin API): the
 * gateway then sends the callback. Answers the callback deliveries once each has had its first attempt.
 */
async function callbackTo(g: Gateway, url: string): Promise<Array<{ url: string; lastError: string | null; attempts: any[] }>> {
  const p = await w2pA(g).createPayIn({
    externalID: 'cb_' + randomBytes(6).toString('hex'),
    currency: 'RUB',
    amount: '1000',
    callbackURL: url,
  } as never);
  const paid = await admin(g, 'POST', `/faces/way2pay/pay-ins/${p.id}/confirm`);
  expect(paid.status, JSON.stringify(paid.json)).toBe(200);
  return eventually(async () => {
    const list = (await admin(g, 'GET', `/webhooks/deliveries?subjectId=${p.id}`)).json.items as Array<{ id: number; attempts: number }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((d) => d.attempts > 0)).toBe(true);
    return Promise.all(list.map(async (d) => (await admin(g, 'GET', `/webhooks/deliveries/${d.id}`)).json));
  });
}

/** Every attempt refused by the outbound policy for `reason`, without a status or a byte of an answer. */
function expectRefused(deliveries: Awaited<ReturnType<typeof callbackTo>>, reason: RegExp): void {
  for (const d of deliveries) {
    for (const a of d.attempts) {
      expect(a.error, d.url).toMatch(/^refused by the outbound URL policy: /);
      expect(a.error, d.url).toMatch(reason);
      expect(a.responseStatus, d.url).toBeNull();
      expect(a.responseBody, d.url).toBeNull();
    }
  }
}

/** Opens a connection and waits until it is established. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/**
 * Sends a request whose body (1000 bytes announced) trickles one byte every 200 ms, until the server ends the
 * connection; answers what the server sent and how many body bytes went out.
 */
function trickle(port: number, path: string): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    s.on('connect', () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      timer = setInterval(() => {
        if (sent >= 1000) return clearInterval(timer);
        s.write('x');
        sent++;
      }, 200);
    });
    s.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sent });
    });
  });
}

describe.each(STORES)('attacks on the server and its operators on %s', (store) => {
  let target: StoreTarget;
  /** defaults: sandbox routes on (behind the admin token), webhooks to loopback allowed, no proxy trusted */
  let g1: Gateway;
  /** production mode, `localhost` allowed for webhooks, 127.0.0.1 a trusted proxy, a 1 s request timeout, Way2Pay on a port of its own */
  let g2: Gateway;
  /** sandbox routes off, an https public URL, at most 2 connections */
  let g3: Gateway;
  let rx: Receiver;

  beforeAll(async () => {
    target = await freshStore(store);
    g1 = await start(target);
    g2 = await start(await freshStore(store), {
      production: true,
      webhookAllow: ['localhost'],
      trustProxy: ['127.0.0.1'],
      requestTimeoutMs: 1000,
      facePorts: { way2pay: 0 },
    });
    g3 = await start(await freshStore(store), { sandboxRoutes: false, publicUrl: 'https://pay.example.test', maxConnections: 2 });
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await g1?.close();
    await g2?.close();
    await g3?.close();
    await rx?.close();
  });

  // ------------------------------------------------------------------------------------------- 3: sandbox

  describe('Way2Pay sandbox operator routes', () => {
    it('refuse a request without the admin token (or with a merchant secret) and change nothing', async () => {
      const p = await w2pA(g1).createPayIn({
        externalID: 'sbx_' + randomBytes(6).toString('hex'),
        currency: 'RUB',
        amount: '1000',
      } as never);
      const before = await stateDigest(g1.engine);
      const attempts: Array<[string, unknown, string | null]> = [
        ['/balance', { publicKey: W2P.A.publicKey, amount: '1000000' }, null],
        ['/balance', { publicKey: W2P.A.publicKey, amount: '1000000' }, 'wrong'],
        ['/balance', { publicKey: W2P.A.publicKey, amount: '1000000' }, W2P.A.secretKey],
        [
          '/balance',
          { publicKey: W2P.A.publicKey, amount: '1000000' },
          g1.adminToken.slice(0, -1) + (g1.adminToken.endsWith('x') ? 'y' : 'x'),
        ],
        [`/pay-in/${p.id}/pay`, {}, null],
        [`/pay-in/${p.id}/confirm`, {}, null],
        [`/pay-in/${p.id}/fail`, {}, W2P.A.publicKey],
      ];
      for (const [path, body, token] of attempts) {
        const r = await sandbox(g1, path, body, token);
        expect(r.status, `${path} ${token}`).toBe(401);
        expect(errorShape.way2pay(JSON.parse(r.text)), r.text).toBe(true);
        expect(JSON.parse(r.text).error.code).toBe(10000);
      }
      expect(changedTables(before, await stateDigest(g1.engine))).toEqual([]);
      expect((await w2pA(g1).getPayIn(p.id)).status).toBe('PENDING');
      // the operator, with the admin token
      const ok = await sandbox(g1, `/pay-in/${p.id}/pay`);
      expect(ok.status, ok.text).toBe(200);
      expect(JSON.parse(ok.text).data.status).toBe('COMPLETED');
    });

    it('are not served with --sandbox-routes off, nor in production mode, even with the admin token', async () => {
      for (const g of [g2, g3]) {
        const r = await sandbox(g, '/balance', { publicKey: W2P.A.publicKey, amount: '1000' });
        expect(r.status, r.text).toBe(404);
      }
      // (a connection of its own: this gateway allows two at a time, and a later test counts them)
      const balance = await w2pRaw(g3, '/api/v1/balance', { currency: 'RUB' });
      expect(balance.data.balance.payout.available).toBe('100000');
    });
  });

  // ------------------------------------------------------------------------------------------- 4: reference

  describe('API reference', () => {
    it("shows the demo merchant's secrets to a signed-in operator only", async () => {
      for (const face of Object.keys(SECRETS)) {
        const anon = await raw(local(g1), 'GET', `/docs/${face}`);
        expect(anon.status).toBe(200);
        expect(anon.text, face).not.toContain(SECRETS[face]);
        expect(anon.text).toContain(`/dashboard/login?next=%2Fdocs%2F${face}`);
      }
      const { cookie } = await signIn(g1);
      for (const face of Object.keys(SECRETS))
        expect((await raw(local(g1), 'GET', `/docs/${face}`, { cookie })).text, face).toContain(SECRETS[face]);
      // a forged cookie is a visitor
      expect((await raw(local(g1), 'GET', '/docs/numopay', { cookie: 'polypay_dash=9999999999999.x.y' })).text).not.toContain(
        SECRETS.numopay,
      );
    });
  });

  // ------------------------------------------------------------------------------------------- 5: webhooks

  describe('outbound URL policy', () => {
    it('refuses webhooks to the gateway itself, in every spelling of a loopback address', async () => {
      const port = portOf(g1.url);
      for (const host of ['127.0.0.1', '127.1', '0x7f000001', '[::ffff:127.0.0.1]', '[::1]', '0.0.0.0', 'localhost']) {
        const url = `http://${host}:${port}/admin/api/merchants`;
        expectRefused(await callbackTo(g1, url), /this gateway's own address/);
      }
    });

    it('refuses link-local addresses (cloud metadata) in every spelling, even when allowed', async () => {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://0xa9fea9fe/',
        'http://[::ffff:169.254.169.254]/',
        'http://[fe80::1]/',
      ]) {
        expectRefused(await callbackTo(g1, url), /link-local/);
      }
    });

    it('delivers to a local receiver by default, by address or by a name resolved at send time', async () => {
      const port = portOf(rx.url);
      for (const [host, path] of [
        ['127.0.0.1', '/by-address'],
        ['127.1', '/short-form'],
        ['localhost', '/by-name'],
      ] as const) {
        const deliveries = await callbackTo(g1, `http://${host}:${port}${path}`);
        expect(
          deliveries.every((d) => d.attempts[0].responseStatus === 200),
          JSON.stringify(deliveries.map((d) => d.attempts[0].error)),
        ).toBe(true);
        await rx.waitFor((l) => l.some((r) => r.url === path));
      }
    });

    it('production mode refuses loopback and private addresses unless allowed, and still refuses itself', async () => {
      const port = portOf(rx.url);
      expectRefused(await callbackTo(g2, `http://127.0.0.1:${port}/prod-address`), /loopback address, not in the allow-list/);
      expectRefused(await callbackTo(g2, 'http://10.1.2.3/private'), /private address, not in the allow-list/);
      expectRefused(await callbackTo(g2, 'http://[fd00::1]/private6'), /private address/);
      // `localhost` is on this gateway's allow-list: resolved when sent, delivered
      const ok = await callbackTo(g2, `http://localhost:${port}/prod-allowed`);
      expect(ok.every((d) => d.attempts[0].responseStatus === 200)).toBe(true);
      await rx.waitFor((l) => l.some((r) => r.url === '/prod-allowed'));
      // allowed by name, but its own port (the main one and the Way2Pay one)
      expectRefused(await callbackTo(g2, `http://localhost:${portOf(g2.url)}/admin/api/merchants`), /this gateway's own address/);
      expectRefused(
        await callbackTo(g2, `http://localhost:${portOf(g2.facePortUrls.way2pay!)}/api/v1/balance`),
        /this gateway's own address/,
      );
      expect(rx.requests.some((r) => r.url === '/prod-allowed')).toBe(true);
      expect(rx.requests.some((r) => r.url === '/prod-address')).toBe(false);
    });
  });

  // ------------------------------------------------------------------------------------------- 7, 8: store files

  it.runIf(store === 'sqlite')('keeps the data folder private: 0700 folders, 0600 files, also an existing folder', async () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    const dir = target.dataDir!;
    expect(mode(dir)).toBe(0o700);
    for (const f of ['polypay.sqlite', 'polypay.sqlite-wal', 'polypay.sqlite-shm']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      expect(mode(join(dir, f)), f).toBe(0o600);
    }
    // a folder left readable by an earlier version: its database, key and PEM files are tightened at start
    const old = mkdtempSync(join(tmpdir(), 'polypay-perm-'));
    chmodSync(old, 0o755);
    const db = new Database(join(old, 'polypay.sqlite'));
    db.pragma('journal_mode = WAL');
    db.close();
    chmodSync(join(old, 'polypay.sqlite'), 0o644);
    writeFileSync(join(old, 'master.key'), TEST_MASTER_KEY + '\n', { mode: 0o644 });
    chmodSync(join(old, 'master.key'), 0o644);
    mkdirSync(join(old, 'credentials'), { mode: 0o755 });
    chmodSync(join(old, 'credentials'), 0o755);
    writeFileSync(join(old, 'credentials', 'demo-novapay-privateKey.pem'), 'x\n', { mode: 0o644 });
    chmodSync(join(old, 'credentials', 'demo-novapay-privateKey.pem'), 0o644);
    const g = await start({ kind: 'sqlite', dataDir: old }, { masterKeys: [] });
    try {
      expect(mode(old)).toBe(0o700);
      expect(mode(join(old, 'credentials'))).toBe(0o700);
      for (const f of [
        'polypay.sqlite',
        'polypay.sqlite-wal',
        'polypay.sqlite-shm',
        'master.key',
        'credentials/demo-novapay-privateKey.pem',
      ])
        expect(mode(join(old, f)), f).toBe(0o600);
    } finally {
      await g.close();
    }
    // a new folder: the generated master key is private too
    const fresh = join(mkdtempSync(join(tmpdir(), 'polypay-perm-')), 'data');
    const g4 = await start({ kind: 'sqlite', dataDir: fresh }, { masterKeys: [] });
    try {
      expect(mode(fresh)).toBe(0o700);
      expect(mode(join(fresh, 'master.key'))).toBe(0o600);
      expect(mode(join(fresh, 'polypay.sqlite'))).toBe(0o600);
    } finally {
      await g4.close();
    }
  });

  // (on PostgreSQL durability is the server's synchronous_commit, on by default; the tests' server runs without it)
  it.runIf(store === 'sqlite')('commits durably: synchronous=FULL on the write connection', async () => {
    const rows = await g1.store.transaction(
      async (tx) => (await sql<{ synchronous: bigint | number }>`pragma synchronous`.execute(tx.db<any>())).rows,
    );
    expect(Number(rows[0]!.synchronous)).toBe(2);
  });

  // ------------------------------------------------------------------------------------------- 9: connections

  it("cuts a request whose body trickles in, on the main port and on a face's own port", async () => {
    for (const [url, path] of [
      [g2.url, '/way2pay/api/v1/pay-in'],
      [g2.facePortUrls.way2pay!, '/api/v1/pay-in'],
    ] as const) {
      const r = await trickle(portOf(url), path);
      expect(r.answer, url).toMatch(/^HTTP\/1\.1 408 /);
      expect(r.sent, url).toBeLessThan(1000);
    }
  });

  it('refuses connections beyond the cap', async () => {
    const port = portOf(local(g3));
    await eventually(
      () =>
        new Promise<void>((ok, fail) =>
          g3.app.server.getConnections((e, n) => (e || n !== 0 ? fail(e ?? new Error(`${n} connections`)) : ok())),
        ),
    );
    const held = [await open(port), await open(port)];
    try {
      await eventually(
        () =>
          new Promise<void>((ok, fail) =>
            g3.app.server.getConnections((e, n) => (e || n !== 2 ? fail(e ?? new Error(`${n} connections`)) : ok())),
          ),
      );
      // the third is closed at once: its request gets no answer
      const third = await open(port);
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        third.on('data', (c: Buffer) => (text += c.toString('utf8')));
        third.on('error', () => undefined);
        third.on('close', () => resolve(text));
        third.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      expect(answer).toBe('');
    } finally {
      for (const s of held) s.destroy();
    }
  });

  // ------------------------------------------------------------------------------------------- 17: sessions

  describe('dashboard sessions', () => {
    it('a signed-out cookie no longer works, in any process sharing the store', async () => {
      // PostgreSQL: a second gateway on the same database (SQLite is one process's store)
      const other = store === 'postgres' ? await start(target) : undefined;
      const gateways = other ? [g1, other] : [g1];
      try {
        const { cookie } = await signIn(g1);
        for (const g of gateways) {
          const r = await raw(local(g), 'GET', '/dashboard', { cookie });
          expect(r.status, r.text.slice(0, 300)).toBe(200);
        }
        const out = await raw(
          local(g1),
          'POST',
          '/dashboard/logout',
          { ...form, cookie },
          new URLSearchParams({ _csrf: await csrfOf(g1, cookie) }).toString(),
        );
        expect(out.status, out.text.slice(0, 300)).toBe(303);
        // the copied cookie, replayed after sign-out: the login page, on every gateway
        for (const g of gateways) {
          const r = await raw(local(g), 'GET', '/dashboard', { cookie });
          expect(r.status, r.text.slice(0, 300)).toBe(303);
          expect(r.headers.location).toBe('/dashboard/login?next=%2Fdashboard');
        }
        expect((await raw(local(g1), 'GET', '/docs/numopay', { cookie })).text).not.toContain(SECRETS.numopay);
      } finally {
        await other?.close();
      }
    });

    it('the cookie is Secure over HTTPS through a trusted proxy, never on a forged header', async () => {
      const via = { 'x-forwarded-proto': 'https' };
      expect((await signIn(g1, via)).setCookie).not.toMatch(/;\s*Secure/i);
      expect((await signIn(g3, via)).setCookie).not.toMatch(/;\s*Secure/i);
      expect((await signIn(g2, via)).setCookie).toMatch(/;\s*Secure/i);
      expect((await signIn(g2)).setCookie).not.toMatch(/;\s*Secure/i);
    });

    it('a login `next` that is not a dashboard path, or carries CR/LF, is ignored, never a 500', async () => {
      const bad = [
        '/dashboard/\r\nSet-Cookie: x=1',
        '/dashboard\r\n',
        '//evil.example/x',
        'https://evil.example/',
        '/dashboard\\..\\x',
        '/dashboard/\u00e9',
        '/admin/api/merchants',
      ];
      for (const next of bad) {
        const r = await raw(local(g1), 'POST', '/dashboard/login', form, new URLSearchParams({ token: g1.adminToken, next }).toString());
        expect(r.status, JSON.stringify(next)).toBe(303);
        expect(r.headers.location, JSON.stringify(next)).toBe('/dashboard');
        const page = await raw(local(g1), 'GET', `/dashboard/login?next=${encodeURIComponent(next)}`);
        expect(page.status, JSON.stringify(next)).toBe(200);
      }
      // as the query string carries it (%0d%0a decoded to CR/LF)
      const visitor = await raw(local(g1), 'GET', '/dashboard/login?next=/dashboard/%0d%0aSet-Cookie:%20x=1');
      expect(visitor.status).toBe(200);
      expect(visitor.text).toContain('name="next" value="/dashboard"');
      const { cookie } = await signIn(g1);
      const signedIn = await raw(local(g1), 'GET', '/dashboard/login?next=/dashboard/%0d%0aSet-Cookie:%20x=1', { cookie });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.location).toBe('/dashboard');
      // a back link of an action with CR/LF: back to the section, not a 500
      const toggled = await raw(
        local(g1),
        'POST',
        '/dashboard/p2p/requisites/1/toggle',
        { ...form, cookie },
        new URLSearchParams({
          _csrf: await csrfOf(g1, cookie),
          merchant: 'rel_a',
          active: '1',
          back: '/dashboard/p2p\r\nSet-Cookie: x=1',
        }).toString(),
      );
      expect(toggled.status).toBe(303);
      expect(toggled.headers.location).toBe('/dashboard/p2p');
      // allowed: dashboard paths and the API reference
      for (const next of ['/dashboard/payments?status=captured', '/docs/numopay']) {
        const r = await raw(local(g1), 'POST', '/dashboard/login', form, new URLSearchParams({ token: g1.adminToken, next }).toString());
        expect(r.headers.location).toBe(next);
      }
    });
  });

  // ------------------------------------------------------------------------------------------- proxies and links

  describe('payer links', () => {
    const script = (g: Gateway, headers: Record<string, string>) => raw(local(g), 'GET', '/mbill/tokenizer.js', headers);
    const baseIn = (text: string) => /: ("https?:\/\/[^"]*")\s*;/.exec(text)?.[1];

    it('ignore X-Forwarded-* from an untrusted peer and an implausible Host', async () => {
      const port = portOf(g1.url);
      const forged = await script(g1, { host: `127.0.0.1:${port}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
      expect(baseIn(forged.text)).toBe(JSON.stringify(`http://127.0.0.1:${port}/mbill`));
      for (const host of ['evil.example/x"', 'a b', 'evil.example:99999', '<script>']) {
        const r = await script(g1, { host });
        expect(baseIn(r.text), host).toBe(JSON.stringify(`${g1.url}/mbill`));
      }
    });

    it("follow a trusted proxy's X-Forwarded-Proto and -Host, and the public URL over any Host", async () => {
      const viaProxy = await script(g2, { host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'pay.example.test' });
      expect(baseIn(viaProxy.text)).toBe(JSON.stringify('https://pay.example.test/mbill'));
      const oddProto = await script(g2, { host: 'pay.example.test', 'x-forwarded-proto': 'javascript' });
      expect(baseIn(oddProto.text)).toBe(JSON.stringify('http://pay.example.test/mbill'));
      const forged = await script(g3, { host: 'evil.example', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' });
      expect(baseIn(forged.text)).toBe(JSON.stringify('https://pay.example.test/mbill'));
    });
  });

  // ------------------------------------------------------------------------------------------- admin filters

  it("answers garbage admin list filters with a 400 in the admin API's shape", async () => {
    const bad = [
      '/payments?from=garbage',
      '/payments?to=garbage',
      '/payments?from=2026-13-45',
      '/payments?from=1&from=2',
      '/payments?face=paypal',
      '/payments?status=nope',
      '/payments?limit=-1',
      '/payouts?face=paypal',
      '/webhooks/deliveries?status=bogus',
      '/stats?hours=abc',
      '/stats?buckets=1.5',
      '/otp?limit=x',
    ];
    for (const path of bad) {
      const r = await admin(g1, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(Object.keys(r.json), path).toEqual(['error']);
      expect(typeof r.json.error).toBe('string');
    }
    for (const path of [
      '/payments?from=2026-01-01',
      '/payments?from=2026-01-01T00:00:00Z&to=1999999999999',
      '/payments?face=numopay',
      '/webhooks/deliveries?status=failed',
      '/stats?hours=1&buckets=4',
    ]) {
      expect((await admin(g1, 'GET', path)).status, path).toBe(200);
    }
  });
});
