// CloudPayments behaviours checked against the provider's documents and clients, on SQLite and PostgreSQL:
// - `/kkt/receipt/get {Id}` answers the receipt `/kkt/receipt` made, in the documented envelope
//   ({Model:{Email, Phone, Items[…], TaxationSystem, Amounts, IsBso, AdditionalData{…}}, InnerResult, Success,
//   Message}); an unknown Id (or another terminal's) is `{"Success":false,"Message":"Not found"}`;
// - after a partial confirmation the transaction shows the confirmed amount (Amount and PaymentAmount) in get,
//   find, the lists and the Confirm notification, and that amount can be refunded;
// - `/payments/cards/topup` takes a saved `Token` instead of a cryptogram (as a published Python client sends it).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationHandlers } from 'cloudpayments';
import type { TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { card, client, cpSeed, CpReceiver, NOTIFY, OTHER, raw, startCpGateway, VISA_NO_3DS } from './helpers.js';

const NOTIFY_AUTH = 'Basic ' + Buffer.from(`${NOTIFY.publicId}:${NOTIFY.apiSecret}`).toString('base64');
const OTHER_AUTH = 'Basic ' + Buffer.from(`${OTHER.publicId}:${OTHER.apiSecret}`).toString('base64');

describe.each(STORES)('CloudPayments fidelity on %s', (store) => {
  let h: TestGateway;
  let rx: CpReceiver;
  const cp = () => client(h, NOTIFY);

  beforeAll(async () => {
    rx = await new CpReceiver(new NotificationHandlers({ publicId: NOTIFY.publicId, privateKey: NOTIFY.apiSecret })).start();
    h = await startCpGateway(store, cpSeed({ confirm: { address: `${rx.url}/cp/confirm`, httpMethod: 'POST' } }));
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  async function charge(amount: number, extra: Record<string, unknown> = {}, path: 'charge' | 'auth' = 'charge') {
    const c = cp();
    const body = {
      Amount: amount,
      Currency: 'RUB',
      CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
      AccountId: 'fid_user',
      ...extra,
    };
    const r = path === 'charge' ? await c.chargeCryptogram(body) : await c.authCryptogram(body);
    expect(r.Model, JSON.stringify(r)).toBeTruthy();
    return r.Model as any;
  }

  it('/kkt/receipt/get answers the receipt /kkt/receipt made, in the documented envelope; an unknown Id is not found', async () => {
    const made = await raw(
      h,
      '/kkt/receipt',
      JSON.stringify({
        Inn: '7708806062',
        Type: 'Income',
        InvoiceId: 'rcpt-1',
        AccountId: 'user@example.com',
        CustomerReceipt: {
          Items: [
            { label: 'Товар 1', price: 100, quantity: 1, amount: 100, vat: 0, method: 6, object: 3, measurementUnit: 'шт' },
            { label: 'Товар 2', price: 220, quantity: 2.5, amount: 550, vat: 10 },
          ],
          taxationSystem: 2,
          email: 'user@example.com',
        },
      }),
      { auth: NOTIFY_AUTH },
    );
    expect(made.json).toMatchObject({ Success: true, Model: { Id: expect.any(String) } });
    const id = made.json.Model.Id as string;

    const got = await raw(h, '/kkt/receipt/get', JSON.stringify({ Id: id }), { auth: NOTIFY_AUTH });
    expect(got.status).toBe(200);
    expect(Object.keys(got.json)).toEqual(['Model', 'InnerResult', 'Success', 'Message']);
    expect(got.json).toMatchObject({ InnerResult: null, Success: true, Message: null });
    const m = got.json.Model;
    expect(Object.keys(m)).toEqual(['Email', 'Phone', 'Items', 'TaxationSystem', 'Amounts', 'IsBso', 'AdditionalData']);
    expect(m).toMatchObject({ Email: 'user@example.com', Phone: null, TaxationSystem: 2, Amounts: null, IsBso: false });
    expect(m.Items).toEqual([
      {
        Label: 'Товар 1',
        Price: 100,
        Quantity: 1,
        Amount: 100,
        Department: null,
        Vat: 0,
        EAN13: null,
        AgentSign: null,
        Method: 6,
        Object: 3,
        MeasurementUnit: 'шт',
        AgentData: null,
        PurveyorData: null,
      },
      {
        Label: 'Товар 2',
        Price: 220,
        Quantity: 2.5,
        Amount: 550,
        Department: null,
        Vat: 10,
        EAN13: null,
        AgentSign: null,
        Method: 0,
        Object: 0,
        MeasurementUnit: null,
        AgentData: null,
        PurveyorData: null,
      },
    ]);
    expect(m.AdditionalData).toMatchObject({
      Id: id,
      AccountId: 'user@example.com',
      Amount: 650,
      InvoiceId: 'rcpt-1',
      OrganizationInn: '7708806062',
      Type: 'Income',
      DateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
    });

    // a form body and lower-case names read the same receipt
    const form = await raw(h, '/kkt/receipt/get', new URLSearchParams({ id }).toString(), {
      auth: NOTIFY_AUTH,
      type: 'application/x-www-form-urlencoded',
    });
    expect(form.json.Model.AdditionalData.Id).toBe(id);
    // not found: an unknown Id, or another terminal's receipt; a missing Id is the documented required error
    const notFound = { Success: false, Message: 'Not found' };
    expect((await raw(h, '/kkt/receipt/get', JSON.stringify({ Id: 'no-such-receipt' }), { auth: NOTIFY_AUTH })).json).toEqual(notFound);
    expect((await raw(h, '/kkt/receipt/get', JSON.stringify({ Id: id }), { auth: OTHER_AUTH })).json).toEqual(notFound);
    expect((await raw(h, '/kkt/receipt/get', '{}', { auth: NOTIFY_AUTH })).json).toEqual({ Success: false, Message: 'Id is required' });
  });

  it('a partially confirmed payment shows the confirmed amount in get, find, lists and Confirm, and it can be refunded', async () => {
    const a = await charge(20, { InvoiceId: 'fid-partial' }, 'auth');
    expect(a).toMatchObject({ Status: 'Authorized', Amount: 20, PaymentAmount: 20 });
    expect(await cp().confirm({ TransactionId: a.TransactionId, Amount: 15 })).toMatchObject({ Success: true });

    const got = (await cp().get({ TransactionId: a.TransactionId })).Model as any;
    expect(got).toMatchObject({ Status: 'Completed', Amount: 15, PaymentAmount: 15 });
    expect((await cp().find({ InvoiceId: 'fid-partial' })).Model).toMatchObject({ Amount: 15, PaymentAmount: 15 });
    const day = got.CreatedDateIso.slice(0, 10);
    const listed = (await raw(h, '/v2/payments/list', JSON.stringify({ CreatedDateGte: day, CreatedDateLte: day }), { auth: NOTIFY_AUTH }))
      .json.Model as any[];
    expect(listed.find((x) => x.TransactionId === a.TransactionId)).toMatchObject({ Amount: 15, PaymentAmount: 15 });

    const confirm = await rx.waitFor('confirm', (g) => g.request?.TransactionId === String(a.TransactionId));
    expect(confirm.error).toBeNull();
    expect(confirm.request).toMatchObject({ Amount: '15.00', PaymentAmount: '15.00', Status: 'Completed' });

    // the amount shown is the amount that can be refunded
    expect(await cp().refund({ TransactionId: a.TransactionId, Amount: got.Amount })).toMatchObject({ Success: true });
    expect((await cp().get({ TransactionId: a.TransactionId })).Model).toMatchObject({ Amount: 15, Refunded: true });
  });

  it('/payments/cards/topup pays out to a saved Token of this terminal', async () => {
    const funded = await charge(300, { AccountId: 'fid_payee' });
    expect(funded.Token).toMatch(/^tk_/);
    const r = await raw(
      h,
      '/payments/cards/topup',
      JSON.stringify({ Token: funded.Token, Amount: 12.5, AccountId: 'fid_payee', Currency: 'RUB', InvoiceId: 'fid-topup' }),
      { auth: NOTIFY_AUTH },
    );
    expect(r.json).toMatchObject({
      Success: true,
      Message: null,
      Model: { Type: 2, Status: 'Completed', Amount: 12.5, Token: funded.Token, AccountId: 'fid_payee', CardFirstSix: '400000' },
    });
    // another terminal's token is not found; neither a token nor a cryptogram is the documented required error
    const theirs = await raw(h, '/payments/cards/topup', JSON.stringify({ Token: funded.Token, Amount: 1 }), { auth: OTHER_AUTH });
    expect(theirs.json).toEqual({ Success: false, Message: 'Token not found' });
    const neither = await raw(h, '/payments/cards/topup', JSON.stringify({ Amount: 1 }), { auth: NOTIFY_AUTH });
    expect(neither.json).toEqual({ Success: false, Message: 'CardCryptogramPacket is required' });
  });
});
