// NovaPay secure delivery over real HTTP, on SQLite and PostgreSQL: the Nova Poshta calls of /delivery-info
// (reference data in Nova Poshta's envelope, or the pass-through with NOVAPOSHTA_API_KEY), delivery prices,
// a secure payment from hold to express waybill, its simulated tracking in postbacks, and the waybill PDF.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/core/clock.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';
import { client, FACES, NOVAPAY_SEED, payOnPage, signaturesOf, UUID_RE } from './setup.js';

const KYIV = '8d5a980d-391c-11dd-90d9-001a92567626';
const LVIV = 'db5c88f5-391c-11dd-90d9-001a92567626';
const LVIV_1 = '1ec09d2e-e1c2-11e3-8c4a-0050568002cf';
const KYIV_1 = '1ec09d88-e1c2-11e3-8c4a-0050568002cf';
const PHONE = '+380671234567';
const ENVELOPE_KEYS = ['success', 'data', 'errors', 'warnings', 'info', 'messageCodes', 'errorCodes', 'warningCodes', 'infoCodes'];
const WAREHOUSE_FIELDS = [
  'Ref',
  'SiteKey',
  'Description',
  'DescriptionRu',
  'TypeOfWarehouse',
  'Number',
  'CityRef',
  'CityDescription',
  'CityDescriptionRu',
  'Longitude',
  'Latitude',
  'PostFinance',
  'POSTerminal',
  'InternationalShipping',
  'TotalMaxWeightAllowed',
  'PlaceMaxWeightAllowed',
  'Reception',
  'Delivery',
  'Schedule',
];

