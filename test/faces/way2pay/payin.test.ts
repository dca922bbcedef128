// Way2Pay pay-ins end to end over real HTTP, on SQLite and PostgreSQL: requisites from the pool, the payer's
// transfer (sandbox) and the operator's confirmation, COMPLETED, INCORRECT_AMOUNT, TIMEOUT (the Clock),
// CANCELLED (both cancel forms), ERROR and REFUNDED, each with its signed callback to a real receiver,
// retries after failed callbacks, commissions and the payment balance in the ledger.
import { describe, expect, it } from 'vitest';
import { way2payService } from '../../../src/faces/way2pay/service.js';
import { startTestGateway, useGateway } from '../../helpers/gateway.js';
import { Receiver, type Received } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';
import { client, EMPTY, ext, FACES, GEN1, GEN3, hmac256, ISO_MS, raw, UUID, W2P_SEED, type Keys } from './helpers.js';

const CURRENT_KEYS = [
  'id',
  'externalID',
  'trackerID',
  'status',
  'amount',
  'commission',
  'currency',
  'bank',
  'method',
  'receiver',
  'holder',
  'description',
  'createdAt',
  'updatedAt',
];
const SEED_KEYS = ['id', 'externalID', 'currency', 'amount', 'status', 'method', 'bank', 'cardNumber', 'holder', 'createdAt', 'updatedAt'];
const CALLBACK_KEYS = [
  'id',
  'externalID',
  'trackerID',
  'status',
  'amount',
  'commission',
  'currency',
  'bank',
  'method',
  'receiver',
  'holder',
  'description',
  'timestamp',
];
const LIFETIME = 15 * 60_000;

