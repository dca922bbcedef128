// The NovaPay face against the provider's published document, over real HTTP on SQLite and PostgreSQL: the two example
// requests replayed byte for byte with their own x-sign values, request signatures (SHA-1, SHA-256, the
// \uXXXX fallback), signed responses and the downloadable gateway key, and every validation and
// processing error in both generations' shapes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { GATEWAY_KEY_SETTING } from '../../../src/faces/novapay/keys.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import {
  client,
  FACES,
  MERCHANT1_PRIVATE,
  MERCHANT2_PRIVATE,
  NOVAPAY_QE_PUBLIC,
  NOVAPAY_SEED,
  rsaSignature,
  rsaVerifies,
  signaturesOf,
  STATUS_KEYS,
  UUID_RE,
  ISO_RE,
} from './setup.js';
import { parseJson } from '../../helpers/http.js';

// The document's examples, exactly as curl sent them (UTF-8 bytes), with their own signatures.
const SEED_SESSION_BODY =
  '{"merchant_id":1,"client_first_name":"Иванов","client_last_name":"Иван","client_patronymic":"Иванович","client_phone":"+380982850654","metadata":{"lol":"kek"},"callback_url":"http://test.com"}';
const SEED_SESSION_SIGN =
  'JUmrQmn92kwzsZG1zwTDtYW7RGBC/4ftrfl7e9ik6vksq9qK03ifZEXpQl8+uygAWSos5fAGUqSvqtHR/JxRicaaz9+cnKbwddkm1v/0IeyRcYU9oUI46ut2phaP1br40xlofgSvjbs1Z77x6wlNh2QPke/oHT/LfZKtCCjo/AOIVpPD+jQ14DhRSgepd20JYJHBTyAGkIO6oDeAjgtczcTyARJwYQn4vR9cpedfJx+hvwUD8RZgUYvlKU1ojNNjVmwojklfvxOJVD0G29tNh+I8M5K7qdh/+Ewo5zaLlbB5WLVppwBNIqRsE3PS1xAZyWqVt3tkO2iy6T3DZ08+vQ==';
const SEED_SESSION_RESPONSE = '{"id":"28c72df1-6bcc-4fda-9119-d89928de74c5","metadata":{"lol":"kek"}}';
const SEED_SESSION_RESPONSE_SIGN =
  'gzD5ICXRWsG/i2ctOIQUVnhYKUNKJiwgKS5IDyQD7X9JqOWwy9qwZPgZNHVSmVL7IibBocfMNvlaw4tNvnZLNHQ3hRSezEBHGb1RWqEsj6d8FlaQqR+NtGmjA02YvMH9MEIlsw6u1v7WrTB9RdIbkr08R9ISRSM5rkpEQOxGZq9AWNI6bxik9OHL2fM8+xUOy5C1xY/8/RvKUO6U6XNK7NVDPu8ZM3lqQCyUmcDxTFG2wjnp8wM9417I+STnsxskSEbQ2xxOl0QX8K2m3kH7pOGSRt6rEdY+ZRdDbER9xqOAQekGHpm0rvVlL16XzKa93i7w9HCbhUtLdHuhelR6fQ==';
const SEED_INFO_BODY =
  '{"merchant_id":1,"modelName":"Address","calledMethod":"getCities","methodProperties":{"Ref":"ebc0eda9-93ec-11e3-b441-0050568002cf"}}';
const SEED_INFO_SIGN =
  'IZfzX4zQEniwANKACIeNaBe4eUiXaQBhZCi/eH9sb7IMtnOYn8DqSvIza5muRLHg7ocyncrxXI+ifV0fJP8M5Z6HOC2EEjaunH5LC7/JOLmVfFsFPPStmtDEHcMFjEICOE2ujNhS2g4BUWb4IygygNjn1LRfi6uib7Sj41S3LTI+kUo2MdBdnDhfBHZo7cbjEqfUoWX0d/7HUJg2UrboHNQClC+DW8Qo+sF3WRyiDqb6G2Tbu1iqlFJBXZStfmEncDb0fybIa0DkJG9g2eLM2LfEDolAZs6St7IlJWXDiSyh9ntyLwBaGWHyz1nH1A7LGL+Pj8QEdmRnpzYU6bx8yA==';
