// NovaPay's request authentication at its edges, over real HTTP on SQLite and PostgreSQL: only an active NovaPay
// credential verifies a request (not a revoked one, not another face's); how merchant_id chooses the key (a number,
// digits with spaces around, anything else falls back to the other keys); how session_id chooses it; bodies that
// are blank, not JSON or not an object, in both generations of error texts; and the fallback for bodies signed
// with their \uXXXX escapes written as the characters themselves.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import type { Seed } from '../../../src/operator/seed.js';
import { client, FACES, MERCHANT1_PRIVATE, MERCHANT2_PRIVATE, NOVAPAY_SEED, rsaSignature } from './setup.js';

const pair = () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
const THIRD = pair();
const FOREIGN = pair();

const SEED: Seed = {
  merchants: [
    ...NOVAPAY_SEED.merchants!,
    { id: 'np3', name: 'Third Shop', currencies: ['UAH'], novapay: { merchantId: 3, publicKey: THIRD.publicKey } },
  ],
};

// NovaPay's documented errors: a wrong signature and an unknown merchant_id are processing errors (HTTP 400).
const SIGN_INVALID = { type: 'processing', error: 'request sign is invalid', code: 'RequestSignInvalidError' };
const MERCHANT_NOT_FOUND = { type: 'processing', error: 'merchant not found', code: 'MerchantNotFoundError' };

