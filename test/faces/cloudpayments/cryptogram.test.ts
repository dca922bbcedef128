// Card cryptograms: PKCS#1 v1.5 decryption with implicit rejection (no PKCS#1 private decryption from Node, no
// --security-revert), both packet formats, and the checkout script served at /cloudpayments/checkout.js run
// as a browser would (window.crypto, BigInt) to make a cryptogram the gateway accepts.
import { constants, generateKeyPairSync, publicEncrypt, randomBytes, webcrypto } from 'node:crypto';
import { createContext, runInContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeCryptogram, decryptPkcs1, loadKey } from '../../../src/faces/cloudpayments/cryptogram.js';
import { buildCryptogram } from '../../../src/faces/cloudpayments/client.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { client, npmApi, SHOP, startCpGateway } from './helpers.js';

describe('PKCS#1 v1.5 with implicit rejection', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = loadKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 1);
  const enc = (msg: Buffer) => publicEncrypt({ key: key.publicPem, padding: constants.RSA_PKCS1_PADDING }, msg);

  it('decrypts valid ciphertexts of any message length', () => {
    for (const len of [0, 1, 40, 245]) {
      const msg = randomBytes(len);
      expect(decryptPkcs1(key, enc(msg)).equals(msg)).toBe(true);
    }
  });

  it('answers an invalid ciphertext with a synthetic message: deterministic, different per ciphertext, never an error', () => {
    const bad = [randomBytes(256), randomBytes(256), Buffer.alloc(256, 0xff), Buffer.alloc(255, 1), Buffer.alloc(0), Buffer.alloc(300, 7)];
    bad[0]![0] = 0;
    bad[1]![0] = 0;
    const outs = bad.map((b) => decryptPkcs1(key, b));
    for (const [i, b] of bad.entries()) {
      expect(decryptPkcs1(key, b).equals(outs[i]!)).toBe(true);
      expect(outs[i]!.length).toBeLessThanOrEqual(256 - 11);
    }
    expect(new Set(outs.map((o) => o.toString('hex'))).size).toBe(outs.length);
  });

  it('treats every wrong packet the same, and reads a right one in both formats', () => {
    const pan = '4000000000003055';
    const good = buildCryptogram({ number: pan, expMonth: 7, expYear: 2031, cvv: '987' }, 'pk_me', key.publicPem);
    expect(decodeCryptogram(key, good, 'pk_me')).toEqual({ number: pan, expMonth: 7, expYear: 2031, cvv: '987' });
    const legacy = buildCryptogram({ number: pan, expMonth: 7, expYear: 31, cvv: '987' }, 'pk_me', key.publicPem, { format: 'legacy' });
    expect(legacy).toMatch(/^01400000305531070[1]/);
    expect(decodeCryptogram(key, legacy, 'pk_me').cvv).toBe('987');
    const wrongPlain = (text: string) =>
      Buffer.from(JSON.stringify({ Type: 'CloudCard', Value: enc(Buffer.from(text)).toString('base64') })).toString('base64');
    const wrongs = [
      buildCryptogram({ number: pan, expMonth: 7, expYear: 2031, cvv: '987' }, 'pk_other', key.publicPem),
      wrongPlain(`${pan}@3113@987@pk_me`), // month 13
      wrongPlain(`${pan}@3107@98@pk_me`), // short CVV
      wrongPlain(`${pan}@3107@987`), // no PublicId
      wrongPlain('hello'),
      'x',
      '',
    ];
    for (const w of wrongs) expect(() => decodeCryptogram(key, w, 'pk_me'), w.slice(0, 30)).toThrow('Invalid CardCryptogramPacket');
  });
});