const SEED_INFO_RESPONSE =
  '{"success":true,"data":[{"Description":"Агрономічне","DescriptionRu":"Агрономичное","Ref":"ebc0eda9-93ec-11e3-b441-0050568002cf","Delivery1":"1","Delivery2":"1","Delivery3":"1","Delivery4":"1","Delivery5":"1","Delivery6":"1","Delivery7":"0","Area":"71508129-9b87-11de-822f-000c2965ae0e","SettlementType":"563ced13-f210-11e3-8c4a-0050568002cf","IsBranch":"0","PreventEntryNewStreetsUser":null,"Conglomerates":null,"CityID":"890","SettlementTypeDescriptionRu":"село","SettlementTypeDescription":"село","SpecialCashCheck":1}],"errors":[],"warnings":[],"info":{"totalCount":1},"messageCodes":[],"errorCodes":[],"warningCodes":[],"infoCodes":[]}';

describe.each(STORES)('NovaPay face on %s: the documented examples and signatures', (store) => {
  let h: TestGateway;
  let gatewayPublic: string;

  async function post(path: string, body: string, sign: string | null, headers: Record<string, string> = {}) {
    const res = await fetch(`${h.url}/novapay/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sign === null ? {} : { 'x-sign': sign }), ...headers },
      body,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: res.status, headers: res.headers, bytes, text, json: parseJson(text) as Record<string, unknown> };
  }
  const signed = (path: string, body: unknown, alg: 'sha1' | 'sha256' = 'sha1', key = MERCHANT1_PRIVATE) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return post(path, text, rsaSignature(text, key, alg));
  };
  function expectSigned(r: { headers: Headers; bytes: Buffer }) {
    expect(signaturesOf(r.bytes, r.headers, gatewayPublic)).toEqual({ sha1: true, sha256: true });
  }

  beforeAll(async () => {
    h = await startTestGateway(store, NOVAPAY_SEED, undefined, { faces: FACES });
    gatewayPublic = await (await fetch(`${h.url}/novapay/v1/public-key`)).text();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  describe('the documented examples, replayed byte for byte', () => {
    it('POST /session with the documented body and x-sign answers {id, metadata}, signed', async () => {
      expect(Buffer.byteLength(SEED_SESSION_BODY)).toBe(210); // the documented Content-Length
      const r = await post('/session', SEED_SESSION_BODY, SEED_SESSION_SIGN);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Object.keys(r.json)).toEqual(['id', 'metadata']);
      expect(r.json.id).toMatch(UUID_RE);
      expect(r.json.metadata).toEqual({ lol: 'kek' });
      // the same shape as the documented answer, byte for byte apart from the id
      expect(r.text).toBe(SEED_SESSION_RESPONSE.replace('28c72df1-6bcc-4fda-9119-d89928de74c5', r.json.id as string));
      expectSigned(r);
      const st = await client(h).getStatus(r.json.id as string);
      expect(st).toMatchObject({
        status: 'created',
        client_first_name: 'Иванов',
        client_last_name: 'Иван',
        client_patronymic: 'Иванович',
        client_phone: '+380982850654',
        metadata: { lol: 'kek' },
      });
    });

    it('POST /delivery-info with the documented body and x-sign answers the documented Nova Poshta response exactly', async () => {
      expect(Buffer.byteLength(SEED_INFO_BODY)).toBe(132);
      const r = await post('/delivery-info', SEED_INFO_BODY, SEED_INFO_SIGN);
      expect(r.status).toBe(200);
      expect(r.text).toBe(SEED_INFO_RESPONSE);
      expect(r.bytes.length).toBe(671); // the documented Content-Length
      expectSigned(r);
    });

    it("the documented signatures are test vectors: requests under merchant 1's key, responses under NovaPay's QE public key (RSA-SHA1)", () => {
      expect(rsaVerifies(SEED_SESSION_RESPONSE, SEED_SESSION_RESPONSE_SIGN, NOVAPAY_QE_PUBLIC, 'sha1')).toBe(true);
      expect(rsaVerifies(SEED_SESSION_RESPONSE, SEED_SESSION_RESPONSE_SIGN, NOVAPAY_QE_PUBLIC, 'sha256')).toBe(false);
      expect(rsaVerifies(SEED_SESSION_BODY, SEED_SESSION_SIGN, createPublicKey(MERCHANT1_PRIVATE), 'sha1')).toBe(true);
      expect(rsaVerifies(SEED_INFO_BODY, SEED_INFO_SIGN, createPublicKey(MERCHANT1_PRIVATE), 'sha1')).toBe(true);
      // PKCS#1 v1.5 is deterministic: merchant 1's key reproduces the published x-sign values exactly
      expect(rsaSignature(SEED_SESSION_BODY, MERCHANT1_PRIVATE, 'sha1')).toBe(SEED_SESSION_SIGN);
      expect(rsaSignature(SEED_INFO_BODY, MERCHANT1_PRIVATE, 'sha1')).toBe(SEED_INFO_SIGN);
    });
  });

  describe('request signatures', () => {
    it('accepts SHA-256 (current SDK) as well as SHA-1, and merchant_id as a string', async () => {
      const body = JSON.stringify({ merchant_id: '1', client_phone: '+380501112233' });
      const r = await post('/session', body, rsaSignature(body, MERCHANT1_PRIVATE, 'sha256'));
      expect(r.status).toBe(200);
      expect(r.text).toBe(`{"id":"${r.json.id}","metadata":null}`);
    });

    it('rejects a bad, missing or foreign signature with `request sign is invalid`', async () => {
      const body = JSON.stringify({ merchant_id: 1, client_phone: '+380501112233' });
      const expected = { type: 'processing', error: 'request sign is invalid', code: 'RequestSignInvalidError' };
      const tampered = await post('/session', body.replace('233', '234'), rsaSignature(body, MERCHANT1_PRIVATE, 'sha1'));
      expect(tampered.status).toBe(400);
      expect(tampered.json).toEqual(expected);
      expectSigned(tampered);
      expect((await post('/session', body, null)).json).toEqual(expected);
      expect((await post('/session', body, 'not base64 at all!')).json).toEqual(expected);
      // merchant 2's key does not sign for merchant 1
      expect((await post('/session', body, rsaSignature(body, MERCHANT2_PRIVATE, 'sha1'))).json).toEqual(expected);
      // the documented signature over other bytes (the same JSON re-serialised with spaces) fails
      expect((await post('/session', SEED_SESSION_BODY.replace(',', ', '), SEED_SESSION_SIGN)).json).toEqual(expected);
      // an unknown merchant
      const unknown = JSON.stringify({ merchant_id: 77, client_phone: '+380501112233' });
      expect((await post('/session', unknown, rsaSignature(unknown, MERCHANT1_PRIVATE, 'sha1'))).json).toEqual({
        type: 'processing',
        error: 'merchant not found',
        code: 'MerchantNotFoundError',
      });
    });

    it('accepts clients that sign the JSON_UNESCAPED_UNICODE text but send \\uXXXX escapes (some PHP clients do)', async () => {
      const signedText = '{"merchant_id":1,"client_first_name":"Іван 😀","client_phone":"+380501112233"}';
      const sent = '{"merchant_id":1,"client_first_name":"\\u0406\\u0432\\u0430\\u043d \\ud83d\\ude00","client_phone":"+380501112233"}';
      expect(JSON.parse(sent)).toEqual(JSON.parse(signedText));
      const r = await post('/session', sent, rsaSignature(signedText, MERCHANT1_PRIVATE, 'sha1'));
      expect(r.status).toBe(200);
      expect((await client(h).getStatus(r.json.id as string)).client_first_name).toBe('Іван 😀');
      // the fallback only unescapes what PHP would have written literally; other edits still fail
      const r2 = await post('/session', sent.replace('2233', '2234'), rsaSignature(signedText, MERCHANT1_PRIVATE, 'sha1'));
      expect(r2.json).toMatchObject({ error: 'request sign is invalid' });
    });

    it('finds the merchant from the session when merchant_id is left out (tibezh/novapay-php)', async () => {
      const { id } = await client(h).createSession({ client_phone: '+380501112233' });
      const body = JSON.stringify({ session_id: id });
      const r = await post('/get-status', body, rsaSignature(body, MERCHANT1_PRIVATE, 'sha1'));
      expect(r.status).toBe(200);
      expect(r.json.id).toBe(id);
      // and for calls without a session (delivery-info), from the key that verifies
      const info = JSON.stringify({ modelName: 'Common', calledMethod: 'getCargoTypes', methodProperties: {} });
      expect((await post('/delivery-info', info, rsaSignature(info, MERCHANT2_PRIVATE, 'sha256'))).json.success).toBe(true);
    });
  });

  describe('signed responses and the gateway key', () => {
    it('serves the gateway public key as PEM, kept in the store and unchanged by a restart', async () => {
      const res = await fetch(`${h.url}/novapay/v1/public-key`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-pem-file');
      const pem = await res.text();
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
      expect(createPublicKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
      const stored = await h.gw.engine.read((tx) => tx.settings.get(GATEWAY_KEY_SETTING));
      expect(stored).toContain('PRIVATE KEY');
      await h.restart();
      expect(await (await fetch(`${h.url}/novapay/v1/public-key`)).text()).toBe(pem);
      // the typed client checks both response signatures with it
      const c = client(h, { verify: pem, algorithm: 'sha256' });
      expect(await c.createSession({ client_phone: '+380501112233' })).toMatchObject({ metadata: null });
    });
  });

  it('lets a seed set the gateway key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const seed = {
      merchants: [
        {
          id: 'k1',
          name: 'Keyed',
          novapay: {
            merchantId: 1,
            publicKey: createPublicKey(MERCHANT1_PRIVATE).export({ type: 'spki', format: 'pem' }).toString(),
            gatewayPrivateKey: pem,
          },
        },
      ],
    };
    const g = await startTestGateway(store, seed, undefined, { faces: FACES });
    try {
      const served = await (await fetch(`${g.url}/novapay/v1/public-key`)).text();
      expect(served).toBe(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const body = JSON.stringify({ merchant_id: 1, client_phone: '+380501112233' });
      const res = await fetch(`${g.url}/novapay/v1/session`, {
        method: 'POST',
        headers: { 'x-sign': rsaSignature(body, MERCHANT1_PRIVATE, 'sha1') },
        body,
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(signaturesOf(bytes, res.headers, served)).toEqual({ sha1: true, sha256: true });
      // describe() shows what a developer needs
      const info = await g.gw.describeMerchant('k1');
      expect(info.faces.novapay).toEqual({
        baseUrl: `${g.url}/novapay/v1`,
        merchantId: '1',
        gatewayPublicKey: `${g.url}/novapay/v1/public-key`,
      });
    } finally {
      await g.close();
    }
  });

  describe('validation errors in both shapes', () => {
    it('answers document-era (SHA-1) clients with {type:"validation", errors:[{dataPath, message}]}', async () => {
      const cases: Array<[string, unknown, Array<{ dataPath: string; message: string }>]> = [
        ['/session', { merchant_id: 1 }, [{ dataPath: '', message: "should have required property 'client_phone'" }]],
        ['/session', { merchant_id: 1, client_phone: 380501112233 }, [{ dataPath: '.client_phone', message: 'should be string' }]],
        [
          '/session',
          { merchant_id: 1, client_phone: '12' },
          [{ dataPath: '.client_phone', message: 'should pass "validPhone" keyword validation' }],
        ],
        [
          '/session',
          { merchant_id: 1, client_phone: '+380501112233', client_first_name: 'x'.repeat(256) },
          [{ dataPath: '.client_first_name', message: 'should NOT be longer than 255 characters' }],
        ],
        [
          '/session',
          { merchant_id: 1, client_phone: '+380501112233', callback_url: 'not a url' },
          [{ dataPath: '.callback_url', message: 'should match format "uri"' }],
        ],
        [
          '/session',
          { merchant_id: 1, client_phone: '+380501112233', client_email: 'nope' },
          [{ dataPath: '.client_email', message: 'should match format "email"' }],
        ],
        [
          '/session',
          { merchant_id: 1, client_phone: '+380501112233', metadata: [1] },
          [{ dataPath: '.metadata', message: 'should be object,null' }],
        ],
        [
          '/session',
          { merchant_id: 1, client_phone: '+380501112233', client_last_name: 5 },
          [{ dataPath: '.client_last_name', message: 'should be string,null' }],
        ],
        [
          '/payment',
          { merchant_id: 1 },
          [
            { dataPath: '', message: "should have required property 'session_id'" },
            { dataPath: '', message: "should have required property 'amount'" },
          ],
        ],
        ['/payment', { merchant_id: 1, session_id: 'x', amount: 0 }, [{ dataPath: '.amount', message: 'should be >= 0.01' }]],
        ['/payment', { merchant_id: 1, session_id: 'x', amount: 'ten' }, [{ dataPath: '.amount', message: 'should be number' }]],
        [
          '/payment',
          { merchant_id: 1, session_id: 'x', amount: 10.001 },
          [{ dataPath: '.amount', message: 'should pass "validAmount" keyword validation' }],
        ],
        [
          '/payment',
          { merchant_id: 1, session_id: 'x', amount: 10, products: [{ description: 'a', count: 0, price: 1 }] },
          [{ dataPath: '.products[0].count', message: 'should be >= 1' }],
        ],
        [
          '/payment',
          { merchant_id: 1, session_id: 'x', amount: 10, products: [{ description: 'a', count: 1, price: 0 }] },
          [{ dataPath: '.products[0].price', message: 'should be >= 0.01' }],
        ],
        [
          '/payment',
          { merchant_id: 1, session_id: 'x', amount: 10, use_hold: 'yes' },
          [{ dataPath: '.use_hold', message: 'should be boolean' }],
        ],
        [
          '/payment',
          { merchant_id: 1, session_id: 'x', amount: 10, delivery: { volume_weight: 0.0001, weight: 0.05, recipient_city: 'a' } },
          [
            { dataPath: '.delivery.volume_weight', message: 'should be >= 0.0004' },
            { dataPath: '.delivery.weight', message: 'should be >= 0.1' },
            { dataPath: '.delivery', message: "should have required property 'recipient_warehouse'" },
          ],
        ],
        ['/void', { merchant_id: 1 }, [{ dataPath: '', message: "should have required property 'session_id'" }]],
        ['/complete-hold', { merchant_id: 1, session_id: 'x', amount: -1 }, [{ dataPath: '.amount', message: 'should be >= 0.01' }]],
        [
          '/delivery-info',
          { merchant_id: 1, modelName: 'Address' },
          [{ dataPath: '', message: "should have required property 'calledMethod'" }],
        ],
        [
          '/delivery-price',
          { merchant_id: 1, amount: 100, weight: 1, volume_weight: 0.001, recipient_city: 'x' },
          [{ dataPath: '', message: "should have required property 'recipient_warehouse'" }],
        ],
        ['/session', '[1,2]', [{ dataPath: '', message: 'should be object' }]],
      ];
      for (const [path, body, errors] of cases) {
        const r = await signed(path, body);
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(r.json, `${path} ${JSON.stringify(body)}`).toEqual({ type: 'validation', errors });
        expectSigned(r);
      }
    });

    it('answers current (SHA-256) clients with {uuid, type:"validation", errors:[{message, code, path}]}', async () => {
      const r = await signed('/session', { merchant_id: '1' }, 'sha256');
      expect(r.status).toBe(400);
      expect(Object.keys(r.json)).toEqual(['uuid', 'type', 'errors']);
      expect(r.json.uuid).toMatch(UUID_RE);
      // the very body recorded from NovaPay's QE host, apart from the uuid
      expect(r.json.errors).toEqual([
        { message: 'Invalid input: expected string, received undefined', code: 'invalid_type', path: 'client_phone' },
      ]);
      const p = await signed(
        '/payment',
        { merchant_id: '1', session_id: 'x', amount: 1.5, products: [{ description: 'a', count: 0 }] },
        'sha256',
      );
      expect(p.json.errors).toEqual([{ message: 'Too small: expected number to be >=1', code: 'too_small', path: 'products.0.count' }]);
      const u = await signed('/session', { merchant_id: '1', client_phone: '+380501112233', success_url: 'ftp://x' }, 'sha256');
      expect(u.json.errors).toEqual([{ message: 'Invalid URL', code: 'invalid_format', path: 'success_url' }]);
    });

    it('accepts amount as a number or a numeric string (the PHP SDK sends strings)', async () => {
      const c = client(h);
      for (const amount of [10.5, '10.50', '10.5', 10]) {
        const { id } = await c.createSession({ client_phone: '+380501112233' });
        const p = await c.addPayment({ session_id: id, amount });
        expect(p.id).toMatch(/^\d+$/);
        expect((await c.getStatus(id)).amount).toBe(amount === 10 ? '10.00' : '10.50');
      }
    });
  });

  describe('processing errors', () => {
    it('answers with the documented messages, the newer code names, and the recorded current shape', async () => {
      const c = client(h);
      const c256 = client(h, { algorithm: 'sha256' });
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const path of [
        '/get-status',
        '/expire',
        '/void',
        '/complete-hold',
        '/confirm-delivery-hold',
        '/print-express-waybill',
        '/payment',
      ]) {
        const r = await signed(path, { merchant_id: 1, session_id: missing, ...(path === '/payment' ? { amount: 1 } : {}) });
        expect(r.status, path).toBe(400);
        expect(r.json, path).toEqual({ type: 'processing', error: 'session not found', code: 'SessionNotFoundError' });
      }
      const cur = await signed('/get-status', { merchant_id: '1', session_id: missing }, 'sha256');
      expect(Object.keys(cur.json)).toEqual(['uuid', 'type', 'error', 'description', 'code']);
      expect(cur.json).toMatchObject({ type: 'processing', error: 'session not found', description: '', code: 'SessionNotFoundError' });

      // another merchant's session is not found
      const { id: other } = await client(h, { merchant: 2 }).createSession({ client_phone: '+380501112233' });
      await expect(c.getStatus(other)).rejects.toMatchObject({ status: 400, code: 'SessionNotFoundError' });

      const { id } = await c.createSession({ client_phone: '+380501112233' });
      await expect(c.void(id)).rejects.toMatchObject({ code: 'SessionInvalidStatusError', message: 'invalid session status' });
      await expect(c.completeHold(id)).rejects.toMatchObject({ code: 'SessionInvalidStatusError' });
      await expect(c.confirmDeliveryHold(id)).rejects.toMatchObject({ code: 'DeliveryNotUsedError', message: 'session has no delivery' });
      await expect(c.printExpressWaybill(id)).rejects.toMatchObject({ code: 'ExpressWaybillNotFoundError' });
      await c.addPayment({ session_id: id, amount: 5 });
      await expect(c.addPayment({ session_id: id, amount: 5 })).rejects.toMatchObject({ code: 'PaymentAlreadyAddedError' });
      expect(await c.expire(id)).toBeNull();
      await expect(c.expire(id)).rejects.toMatchObject({ code: 'SessionExpiredError', message: 'session expired' });
      await expect(c.addPayment({ session_id: id, amount: 5 })).rejects.toMatchObject({ code: 'SessionExpiredError' });
      await expect(c256.void(id)).rejects.toMatchObject({
        body: { type: 'processing', error: 'session expired', description: '', code: 'SessionExpiredError' },
      });

      // delivery price for an unknown warehouse
      await expect(
        c.deliveryPrice({
          amount: 100,
          volume_weight: 0.001,
          weight: 1,
          recipient_city: 'db5c88f5-391c-11dd-90d9-001a92567626',
          recipient_warehouse: '00000000-0000-0000-0000-000000000000',
        }),
      ).rejects.toMatchObject({
        body: { type: 'processing', error: 'delivery price calculation failed', code: 'DeliveryPriceCalculationError' },
      });
    });

    it('answers unknown routes with 404 NotFoundError and oversized bodies with 413, never a 500', async () => {
      const r = await signed('/nothing', { merchant_id: 1 });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ type: 'processing', error: 'not found', code: 'NotFoundError' });
      const big = JSON.stringify({ merchant_id: 1, client_phone: '+380501112233', pad: 'x'.repeat(1_100_000) });
      const b = await post('/session', big, 'AAAA');
      expect(b.status).toBe(413);
      expect(b.json).toMatchObject({ type: 'processing', code: 'PayloadTooLargeError' });
      const garbage = await post('/session', '\u0001{', 'AAAA');
      expect(garbage.status).toBe(400);
      expect(garbage.json).toMatchObject({ type: 'processing', error: 'request sign is invalid' });
      // a NUL character is refused by the gateway before the signature is read, on every store alike
      const nul = await post('/session', '\u0000\u0001{', 'AAAA');
      expect(nul.status).toBe(400);
      expect(nul.json).toEqual({ type: 'validation', errors: [{ dataPath: '', message: 'request is malformed' }] });
    });
  });

  it('get-status has the recorded QE shape for a fresh session', async () => {
    const c = client(h);
    const { id } = await c.createSession({ client_phone: '+380501112233', metadata: { order: 7 } });
    const s = await c.getStatus(id);
    expect(Object.keys(s)).toEqual(STATUS_KEYS);
    expect(s).toEqual({
      id,
      metadata: { order: 7 },
      status: 'created',
      created_at: expect.stringMatching(ISO_RE),
      client_phone: '+380501112233',
      client_first_name: null,
      client_last_name: null,
      client_patronymic: null,
      pan: null,
      rrn: null,
      paytype: '',
      approval_code: null,
      card_type: null,
      transaction_status: null,
      amount: null,
      processing_result: null,
      operations: [],
    });
  });
});