describe.each(STORES)('NovaPay request authentication at its edges on %s', (store) => {
  let h: TestGateway;

  beforeAll(async () => {
    h = await startTestGateway(store, SEED, undefined, { faces: FACES });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** POST the exact bytes to a NovaPay route with `x-sign` made by the key given (SHA-1 unless told). */
  const post = async (
    path: string,
    body: string,
    key: string,
    opts: { algorithm?: 'sha1' | 'sha256'; signed?: string } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${h.url}/novapay/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sign': rsaSignature(opts.signed ?? body, key, opts.algorithm ?? 'sha1') },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** The authentication passed: the route went on to check the fields (an empty void names no session). */
  const authenticated = (r: { status: number; json: Record<string, unknown> }) => {
    expect(r.json.code).not.toBe(SIGN_INVALID.code);
    expect(r.json.code).not.toBe(MERCHANT_NOT_FOUND.code);
    expect(r.json.type).toBe('validation');
  };
  const refused = (r: { status: number; json: Record<string, unknown> }, error: Record<string, unknown>) => {
    expect(r.status).toBe(400);
    expect(r.json).toEqual(error);
  };

  it('accepts only an active NovaPay credential: a revoked key and a key registered for another face are refused', async () => {
    // before: merchant 3's key verifies a request that names no merchant (every registered key is tried)
    authenticated(await post('/void', '{}', THIRD.privateKey));
    const cred = await h.gw.engine.read(async (tx) => (await tx.credentials.list('np3')).find((c) => c.face === 'novapay')!);
    await h.gw.engine.transaction((tx) => tx.credentials.update(cred.id, { status: 'revoked' }));
    refused(await post('/void', '{}', THIRD.privateKey), SIGN_INVALID);
    refused(await post('/void', '{"merchant_id":3}', THIRD.privateKey), MERCHANT_NOT_FOUND);

    // a public key stored under another face's credential never verifies a NovaPay request
    await h.gw.engine.transaction((tx) =>
      tx.credentials.insert({
        id: `cred_${randomUUID()}`,
        merchantId: 'np2',
        face: 'numopay',
        key: `edge-${randomUUID()}`,
        secret: null,
        data: { publicKey: FOREIGN.publicKey },
        status: 'active',
        createdAt: h.gw.clock.now(),
      }),
    );
    refused(await post('/void', '{}', FOREIGN.privateKey), SIGN_INVALID);
  });

  it('finds the key by merchant_id: a number, or 1 to 18 digits with blanks around; an unknown one is "merchant not found"', async () => {
    refused(await post('/void', '{"merchant_id":" 1 "}', MERCHANT2_PRIVATE), SIGN_INVALID);
    authenticated(await post('/void', '{"merchant_id":" 1 "}', MERCHANT1_PRIVATE));
    authenticated(await post('/void', '{"merchant_id":"2"}', MERCHANT2_PRIVATE));
    refused(await post('/void', '{"merchant_id":"12"}', MERCHANT1_PRIVATE), MERCHANT_NOT_FOUND);
    refused(await post('/void', '{"merchant_id":" 999 "}', MERCHANT1_PRIVATE), MERCHANT_NOT_FOUND);
    refused(await post('/void', '{"merchant_id":999}', MERCHANT1_PRIVATE), MERCHANT_NOT_FOUND);
  });

  it('a merchant_id that is not an integer or not only digits names no merchant: the registered keys are tried', async () => {
    for (const mid of ['1.5', '"x1"', '"1x"', '"1 2"', '"1234567890123456789"', 'true'])
      authenticated(await post('/void', `{"merchant_id":${mid}}`, MERCHANT1_PRIVATE));
  });

  it("finds the key by session_id (up to 255 characters): the session's merchant only; a longer one tries every key", async () => {
    const { id } = await client(h).createSession({ client_phone: '+380501112233' });
    refused(await post('/void', JSON.stringify({ session_id: id }), MERCHANT2_PRIVATE), SIGN_INVALID);
    const ok = await post('/void', JSON.stringify({ session_id: id }), MERCHANT1_PRIVATE);
    expect(ok.json.code).not.toBe(SIGN_INVALID.code);
    // an unknown session names no merchant, so no key verifies
    refused(await post('/void', JSON.stringify({ session_id: 'u'.repeat(255) }), MERCHANT1_PRIVATE), SIGN_INVALID);
    const long = await post('/void', JSON.stringify({ session_id: 'u'.repeat(256) }), MERCHANT1_PRIVATE);
    expect(long.json.code).not.toBe(SIGN_INVALID.code);
    expect(long.json.code).not.toBe(MERCHANT_NOT_FOUND.code);
  });

  it('a success_redirect_timeout that is a fraction or past 2^53 is a validation error, never stored (it was a 500)', async () => {
    const session = (timeout: string) =>
      post('/session', `{"merchant_id":1,"client_phone":"+380501112233","success_redirect_timeout":${timeout}}`, MERCHANT1_PRIVATE);
    for (const bad of ['"9999999999999999999999"', '9999999999999999999999', '9007199254740992', '5.5']) {
      const r = await session(bad);
      expect(r.status, bad).toBe(400);
      expect(r.json.type, bad).toBe('validation');
      expect(JSON.stringify(r.json.errors), bad).toContain('success_redirect_timeout');
    }
    for (const good of ['9007199254740991', '"15"', '0']) expect((await session(good)).status, good).toBe(200);
  });

  it('a body that is blank, not JSON or not an object is a validation error, in the legacy or the current texts', async () => {
    refused(await post('/void', '  ', MERCHANT1_PRIVATE), {
      type: 'validation',
      errors: [{ dataPath: '', message: 'should be object' }],
    });
    const current = async (body: string, received: string) => {
      const r = await post('/void', body, MERCHANT1_PRIVATE, { algorithm: 'sha256' });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'validation',
        errors: [{ message: `Invalid input: expected object, received ${received}`, code: 'invalid_type', path: '' }],
      });
    };
    await current('  ', 'undefined');
    await current('{"merchant_id":', 'invalid JSON');
    await current('[1]', 'array');
    await current('"x"', 'string');
    // a SHA-256 signed refusal of the signature itself still answers in the legacy texts (the signature is unknown)
    refused(await post('/void', '{}', MERCHANT1_PRIVATE, { algorithm: 'sha256', signed: '{ }' }), SIGN_INVALID);
  });

  it('accepts a body sent with \\uXXXX escapes but signed with those characters written out (PHP JSON_UNESCAPED_UNICODE)', async () => {
    const sent = '{"merchant_id":1,"metadata":{"a":"\\u0422\\u0430\\u0440\\u0430\\u0441","e":"\\ud83d\\ude00"}}';
    const signedText = '{"merchant_id":1,"metadata":{"a":"Тарас","e":"😀"}}';
    authenticated(await post('/void', sent, MERCHANT1_PRIVATE, { signed: signedText }));
    authenticated(await post('/void', sent, MERCHANT1_PRIVATE, { signed: signedText, algorithm: 'sha256' }));
  });
});

describe.each(STORES)('NovaPay on %s: a request that names no merchant tries the keys of the first 200 merchants only', (store) => {
  let h: TestGateway;
  const shared = pair();
  const last = pair();

  beforeAll(async () => {
    const many: Seed = {
      merchants: [
        ...Array.from({ length: 200 }, (_, i) => ({
          id: `c${String(i).padStart(3, '0')}`,
          name: `Shop ${i}`,
          currencies: ['UAH'],
          novapay: { merchantId: 1000 + i, publicKey: shared.publicKey },
        })),
        { id: 'z-last', name: 'Last Shop', currencies: ['UAH'], novapay: { merchantId: 5000, publicKey: last.publicKey } },
      ],
    };
    h = await startTestGateway(store, many, undefined, { faces: FACES });
  });
  afterAll(async () => {
    await h?.close();
  });

  const voidSigned = async (body: string, key: string) => {
    const res = await fetch(`${h.url}/novapay/v1/void`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sign': rsaSignature(body, key, 'sha1') },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("the 201st merchant's key verifies only when its merchant_id is given", async () => {
    expect((await voidSigned('{}', shared.privateKey)).json.type).toBe('validation');
    const unnamed = await voidSigned('{}', last.privateKey);
    expect(unnamed.status).toBe(400);
    expect(unnamed.json).toEqual(SIGN_INVALID);
    expect((await voidSigned('{"merchant_id":5000}', last.privateKey)).json.type).toBe('validation');
  });
});
