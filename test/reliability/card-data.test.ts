// Card data, on SQLite and PostgreSQL: after every flow that carries card numbers and CVVs (charges with 3-D
// Secure, refills, the payment page), no full card number and no CVV appears in clear in any row of any table
// of the store, the logs, any response or any webhook; on SQLite, not in the database files either (database and
// WAL, read as bytes). And the vault's master key can be rotated without losing a card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { makeLogger, startGateway, type Gateway } from '../../src/server/gateway.js';
import { TEST_MASTER_KEY, TEST_SEED } from '../helpers/gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { passAcs, parseForm, postForm } from '../helpers/browser-lite.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';
import { tableNames } from '../helpers/fuzz.js';
import { parseMasterKey } from '../../src/core/vault.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const PANS = ['4242424242424242', '5555555555554444', '4000000000003055', '2200000000000004', '5200828282828210'];
const CVV = '8631';
const KEY2 = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';

function leaks(text: string): string[] {
  const found: string[] = [];
  for (const p of PANS) if (text.includes(p)) found.push(p);
  if (new RegExp(`(cvv|cvc|csc)["':= ]+${CVV}`, 'i').test(text) || text.includes(`"${CVV}"`) || text.includes(`=${CVV}&`))
    found.push('cvv');
  return found;
}

/** Every value of every row of every table of a gateway's store, as text. */
async function storeText(gw: Gateway): Promise<string> {
  const names = await tableNames(gw.engine);
  expect(names).toEqual(expect.arrayContaining(['payments', 'cards', 'api_requests', 'deliveries']));
  return gw.engine.read(async (tx) => {
    const parts: string[] = [];
    for (const t of names) {
      const rows = await tx.db<any>().selectFrom(t).selectAll().execute();
      // each value as it is stored (a JSON column as its own text, not escaped once more)
      for (const r of rows)
        parts.push(
          `${t}: ${Object.values(r)
            .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
            .join(' | ')}`,
        );
    }
    return parts.join('\n');
  });
}