describe.each(STORES)('Way2Pay pay-ins on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, W2P_SEED, undefined, { faces: FACES }), { receiver: true });

  const sandbox = async (path: string, body: unknown = {}) => {
    // the sandbox operator routes take the admin token
    const res = await fetch(`${g.h.url}/way2pay/sandbox${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.h.gw.adminToken}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  /** Waits for the callback of a pay-in with a status and checks its headers and signature. */
  async function callback(id: string, status: string, k: Keys, r: Receiver = g.rx): Promise<{ req: Received; body: any }> {
    const got = await r.waitFor((list) => list.some((x) => x.body.includes(id) && JSON.parse(x.body).status === status));
    const req = got.find((x) => x.body.includes(id) && JSON.parse(x.body).status === status)!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Way2Pay-Callback/1.0');
    expect(req.headers['x-polypay-event-id']).toMatch(UUID);
    const ts = req.headers['x-webhook-timestamp'] as string;
    expect(ts).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(300);
    expect(req.headers['x-webhook-signature']).toBe('sha256=' + hmac256(k.callbackSecret, `${ts}.${req.body}`));
    return { req, body: JSON.parse(req.body) };
  }

  const balance = (k: Keys) => client(g.h, k).balance();
  const transfers = (id: string) => g.h.gw.engine.read((tx) => tx.ledger.listTransfersByRef('way2pay_payin', id));

  it('completes a pay-in (current generation): requisites, commission, signed callback, payment balance', async () => {
    const c = client(g.h, GEN3);
    const before = (await balance(GEN3)).balance.payment;
    const x = ext('done');
    const p = await c.createPayIn({
      bankId: 1,
      externalID: x,
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb/gen3`,
      description: 'Тестовая оплата',
      amount: '1000.50',
      method: 'CARD',
    });
    expect(Object.keys(p)).toEqual(CURRENT_KEYS);
    expect(p).toMatchObject({
      externalID: x,
      status: 'PENDING',
      amount: '1000.5',
      commission: '106.05',
      currency: 'RUB',
      bank: 'Сбер',
      method: 'CARD',
      description: 'Тестовая оплата',
    });
    expect(p.id).toMatch(UUID);
    expect(p.trackerID).toMatch(UUID);
    expect(p.receiver).toMatch(/^220070010000001\d$/);
    expect(p.holder).toBe('Иванов Иван Иванович');
    expect(p.createdAt).toMatch(ISO_MS);
    // the payer transfers the exact amount (sandbox)
    const paid = await sandbox(`/pay-in/${p.id}/pay`);
    expect(paid.status).toBe(200);
    expect(paid.json).toMatchObject({ success: true, data: { id: p.id, status: 'COMPLETED' } });
    const { body } = await callback(p.id, 'COMPLETED', GEN3);
    expect(Object.keys(body)).toEqual(CALLBACK_KEYS);
    expect(body).toMatchObject({
      id: p.id,
      externalID: x,
      trackerID: p.trackerID,
      status: 'COMPLETED',
      amount: '1000.5',
      commission: '106.05',
      currency: 'RUB',
      bank: 'Сбер',
      method: 'CARD',
      receiver: p.receiver,
      holder: p.holder,
      description: 'Тестовая оплата',
    });
    expect(body.timestamp).toMatch(ISO_MS);
    const got = await c.getPayIn(p.id);
    expect(got).toEqual({ ...p, status: 'COMPLETED', updatedAt: got.updatedAt });
    // 1000.50 less 10.6 % (106.05) is credited to the payment balance
    const after = (await balance(GEN3)).balance.payment;
    expect(BigInt(Math.round(Number(after.available) * 100)) - BigInt(Math.round(Number(before.available) * 100))).toBe(89445n);
    expect(after.frozen).toBe('0');
    expect((await transfers(p.id)).map((t) => [t.code, t.amount])).toEqual([
      ['way2pay_payin', 89445n],
      ['way2pay_payin_fee', 10605n],
    ]);
    // finalized: it can no longer be cancelled
    await expect(c.cancelPayIn(p.id)).rejects.toMatchObject({ status: 409, code: 60012 });
    // listed, newest first
    const list = await c.listPayIns({ limit: 1 });
    expect(list.items[0]!.id).toBe(p.id);
    expect(list.total).toBeGreaterThanOrEqual(1);
  });

  it("completes a pay-in (seed generation) through PROCESSING and the operator's confirmation", async () => {
    const c = client(g.h, GEN1);
    const p = await c.createPayIn({
      externalID: ext('seed'),
      currency: 'RUB',
      callbackURL: `${g.rx.url}/cb/gen1`,
      description: 'Тестовый платеж',
      amount: '1000',
    });
    expect(Object.keys(p)).toEqual(SEED_KEYS);
    expect(p).toMatchObject({ currency: 'RUB', amount: '1000', status: 'PENDING', method: 'CARD' });
    expect(p.bank).toMatch(/^(SBER|TBANK|ALFA|VTB|OZON)$/);
    expect(p.cardNumber).toMatch(/^22007001\d{8}$/);
    // the payer reports the transfer: PROCESSING, the money frozen on the payment balance
    const reported = await sandbox(`/pay-in/${p.id}/pay`, { confirm: false });
    expect(reported.json.data.status).toBe('PROCESSING');
    const processing = await callback(p.id, 'PROCESSING', GEN1);
    expect(processing.body.bank).toBe(p.bank);
    expect((await balance(GEN1)).balance.payment).toMatchObject({ frozen: '894' });
    // the operator confirms it
    const done = await sandbox(`/pay-in/${p.id}/confirm`);
    expect(done.json.data).toEqual({ ...p, status: 'COMPLETED', updatedAt: done.json.data.updatedAt });
    await callback(p.id, 'COMPLETED', GEN1);
    expect((await balance(GEN1)).balance.payment).toMatchObject({ frozen: '0' });
    expect((await transfers(p.id)).map((t) => t.code)).toEqual([
      'way2pay_payin_hold',
      'way2pay_payin_fee_hold',
      'way2pay_payin',
      'way2pay_payin',
    ]);
  });

  it('ends in INCORRECT_AMOUNT when the payer transfers another amount, with no credit', async () => {
    const c = client(g.h, GEN3);
    const before = (await balance(GEN3)).balance.payment;
    const a = await c.createPayIn({
      bankId: 2,
      externalID: ext('wrong'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '2500',
      method: 'SBP',
    });
    expect(a).toMatchObject({ status: 'PENDING', bank: 'Т-Банк', method: 'SBP' });
    expect(a.receiver).toMatch(/^7999\d{7}$/);
    const r = await sandbox(`/pay-in/${a.id}/pay`, { amount: '2499.99' });
    expect(r.json.data.status).toBe('INCORRECT_AMOUNT');
    expect((await callback(a.id, 'INCORRECT_AMOUNT', GEN3)).body).toMatchObject({ amount: '2500', status: 'INCORRECT_AMOUNT' });
    // reported first, then confirmed with another amount: the frozen money is released
    const b = await c.createPayIn({
      bankId: 3,
      externalID: ext('wrong'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '300',
      method: 'ACCOUNT',
    });
    expect(b.receiver).toMatch(/^40817810\d{12}$/);
    await sandbox(`/pay-in/${b.id}/pay`, { amount: '30', confirm: false });
    expect((await balance(GEN3)).balance.payment.frozen).not.toBe('0');
    expect((await sandbox(`/pay-in/${b.id}/confirm`)).json.data.status).toBe('INCORRECT_AMOUNT');
    await callback(b.id, 'INCORRECT_AMOUNT', GEN3);
    expect((await balance(GEN3)).balance.payment).toEqual(before);
    await expect(c.cancelPayIn(b.id)).rejects.toMatchObject({ code: 60012 });
  });

  it('times out a pay-in nobody paid within its lifetime (the Clock), with a callback', async () => {
    const c = client(g.h, GEN3);
    const p = await c.createPayIn({
      bankId: 4,
      externalID: ext('late'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '777',
      method: 'CARD',
    });
    g.h.gw.clock.advance(LIFETIME - 60_000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.getPayIn(p.id)).status).toBe('PENDING');
    g.h.gw.clock.advance(60_000 + 1000);
    await eventually(async () => expect((await c.getPayIn(p.id)).status).toBe('TIMEOUT'));
    expect((await callback(p.id, 'TIMEOUT', GEN3)).body).toMatchObject({ id: p.id, status: 'TIMEOUT' });
    // too late to pay or cancel
    expect((await sandbox(`/pay-in/${p.id}/pay`)).json).toEqual({
      success: false,
      error: { message: 'payment is finalized', code: 60012 },
    });
    await expect(c.cancelPayIn(p.id)).rejects.toMatchObject({ status: 409, code: 60012 });
  });

  it('keeps a pay-in waiting in CREATED without a free requisite, hands one out when the operator adds it, and survives a restart', async () => {
    const c = client(g.h, EMPTY);
    const p = await c.createPayIn({ externalID: ext('wait'), currency: 'RUB', callbackURL: `${g.rx.url}/cb`, amount: '1500' });
    expect(p).toMatchObject({ status: 'CREATED', cardNumber: null, holder: null, bank: 'SBER' });
    // an SBP pay-in of the same merchant gets the pool's phone
    const sbp = await c.createPayIn({ externalID: ext('wait'), currency: 'RUB', amount: '1500', method: 'SBP' } as never);
    expect(sbp).toMatchObject({ status: 'PENDING', cardNumber: '79990001122' });
    // the operator adds a card requisite (the admin API calls this face function)
    await g.h.gw.engine.transaction((tx) =>
      way2payService(g.h.gw.engine).addRequisite(tx, EMPTY.merchantId, {
        bank: 'VTB',
        kind: 'card',
        value: '2200700199990007',
        holder: 'Оператор Опер',
      }),
    );
    const { body } = await callback(p.id, 'PENDING', EMPTY);
    expect(body).toMatchObject({ status: 'PENDING', receiver: '2200700199990007', holder: 'Оператор Опер', bank: 'VTB' });
    expect(await c.getPayIn(p.id)).toMatchObject({ status: 'PENDING', cardNumber: '2200700199990007', bank: 'VTB' });
    // a waiting pay-in times out too, also across a restart of the gateway
    const q = await c.createPayIn({ externalID: ext('wait'), currency: 'RUB', callbackURL: `${g.rx.url}/cb`, amount: '1600' });
    expect(q.status).toBe('PENDING'); // requisites are shared: the least recently used one is handed out
    await g.h.restart();
    g.h.gw.clock.advance(LIFETIME + 1000);
    await eventually(async () => expect((await client(g.h, EMPTY).getPayIn(q.id)).status).toBe('TIMEOUT'));
    await callback(q.id, 'TIMEOUT', EMPTY);
  });

  it('cancels with PATCH /cancel and with the older PUT /status/CANCELLED, each with a callback', async () => {
    const c3 = client(g.h, GEN3);
    const a = await c3.createPayIn({
      bankId: 5,
      externalID: ext('cancel'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '1200',
      method: 'CARD',
    });
    expect(await c3.cancelPayIn(a.id)).toEqual({ id: a.id, status: 'CANCELLED' });
    expect((await callback(a.id, 'CANCELLED', GEN3)).body.status).toBe('CANCELLED');
    expect((await c3.getPayIn(a.id)).status).toBe('CANCELLED');

    const c1 = client(g.h, GEN1);
    const b = await c1.createPayIn({ externalID: ext('cancel'), currency: 'RUB', callbackURL: `${g.rx.url}/cb`, amount: '1300' });
    const put = await raw(g.h, 'PUT', `/api/v1/pay-in/${b.id}/status/CANCELLED`, { body: '{}' });
    expect(put.status).toBe(200);
    expect(Object.keys(put.json.data)).toEqual([
      'id',
      'externalID',
      'trackerID',
      'status',
      'amount',
      'currency',
      'method',
      'createdAt',
      'updatedAt',
    ]);
    expect(put.json.data).toMatchObject({
      id: b.id,
      externalID: b.externalID,
      status: 'CANCELLED',
      amount: '1300',
      currency: 'RUB',
      method: 'CARD',
    });
    await callback(b.id, 'CANCELLED', GEN1);
    // a PROCESSING pay-in can be cancelled too: the frozen money is released
    const d = await c1.createPayIn({ externalID: ext('cancel'), currency: 'RUB', callbackURL: `${g.rx.url}/cb`, amount: '1400' });
    await sandbox(`/pay-in/${d.id}/pay`, { confirm: false });
    expect((await c1.setPayInStatus(d.id, 'cancelled')).status).toBe('CANCELLED');
    await callback(d.id, 'CANCELLED', GEN1);
    expect((await transfers(d.id)).map((t) => t.kind)).toEqual(['pending', 'pending', 'void_pending', 'void_pending']);
    await expect(c1.setPayInStatus(d.id, 'CANCELLED')).rejects.toMatchObject({ status: 409, code: 60012 });
  });

  it('fails (ERROR) and refunds (REFUNDED) through the operator functions, with callbacks', async () => {
    const c = client(g.h, GEN3);
    const e = await c.createPayIn({
      bankId: 1,
      externalID: ext('err'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '1000',
      method: 'CARD',
    });
    expect((await sandbox(`/pay-in/${e.id}/fail`)).json.data.status).toBe('ERROR');
    await callback(e.id, 'ERROR', GEN3);
    const before = (await balance(GEN3)).balance.payment;
    const p = await c.createPayIn({
      bankId: 1,
      externalID: ext('ref'),
      currencyId: 1,
      callbackURL: `${g.rx.url}/cb`,
      amount: '2000',
      method: 'CARD',
    });
    // the operator confirms through the face function the admin API will call
    const done = await g.h.gw.engine.transaction((tx) => way2payService(g.h.gw.engine).confirmPayIn(tx, p.id, 200_000n));
    expect(done.status).toBe('COMPLETED');
    await callback(p.id, 'COMPLETED', GEN3);
    expect((await sandbox(`/pay-in/${p.id}/refund`)).json.data.status).toBe('REFUNDED');
    await callback(p.id, 'REFUNDED', GEN3);
    expect((await balance(GEN3)).balance.payment).toEqual(before);
    expect((await sandbox(`/pay-in/${p.id}/refund`)).json.error.code).toBe(60012);
    expect((await sandbox(`/pay-in/${e.id}/confirm`)).json.error.code).toBe(60012);
  });

  it('retries a failed callback up to 3 times, recording every attempt, each signed afresh', async () => {
    const r2 = await new Receiver().start();
    try {
      const c = client(g.h, GEN3);
      // two failures, then success on the third attempt (1 min, then 5 min later)
      const p = await c.createPayIn({
        bankId: 1,
        externalID: ext('retry'),
        currencyId: 1,
        callbackURL: `${r2.url}/cb`,
        amount: '1000',
        method: 'CARD',
      });
      r2.failNext = 2;
      await sandbox(`/pay-in/${p.id}/pay`);
      await r2.waitFor((l) => l.length >= 1);
      g.h.gw.clock.advance(60_000 + 500);
      await r2.waitFor((l) => l.length >= 2);
      g.h.gw.clock.advance(5 * 60_000 + 500);
      await r2.waitFor((l) => l.length >= 3);
      const mine = r2.requests.filter((x) => x.body.includes(p.id));
      expect(mine).toHaveLength(3);
      expect(new Set(mine.map((x) => x.headers['x-polypay-event-id'])).size).toBe(1);
      expect(new Set(mine.map((x) => x.body)).size).toBe(1);
      for (const x of mine)
        expect(x.headers['x-webhook-signature']).toBe(
          'sha256=' + hmac256(GEN3.callbackSecret, `${x.headers['x-webhook-timestamp']}.${x.body}`),
        );
      const [d] = await eventually(async () => {
        const list = await g.h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'way2pay_payin', subjectId: p.id, limit: 10 }));
        expect(list.map((x) => [x.status, x.attempts])).toEqual([['delivered', 3]]);
        return list;
      });
      const attempts = await g.h.gw.engine.read((tx) => tx.deliveries.listAttempts(d!.id));
      expect(attempts.map((a) => a.responseStatus)).toEqual([500, 500, 200]);
      expect(attempts.map((a) => a.request.headers['x-webhook-signature'])).toEqual(mine.map((x) => x.headers['x-webhook-signature']));

      // four failures: 1 attempt + 3 retries, then the delivery is given up
      const q = await c.createPayIn({
        bankId: 1,
        externalID: ext('retry'),
        currencyId: 1,
        callbackURL: `${r2.url}/cb`,
        amount: '1000',
        method: 'CARD',
      });
      r2.failNext = 10;
      await c.cancelPayIn(q.id);
      const count = () => r2.requests.filter((x) => x.body.includes(q.id)).length;
      await r2.waitFor(() => count() >= 1);
      for (const [n, wait] of [
        [2, 60_000],
        [3, 5 * 60_000],
        [4, 15 * 60_000],
      ] as const) {
        g.h.gw.clock.advance(wait + 500);
        await r2.waitFor(() => count() >= n);
      }
      g.h.gw.clock.advance(60 * 60_000);
      await eventually(async () => {
        const list = await g.h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'way2pay_payin', subjectId: q.id, limit: 10 }));
        expect(list.map((x) => [x.status, x.attempts])).toEqual([['failed', 4]]);
        expect((await g.h.gw.engine.read((tx) => tx.deliveries.listAttempts(list[0]!.id))).map((a) => a.responseStatus)).toEqual([
          500, 500, 500, 500,
        ]);
      });
      expect(count()).toBe(4);
    } finally {
      await r2.close();
    }
  });

  it('sends no callback without a callbackURL, and lists pay-ins with offset, limit and filters', async () => {
    const c = client(g.h, GEN1);
    const start = g.rx.requests.length;
    const a = await c.createPayIn({ externalID: ext('nocb'), currency: 'RUB', amount: '1000' });
    await sandbox(`/pay-in/${a.id}/pay`);
    const b = await c.createPayIn({ externalID: ext('nocb'), currency: 'RUB', amount: '1100' });
    await new Promise((r) => setTimeout(r, 300));
    expect(g.rx.requests.slice(start).filter((x) => x.body.includes(a.id))).toEqual([]);
    const page = await c.listPayIns({ limit: 2 });
    expect(Object.keys(page)).toEqual(['total', 'items']);
    expect(page.items.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(Object.keys(page.items[0]!)).toEqual(SEED_KEYS);
    expect((await c.listPayIns({ limit: 1, offset: 1 })).items.map((x) => x.id)).toEqual([a.id]);
    expect((await c.listPayIns({ status: 'COMPLETED', externalID: a.externalID })).items.map((x) => x.id)).toEqual([a.id]);
    expect((await c.listPayIns({ status: 'COMPLETED', externalID: b.externalID })).total).toBe(0);
  });
});