describe.each(STORES)('NovaPay face on %s: delivery', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  let gatewayPublic: string;

  beforeAll(async () => {
    h = await startTestGateway(store, NOVAPAY_SEED, undefined, { faces: FACES });
    rx = await new Receiver().start();
    gatewayPublic = await (await fetch(`${h.url}/novapay/v1/public-key`)).text();
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  const balance = () => h.gw.engine.read(async (tx) => (await h.gw.engine.ledger.balance(tx, 'np1', 'UAH')).available);
  const postbacks = (id: string) =>
    rx.requests.map((r) => ({ ...r, json: JSON.parse(r.body) as Record<string, unknown> })).filter((r) => r.json.id === id);

  describe('/delivery-info answers the Nova Poshta calls from reference data', () => {
    it('Address/getCities by FindByString and by Ref, with Page and Limit', async () => {
      const c = client(h);
      const kyiv = await c.deliveryInfo('Address', 'getCities', { FindByString: 'Київ' });
      expect(Object.keys(kyiv)).toEqual(ENVELOPE_KEYS);
      expect(kyiv).toMatchObject({ success: true, errors: [], warnings: [], info: { totalCount: 1 } });
      expect(kyiv.data[0]).toMatchObject({
        Description: 'Київ',
        DescriptionRu: 'Киев',
        Ref: KYIV,
        Area: '71508131-9b87-11de-822f-000c2965ae0e',
        SettlementTypeDescription: 'місто',
        CityID: '4',
      });
      expect((await c.deliveryInfo('Address', 'getCities', { FindByString: 'льв' })).data.map((x) => x.Ref)).toEqual([LVIV]);
      expect((await c.deliveryInfo('Address', 'getCities', { FindByString: 'Одесса' })).data.map((x) => x.Description)).toEqual(['Одеса']);
      for (const name of ['Харків', 'Дніпро', 'Запоріжжя', 'Агрономічне']) {
        expect(
          (await c.deliveryInfo('Address', 'getCities', { FindByString: name })).data.map((x) => x.Description),
          name,
        ).toEqual([name]);
      }
      expect((await c.deliveryInfo('AddressGeneral', 'getCities', { Ref: LVIV })).data.map((x) => x.Description)).toEqual(['Львів']);
      const page2 = await c.deliveryInfo('Address', 'getCities', { Page: '2', Limit: '3' });
      expect(page2.data).toHaveLength(3);
      expect(page2.info).toEqual({ totalCount: 7 });
      expect(await c.deliveryInfo('Address', 'getCities', { FindByString: 'Нью-Йорк' })).toMatchObject({
        success: true,
        data: [],
        info: { totalCount: 0 },
      });
    });

    it('AddressGeneral/getWarehouses by CityRef with paging, and getWarehouseTypes', async () => {
      const c = client(h);
      const all = await c.deliveryInfo('AddressGeneral', 'getWarehouses', { CityRef: KYIV, Limit: 1000, Page: 1 });
      expect(all.info).toEqual({ totalCount: 3 });
      expect(all.data.map((w) => w.Number)).toEqual(['1', '181', '375']);
      for (const w of all.data) for (const f of WAREHOUSE_FIELDS) expect(w, f).toHaveProperty(f);
      expect(all.data[0]).toMatchObject({
        Ref: KYIV_1,
        Description: 'Відділення №1: вул. Пирогівський шлях, 135',
        CityRef: KYIV,
        CityDescription: 'Київ',
      });
      const p2 = await c.deliveryInfo('AddressGeneral', 'getWarehouses', { CityRef: KYIV, Limit: '2', Page: '2' });
      expect(p2.data.map((w) => w.Number)).toEqual(['375']);
      expect(p2.info).toEqual({ totalCount: 3 });
      const cargo = await c.deliveryInfo('Address', 'getWarehouses', {
        CityRef: KYIV,
        TypeOfWarehouseRef: '9a68df70-0267-42a8-bb5c-37f427e36ee4',
      });
      expect(cargo.data.map((w) => w.Number)).toEqual(['1']);
      expect((await c.deliveryInfo('Address', 'getWarehouses', { CityRef: LVIV })).data[0]).toMatchObject({
        Ref: LVIV_1,
        Description: 'Відділення №1: вул. Городоцька, 359',
      });
      const types = await c.deliveryInfo('AddressGeneral', 'getWarehouseTypes', { CityRef: KYIV });
      expect(types.data).toContainEqual({
        Ref: '841339c7-591a-42e2-8233-7a0a00f0ed6f',
        Description: 'Поштове відділення',
        DescriptionRu: 'Почтовое отделение',
      });
      for (const t of types.data) expect(Object.keys(t).sort()).toEqual(['Description', 'DescriptionRu', 'Ref']);
    });

    it('Common/getCargoTypes and InternetDocument/getDocumentPrice with MarketPlaceSecurePayment', async () => {
      const c = client(h);
      const cargo = await c.deliveryInfo('Common', 'getCargoTypes', {});
      expect(cargo.data).toContainEqual({ Description: 'Посилка', Ref: 'Parcel' });
      const props = {
        CitySender: KYIV,
        CityRecipient: LVIV,
        Weight: '1',
        ServiceType: 'WarehouseWarehouse',
        Cost: '500',
        CargoType: 'Parcel',
        SeatsAmount: '1',
      };
      const plain = await c.deliveryInfo('InternetDocument', 'getDocumentPrice', props);
      expect(plain.data).toEqual([{ AssessedCost: 500, Cost: 82.5, TZoneInfo: { TzoneName: 'Україна', TzoneID: '3' } }]);
      const secure = await c.deliveryInfo('InternetDocument', 'getDocumentPrice', {
        ...props,
        MarketPlaceSecurePayment: 1,
        RedeliveryCalculate: { CargoType: 'Money', Amount: '500' },
        PackCalculate: { PackCount: 1, PackRef: 'x' },
      });
      expect(secure.data).toEqual([
        { AssessedCost: 500, Cost: 102.5, CostRedelivery: 30, CostPack: 15, TZoneInfo: { TzoneName: 'Україна', TzoneID: '3' } },
      ]);
      const heavy = await c.deliveryInfo('InternetDocument', 'getDocumentPrice', { ...props, Weight: '4.2', CityRecipient: KYIV });
      expect(heavy.data[0]).toMatchObject({ Cost: 60 + 3 * 5 + 2.5 });
      const bad = await c.deliveryInfo('InternetDocument', 'getDocumentPrice', { ...props, CityRecipient: 'nowhere' });
      expect(bad).toMatchObject({ success: false, data: [], errors: ['CityRecipient is not specified or not found'], info: [] });
      expect(await c.deliveryInfo('Nope', 'nothing', {})).toMatchObject({
        success: false,
        errors: ['Method Nope/nothing is not available'],
      });
    });

    it('passes the call through to Nova Poshta when NOVAPOSHTA_API_KEY is set (unreachable here)', async () => {
      const c = client(h);
      process.env.NOVAPOSHTA_API_KEY = 'test-key';
      try {
        const r = await c.deliveryInfo('Address', 'getCities', { FindByString: 'Київ' });
        expect(r.success).toBe(false);
        expect(r.errors.length).toBeGreaterThan(0);
        await expect(
          c.deliveryPrice({ amount: 500, volume_weight: 0.001, weight: 1, recipient_city: LVIV, recipient_warehouse: LVIV_1 }),
        ).rejects.toMatchObject({ code: 'DeliveryPriceCalculationError' });
      } finally {
        delete process.env.NOVAPOSHTA_API_KEY;
      }
      expect((await c.deliveryInfo('Address', 'getCities', { FindByString: 'Київ' })).success).toBe(true);
    });
  });

  it('/delivery-price answers {delivery_price} from the merchant sender city, with the secure-payment charge', async () => {
    const price = { amount: 500, volume_weight: 0.001, weight: 1, recipient_city: LVIV, recipient_warehouse: LVIV_1 };
    expect(await client(h).deliveryPrice(price)).toEqual({ delivery_price: 102.5 });
    // merchant 2 ships from Lviv: a same-city price
    expect(await client(h, { merchant: 2, algorithm: 'sha256' }).deliveryPrice(price)).toEqual({ delivery_price: 82.5 });
    // volumetric weight counts when larger (0.02 m³ × 250 = 5 kg)
    expect(await client(h).deliveryPrice({ ...price, volume_weight: '0.02' })).toEqual({ delivery_price: 102.5 + 3 * 7 });
    await expect(client(h).deliveryPrice({ ...price, recipient_warehouse: KYIV_1 })).rejects.toMatchObject({
      body: { type: 'processing', error: 'delivery price calculation failed' },
    });
  });

  it('a secure payment: hold with the delivery price, express waybill, tracking postbacks, completion on receipt', async () => {
    const c = client(h);
    const before = await balance();
    const s = await c.createSession({
      client_phone: PHONE,
      client_first_name: 'Леся',
      client_last_name: 'Українка',
      callback_url: `${rx.url}/np`,
    });
    const delivery = { volume_weight: 0.001, weight: 1, recipient_city: LVIV, recipient_warehouse: LVIV_1 };
    await expect(
      c.addPayment({
        session_id: s.id,
        amount: 500,
        delivery: { ...delivery, recipient_warehouse: '00000000-0000-0000-0000-000000000000' },
      }),
    ).rejects.toMatchObject({ code: 'DeliveryPriceCalculationError' });
    const p = await c.addPayment({
      session_id: s.id,
      amount: 500,
      external_id: 'D-1',
      products: [{ description: 'Книга', count: '1', price: '500' }],
      delivery,
    });
    let st = await c.getStatus(s.id);
    expect(st).toMatchObject({
      status: 'created',
      amount: '602.50',
      delivery_amount: '102.50',
      express_waybill: null,
      delivery_status_code: null,
    });
    // delivery always holds, even without use_hold
    await payOnPage(p.url, '4000000000003055');
    expect((await c.getStatus(s.id)).status).toBe('holded');
    expect(await balance()).toBe(before);

    const conf = await c.confirmDeliveryHold(s.id);
    expect(Object.keys(conf)).toEqual(['id', 'metadata', 'express_waybill', 'ref_id']);
    expect(conf).toEqual({
      id: s.id,
      metadata: null,
      express_waybill: expect.stringMatching(/^2045\d{10}$/),
      ref_id: expect.stringMatching(UUID_RE),
    });
    // confirming again answers the same waybill
    expect(await c.confirmDeliveryHold(s.id)).toEqual(conf);
    st = await c.getStatus(s.id);
    expect(st).toMatchObject({ status: 'hold_confirmed', express_waybill: conf.express_waybill, delivery_status_code: '1' });

    // the waybill as a PDF
    const doc = await c.printExpressWaybill(s.id);
    expect(doc.mimeType).toBe('application/pdf');
    expect(doc.fileName).toBe(`${conf.express_waybill}.pdf`);
    const text = doc.pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toContain(conf.express_waybill);
    expect(text).toContain('(Ukrainka Lesia)');
    expect(text).toContain('Viddilennia No.1: vul. Horodotska, 359');
    const startxref = Number(/startxref\n(\d+)\n/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    for (const m of text.matchAll(/^(\d{10}) 00000 n $/gm)) expect(text.slice(Number(m[1]), Number(m[1]) + 8)).toMatch(/^\d+ 0 obj/);
    const raw = await c.raw('/print-express-waybill', JSON.stringify({ merchant_id: 1, session_id: s.id }));
    expect(signaturesOf(raw.bytes, raw.headers, gatewayPublic)).toEqual({ sha1: true, sha256: true });
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename=${conf.express_waybill}.pdf`);

    // the parcel moves with the clock: 1 → 4 → 5 → 6 → 7 → 9 (received), then the hold completes
    const steps: Array<[number, string]> = [
      [2 * HOUR, '4'],
      [6 * HOUR, '5'],
      [12 * HOUR, '6'],
      [6 * HOUR, '7'],
    ];
    for (const [ms, code] of steps) {
      h.gw.clock.advance(ms + MINUTE);
      await eventually(async () => expect((await c.getStatus(s.id)).delivery_status_code).toBe(code));
    }
    expect((await c.getStatus(s.id)).delivery_status_text).toBe('Прибув на відділення');
    h.gw.clock.advance(24 * HOUR + MINUTE);
    await eventually(async () => expect((await c.getStatus(s.id)).status).toBe('paid'));
    expect(await c.getStatus(s.id)).toMatchObject({
      delivery_status_code: '9',
      delivery_status_text: 'Відправлення отримано',
      amount: '602.50',
    });
    expect(await balance()).toBe(before + 60250n);

    await rx.waitFor(() => postbacks(s.id).some((x) => x.json.status === 'paid'));
    const pbs = postbacks(s.id);
    for (const pb of pbs) expect(signaturesOf(pb.body, pb.headers, gatewayPublic)).toEqual({ sha1: true, sha256: true });
    const codes = pbs.map((x) => x.json.delivery_status_code).filter((x) => x !== null);
    for (const code of ['1', '4', '5', '6', '7', '9']) expect(codes).toContain(code);
    const confirmed = pbs.find((x) => x.json.status === 'hold_confirmed')!.json;
    expect(confirmed).toMatchObject({
      delivery: { recipient_city: LVIV, recipient_warehouse: LVIV_1 },
      delivery_amount: 102.5,
      delivery_status_code: '1',
      delivery_status_text: 'Відправник самостійно створив цю накладну, але ще не надав до відправки',
      amount: 602.5,
      external_id: 'D-1',
      products: [{ description: 'Книга', count: '1', price: '500' }],
    });
    expect(pbs.find((x) => x.json.delivery_status_code === '5')!.json.delivery_status_text).toBe('Відправлення прямує до міста Львів');
  });

  it('checkout: the delivery given at session creation feeds the payment; postbacks name the city and warehouse', async () => {
    const c = client(h, { algorithm: 'sha256' });
    const s = await c.checkoutSession({
      callback_url: `${rx.url}/np`,
      client_phone: PHONE,
      client_first_name: 'Іван',
      delivery: { recipient_city: LVIV, recipient_warehouse: LVIV_1, weight: '1', volume_weight: '0.001' },
    });
    const p = await c.checkoutPayment({ session_id: s.id, amount: 500 });
    expect(await c.getStatus(s.id)).toMatchObject({ status: 'created', amount: '602.50', delivery_amount: '102.50' });
    await payOnPage(p.url, '4000000000003055');
    const conf = await c.confirmDeliveryHold(s.id);
    await rx.waitFor(() => postbacks(s.id).some((x) => x.json.status === 'hold_confirmed'));
    expect(postbacks(s.id).find((x) => x.json.status === 'hold_confirmed')!.json.delivery).toEqual({
      recipient_city: LVIV,
      recipient_warehouse: LVIV_1,
      recipient_city_description: 'Львів',
      recipient_warehouse_description: 'Відділення №1: вул. Городоцька, 359',
      express_waybills: [conf.express_waybill],
      ew_fail_reason: [],
      recipient_phone: PHONE,
      recipient_last_name: null,
      recipient_first_name: 'Іван',
      recipient_patronymic: null,
    });
    await c.void(s.id);
    await eventually(async () => expect((await c.getStatus(s.id)).status).toBe('voided'));
  });

  it('a secure payment voided by the seller stops the parcel; confirming needs a hold', async () => {
    const c = client(h, { algorithm: 'sha256' });
    const s = await c.createSession({ client_phone: PHONE });
    await expect(c.confirmDeliveryHold(s.id)).rejects.toMatchObject({ code: 'DeliveryNotUsedError' });
    const p = await c.addPayment({
      session_id: s.id,
      amount: '100',
      delivery: { volume_weight: '0.0004', weight: '0.1', recipient_city: KYIV, recipient_warehouse: KYIV_1 },
    });
    await expect(c.confirmDeliveryHold(s.id)).rejects.toMatchObject({ code: 'SessionInvalidStatusError' });
    await payOnPage(p.url, '4000000000003055');
    const conf = await c.confirmDeliveryHold(s.id);
    expect(await c.void(s.id)).toBeNull();
    await eventually(async () => expect((await c.getStatus(s.id)).status).toBe('voided'));
    h.gw.clock.advance(3 * HOUR);
    await new Promise((r) => setTimeout(r, 200));
    expect(await c.getStatus(s.id)).toMatchObject({
      status: 'voided',
      delivery_status_code: '1',
      express_waybill: conf.express_waybill,
      transaction_status: 'REFUNDED',
    });
  });
});