describe.each(STORES)('card data is never in clear on %s', (store) => {
  let gw: Gateway;
  let rx: Receiver;
  let target: StoreTarget;
  const logFile = join(mkdtempSync(join(tmpdir(), 'polypay-log-')), 'gateway.log');
  const responses: string[] = [];
  const start = (keys: string[]) =>
    startGateway({
      env: {},
      port: 0,
      dataDir: target.dataDir,
      databaseUrl: target.databaseUrl,
      masterKeys: keys,
      seed: TEST_SEED,
      demoMerchant: false,
      logger: makeLogger('trace', pino.destination({ dest: logFile, sync: true })),
    });

  beforeAll(async () => {
    target = await freshStore(store);
    gw = await start([TEST_MASTER_KEY]);
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await gw?.close();
    await rx?.close();
  });

  it('keeps card numbers and CVVs out of every table of the store, the logs, responses and webhooks', async () => {
    const track = async (r: Response) => {
      const t = await r.clone().text();
      responses.push(t + JSON.stringify([...r.headers]));
      return r;
    };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (...a: Parameters<typeof fetch>) => track(await realFetch(...a))) as typeof fetch;
    try {
      const np = new NumopayClient({ baseUrl: `${gw.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });
      await np.createWebhookEndpoint(RUB, { url: `${rx.url}/hook`, event: 'order' });
      for (const pan of PANS) {
        const t = await np.createChargeToken(RUB, { amount: '1000', redirect_url: `${rx.url}/done` });
        const { charge_link } = await np.charge(RUB, {
          token: t.token,
          card_info: { number: pan, month: '12', year: '2099', cvv: CVV, holder: 'IVAN' },
        });
        const page = await fetch(charge_link, { redirect: 'manual' });
        if (page.status === 200) await passAcs(await page.text(), charge_link, { approve: true });
      }
      const r = await np.createRefillToken(RUB, { amount: '100' });
      await np.refill(RUB, { token: r.token, card_number: PANS[1]! });
      const s = await np.createCheckoutSession(RUB, {
        items: [{ name: 'x', amount: '500', currency: 'RUB' }],
        success_url: `${rx.url}/ok`,
        cancel_url: `${rx.url}/no`,
      });
      const { url } = await np.createPaymentPage({ key: 'pk_live_test1', session_id: s.id, session_token: s.token });
      const form = parseForm(await (await fetch(url)).text(), url, 'pay');
      await postForm(form.action, { ...form.fields, number: '4242 4242 4242 4242', exp: '12/99', cvv: CVV, holder: 'IVAN' }).then(
        async (res) => passAcs(await res.text(), form.action, { approve: true }),
      );
      // a rejected submission echoes nothing back either
      await postForm(form.action, { ...form.fields, number: '4242424242424241', exp: '12/99', cvv: CVV });
      // a card number (and a CVV) in a URL's path or query reaches neither pino's request line nor the request log
      await fetch(`${gw.url}/numopay/v2/accounts/${RUB}/payment/${PANS[2]}?card=${PANS[3]}&cvv=${CVV}`);
      await fetch(`${gw.url}/cloudpayments/payments/get?CardNumber=${PANS[4]!.replace(/(\d{4})/g, '$1-').slice(0, -1)}`);
      await rx.waitFor((x) => x.length >= 6);
      expect((await np.transactions(RUB, { limit: 100 })).some((x) => x.card_number === '4242********4242')).toBe(true);
      await gw.apiLog.flush();
    } finally {
      globalThis.fetch = realFetch;
    }
    const sources: Record<string, string> = {};
    sources.store = await storeText(gw);
    sources.log = readFileSync(logFile, 'utf8');
    sources.responses = responses.join('\n');
    sources.webhooks = rx.requests.map((x) => x.body + JSON.stringify(x.headers)).join('\n');
    expect(sources.log.length).toBeGreaterThan(1000);
    for (const [name, text] of Object.entries(sources)) expect(leaks(text), name).toEqual([]);
    // the masked forms are there, so the scan looks at the right data
    expect(sources.responses).toContain('4242********4242');
    expect(sources.store).toContain('424242');
    expect(sources.store.length).toBeGreaterThan(10_000);
  });

  it.runIf(store === 'sqlite')('keeps them out of the SQLite files, read as bytes (database and WAL)', () => {
    const files = readdirSync(target.dataDir!);
    expect(files.some((f) => f.endsWith('-wal')) || files.length > 1, files.join(', ')).toBe(true);
    for (const f of files) expect(leaks(readFileSync(join(target.dataDir!, f)).toString('latin1')), `db:${f}`).toEqual([]);
  });

  it('rotates the master key without losing a card', async () => {
    const cards = await gw.engine.read((tx) => tx.cards.list(null, 100));
    expect(cards.length).toBeGreaterThanOrEqual(PANS.length);
    await gw.close();
    gw = await start([TEST_MASTER_KEY, KEY2]);
    const res = await fetch(`${gw.url}/admin/api/vault/rotate`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}` } });
    expect(await res.json()).toEqual({ reencrypted: cards.length, keyId: parseMasterKey(KEY2).id });
    await gw.close();
    gw = await start([KEY2]);
    const pans = await gw.engine.read(async (tx) => Promise.all(cards.map(async (c) => (await gw.engine.vault.reveal(tx, c.id)).pan)));
    for (const p of PANS) expect(pans).toContain(p);
    // the same card is still found by its fingerprint
    const np = new NumopayClient({ baseUrl: `${gw.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });
    const t = await np.createChargeToken(RUB, { amount: '100' });
    await np.charge(RUB, { token: t.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' } });
    expect((await gw.engine.read((tx) => tx.cards.list(null, 100))).length).toBe(cards.length);
  });
});