describe.each(STORES)('the checkout script on %s', (store) => {
  let h: TestGateway;

  beforeAll(async () => {
    h = await startCpGateway(store);
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  /** Loads /cloudpayments/checkout.js into a browser-like sandbox and returns its `cp`. */
  async function browser(): Promise<any> {
    const res = await fetch(`${h.url}/cloudpayments/checkout.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/javascript');
    const script = await res.text();
    const inputs: Record<string, string> = { cardNumber: '5555 5555 5555 4444', expDateMonth: '11', expDateYear: '34', cvv: '321' };
    const window: Record<string, unknown> = {
      crypto: webcrypto,
      btoa: (s: string) => Buffer.from(s, 'binary').toString('base64'),
      navigator: { language: 'ru-RU', userAgent: 'Mozilla/5.0 (sandbox)' },
      screen: { colorDepth: 24, width: 1280, height: 800 },
      BigInt,
      Uint8Array,
      Promise,
      JSON,
      Date,
      Object,
      String,
      Number,
      Array,
      Error,
      unescape,
      encodeURIComponent,
      document: { querySelectorAll: () => [] },
      container: { querySelectorAll: () => Object.entries(inputs).map(([k, v]) => ({ getAttribute: () => k, value: v })) },
    };
    window.window = window;
    const ctx = createContext(window);
    runInContext(script, ctx);
    return window;
  }

  it('creates a cryptogram (new cp.Checkout({publicId}).createPaymentCryptogram) that pays', async () => {
    const w = await browser();
    const checkout = new w.cp.Checkout({ publicId: SHOP.publicId });
    const packet: string = await checkout.createPaymentCryptogram({
      cvv: '123',
      cardNumber: '4000 0000 0000 3055',
      expDateMonth: '12',
      expDateYear: '2035',
      name: 'IVAN IVANOV',
    });
    expect(packet.startsWith('eyJUeXBlIjoiQ2xvdWRDYXJk')).toBe(true);
    const info = JSON.parse(Buffer.from(packet, 'base64').toString());
    expect(info).toMatchObject({
      Type: 'CloudCard',
      Format: 1,
      CardInfo: { FirstSixDigits: '400000', LastFourDigits: '3055', ExpDateYear: '35', ExpDateMonth: '12' },
      KeyVersion: '1',
    });
    const r = await npmApi(h).chargeCryptogramPayment({
      Amount: 99.99,
      Currency: 'RUB',
      IpAddress: '127.0.0.1',
      Name: 'IVAN IVANOV',
      CardCryptogramPacket: packet,
    });
    expect(r.isPaymentSuccessResponse()).toBe(true);
    expect(r.getResponse().Model).toMatchObject({ CardFirstSix: '400000', CardLastFour: '3055', CardExpDate: '12/35', Amount: 99.99 });
    // the same card data encrypts differently each time (random padding)
    expect(
      await checkout.createPaymentCryptogram({ cvv: '123', cardNumber: '4000000000003055', expDateMonth: '12', expDateYear: '35' }),
    ).not.toBe(packet);
  });

  it('pays with packets built here from the documented formats (RSA PKCS#1 v1.5 over "PAN@YYMM@CVV@PublicId")', async () => {
    // built with node:crypto from the published layout, not with the face's client or checkout script
    const { Pem, Version } = (await (await fetch(`${h.url}/cloudpayments/payments/publickey`)).json()) as { Pem: string; Version: number };
    const encrypt = (pan: string, yymm: string, cvv: string) =>
      publicEncrypt(
        { key: Pem, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(`${pan}@${yymm}@${cvv}@${SHOP.publicId}`, 'ascii'),
      ).toString('base64');
    const keyVersion = String(Version).padStart(2, '0');
    // the legacy packet: "01" + first six + last four + YYMM + key version (2) + base64(ciphertext)
    const legacy = '01' + '400000' + '3055' + '3311' + keyVersion + encrypt('4000000000003055', '3311', '123');
    // the current packet: base64 of the JSON the checkout script sends
    const json = Buffer.from(
      JSON.stringify({
        Type: 'CloudCard',
        BrowserInfoBase64: Buffer.from(
          JSON.stringify({
            AcceptHeader: '*/*',
            JavaEnabled: false,
            JavaScriptEnabled: true,
            Language: 'ru-RU',
            ColorDepth: '24',
            Height: '800',
            Width: '1280',
            TimeZone: '-180',
            UserAgent: 'test',
          }),
        ).toString('base64'),
        Format: 1,
        CardInfo: { FirstSixDigits: '555555', LastFourDigits: '4444', ExpDateYear: '34', ExpDateMonth: '07' },
        KeyVersion: String(Version),
        Value: encrypt('5555555555554444', '3407', '321'),
      }),
    ).toString('base64');
    expect(json.startsWith('eyJUeXBlIjoiQ2xvdWRDYXJk')).toBe(true);
    const c = client(h);
    const paid = await c.chargeCryptogram({ Amount: 3, Currency: 'RUB', CardCryptogramPacket: legacy });
    expect(paid).toMatchObject({
      Success: true,
      Model: { CardFirstSix: '400000', CardLastFour: '3055', CardExpDate: '11/33', CardType: 'Visa', Status: 'Completed' },
    });
    const secure = await c.chargeCryptogram({ Amount: 3, Currency: 'RUB', CardCryptogramPacket: json });
    expect(secure.Model).toHaveProperty('AcsUrl');
    expect((await c.get({ TransactionId: (secure.Model as any).TransactionId })).Model).toMatchObject({
      CardFirstSix: '555555',
      CardLastFour: '4444',
      CardExpDate: '07/34',
      CardType: 'MasterCard',
      Status: 'AwaitingAuthentication',
    });
    // month and year the other way round (MMYY, as a third-party description has it) is not the format
    const swapped = '01' + '400000' + '3055' + '1133' + keyVersion + encrypt('4000000000003055', '1133', '123');
    expect(await c.chargeCryptogram({ Amount: 3, Currency: 'RUB', CardCryptogramPacket: swapped })).toMatchObject({
      Success: false,
      Message: 'Invalid CardCryptogramPacket',
    });
  });

  it('rejects bad card data with messages per field; the older synchronous API reads data-cp inputs', async () => {
    const w = await browser();
    const checkout = new w.cp.Checkout({ publicId: SHOP.publicId });
    await expect(
      checkout.createPaymentCryptogram({ cvv: '1', cardNumber: '4242424242424241', expDateMonth: '13', expDateYear: '3' }),
    ).rejects.toEqual({
      cardNumber: expect.any(String),
      expDateMonth: expect.any(String),
      expDateYear: expect.any(String),
      cvv: expect.any(String),
    });
    const old = new w.cp.Checkout(SHOP.publicId, w.container);
    const result = old.createCryptogramPacket();
    expect(result.success).toBe(true);
    const c = client(h);
    const r = await c.chargeCryptogram({ Amount: 1, CardCryptogramPacket: result.packet });
    // this card needs 3-D Secure; the transaction holds the card the script read from the inputs
    expect(r.Model).toHaveProperty('AcsUrl');
    expect((await c.get({ TransactionId: (r.Model as any).TransactionId })).Model).toMatchObject({
      CardType: 'MasterCard',
      CardExpDate: '11/34',
      CardLastFour: '4444',
      Status: 'AwaitingAuthentication',
    });
    const other = new w.cp.Checkout({ publicId: 'pk_someone_else' });
    const theirs = await other.createPaymentCryptogram({
      cvv: '123',
      cardNumber: '4000000000003055',
      expDateMonth: '12',
      expDateYear: '35',
    });
    expect(await c.chargeCryptogram({ Amount: 1, CardCryptogramPacket: theirs })).toMatchObject({
      Success: false,
      Message: 'Invalid CardCryptogramPacket',
    });
  });
});
