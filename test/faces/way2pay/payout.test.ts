// Way2Pay pay-outs, balances and reference data over real HTTP, on SQLite and PostgreSQL: zero and
// insufficient balance, the freeze then the debit (visible in /balance), execution on the Clock (test cards
// decline), cancellation, TIMEOUT, REFUNDED, callbacks, concurrent pay-outs that cannot overspend, and the
// exact shapes of /balance, /banks, /currencies and /commissions.
import { describe, expect, it } from 'vitest';
import { declineCardPan } from '../../../src/core/network/test-cards.js';
import type { PayOutBody } from '../../../src/faces/way2pay/client.js';
import { way2payService } from '../../../src/faces/way2pay/service.js';
import { startTestGateway, useGateway } from '../../helpers/gateway.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';
import { client, ext, FACES, GEN1, GEN3, hmac256, ISO_MS, MANUAL, raw, RICH, UUID, W2P_SEED, type Keys } from './helpers.js';

const CREATED_KEYS = [
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
];
const CALLBACK_KEYS = [
  'id',
  'externalID',
  'trackerId',
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

describe.each(STORES)('Way2Pay pay-outs and balances on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, W2P_SEED, undefined, { faces: FACES }), { receiver: true });

  const body = (b: Partial<PayOutBody> = {}): PayOutBody => ({
    externalID: ext('out'),
    bankId: 1,
    method: 'CARD',
    currencyId: 1,
    callbackURL: `${g.rx.url}/payout`,
    amount: '1000',
    receiver: '4000000000003055',
    holder: 'Иванов Иван Иванович',
    ...b,
  });
  const payout = (b: Record<string, unknown>) =>
    fetch(`${g.h.url}/way2pay/sandbox/${b.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${g.h.gw.adminToken}` },
      body: JSON.stringify(b.body ?? {}),
    }).then(async (r) => (await r.json()) as any);
  const payoutSide = async (k: Keys) => (await client(g.h, k).balance()).balance.payout;

  async function callback(id: string, status: string, k: Keys) {
    const got = await g.rx.waitFor((l) => l.some((x) => x.body.includes(id) && JSON.parse(x.body).status === status));
    const req = got.find((x) => x.body.includes(id) && JSON.parse(x.body).status === status)!;
    expect(req.headers['user-agent']).toBe('Way2Pay-Callback/1.0');
    expect(req.headers['x-webhook-signature']).toBe(
      'sha256=' + hmac256(k.callbackSecret, `${req.headers['x-webhook-timestamp']}.${req.body}`),
    );
    return JSON.parse(req.body);
  }

  describe('reference data and balance shapes', () => {
    it('answers /balance with payment and payout sides as decimal strings', async () => {
      const r = await raw(g.h, 'GET', '/api/v1/balance', { keys: RICH });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        success: true,
        data: {
          balance: {
            payment: { currency: 'RUB', available: '0', frozen: '0' },
            payout: { currency: 'RUB', available: '10000', frozen: '0' },
          },
        },
      });
      expect((await client(g.h, RICH).balance({ currency: 'USD' })).balance.payout).toEqual({
        currency: 'USD',
        available: '0',
        frozen: '0',
      });
      await expect(client(g.h, RICH).balance({ currency: 'XYZ' })).rejects.toMatchObject({ status: 400, code: 60000 });
    });

    it('lists banks, currencies and commissions', async () => {
      const banks = await raw(g.h, 'GET', '/api/v1/banks', { keys: GEN3 });
      expect(banks.json.success).toBe(true);
      expect(banks.json.data[0]).toEqual({ id: 1, name: 'Сбер', key: 'SBER', currency: 'RUB', environment: 'PRODUCTION' });
      for (const b of banks.json.data) expect(Object.keys(b)).toEqual(['id', 'name', 'key', 'currency', 'environment']);
      const sandboxBanks = await raw(g.h, 'GET', '/api/v1/banks', { keys: GEN3, headers: { 'x-environment': 'SANDBOX' } });
      expect(sandboxBanks.json.data.length).toBeGreaterThan(0);
      expect(sandboxBanks.json.data.every((b: { environment: string }) => b.environment === 'SANDBOX')).toBe(true);
      expect(await client(g.h, GEN1).currencies()).toEqual([
        { id: 1, name: 'Рубль', key: 'RUB', isActive: true },
        { id: 2, name: 'Доллар США', key: 'USD', isActive: true },
        { id: 3, name: 'Тенге', key: 'KZT', isActive: false },
      ]);
      const c = await client(g.h, GEN3).commissions();
      expect(Object.keys(c)).toEqual(['payIn', 'payOut']);
      expect(Object.keys(c.payIn[0]!)).toEqual(['id', 'bank', 'method', 'percent', 'minAmount', 'maxAmount', 'isActive']);
      expect(c.payIn[0]).toMatchObject({
        bank: 'Сбер',
        method: 'CARD',
        percent: 10.6,
        minAmount: '100',
        maxAmount: '100000',
        isActive: true,
      });
      expect(c.payOut[0]).toMatchObject({
        bank: 'Сбер',
        method: 'CARD',
        percent: 2.5,
        minAmount: '100',
        maxAmount: '50000',
        isActive: true,
      });
      // the operator changes a commission (face function): the next pay-in uses it
      await g.h.gw.engine.transaction((tx) =>
        way2payService(g.h.gw.engine).setCommission(tx, GEN3.merchantId, {
          direction: 'payin',
          bank: 'SBER',
          method: 'CARD',
          percent: '3.5',
          minAmount: '10',
          maxAmount: '500',
        }),
      );
      const p = await client(g.h, GEN3).createPayIn({ bankId: 1, externalID: ext('fee'), currencyId: 1, amount: '200', method: 'CARD' });
      expect(p.commission).toBe('7');
      await expect(
        client(g.h, GEN3).createPayIn({ bankId: 1, externalID: ext('fee'), currencyId: 1, amount: '500.01', method: 'CARD' }),
      ).rejects.toMatchObject({ code: 30007 });
    });
  });

  describe('pay-outs against the payout balance', () => {
    it('fails upfront with zero balance (30004, 403) and not enough balance (30005, 402)', async () => {
      await expect(client(g.h, GEN3).createPayOut(body())).rejects.toMatchObject({ status: 403, code: 30004, message: 'zero balance' });
      await expect(client(g.h, MANUAL).createPayOut(body({ amount: '980' }))).rejects.toMatchObject({
        status: 402,
        code: 30005,
        message: 'not enough balance',
      });
      // nothing was created or frozen
      expect(await payoutSide(MANUAL)).toEqual({ currency: 'RUB', available: '1000', frozen: '0' });
      expect((await client(g.h, GEN3).listPayOuts()).total).toBe(0);
    });

    it('freezes the amount and commission, then debits them when executed (visible in /balance), with a callback', async () => {
      const c = client(g.h, RICH);
      const start = await payoutSide(RICH);
      const p = await c.createPayOut(body({ amount: '1000', description: 'Тестовая выплата' }));
      expect(Object.keys(p)).toEqual(CREATED_KEYS);
      expect(p).toMatchObject({
        status: 'PROCESSING',
        amount: '1000',
        commission: '25',
        currency: 'RUB',
        bank: 'Сбер',
        method: 'CARD',
        receiver: '400000******3055',
        holder: 'Иванов Иван Иванович',
        description: 'Тестовая выплата',
      });
      expect(p.id).toMatch(UUID);
      expect(p.createdAt).toMatch(ISO_MS);
      // frozen
      const frozen = await payoutSide(RICH);
      expect(frozen).toEqual({ currency: 'RUB', available: String(Number(start.available) - 1025), frozen: '1025' });
      // executed (the sandbox's operator): debited
      const done = await payout({ path: `pay-out/${p.id}/complete` });
      expect(done).toMatchObject({ success: true, data: { id: p.id, status: 'COMPLETED' } });
      expect(await payoutSide(RICH)).toEqual({ currency: 'RUB', available: frozen.available, frozen: '0' });
      const cb = await callback(p.id, 'COMPLETED', RICH);
      expect(Object.keys(cb)).toEqual(CALLBACK_KEYS);
      expect(cb).toMatchObject({
        id: p.id,
        externalID: p.externalID,
        trackerId: p.trackerID,
        status: 'COMPLETED',
        amount: '1000',
        commission: '25',
        receiver: '400000******3055',
      });
      expect(JSON.stringify(cb)).not.toContain('4000000000003055');
      const got = await c.getPayOut(p.id);
      expect(got).toEqual({ ...p, status: 'COMPLETED', updatedAt: got.updatedAt });
      const transfers = await g.h.gw.engine.read((tx) => tx.ledger.listTransfersByRef('way2pay_payout', p.id));
      expect(transfers.map((t) => [t.kind, t.code, t.amount])).toEqual([
        ['pending', 'way2pay_payout_hold', 100000n],
        ['pending', 'way2pay_payout_fee_hold', 2500n],
        ['post_pending', 'way2pay_payout', 100000n],
        ['post_pending', 'way2pay_payout', 2500n],
      ]);
      await expect(c.setPayOutStatus(p.id, 'CANCELLED')).rejects.toMatchObject({ status: 409, code: 60012 });
      await expect(c.createPayOut(body({ externalID: p.externalID }))).rejects.toMatchObject({ status: 409, code: 60010 });
    });

    it('executes on the Clock: SBP and account pay-outs complete, a declining test card ends in ERROR and releases the money', async () => {
      const c = client(g.h, RICH);
      const before = await payoutSide(RICH);
      const sbp = await c.createPayOut(body({ method: 'SBP', receiver: '+7 (999) 123-45-67', amount: '200' }));
      expect(sbp.receiver).toBe('+79991234567');
      const acc = await c.createPayOut(body({ method: 'ACCOUNT', bankId: 2, receiver: '40817810099910004312', amount: '300' }));
      const bad = await c.createPayOut(body({ receiver: declineCardPan('payout_not_permitted'), amount: '400' }));
      expect((await payoutSide(RICH)).frozen).toBe(String(205 + 307.5 + 410));
      g.h.gw.clock.advance(61_000);
      await eventually(async () => {
        expect((await c.getPayOut(sbp.id)).status).toBe('COMPLETED');
        expect((await c.getPayOut(acc.id)).status).toBe('COMPLETED');
        expect((await c.getPayOut(bad.id)).status).toBe('ERROR');
      });
      expect((await callback(bad.id, 'ERROR', RICH)).status).toBe('ERROR');
      await callback(sbp.id, 'COMPLETED', RICH);
      const after = await payoutSide(RICH);
      expect(after.frozen).toBe('0');
      expect(Math.round((Number(before.available) - Number(after.available)) * 100)).toBe(20500 + 30750);
    });

    it('cancels a pay-out with PUT /status/CANCELLED and releases the money; times one out when nobody executes it', async () => {
      const c = client(g.h, RICH);
      const before = await payoutSide(RICH);
      const p = await c.createPayOut(body({ amount: '100' }));
      const res = await c.setPayOutStatus(p.id, 'CANCELLED');
      expect(res).toMatchObject({ id: p.id, status: 'CANCELLED', amount: '100', currency: 'RUB', method: 'CARD' });
      expect(Object.keys(res)).toEqual([
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
      await callback(p.id, 'CANCELLED', RICH);
      expect(await payoutSide(RICH)).toEqual(before);
      await expect(c.setPayOutStatus(p.id, 'COMPLETED')).rejects.toMatchObject({ status: 403, code: 30000 });
      await expect(c.setPayOutStatus(p.id, 'DONE')).rejects.toMatchObject({ status: 400, code: 60002 });

      // a merchant with automatic execution off: the pay-out waits, then times out after 24 h
      const m = client(g.h, MANUAL);
      const q = await m.createPayOut(body({ amount: '500', callbackURL: `${g.rx.url}/manual` }));
      expect(q.bank).toBe('SBER');
      g.h.gw.clock.advance(60 * 60_000);
      await new Promise((r) => setTimeout(r, 200));
      expect((await m.getPayOut(q.id)).status).toBe('PROCESSING');
      expect(await payoutSide(MANUAL)).toEqual({ currency: 'RUB', available: '487.5', frozen: '512.5' });
      g.h.gw.clock.advance(24 * 60 * 60_000);
      await eventually(async () => expect((await m.getPayOut(q.id)).status).toBe('TIMEOUT'));
      await callback(q.id, 'TIMEOUT', MANUAL);
      expect(await payoutSide(MANUAL)).toEqual({ currency: 'RUB', available: '1000', frozen: '0' });
    });

    it('records a returned pay-out (REFUNDED) and moves collected money to the payout balance (operator functions)', async () => {
      const svc = way2payService(g.h.gw.engine);
      const c = client(g.h, GEN1);
      // collect a pay-in, then move its money to the payout balance
      const pin = await c.createPayIn({ externalID: ext('collect'), currency: 'RUB', amount: '1000' });
      await g.h.gw.engine.transaction((tx) => svc.confirmPayIn(tx, pin.id));
      await g.h.gw.engine.transaction((tx) => svc.transferToPayout(tx, GEN1.merchantId, 'RUB', 89_400n));
      const b = await c.balance();
      expect(b.balance).toEqual({
        payment: { currency: 'RUB', available: '0', frozen: '0' },
        payout: { currency: 'RUB', available: '894', frozen: '0' },
      });
      const start = b.balance.payout;
      const p = await c.createPayOut(body({ amount: '100', method: 'SBP', receiver: '79990000001' }));
      await g.h.gw.engine.transaction((tx) => svc.completePayOut(tx, p.id));
      await g.h.gw.engine.transaction((tx) => svc.refundPayOut(tx, p.id));
      await callback(p.id, 'REFUNDED', GEN1);
      expect((await c.getPayOut(p.id)).status).toBe('REFUNDED');
      expect((await c.balance()).balance.payout).toEqual(start);
      // the generation 1 merchant sees bank keys, as in the seed
      expect((await c.getPayOut(p.id)).bank).toBe('SBER');
    });

    it('never overspends: concurrent pay-outs beyond the balance, exactly as many pass as it covers', async () => {
      // a fresh balance of 1025 covers one pay-out of 1000 (+25 commission); several keys race for it
      const keys = Array.from({ length: 6 }, (_, i) => ({ ...GEN3, publicKey: `w2p_pk_gen3_spend_${store}_${i}` }));
      await g.h.gw.engine.transaction(async (tx) => {
        for (const k of keys)
          await g.h.gw.engine.merchants.addCredential(tx, GEN3.merchantId, {
            face: 'way2pay',
            key: k.publicKey,
            secret: k.secretKey,
            data: { generation: 3 },
          });
        await way2payService(g.h.gw.engine).deposit(tx, GEN3.merchantId, 'RUB', 102_500n, 'payout');
      });
      const results = await Promise.allSettled(keys.map((k) => client(g.h, k).createPayOut(body({ amount: '1000' }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: expect.any(Number) });
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
        Array(5).fill(30004),
      );
      expect(await payoutSide(GEN3)).toEqual({ currency: 'RUB', available: '0', frozen: '1025' });
      const list = await client(g.h, GEN3).listPayOuts();
      expect(list.total).toBe(1);
      expect(Object.keys(list.items[0]!)).toEqual([...CREATED_KEYS, 'updatedAt']);
    });
  });
});
