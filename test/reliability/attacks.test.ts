// Attacks on every face, the admin API and the dashboard, on SQLite and PostgreSQL: wrong keys, tampered bodies,
// replays outside the time window, reused and outdated nonces, signatures over another path, the credentials of
// another merchant, and one merchant reading or changing another merchant's objects by id with its own valid
// credentials. Every attack must be refused with the provider's error, change no row of any table (outbox, jobs
// and deliveries included; the request log gains exactly the attack's own row, attributed to no merchant or to the
// one whose valid credentials it carried) and show nothing of the other merchant. Signature checks are proven
// constant-time by counting, in this process, the calls to node's crypto.timingSafeEqual (and RSA verify) that a
// request wrong in its first character and one wrong in its last cause: at least one, and as many for both.
// Counts go to test-output/attacks-<store>.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { safeEqual } from '../../src/core/crypto.js';
import { FIXED_TEST_OTP } from '../../src/core/network/test-cards.js';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { MbillClient } from '../../src/faces/mbill/client.js';
import { NovapayClient } from '../../src/faces/novapay/client.js';
import { signBody } from '../../src/faces/novapay/signing.js';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { numopaySignature } from '../../src/faces/numopay/signing.js';
import { Way2PayClient } from '../../src/faces/way2pay/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { StoreWatch } from '../helpers/fuzz.js';
import { call, CP, errorShape, MB, MERCHANT_A, MERCHANT_B, NOVA, NOVA_STRANGER, NP, REL_SEED, sign, W2P, type Res } from './faces.js';

type Target = 'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay' | 'admin' | 'dashboard';

const FACE_TARGETS = ['numopay', 'cloudpayments', 'novapay', 'mbill', 'way2pay'];

/** Marks carried by merchant A's objects: none may appear in an answer to anyone else. */
const SECRET = 'A-SECRET';

/**
 * Counts the calls to node:crypto's comparison and RSA verification functions, by the gateway running in this
 * process: the module's functions are replaced by counting wrappers that call the originals, and
 * syncBuiltinESMExports makes the named imports (`import { timingSafeEqual } from 'node:crypto'`) see them.
 */
class CryptoCalls {
  readonly counts = { timingSafeEqual: 0, verify: 0 };
  private originals: {
    timingSafeEqual: typeof crypto.timingSafeEqual;
    createVerify: typeof crypto.createVerify;
    verify: typeof crypto.verify;
  } | null = null;

  install(): void {
    const o = (this.originals = { timingSafeEqual: crypto.timingSafeEqual, createVerify: crypto.createVerify, verify: crypto.verify });
    const c = this.counts;
    crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      c.timingSafeEqual++;
      return o.timingSafeEqual(a, b);
    }) as typeof crypto.timingSafeEqual;
    crypto.createVerify = ((...a: Parameters<typeof crypto.createVerify>) => {
      c.verify++;
      return o.createVerify(...a);
    }) as typeof crypto.createVerify;
    crypto.verify = ((...a: unknown[]) => {
      c.verify++;
      return (o.verify as (...x: unknown[]) => unknown)(...a);
    }) as typeof crypto.verify;
    syncBuiltinESMExports();
  }

  restore(): void {
    if (!this.originals) return;
    crypto.timingSafeEqual = this.originals.timingSafeEqual;
    crypto.createVerify = this.originals.createVerify;
    crypto.verify = this.originals.verify;
    this.originals = null;
    syncBuiltinESMExports();
  }

  /** The calls made while `f` ran. */
  async during<T>(f: () => Promise<T>): Promise<{ result: T; timingSafeEqual: number; verify: number }> {
    const t = this.counts.timingSafeEqual;
    const v = this.counts.verify;
    const result = await f();
    return { result, timingSafeEqual: this.counts.timingSafeEqual - t, verify: this.counts.verify - v };
  }
}

