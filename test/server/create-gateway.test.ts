// In-process use: createGateway() starts a gateway with an in-memory store, runs a payment, resets.
import { describe, expect, it } from 'vitest';
import { ClientService } from 'cloudpayments';
import { createGateway, NumopayClient } from '../../src/index.js';
import { buildCryptogram } from '../../src/faces/cloudpayments/client.js';

describe('createGateway', () => {
  it('starts in memory with a seed, pays, advances the clock, resets and closes', async () => {
    const pp = await createGateway({ seed: { merchants: [{ id: 'm1', name: 'In-process', numopay: { apiKey: 'k1', secret: 's1' } }] } });
    try {
      expect(pp.urls.numopay).toBe(`${pp.url}/numopay`);
      expect(pp.merchants[0]!.faces.numopay).toMatchObject({ apiKey: 'k1', secret: 's1' });
      const c = new NumopayClient({ baseUrl: pp.urls.numopay!, apiKey: 'k1', secret: 's1' });
      const [acc] = await c.accounts();
      const t = await c.createChargeToken(acc!.id, { amount: '1000' });
      await c.charge(acc!.id, { token: t.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' } });
      expect((await c.balance(acc!.id)).amount).toBe('1000');
      const t2 = await c.createChargeToken(acc!.id, { amount: '1' });
      pp.clock.advance(16 * 60_000);
      await pp.gateway.engine.scheduler.drain();
      expect((await c.paymentStatus(acc!.id, t2.order_slug)).status).toBe('expired');
      await pp.reset();
      const [fresh] = await c.accounts();
      expect((await c.balance(fresh!.id)).amount).toBe('0');
    } finally {
      await pp.close();
    }
    await expect(fetch(`${pp.url}/healthz`)).rejects.toThrow();
  });

  it('runs a CloudPayments payment with the npm client and resets', async () => {
    const pp = await createGateway({
      seed: {
        merchants: [
          {
            id: 'cp1',
            name: 'CP in-process',
            cloudpayments: { publicId: 'pk_inprocess000000000000000000', apiSecret: 'in-process-secret' },
          },
        ],
      },
    });
    try {
      const cp = pp.merchants[0]!.faces.cloudpayments!;
      const api = new ClientService({
        publicId: 'pk_inprocess000000000000000000',
        privateKey: 'in-process-secret',
        endpoint: pp.urls.cloudpayments!,
      }).getClientApi();
      const key = (await (await fetch(`${pp.urls.cloudpayments}/payments/publickey`)).json()) as { Pem: string; Version: number };
      const packet = buildCryptogram(
        { number: '4000000000003055', expMonth: 12, expYear: 2099, cvv: '123' },
        'pk_inprocess000000000000000000',
        key.Pem,
        { keyVersion: key.Version },
      );
      const r = await api.chargeCryptogramPayment({
        Amount: 10.5,
        Currency: 'RUB',
        IpAddress: '127.0.0.1',
        Name: 'IVAN',
        CardCryptogramPacket: packet,
        InvoiceId: 'inv-1',
      });
      expect(r.isPaymentSuccessResponse()).toBe(true);
      expect(cp.apiSecret).toBe('in-process-secret');
      const found = await api.findPaymentByInvoiceId({ InvoiceId: 'inv-1' });
      expect(found.getResponse().Model).toMatchObject({ Amount: 10.5, Status: 'Completed' });
      await pp.reset();
      const gone = await api.findPaymentByInvoiceId({ InvoiceId: 'inv-1' });
      expect(gone.getResponse()).toEqual({ Success: false, Message: 'Not found' });
    } finally {
      await pp.close();
    }
  });

  it('creates a demo merchant without a seed', async () => {
    const pp = await createGateway({ store: 'temp' });
    try {
      expect(pp.merchants.map((m) => m.merchant.id)).toEqual(['demo']);
    } finally {
      await pp.close();
    }
  });
});
