// Fuzzing the CloudPayments face: random and mutated JSON and form bodies, headers, encodings, huge numbers,
// deep nesting and oversized bodies, with and without valid HTTP Basic auth. Never a 5xx, always
// `{Success, Message}` (a 4xx or, as CloudPayments answers bad parameters, HTTP 200 with Success:false), and a
// refused request changes nothing in the store.
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import {
  bodies,
  contentTypes,
  deepFields,
  encodings,
  formBodies,
  hugeNumbers,
  mutations,
  oddHeaders,
  pathSegments,
  printable,
  queries,
  toForm,
  trickyBodies,
} from '../helpers/fuzz.js';
import { CP, MERCHANT_A, REL_SEED } from './faces.js';
import { FuzzHarness, headerSafe, RUNS, type Answer } from './harness.js';

const ENDPOINTS = [
  '/payments/cards/charge',
  '/payments/cards/auth',
  '/payments/cards/post3ds',
  '/payments/tokens/charge',
  '/payments/tokens/auth',
  '/payments/confirm',
  '/payments/void',
  '/payments/refund',
  '/payments/cards/topup',
  '/payments/token/topup',
  '/payments/get',
  '/payments/find',
  '/v2/payments/find',
  '/payments/list',
  '/v2/payments/list',
  '/payments/tokens/list',
  '/chargebacks/list',
  '/subscriptions/create',
  '/subscriptions/get',
  '/subscriptions/find',
  '/subscriptions/update',
  '/subscriptions/cancel',
  '/orders/create',
  '/orders/cancel',
  '/site/notifications/pay/get',
  '/site/notifications/fail/update',
  '/kkt/receipt',
];
const KEYS = [
  'Amount',
  'Currency',
  'CardCryptogramPacket',
  'TransactionId',
  'PaRes',
  'Token',
  'AccountId',
  'InvoiceId',
  'Email',
  'Description',
  'JsonData',
  'Payer',
  'Receiver',
  'Date',
  'TimeZone',
  'CreatedDateGte',
  'CreatedDateLte',
  'PageNumber',
  'Statuses',
  'Id',
  'StartDate',
  'Interval',
  'Period',
  'MaxPeriods',
  'RequireConfirmation',
  'IsEnabled',
  'Address',
  'HttpMethod',
  'Type',
  'Inn',
  'CustomerReceipt',
];

/** A CloudPayments error answered with HTTP 200: Success false with a Message and no Model (a decline has a Model). */
const isCpError = (a: Answer) => a.json?.Success === false && typeof a.json.Message === 'string' && a.json.Model == null;