describe.each(STORES)('attacks on %s', (store) => {
  const tally = {
    store,
    attacks: 0,
    rejected: 0,
    leaked: 0,
    stateChanged: 0,
    logRows: 0,
    logProblems: 0,
    byTarget: {} as Record<string, number>,
    byKind: {} as Record<string, number>,
    /** comparisons counted per credential: [wrong in its first character, wrong in its last] */
    comparisons: {} as Record<string, { timingSafeEqual: [number, number]; verify: [number, number] }>,
    /** defects these attacks found that are still open (each pinned by an it.fails test); none at present */
    knownIssues: [] as string[],
  };
  let h: TestGateway;
  let watch: StoreWatch;
  /** an attack with merchant B's own valid credentials: its log row may name B, and no other merchant */
  const asB_ = { as: MERCHANT_B };
  const url = (p: string) => `${h.url}${p}`;
  const A: Record<string, any> = {};
  const B: Record<string, any> = {};

  /**
   * One attack: every table of the store is compared before and after (once nothing due is left to run), the
   * request log must hold exactly the attack's own row (attributed to no merchant, or to `as`, the merchant whose
   * valid credentials it carried), the answer must be a refusal as `refused` judges it, and it must not carry A's
   * mark (no attacker sends it). `mayChange` names the tables the attack may change by design.
   */
  async function attack(
    target: Target,
    kind: string,
    send: () => Promise<Res>,
    refused: (r: Res) => boolean,
    opts: { mayChange?: string[]; as?: string } = {},
  ): Promise<Res> {
    await watch.mark();
    const r = await send();
    const first = new URL(r.url).pathname.replace(/\/{2,}/g, '/').split('/')[1] ?? '';
    const watched = await watch.check([
      {
        requestId: r.headers.get('x-polypay-request-id'),
        face: FACE_TARGETS.includes(first) ? first : null,
        method: r.method,
        merchant: opts.as ?? null,
      },
    ]);
    tally.attacks++;
    tally.byTarget[target] = (tally.byTarget[target] ?? 0) + 1;
    tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
    const ok = refused(r);
    if (ok) tally.rejected++;
    expect(ok, `${target} / ${kind}: ${r.status} ${r.text.slice(0, 400)}`).toBe(true);
    const leaks = r.text.includes(SECRET);
    if (leaks) tally.leaked++;
    expect(
      leaks,
      `${target} / ${kind} leaked: ${r.text.slice(Math.max(0, r.text.indexOf(SECRET) - 1500), r.text.indexOf(SECRET) + 200)}`,
    ).toBe(false);
    tally.logRows += watched.logged.length;
    if (watched.logProblems.length) tally.logProblems++;
    expect(watched.logProblems, `${target} / ${kind}: the request log`).toEqual([]);
    const changed = watched.changed.filter((t) => !opts.mayChange?.includes(t));
    if (changed.length) tally.stateChanged++;
    expect(changed, `${target} / ${kind} changed the store`).toEqual([]);
    return r;
  }

  const refusedBy = (face: keyof typeof errorShape, status?: number | number[]) => (r: Res) =>
    r.status >= 400 &&
    r.status < 500 &&
    errorShape[face](r.json) &&
    (status === undefined || (Array.isArray(status) ? status : [status]).includes(r.status));
  /** CloudPayments answers a business error with HTTP 200 and `{Success:false, Message}` (no Model). */
  const cpRefused = (r: Res) => r.status < 500 && errorShape.cloudpayments(r.json) && r.json.Model == null;

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    watch = new StoreWatch(() => h.gw);

    // ---- merchant A's objects on every face (each carries the SECRET mark somewhere)
    const np = new NumopayClient({ baseUrl: url('/numopay'), apiKey: NP.A.apiKey, secret: NP.A.secret });
    A.npEndpoint = (await np.createWebhookEndpoint(NP.A.account, { url: `http://127.0.0.1:1/${SECRET}`, event: 'order' })).id;
    A.npPaid = await np.createChargeToken(NP.A.account, { amount: '770077', redirect_url: `https://shop.example/${SECRET}` });
    await np.charge(NP.A.account, {
      token: A.npPaid.token,
      card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123', holder: SECRET },
    } as never);
    A.npPending = await np.createChargeToken(NP.A.account, { amount: '770078', redirect_url: `https://shop.example/${SECRET}` });
    A.npRefill = await np.createRefillToken(NP.A.account, { amount: '100' });
    A.npSession = await np.createCheckoutSession(NP.A.account, {
      items: [{ name: SECRET, amount: '500', currency: 'RUB' }],
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/no',
    });
    // (B's own objects: its lists must show them, so that "nothing of A" is not read off an empty list)
    B.npToken = await new NumopayClient({ baseUrl: url('/numopay'), apiKey: NP.B.apiKey, secret: NP.B.secret }).createChargeToken(
      NP.B.account,
      { amount: '330033' },
    );

    const cp = new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.A });
    const card = (number: string) => ({ number, expMonth: 12, expYear: 2035, cvv: '123' });
    const charged = (
      await cp.chargeCryptogram({
        Amount: 10,
        Currency: 'RUB',
        CardCryptogramPacket: await cp.cryptogram(card('4000000000003055')),
        InvoiceId: 'inv-a-1',
        AccountId: 'payer-a',
        Email: 'a-secret@example.com',
        Description: SECRET,
        JsonData: { note: SECRET },
      })
    ).Model as any;
    const authorized = (
      await cp.authCryptogram({
        Amount: 20,
        Currency: 'RUB',
        CardCryptogramPacket: await cp.cryptogram(card('4000000000003055')),
        AccountId: 'payer-a',
        Description: SECRET,
      })
    ).Model as any;
    const threeDs = (
      await cp.chargeCryptogram({
        Amount: 5,
        Currency: 'RUB',
        CardCryptogramPacket: await cp.cryptogram(card('4242424242424242')),
        Description: SECRET,
      })
    ).Model as any;
    A.cp = {
      charged: charged.TransactionId,
      authorized: authorized.TransactionId,
      threeDs: threeDs.TransactionId,
      token: charged.Token,
      sub: (
        (
          await cp.createSubscription({
            Token: charged.Token,
            AccountId: 'payer-a',
            Description: SECRET,
            Amount: 1,
            Currency: 'RUB',
            StartDate: '2035-01-01',
            Interval: 'Month',
            Period: 1,
          })
        ).Model as any
      ).Id,
      order: ((await cp.createOrder({ Amount: 10, Currency: 'RUB', Description: SECRET })).Model as any).Id,
    };
    const cpB = new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.B });
    // (another card than A's: a card both merchants use is the subject of its own test below)
    B.cpPayment = (
      (await cpB.chargeCryptogram({ Amount: 10, Currency: 'RUB', CardCryptogramPacket: await cpB.cryptogram(card('5205000000003055')) }))
        .Model as any
    ).TransactionId;

    const nova = new NovapayClient({
      baseUrl: url('/novapay/v1'),
      merchantId: 1,
      merchantIdAsNumber: true,
      privateKey: NOVA.A.privateKey,
      algorithm: 'sha1',
    });
    A.novaHeld = (await nova.createSession({ client_phone: '+380501112233', metadata: { note: SECRET } })).id;
    await nova.addPayment({ session_id: A.novaHeld, amount: 100, use_hold: true, external_id: SECRET } as never);
    A.novaOpen = (await nova.createSession({ client_phone: '+380501112233', client_first_name: SECRET } as never)).id;

    const mb = new MbillClient({ baseUrl: url('/mbill'), apiToken: MB.A });
    const transfer = (sender: unknown, recipient: unknown) =>
      ({
        amount: 1000,
        fee: 10,
        description: `transfer ${SECRET}`,
        metadata: { note: SECRET },
        sender: { phone: '+380631112233', credential: sender },
        recipient: { phone: '+380631112244', credential: recipient },
      }) as never;
    const mcard = (number: string) => ({ type: 'card', number, expiration_month: '12', expiration_year: '2030', cvv: '123' });
    A.mbOtp = (await mb.createTransfer(transfer(mcard('4000000000000101'), { type: 'card-number', number: '5555555555554444' }))).data;
    const ext = (
      await mb.createTransfer(transfer(mcard('4000000000003055'), { type: 'external-credential', metadata: { wallet: SECRET } }))
    ).data;
    const waiting = (await mb.authenticateTransfer(ext.id, ext.token, FIXED_TEST_OTP)).data;
    B.mbTransfer = (
      await new MbillClient({ baseUrl: url('/mbill'), apiToken: MB.B }).createTransfer({
        amount: 1000,
        fee: 10,
        description: 'transfer of B',
        sender: { phone: '+380631112255', credential: mcard('4000000000003055') },
        recipient: { phone: '+380631112266', credential: { type: 'card-number', number: '5555555555554444' } },
      } as never)
    ).data;
    A.mbClaim = (
      await mb.createClaim({
        id: (waiting.recipient.credential as { id: string }).id,
        credential: { type: 'card-number', number: '4000000000000101' },
      } as never)
    ).data;

    const w2a = new Way2PayClient({ baseUrl: url('/way2pay'), publicKey: W2P.A.publicKey, secretKey: W2P.A.secretKey, generation: 1 });
    A.w2pIn = await w2a.createPayIn({
      externalID: 'a-secret-in',
      currencyId: 1,
      amount: '500',
      method: 'CARD',
      bankId: 1,
      description: SECRET,
    } as never);
    A.w2pOut = await w2a.createPayOut({
      externalID: 'a-secret-out',
      bankId: 1,
      method: 'SBP',
      currencyId: 1,
      callbackURL: 'http://127.0.0.1:1/cb',
      amount: '100',
      receiver: '+79991234567',
      holder: 'Secret Holder',
      description: SECRET,
    } as never);
    const w2b = new Way2PayClient({ baseUrl: url('/way2pay'), publicKey: W2P.B.publicKey, secretKey: W2P.B.secretKey, generation: 3 });
    B.w2pIn = await w2b.createPayIn({ externalID: 'b-in', currencyId: 1, amount: '500', method: 'CARD', bankId: 1 } as never);

    // no scheduled job runs while the attacks are counted
    h.gw.clock.freeze();
  });

  afterAll(async () => {
    mkdirSync('test-output', { recursive: true });
    writeFileSync(`test-output/attacks-${store}.json`, JSON.stringify(tally, null, 2) + '\n');
    await h?.close();
  });

  // ------------------------------------------------------------------------------------------------ Numopay

  describe('Numopay (NP-ACCESS-TOKEN, ±30 s)', () => {
    const acc = () => NP.A.account;
    const get = (path: string, headers: Record<string, string>) => call(url(`/numopay${path}`), 'GET', headers);
    const post = (path: string, body: string, headers: Record<string, string>) =>
      call(url(`/numopay${path}`), 'POST', { 'content-type': 'application/json', ...headers }, body);

    it('refuses wrong keys, tampered bodies, replays outside the window and signatures over another path', async () => {
      const path = `/v2/accounts/${acc()}/charge/token`;
      const body = JSON.stringify({ amount: '1000' });
      const r401 = refusedBy('numopay', 401);
      await attack('numopay', 'no credentials', () => post(path, body, {}), r401);
      await attack(
        'numopay',
        'wrong secret',
        () => post(path, body, sign.numopay({ apiKey: NP.A.apiKey, secret: 'wrong' }, 'POST', path, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'another merchant secret',
        () => post(path, body, sign.numopay({ apiKey: NP.A.apiKey, secret: NP.B.secret }, 'POST', path, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'unknown key',
        () => post(path, body, sign.numopay({ apiKey: 'np_nobody', secret: NP.A.secret }, 'POST', path, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'tampered body',
        () => post(path, JSON.stringify({ amount: '999999' }), sign.numopay(NP.A, 'POST', path, '', body)),
        r401,
      );
      // just outside the ±30 s window (32 s: a second boundary between signing and checking cannot bring it in), and far outside
      for (const skew of [-32, 32, -3600, 86_400])
        await attack(
          'numopay',
          'replay outside the window',
          () => post(path, body, sign.numopay(NP.A, 'POST', path, '', body, Math.floor(Date.now() / 1000) + skew)),
          r401,
        );
      await attack(
        'numopay',
        'signature over another path',
        () => post(path, body, sign.numopay(NP.A, 'POST', `/v2/accounts/${acc()}/refill/token`, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'signature over another account',
        () => post(path, body, sign.numopay(NP.A, 'POST', `/v2/accounts/${NP.B.account}/charge/token`, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'signature with the mount prefix',
        () => post(path, body, sign.numopay(NP.A, 'POST', `/numopay${path}`, '', body)),
        r401,
      );
      await attack(
        'numopay',
        'signature over another query',
        () =>
          get(
            `/v2/accounts/${acc()}/transactions?limit=100`,
            sign.numopay(NP.A, 'GET', `/v2/accounts/${acc()}/transactions`, '?limit=1', ''),
          ),
        r401,
      );
      await attack(
        'numopay',
        'signature over another method',
        () =>
          call(
            url(`/numopay/v2/accounts/${acc()}/webhook-endpoints/${A.npEndpoint}`),
            'DELETE',
            sign.numopay(NP.A, 'GET', `/v2/accounts/${acc()}/webhook-endpoints/${A.npEndpoint}`, '', ''),
          ),
        r401,
      );
      await attack('numopay', 'malformed token', () => post(path, body, { authorization: 'NP-ACCESS-TOKEN 2019-12-22.x.y.z' }), r401);
    });

    it("refuses merchant B on merchant A's accounts, orders, tokens and webhook endpoints", async () => {
      const asB = (method: string, path: string, body = '') =>
        call(
          url(`/numopay${path}`),
          method,
          { 'content-type': 'application/json', ...sign.numopay(NP.B, method, path, '', body) },
          method === 'GET' || method === 'DELETE' ? undefined : body,
        );
      const r404 = refusedBy('numopay', 404);
      const a = acc();
      const b = NP.B.account;
      const card = JSON.stringify({
        token: A.npPending.token,
        card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' },
      });
      await attack(
        'numopay',
        'cross-merchant: status of A order on A account',
        () => asB('GET', `/v2/accounts/${a}/payment/${A.npPaid.order_slug}`),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: status of A order on own account',
        () => asB('GET', `/v2/accounts/${b}/payment/${A.npPaid.order_slug}`),
        r404,
        asB_,
      );
      await attack('numopay', 'cross-merchant: A balance', () => asB('GET', `/v2/accounts/${a}/balance`), r404, asB_);
      await attack('numopay', 'cross-merchant: A transactions', () => asB('GET', `/v2/accounts/${a}/transactions`), r404, asB_);
      await attack(
        'numopay',
        'cross-merchant: charge A token on A account',
        () => asB('POST', `/v2/accounts/${a}/charge`, card),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: charge A token on own account',
        () => asB('POST', `/v2/accounts/${b}/charge`, card),
        (r) => refusedBy('numopay')(r),
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: refill with A token',
        () => asB('POST', `/v2/accounts/${b}/refill`, JSON.stringify({ token: A.npRefill.token, card_number: '4000000000003055' })),
        (r) => refusedBy('numopay')(r),
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: read A webhook endpoint',
        () => asB('GET', `/v2/accounts/${b}/webhook-endpoints/${A.npEndpoint}`),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: change A webhook endpoint',
        () => asB('PUT', `/v2/accounts/${b}/webhook-endpoints/${A.npEndpoint}`, JSON.stringify({ url: 'https://evil.example/hook' })),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: change A webhook endpoint on A account',
        () => asB('PUT', `/v2/accounts/${a}/webhook-endpoints/${A.npEndpoint}`, JSON.stringify({ url: 'https://evil.example/hook' })),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: delete A webhook endpoint',
        () => asB('DELETE', `/v2/accounts/${b}/webhook-endpoints/${A.npEndpoint}`),
        r404,
        asB_,
      );
      await attack(
        'numopay',
        'cross-merchant: list A webhook endpoints',
        () => asB('GET', `/v2/accounts/${a}/webhook-endpoints`),
        r404,
        asB_,
      );
      // B's own list shows nothing of A
      await attack(
        'numopay',
        'cross-merchant: own transactions list',
        () => asB('GET', `/v2/accounts/${b}/transactions`),
        (r) =>
          r.status === 200 &&
          Array.isArray(r.json.data) &&
          r.json.data.length > 0 &&
          r.json.data.some((t: { order_slug: string }) => t.order_slug === B.npToken.order_slug) &&
          !r.text.includes(A.npPaid.order_slug) &&
          !r.text.includes('770077'),
        asB_,
      );
    });
  });

  // ------------------------------------------------------------------------------------------ CloudPayments

  describe('CloudPayments (HTTP Basic PublicId:ApiSecret)', () => {
    const cpCall = (path: string, body: unknown, headers: Record<string, string>) =>
      call(url(`/cloudpayments${path}`), 'POST', { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
    const basic = (id: string, secret: string) => ({ authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64') });

    it('refuses wrong keys and the Basic auth of another merchant with 401', async () => {
      const r401 = refusedBy('cloudpayments', 401);
      const body = { TransactionId: A.cp.charged };
      await attack('cloudpayments', 'no credentials', () => cpCall('/payments/get', body, {}), r401);
      await attack('cloudpayments', 'wrong secret', () => cpCall('/payments/get', body, basic(CP.A.publicId, 'wrong')), r401);
      await attack(
        'cloudpayments',
        'another merchant secret',
        () => cpCall('/payments/get', body, basic(CP.A.publicId, CP.B.apiSecret)),
        r401,
      );
      await attack(
        'cloudpayments',
        'another merchant PublicId with this secret',
        () => cpCall('/payments/get', body, basic(CP.B.publicId, CP.A.apiSecret)),
        r401,
      );
      await attack('cloudpayments', 'unknown PublicId', () => cpCall('/payments/get', body, basic('pk_nobody', CP.A.apiSecret)), r401);
      await attack('cloudpayments', 'secret as PublicId', () => cpCall('/payments/get', body, basic(CP.A.apiSecret, CP.A.publicId)), r401);
      await attack(
        'cloudpayments',
        'malformed Basic',
        () => cpCall('/payments/get', body, { authorization: `Basic ${CP.A.publicId}:${CP.A.apiSecret}` }),
        r401,
      );
      await attack(
        'cloudpayments',
        'bearer secret',
        () => cpCall('/payments/refund', { TransactionId: A.cp.charged }, { authorization: `Bearer ${CP.A.apiSecret}` }),
        r401,
      );
      await attack(
        'cloudpayments',
        'wrong secret on a write',
        () => cpCall('/payments/void', { TransactionId: A.cp.authorized }, basic(CP.A.publicId, CP.A.apiSecret + 'x')),
        r401,
      );
    });

    it("refuses merchant B on merchant A's payments, tokens, subscriptions and orders", async () => {
      const asB = (path: string, body: Record<string, unknown>) => cpCall(path, body, sign.cloudpayments(CP.B));
      const cases: Array<[string, string, Record<string, unknown>]> = [
        ['get', '/payments/get', { TransactionId: A.cp.charged }],
        ['find by invoice', '/payments/find', { InvoiceId: 'inv-a-1' }],
        ['find by invoice (v2)', '/v2/payments/find', { InvoiceId: 'inv-a-1' }],
        ['confirm', '/payments/confirm', { TransactionId: A.cp.authorized, Amount: 20 }],
        ['void', '/payments/void', { TransactionId: A.cp.authorized }],
        ['refund', '/payments/refund', { TransactionId: A.cp.charged, Amount: 10 }],
        ['complete 3-D Secure', '/payments/cards/post3ds', { TransactionId: A.cp.threeDs, PaRes: 'x' }],
        [
          'charge A token',
          '/payments/tokens/charge',
          { Amount: 1, Currency: 'RUB', AccountId: 'payer-a', Token: A.cp.token, TrInitiatorCode: 0 },
        ],
        [
          'authorize A token',
          '/payments/tokens/auth',
          { Amount: 1, Currency: 'RUB', AccountId: 'payer-a', Token: A.cp.token, TrInitiatorCode: 0 },
        ],
        ['pay out to A token', '/payments/token/topup', { Amount: 1, Currency: 'RUB', AccountId: 'payer-a', Token: A.cp.token }],
        [
          'subscribe A token',
          '/subscriptions/create',
          {
            Token: A.cp.token,
            AccountId: 'payer-a',
            Description: 'x',
            Amount: 1,
            Currency: 'RUB',
            StartDate: '2035-01-01',
            Interval: 'Month',
            Period: 1,
          },
        ],
        ['get subscription', '/subscriptions/get', { Id: A.cp.sub }],
        ['update subscription', '/subscriptions/update', { Id: A.cp.sub, Amount: 1000 }],
        ['cancel subscription', '/subscriptions/cancel', { Id: A.cp.sub }],
        ['cancel order', '/orders/cancel', { Id: A.cp.order }],
      ];
      for (const [what, path, body] of cases)
        await attack('cloudpayments', `cross-merchant: ${what}`, () => asB(path, body), cpRefused, asB_);
      // B's own lists show nothing of A
      const day = new Date().toISOString().slice(0, 10);
      const aIds = [A.cp.charged, A.cp.authorized, A.cp.threeDs];
      const onlyB = (r: Res) =>
        r.status === 200 &&
        r.json.Success === true &&
        Array.isArray(r.json.Model) &&
        r.json.Model.length > 0 &&
        r.json.Model.every(
          (m: { TransactionId?: number; Token?: string; Id?: string }) =>
            !aIds.includes(m.TransactionId) && m.Token !== A.cp.token && m.Id !== A.cp.sub,
        );
      for (const [what, path, body] of [
        ['list payments', '/payments/list', { Date: day }],
        ['list payments (v2)', '/v2/payments/list', { CreatedDateGte: `${day}T00:00:00`, CreatedDateLte: `${day}T23:59:59` }],
        ['list tokens', '/payments/tokens/list', {}],
        ['find subscriptions of A payer', '/subscriptions/find', { AccountId: 'payer-a' }],
      ] as const) {
        // (B has no subscription of payer-a: that answer is an empty list, checked as such)
        const empty = (r: Res) => r.status === 200 && r.json.Success === true && Array.isArray(r.json.Model) && r.json.Model.length === 0;
        await attack(
          'cloudpayments',
          `cross-merchant: ${what}`,
          () => asB(path, body),
          path === '/subscriptions/find' ? empty : onlyB,
          asB_,
        );
      }
    });
  });

  // ------------------------------------------------------------------------------------- a card of two merchants

  it("the cardholder name one merchant got for a card never shows in another merchant's answers", async () => {
    // The vault keeps one row per card number for all merchants, so it keeps no cardholder name: a name
    // belongs to the payment that received it (found by this attack; fixed in src/core/vault.ts store()).
    const pan = '2202000000003055';
    const packet = async (c: CloudPaymentsClient) => c.cryptogram({ number: pan, expMonth: 12, expYear: 2035, cvv: '123' });
    const cpA = new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.A });
    const cpB = new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.B });
    await cpA.chargeCryptogram({ Amount: 1, Currency: 'RUB', CardCryptogramPacket: await packet(cpA), Name: `${SECRET} HOLDER` });
    const paidByB = (await cpB.chargeCryptogram({ Amount: 1, Currency: 'RUB', CardCryptogramPacket: await packet(cpB) })).Model as {
      TransactionId: number;
    };
    await attack(
      'cloudpayments',
      'cross-merchant: cardholder name of a shared card',
      () =>
        call(
          url('/cloudpayments/payments/get'),
          'POST',
          { 'content-type': 'application/json', ...sign.cloudpayments(CP.B) },
          JSON.stringify({ TransactionId: paidByB.TransactionId }),
        ),
      (r) => r.status === 200 && r.json.Success === true,
      asB_,
    );
  });

  // -------------------------------------------------------------------------------------------------- NovaPay

  describe('NovaPay (x-sign RSA over the body)', () => {
    const np = (path: string, body: string, headers: Record<string, string>) =>
      call(url(`/novapay/v1${path}`), 'POST', { 'content-type': 'application/json', ...headers }, body);
    const r400 = refusedBy('novapay', 400);

    it('refuses wrong keys, tampered bodies, signatures of other bodies and the key of another merchant', async () => {
      const body = JSON.stringify({ merchant_id: 1, session_id: A.novaOpen });
      await attack('novapay', 'no signature', () => np('/get-status', body, {}), r400);
      await attack('novapay', 'unregistered key', () => np('/get-status', body, { 'x-sign': signBody(body, NOVA_STRANGER, 'sha1') }), r400);
      await attack(
        'novapay',
        'another merchant key claiming merchant 1',
        () => np('/get-status', body, sign.novapay(NOVA.B.privateKey, body)),
        r400,
      );
      await attack(
        'novapay',
        'another merchant key, no merchant_id',
        () =>
          np(
            '/get-status',
            JSON.stringify({ session_id: A.novaOpen }),
            sign.novapay(NOVA.B.privateKey, JSON.stringify({ session_id: A.novaOpen })),
          ),
        r400,
      );
      const original = JSON.stringify({ merchant_id: 1, session_id: A.novaHeld, amount: 1 });
      await attack(
        'novapay',
        'tampered body',
        () =>
          np(
            '/complete-hold',
            JSON.stringify({ merchant_id: 1, session_id: A.novaHeld, amount: 100 }),
            sign.novapay(NOVA.A.privateKey, original),
          ),
        r400,
      );
      await attack(
        'novapay',
        'signature of another request',
        () => np('/void', JSON.stringify({ merchant_id: 1, session_id: A.novaHeld }), sign.novapay(NOVA.A.privateKey, body)),
        r400,
      );
      await attack(
        'novapay',
        'signature over the body with a trailing space',
        () =>
          np(
            '/expire',
            JSON.stringify({ merchant_id: 1, session_id: A.novaOpen }),
            sign.novapay(NOVA.A.privateKey, JSON.stringify({ merchant_id: 1, session_id: A.novaOpen }) + ' '),
          ),
        r400,
      );
      await attack(
        'novapay',
        'SHA-256 signature by another key',
        () => np('/expire', body, { 'x-sign': signBody(body, NOVA_STRANGER, 'sha256') }),
        r400,
      );
      await attack(
        'novapay',
        'truncated signature',
        () => np('/expire', body, { 'x-sign': sign.novapay(NOVA.A.privateKey, body)['x-sign']!.slice(0, 100) }),
        r400,
      );
    });

    it("refuses merchant B on merchant A's sessions", async () => {
      const asB = (path: string, extra: Record<string, unknown>) => {
        const body = JSON.stringify({ merchant_id: 2, ...extra });
        return np(path, body, sign.novapay(NOVA.B.privateKey, body));
      };
      const notFound = (r: Res) => r400(r) && r.json.code === 'SessionNotFoundError';
      for (const [path, session, extra] of [
        ['/get-status', A.novaHeld, {}],
        ['/void', A.novaHeld, {}],
        ['/complete-hold', A.novaHeld, { amount: 100 }],
        ['/confirm-delivery-hold', A.novaHeld, {}],
        ['/print-express-waybill', A.novaHeld, {}],
        ['/expire', A.novaOpen, {}],
        ['/payment', A.novaOpen, { amount: 1 }],
      ] as const) {
        await attack('novapay', `cross-merchant: ${path.slice(1)}`, () => asB(path, { session_id: session, ...extra }), notFound, asB_);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------- Mbill

  describe('Mbill (API, transfer and claim tokens as HTTP Basic)', () => {
    const mb = (method: string, path: string, token: string | null, body?: unknown) =>
      call(
        url(`/mbill${path}`),
        method,
        { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token !== null ? sign.mbill(token) : {}) },
        body === undefined ? undefined : JSON.stringify(body),
      );
    const r401 = refusedBy('mbill', 401);

    it('refuses wrong, missing and misplaced tokens', async () => {
      await attack('mbill', 'no token', () => mb('GET', '/transfers', null), r401);
      await attack('mbill', 'wrong API token', () => mb('GET', '/transfers', 'not-a-token'), r401);
      await attack('mbill', 'API token with one character changed', () => mb('GET', '/transfers', MB.A.slice(0, -1) + 'x'), r401);
      await attack('mbill', 'transfer token as API token', () => mb('GET', '/transfers', A.mbOtp.token), r401);
      await attack(
        'mbill',
        'claim token as API token',
        () => mb('PUT', '/webhook', A.mbClaim.token, { url: 'https://evil.example/hook' }),
        r401,
      );
      await attack(
        'mbill',
        'API token where the transfer token is required',
        () => mb('POST', `/transfers/${A.mbOtp.id}/auth`, MB.A, { code: FIXED_TEST_OTP }),
        r401,
      );
      await attack('mbill', 'transfer token of another object', () => mb('GET', `/claims/${A.mbClaim.id}`, A.mbOtp.token), r401);
      await attack(
        'mbill',
        'new transfer without a token',
        () => mb('POST', '/transfers', null, { amount: 1 }),
        (r) => refusedBy('mbill')(r),
      );
    });

    it("refuses merchant B on merchant A's transfers and claims", async () => {
      await attack('mbill', 'cross-merchant: read A transfer', () => mb('GET', `/transfers/${A.mbOtp.id}`, MB.B), r401, asB_);
      await attack(
        'mbill',
        'cross-merchant: authenticate A transfer',
        () => mb('POST', `/transfers/${A.mbOtp.id}/auth`, MB.B, { code: FIXED_TEST_OTP }),
        r401,
        asB_,
      );
      await attack('mbill', 'cross-merchant: read A claim', () => mb('GET', `/claims/${A.mbClaim.id}`, MB.B), r401, asB_);
      await attack(
        'mbill',
        'cross-merchant: authenticate A claim',
        () => mb('POST', `/claims/${A.mbClaim.id}/auth`, MB.B, { code: FIXED_TEST_OTP }),
        r401,
        asB_,
      );
      await attack(
        'mbill',
        'cross-merchant: list transfers',
        () => mb('GET', '/transfers?limit=100', MB.B),
        (r) =>
          r.status === 200 &&
          Array.isArray(r.json.data) &&
          r.json.data.length > 0 &&
          r.json.data.some((t: { id: string }) => t.id === B.mbTransfer.id) &&
          r.json.data.every((t: { id: string }) => t.id !== A.mbOtp.id),
        asB_,
      );
    });
  });

  // -------------------------------------------------------------------------------------------------- Way2Pay

  describe('Way2Pay (HMAC with nonce, generations 1 and 3)', () => {
    const w2 = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      call(url(`/way2pay${path}`), method, { 'content-type': 'application/json', ...headers }, body);
    const refused = refusedBy('way2pay');

    it('refuses wrong keys, tampered bodies, reused and outdated nonces and signatures over another path', async () => {
      const body = JSON.stringify({ externalID: 'attack-1', currencyId: 1, amount: '10', method: 'CARD' });
      const raw = Buffer.from(body);
      const code = (c: number) => (r: Res) => refused(r) && r.json.error.code === c;
      await attack('way2pay', 'no headers', () => w2('POST', '/api/v1/pay-in', {}, body), code(10000));
      await attack(
        'way2pay',
        'wrong secret (generation 1)',
        () => w2('POST', '/api/v1/pay-in', sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', raw, { secret: 'wrong' }), body),
        code(60006),
      );
      await attack(
        'way2pay',
        'wrong secret (generation 3)',
        () => w2('POST', '/api/v1/pay-in', sign.way2pay(W2P.B, 'POST', '/api/v1/pay-in', raw, { secret: 'wrong' }), body),
        code(2005),
      );
      await attack(
        'way2pay',
        'another merchant secret',
        () => w2('POST', '/api/v1/pay-in', sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', raw, { secret: W2P.B.secretKey }), body),
        code(60006),
      );
      // an unknown key is answered as a wrong signature (an answer of its own would tell which keys exist)
      await attack(
        'way2pay',
        'unknown public key',
        () => w2('POST', '/api/v1/pay-in', { ...sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', raw), 'public-key': 'w2p_pk_nobody' }, body),
        code(60006),
      );
      await attack(
        'way2pay',
        'unknown public key (generation 3 signature)',
        () => w2('POST', '/api/v1/pay-in', { ...sign.way2pay(W2P.B, 'POST', '/api/v1/pay-in', raw), 'public-key': 'w2p_pk_nobody' }, body),
        code(2005),
      );
      await attack(
        'way2pay',
        'tampered body (generation 1)',
        () => w2('POST', '/api/v1/pay-in', sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', raw), body.replace('"10"', '"10000"')),
        code(60006),
      );
      await attack(
        'way2pay',
        'tampered body (generation 3)',
        () => w2('POST', '/api/v1/pay-in', sign.way2pay(W2P.B, 'POST', '/api/v1/pay-in', raw), body.replace('"10"', '"10000"')),
        code(2005),
      );
      await attack(
        'way2pay',
        'signature over another path (generation 3)',
        () => w2('GET', `/api/v1/pay-in/${B.w2pIn.id}`, sign.way2pay(W2P.B, 'GET', '/api/v1/pay-in/list', Buffer.alloc(0))),
        code(2005),
      );
      await attack(
        'way2pay',
        'signature over another path (generation 3, write)',
        () =>
          w2(
            'PATCH',
            `/api/v1/pay-in/${B.w2pIn.id}/cancel`,
            sign.way2pay(W2P.B, 'PATCH', `/api/v1/pay-in/${A.w2pIn.id}/cancel`, Buffer.alloc(0)),
          ),
        code(2005),
      );
      // outdated nonces: generation 1 nonces are expiries (one in the past is a timed-out request)
      await attack(
        'way2pay',
        'outdated nonce (generation 1, expired)',
        () =>
          w2(
            'POST',
            '/api/v1/pay-in',
            sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', raw, { nonce: String(Math.floor(Date.now() / 1000) - 1) }),
            body,
          ),
        code(60007),
      );
      await attack(
        'way2pay',
        'outdated nonce (generation 3, older than the window)',
        () =>
          w2(
            'POST',
            '/api/v1/pay-in',
            sign.way2pay(W2P.B, 'POST', '/api/v1/pay-in', raw, { nonce: String((BigInt(Date.now()) - 10n * 60_000n) * 100_000n) }),
            body,
          ),
        code(2004),
      );
      // reused nonces: a request that passed, sent again byte for byte
      for (const [gen, k, c] of [
        ['generation 1', W2P.A, 20006],
        ['generation 3', W2P.B, 2007],
      ] as const) {
        const headers = sign.way2pay(k, 'GET', '/api/v1/balance', Buffer.alloc(0));
        expect((await w2('GET', '/api/v1/balance', headers)).status).toBe(200);
        await attack('way2pay', `replayed request (${gen})`, () => w2('GET', '/api/v1/balance', headers), code(c));
        const lower = String(BigInt(headers.nonce!) - 1n);
        await attack(
          'way2pay',
          `nonce below the last accepted (${gen})`,
          () => w2('GET', '/api/v1/balance', sign.way2pay(k, 'GET', '/api/v1/balance', Buffer.alloc(0), { nonce: lower })),
          code(c),
        );
      }
    });

    it("refuses one merchant on another merchant's pay-ins and pay-outs", async () => {
      // the attacker's own signature is valid, so its nonce is used up (by design): only that may change
      const nonces = { mayChange: ['way2pay_nonces'] };
      // (a write without a body signs "{}", as generation 1 requires)
      const as = (k: typeof W2P.A, method: string, path: string, body = method === 'GET' ? '' : '{}') =>
        w2(method, path, sign.way2pay(k, method, path, Buffer.from(body)), method === 'GET' ? undefined : body);
      const notFound = (r: Res) => refused(r) && r.json.error.code === 60011;
      for (const [who, k, target, merchantOf] of [
        ['B on A', W2P.B, A, MERCHANT_B],
        ['A on B', W2P.A, B, MERCHANT_A],
      ] as const) {
        await attack('way2pay', `cross-merchant (${who}): read pay-in`, () => as(k, 'GET', `/api/v1/pay-in/${target.w2pIn.id}`), notFound, {
          ...nonces,
          as: merchantOf,
        });
        await attack(
          'way2pay',
          `cross-merchant (${who}): cancel pay-in`,
          () => as(k, 'PATCH', `/api/v1/pay-in/${target.w2pIn.id}/cancel`),
          notFound,
          { ...nonces, as: merchantOf },
        );
        await attack(
          'way2pay',
          `cross-merchant (${who}): set pay-in status`,
          () => as(k, 'PUT', `/api/v1/pay-in/${target.w2pIn.id}/status/CANCELED`, '{}'),
          notFound,
          { ...nonces, as: merchantOf },
        );
      }
      await attack('way2pay', 'cross-merchant (B on A): read pay-out', () => as(W2P.B, 'GET', `/api/v1/pay-out/${A.w2pOut.id}`), notFound, {
        ...nonces,
        as: MERCHANT_B,
      });
      await attack(
        'way2pay',
        'cross-merchant (B on A): cancel pay-out',
        () => as(W2P.B, 'PUT', `/api/v1/pay-out/${A.w2pOut.id}/status/CANCELED`, '{}'),
        notFound,
        { ...nonces, as: MERCHANT_B },
      );
      await attack(
        'way2pay',
        'cross-merchant (B on A): find pay-in by externalID',
        () => as(W2P.B, 'GET', '/api/v1/pay-in/list?externalID=a-secret-in'),
        (r) => r.status === 200 && r.json.data.total === 0,
        { ...nonces, as: MERCHANT_B },
      );
      await attack(
        'way2pay',
        'cross-merchant (B on A): find pay-out by externalID',
        () => as(W2P.B, 'GET', '/api/v1/pay-out/list?externalID=a-secret-out'),
        (r) => r.status === 200 && r.json.data.total === 0,
        { ...nonces, as: MERCHANT_B },
      );
    });
  });

  // ------------------------------------------------------------------------------------- admin and dashboard

  describe('the admin API and the dashboard', () => {
    const adminRefused = (r: Res) => r.status === 401 && r.json?.error === 'admin token required (Authorization: Bearer <token>)';

    it('refuses the admin API without its token or with a wrong one', async () => {
      const t = () => h.gw.adminToken;
      const endpoints: Array<[string, string, unknown?]> = [
        ['GET', '/merchants'],
        ['GET', '/export'],
        ['GET', `/payments?q=${A.cp.charged}`],
        ['GET', '/otp'],
        ['POST', '/merchants', { id: 'evil', name: 'Evil' }],
        ['POST', `/merchants/${MERCHANT_A}/credentials/x/rotate`],
        ['POST', '/clock/advance', { ms: 86_400_000 }],
        ['POST', '/faults', { face: 'numopay', status: 500 }],
        ['POST', '/reset', {}],
        ['POST', '/import', { merchants: [] }],
        ['POST', '/vault/rotate'],
        ['POST', '/trigger', { face: 'numopay' }],
      ];
      const tokens: Array<[string, () => Record<string, string>]> = [
        ['no token', () => ({})],
        ['wrong token', () => ({ authorization: 'Bearer wrong' })],
        ['token with its last character changed', () => ({ authorization: `Bearer ${t().slice(0, -1)}${t().endsWith('x') ? 'y' : 'x'}` })],
        ['token with a suffix', () => ({ authorization: `Bearer ${t()}x` })],
        ['token prefix', () => ({ authorization: `Bearer ${t().slice(0, 8)}` })],
        ['wrong x-admin-token', () => ({ 'x-admin-token': 'wrong' })],
        ['token as Basic', () => ({ authorization: `Basic ${Buffer.from(`${t()}:`).toString('base64')}` })],
        ['a merchant secret', () => ({ authorization: `Bearer ${CP.A.apiSecret}` })],
      ];
      for (const [method, path, body] of endpoints) {
        for (const [kind, headers] of tokens) {
          await attack(
            'admin',
            kind,
            () =>
              call(
                url(`/admin/api${path}`),
                method,
                { 'content-type': 'application/json', ...headers() },
                body === undefined ? undefined : JSON.stringify(body),
              ),
            adminRefused,
          );
        }
      }
    });

    it('sends the dashboard to its login page without a session, refuses forged sessions and a wrong token', async () => {
      const toLogin = (r: Res) => r.status === 303 && (r.headers.get('location') ?? '').startsWith('/dashboard/login');
      for (const path of [
        '/dashboard',
        '/dashboard/payments',
        `/dashboard/payments/${A.cp.charged}`,
        '/dashboard/merchants',
        '/dashboard/webhooks',
        '/dashboard/clock',
      ]) {
        await attack('dashboard', 'no session (page)', () => call(url(path), 'GET', {}), toLogin);
        await attack(
          'dashboard',
          'forged session (page)',
          () => call(url(path), 'GET', { cookie: `polypay_dash=${Date.now() + 3_600_000}.forged.${'A'.repeat(43)}` }),
          toLogin,
        );
      }
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      for (const path of [
        '/dashboard/clock/freeze',
        '/dashboard/clock/advance',
        `/dashboard/payments/${A.cp.authorized}/capture`,
        `/dashboard/payments/${A.cp.charged}/refund`,
        `/dashboard/merchants/${MERCHANT_A}/reset`,
        '/dashboard/reset',
        '/dashboard/faults',
      ]) {
        await attack(
          'dashboard',
          'no session (action)',
          () => call(url(path), 'POST', form, `_csrf=x&confirm=${MERCHANT_A}&ms=86400000`),
          toLogin,
        );
        await attack(
          'dashboard',
          'forged session (action)',
          () => call(url(path), 'POST', { ...form, cookie: 'polypay_dash=9999999999999.x.y' }, `_csrf=x&confirm=${MERCHANT_A}`),
          toLogin,
        );
      }
      await attack(
        'dashboard',
        'wrong admin token at login',
        () => call(url('/dashboard/login'), 'POST', form, 'token=wrong&next=%2Fdashboard'),
        (r) => r.status === 401 && !r.headers.get('set-cookie'),
      );
    });
  });

  // ---------------------------------------------------------------------------------------- constant time

  describe('signature comparisons are constant-time (counted calls to timingSafeEqual and RSA verify)', () => {
    const calls = new CryptoCalls();
    beforeAll(() => calls.install());
    afterAll(() => calls.restore());

    /** Two refusals must be the same bytes apart from per-request ids. */
    const same = (a: Res, b: Res, volatile: RegExp[] = []) => {
      const clean = (s: string) => volatile.reduce((x, re) => x.replace(re, ''), s);
      expect(a.status).toBe(b.status);
      expect(clean(a.text)).toBe(clean(b.text));
    };
    const flipAt = (s: string, i: number, alphabet: string) =>
      s.slice(0, i) + alphabet[(alphabet.indexOf(s[i]!) + 1) % alphabet.length] + s.slice(i + 1);
    const HEX = '0123456789abcdef';
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    /** a character changed to x (or y): never another merchant's credential (the next letter could be: ..._a, ..._b) */
    const other = (s: string, i: number) => s.slice(0, i) + (s[i] === 'x' ? 'y' : 'x') + s.slice(i + 1);

    /**
     * Sends a credential wrong in its first character and one wrong in its last (each an attack: refused, nothing
     * changed); answers the refusals and how many comparisons (and RSA verifications) each request made.
     */
    async function firstAndLast(
      target: Target,
      what: string,
      wrongFirst: () => Promise<Res>,
      wrongLast: () => Promise<Res>,
      refused: (r: Res) => boolean,
    ) {
      const first = await calls.during(() => attack(target, `constant time: ${what}`, wrongFirst, refused));
      const last = await calls.during(() => attack(target, `constant time: ${what}`, wrongLast, refused));
      tally.comparisons[what] = { timingSafeEqual: [first.timingSafeEqual, last.timingSafeEqual], verify: [first.verify, last.verify] };
      expect(last.timingSafeEqual, `${what}: comparisons, last character wrong vs first`).toBe(first.timingSafeEqual);
      expect(last.verify, `${what}: RSA verifications, last character wrong vs first`).toBe(first.verify);
      return { first, last };
    }
    /**
     * The credential went through timingSafeEqual at least once, as many times whichever character was wrong, and
     * both refusals are the same bytes (apart from per-request ids; HTML pages, which carry a fresh CSP nonce, by
     * their status only).
     */
    const compared = (o: Awaited<ReturnType<typeof firstAndLast>>, what: string) => {
      expect(o.first.timingSafeEqual, `${what}: timingSafeEqual calls`).toBeGreaterThanOrEqual(1);
      if (o.first.result.type.startsWith('text/html')) expect(o.last.result.status).toBe(o.first.result.status);
      else same(o.first.result, o.last.result, [/"request_id":"[^"]*"/]);
    };

    it('the counting sees a comparison made in this process (the test can fail)', async () => {
      const n = await calls.during(async () => safeEqual('abc', 'abd'));
      expect(n.timingSafeEqual).toBe(1);
    });

    it('Numopay: the hex HMAC is compared with timingSafeEqual', async () => {
      const path = `/v2/accounts/${NP.A.account}/balance`;
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = numopaySignature(NP.A.secret, ts, 'GET', path, '', '');
      const send = (s: string) => () =>
        call(url(`/numopay${path}`), 'GET', { authorization: `NP-ACCESS-TOKEN 2019-12-22.${ts}.${NP.A.apiKey}.${s}` });
      compared(
        await firstAndLast(
          'numopay',
          'numopay signature',
          send(flipAt(sig, 0, HEX)),
          send(flipAt(sig, sig.length - 1, HEX)),
          refusedBy('numopay', 401),
        ),
        'numopay',
      );
    });

    it('Numopay: the checkout session token (payment pages API and the payer page) is compared with timingSafeEqual', async () => {
      const t = A.npSession.token as string;
      const pages = (token: string) => () =>
        call(
          url('/numopay/v2/payment-pages'),
          'POST',
          { 'content-type': 'application/json' },
          JSON.stringify({ key: 'pk_live_rel_a', session_id: A.npSession.id, session_token: token }),
        );
      compared(
        await firstAndLast(
          'numopay',
          'numopay checkout session token (payment-pages)',
          pages(other(t, 0)),
          pages(other(t, t.length - 1)),
          refusedBy('numopay', 404),
        ),
        'numopay payment-pages',
      );
      const page = (token: string) => () => call(url(`/numopay/pay/${A.npSession.id}?token=${encodeURIComponent(token)}`), 'GET', {});
      compared(
        await firstAndLast(
          'numopay',
          'numopay checkout session token (payer page)',
          page(other(t, 0)),
          page(other(t, t.length - 1)),
          (r) => r.status === 404 && !r.text.includes(SECRET),
        ),
        'numopay payer page',
      );
    });

    it('CloudPayments: the API secret is compared with timingSafeEqual', async () => {
      const s = CP.A.apiSecret;
      const send = (secret: string) => () =>
        call(
          url('/cloudpayments/payments/get'),
          'POST',
          { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`${CP.A.publicId}:${secret}`).toString('base64') },
          JSON.stringify({ TransactionId: A.cp.charged }),
        );
      compared(
        await firstAndLast(
          'cloudpayments',
          'cloudpayments secret',
          send(other(s, 0)),
          send(other(s, s.length - 1)),
          refusedBy('cloudpayments', 401),
        ),
        'cloudpayments',
      );
    });

    it('NovaPay: the RSA signature goes through crypto verify, first or last byte changed', async () => {
      const body = JSON.stringify({ merchant_id: 1, session_id: A.novaOpen });
      const sig = Buffer.from(sign.novapay(NOVA.A.privateKey, body)['x-sign']!, 'base64');
      const flipped = (i: number) => {
        const c = Buffer.from(sig);
        c[i] = c[i]! ^ 0x01;
        return c.toString('base64');
      };
      const send = (s: string) => () =>
        call(url('/novapay/v1/get-status'), 'POST', { 'content-type': 'application/json', 'x-sign': s }, body);
      const o = await firstAndLast(
        'novapay',
        'novapay signature',
        send(flipped(0)),
        send(flipped(sig.length - 1)),
        refusedBy('novapay', 400),
      );
      expect(o.first.verify, 'novapay: RSA verifications').toBeGreaterThanOrEqual(1);
      same(o.first.result, o.last.result);
    });

    it('Mbill: transfer and claim tokens are compared with timingSafeEqual; a wrong API token is never compared (looked up by its SHA-256)', async () => {
      const t = A.mbOtp.token as string;
      const transfer = (token: string) => () =>
        call(
          url(`/mbill/transfers/${A.mbOtp.id}/auth`),
          'POST',
          { 'content-type': 'application/json', ...sign.mbill(token) },
          JSON.stringify({ code: '000000' }),
        );
      compared(
        await firstAndLast(
          'mbill',
          'mbill transfer token',
          transfer(flipAt(t, 0, HEX)),
          transfer(flipAt(t, t.length - 1, HEX)),
          refusedBy('mbill', 401),
        ),
        'mbill transfer token',
      );
      const c = A.mbClaim.token as string;
      const claim = (token: string) => () => call(url(`/mbill/claims/${A.mbClaim.id}`), 'GET', sign.mbill(token));
      compared(
        await firstAndLast(
          'mbill',
          'mbill claim token',
          claim(flipAt(c, 0, HEX)),
          claim(flipAt(c, c.length - 1, HEX)),
          refusedBy('mbill', 401),
        ),
        'mbill claim token',
      );
      // the API token is found by its hash: a wrong one matches no row, whichever character is wrong, and the
      // secret is never compared with it (equal counts, zero); the right one is compared once
      const api = (token: string) => () => call(url('/mbill/transfers'), 'GET', sign.mbill(token));
      const o = await firstAndLast(
        'mbill',
        'mbill API token',
        api(other(MB.A, 0)),
        api(other(MB.A, MB.A.length - 1)),
        refusedBy('mbill', 401),
      );
      same(o.first.result, o.last.result, [/"request_id":"[^"]*"/]);
      const right = await calls.during(() => call(url('/mbill/transfers'), 'GET', sign.mbill(MB.A)));
      expect(right.result.status).toBe(200);
      expect(right.timingSafeEqual).toBeGreaterThanOrEqual(1);
    });

    it('Way2Pay: the hex HMAC of each generation is compared with timingSafeEqual', async () => {
      for (const k of [W2P.A, W2P.B]) {
        const headers = sign.way2pay(k, 'GET', '/api/v1/balance', Buffer.alloc(0));
        const sig = headers.signature!;
        const send = (s: string) => () => call(url('/way2pay/api/v1/balance'), 'GET', { ...headers, signature: s });
        compared(
          await firstAndLast(
            'way2pay',
            `way2pay generation ${k.generation} signature`,
            send(flipAt(sig, 0, HEX)),
            send(flipAt(sig, sig.length - 1, HEX)),
            refusedBy('way2pay', 401),
          ),
          `way2pay generation ${k.generation}`,
        );
      }
    });

    it('the admin token is compared with timingSafeEqual', async () => {
      const t = h.gw.adminToken;
      const send = (token: string) => () => call(url('/admin/api/merchants'), 'GET', { authorization: `Bearer ${token}` });
      const adminRefused = (r: Res) => r.status === 401;
      compared(await firstAndLast('admin', 'admin token', send(other(t, 0)), send(other(t, t.length - 1)), adminRefused), 'admin token');
    });

    it('the dashboard login token, session cookie and CSRF token are compared with timingSafeEqual', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const t = h.gw.adminToken;
      const login = (token: string) => () =>
        call(url('/dashboard/login'), 'POST', form, `token=${encodeURIComponent(token)}&next=%2Fdashboard`);
      const loginRefused = (r: Res) => r.status === 401 && !r.headers.get('set-cookie');
      compared(
        await firstAndLast('dashboard', 'dashboard login token', login(other(t, 0)), login(other(t, t.length - 1)), loginRefused),
        'dashboard login',
      );
      // a real session (a designed change: the session is recorded in the store), then forged variants of it
      const signedIn = await login(t)();
      expect(signedIn.status).toBe(303);
      const session = decodeURIComponent(/polypay_dash=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!);
      const dot = session.lastIndexOf('.');
      const payload = session.slice(0, dot);
      const mac = session.slice(dot + 1);
      const page = (cookieValue: string) => () =>
        call(url('/dashboard/payments'), 'GET', { cookie: `polypay_dash=${encodeURIComponent(cookieValue)}` });
      const toLogin = (r: Res) => r.status === 303 && (r.headers.get('location') ?? '').startsWith('/dashboard/login');
      expect((await page(session)()).status, 'the real session opens the page').toBe(200);
      compared(
        await firstAndLast(
          'dashboard',
          'dashboard session',
          page(`${payload}.${flipAt(mac, 0, B64URL)}`),
          page(`${payload}.${flipAt(mac, mac.length - 1, B64URL)}`),
          toLogin,
        ),
        'dashboard session',
      );
      // the CSRF token of a form, with a valid session
      const formPage = await call(url('/dashboard/clock'), 'GET', { cookie: `polypay_dash=${encodeURIComponent(session)}` });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(formPage.text)?.[1];
      expect(csrf, 'a form of the dashboard carries its CSRF token').toBeTruthy();
      const act = (token: string) => () =>
        call(
          url('/dashboard/clock/freeze'),
          'POST',
          { ...form, cookie: `polypay_dash=${encodeURIComponent(session)}` },
          `_csrf=${encodeURIComponent(token)}`,
        );
      const csrfRefused = (r: Res) => r.status === 403 && r.text.includes('csrf-refused');
      compared(
        await firstAndLast(
          'dashboard',
          'dashboard CSRF token',
          act(flipAt(csrf!, 0, B64URL)),
          act(flipAt(csrf!, csrf!.length - 1, B64URL)),
          csrfRefused,
        ),
        'dashboard CSRF',
      );
    });
  });
});