describe.each(STORES)('fuzzing the CloudPayments face on %s', (store) => {
  let h: TestGateway;
  let fz: FuzzHarness;
  const templates: Array<[string, Record<string, unknown>]> = [];
  const authA = 'Basic ' + Buffer.from(`${CP.A.publicId}:${CP.A.apiSecret}`).toString('base64');

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    fz = new FuzzHarness(h, 'cloudpayments');
    // objects of merchant A that the mutated requests refer to
    const c = new CloudPaymentsClient({ endpoint: `${h.url}/cloudpayments`, publicId: CP.A.publicId, apiSecret: CP.A.apiSecret });
    const card = { number: '4000000000003055', expMonth: 12, expYear: 2035, cvv: '123' };
    const charged = (
      await c.chargeCryptogram({
        Amount: 100,
        Currency: 'RUB',
        CardCryptogramPacket: await c.cryptogram(card),
        InvoiceId: 'fz-inv-1',
        AccountId: 'fz-payer',
      })
    ).Model as any;
    const authorized = (
      await c.authCryptogram({ Amount: 100, Currency: 'RUB', CardCryptogramPacket: await c.cryptogram(card), AccountId: 'fz-payer' })
    ).Model as any;
    const threeDs = (
      await c.chargeCryptogram({
        Amount: 5,
        Currency: 'RUB',
        CardCryptogramPacket: await c.cryptogram({ ...card, number: '4242424242424242' }),
      })
    ).Model as any;
    const sub = (
      await c.createSubscription({
        Token: charged.Token,
        AccountId: 'fz-payer',
        Description: 'fuzz',
        Amount: 1,
        Currency: 'RUB',
        StartDate: '2035-01-01T00:00:00',
        Interval: 'Month',
        Period: 1,
      })
    ).Model as any;
    const order = (await c.createOrder({ Amount: 10, Currency: 'RUB', Description: 'fuzz order' })).Model as any;
    const packet = await c.cryptogram(card);
    const day = new Date().toISOString().slice(0, 10);
    templates.push(
      [
        '/payments/cards/charge',
        {
          Amount: 10.5,
          Currency: 'RUB',
          CardCryptogramPacket: packet,
          InvoiceId: 'fz-2',
          AccountId: 'fz-payer',
          Email: 'a@example.com',
          Description: 'd',
          JsonData: { a: 1 },
        },
      ],
      ['/payments/cards/auth', { Amount: 10, Currency: 'USD', CardCryptogramPacket: packet, Name: 'IVAN', Payer: { FirstName: 'I' } }],
      ['/payments/cards/post3ds', { TransactionId: threeDs.TransactionId, PaRes: 'eyJhbGciOiJub25lIn0' }],
      ['/payments/tokens/charge', { Amount: 1, Currency: 'RUB', AccountId: 'fz-payer', Token: charged.Token, TrInitiatorCode: 0 }],
      [
        '/payments/tokens/auth',
        { Amount: 1, Currency: 'RUB', AccountId: 'fz-payer', Token: charged.Token, TrInitiatorCode: 1, PaymentScheduled: 0 },
      ],
      ['/payments/confirm', { TransactionId: authorized.TransactionId, Amount: 1 }],
      ['/payments/void', { TransactionId: authorized.TransactionId }],
      ['/payments/refund', { TransactionId: charged.TransactionId, Amount: 1, JsonData: '{"r":1}' }],
      ['/payments/cards/topup', { Amount: 1, Currency: 'RUB', CardCryptogramPacket: packet, Name: 'IVAN', AccountId: 'fz-payer' }],
      ['/payments/token/topup', { Amount: 1, Currency: 'RUB', AccountId: 'fz-payer', Token: charged.Token }],
      ['/payments/get', { TransactionId: charged.TransactionId }],
      ['/payments/find', { InvoiceId: 'fz-inv-1' }],
      ['/v2/payments/find', { InvoiceId: 'fz-inv-1' }],
      ['/payments/list', { Date: day, TimeZone: 'MSK' }],
      [
        '/v2/payments/list',
        { CreatedDateGte: `${day}T00:00:00`, CreatedDateLte: `${day}T23:59:59`, PageNumber: 1, Statuses: ['Completed'] },
      ],
      ['/payments/tokens/list', { PageNumber: 1 }],
      ['/chargebacks/list', { CreatedDateGte: day, PageNumber: 1 }],
      [
        '/subscriptions/create',
        {
          Token: charged.Token,
          AccountId: 'fz-payer',
          Description: 'd',
          Email: 'a@example.com',
          Amount: 1,
          Currency: 'RUB',
          RequireConfirmation: false,
          StartDate: '2035-01-01',
          Interval: 'Week',
          Period: 2,
          MaxPeriods: 3,
        },
      ],
      ['/subscriptions/get', { Id: sub.Id }],
      ['/subscriptions/find', { AccountId: 'fz-payer' }],
      ['/subscriptions/update', { Id: sub.Id, Amount: 2, Interval: 'Day', Period: 1, Description: 'x' }],
      ['/subscriptions/cancel', { Id: sub.Id }],
      [
        '/orders/create',
        {
          Amount: 10,
          Currency: 'RUB',
          Description: 'd',
          Email: 'a@example.com',
          SuccessRedirectUrl: 'https://example.com/ok',
          SendEmail: false,
        },
      ],
      ['/orders/cancel', { Id: order.Id }],
      ['/site/notifications/pay/get', {}],
      [
        '/site/notifications/fail/update',
        { IsEnabled: false, Address: 'https://example.com/fail', HttpMethod: 'POST', Encoding: 'UTF8', Format: 'CloudPayments' },
      ],
      [
        '/kkt/receipt',
        { Type: 'Income', Inn: '7708806063', CustomerReceipt: { Items: [{ label: 'x', price: 1, quantity: 1, amount: 1 }] } },
      ],
    );
    await fz.start();
  });
  afterAll(async () => {
    fz?.write();
    await h?.close();
  });

  const anyBody = fc
    .oneof(bodies(KEYS), hugeNumbers(KEYS), deepFields(KEYS), trickyBodies(KEYS), formBodies(KEYS), encodings(bodies(KEYS)))
    .map(printable);

  it('unauthenticated and mis-authenticated requests get 401 {Success:false, Message} and change nothing', async () => {
    const secretFlip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'x' ? 'y' : 'x') + s.slice(at + 1);
    const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
    const auths = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 120 }).map(headerSafe),
      fc.string({ maxLength: 80 }).map((s) => 'Basic ' + Buffer.from(s).toString('base64')),
      fc.constantFrom(
        basic(CP.A.publicId, CP.B.apiSecret),
        basic(CP.B.publicId, CP.A.apiSecret),
        basic(CP.A.publicId, secretFlip(CP.A.apiSecret, 0)),
        basic(CP.A.publicId, secretFlip(CP.A.apiSecret, CP.A.apiSecret.length - 1)),
        basic(CP.A.publicId, ''),
        basic(CP.A.publicId, CP.A.apiSecret + ' '),
        basic('', CP.A.apiSecret),
        basic(CP.A.publicId.toUpperCase(), CP.A.apiSecret),
        'Basic ' + Buffer.from(CP.A.publicId + CP.A.apiSecret).toString('base64'),
        'Bearer ' + CP.A.apiSecret,
        'Basic ' + 'A'.repeat(10_000),
        'Basic ====',
        `Basic ${CP.A.publicId}:${CP.A.apiSecret}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), anyBody, queries, contentTypes, auths, async (path, body, query, ct, auth) => {
        await fz.send(
          'unauthenticated',
          {
            method: 'POST',
            path,
            query,
            headers: { ...(auth !== undefined ? { authorization: auth } : {}), ...(ct ? { 'content-type': ct } : {}) },
            body,
          },
          { refused: true },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('authenticated random requests get {Success, Message}, never a 5xx; errors change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), anyBody, queries, contentTypes, oddHeaders, async (path, body, query, ct, extra) => {
        const headers: Record<string, string> = { ...extra, authorization: authA };
        if (ct) headers['content-type'] = ct;
        delete headers['content-encoding'];
        await fz.send('authenticated random', { method: 'POST', path, query, headers, body }, { isError: isCpError, merchant: MERCHANT_A });
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated valid requests (JSON and forms) are answered, never a 5xx; errors change nothing', async () => {
    const mutated = fc.constantFrom(...templates).chain(([path, t]) =>
      fc.tuple(
        fc.constant(path),
        fc.oneof(
          mutations(t).map((text) => ({ text, form: false })),
          mutations(t).map((text) => ({ text, form: true })),
        ),
        fc.option(fc.string({ minLength: 1, maxLength: 20 }).map(headerSafe)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async ([path, m, requestId]) => {
        let body = m.text;
        if (m.form) {
          try {
            body = toForm(JSON.parse(m.text) as Record<string, unknown>);
          } catch {
            /* a cut or raw-literal text goes as it is */
          }
        }
        const headers: Record<string, string> = {
          authorization: authA,
          'content-type': m.form ? 'application/x-www-form-urlencoded' : 'application/json',
        };
        if (requestId) headers['x-request-id'] = requestId;
        await fz.send(
          'mutated',
          { method: 'POST', path, query: '', headers, body: Buffer.from(body) },
          { isError: isCpError, merchant: MERCHANT_A },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths, methods and headers under the face never get a 5xx', async () => {
    const words = [
      'payments',
      'cards',
      'charge',
      'tokens',
      'subscriptions',
      'orders',
      'site',
      'notifications',
      'pay',
      'get',
      'update',
      'v2',
      'list',
      'test',
      'publickey',
      'checkout.js',
      'kkt',
      'receipt',
      '3ds',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathSegments(words),
        fc.boolean(),
        oddHeaders,
        bodies(KEYS).map(printable),
        async (method, path, signed, extra, body) => {
          const headers: Record<string, string> = { ...extra, ...(signed ? { authorization: authA } : {}) };
          await fz.send(
            'paths',
            { method, path, query: '', headers, body },
            { pages: true, isError: isCpError, merchant: signed ? MERCHANT_A : null },
          );
        },
      ),
      { numRuns: RUNS },
    );
    await fz.finish();
  });
});
