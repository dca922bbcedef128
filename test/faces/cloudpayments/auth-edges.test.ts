// CloudPayments' HTTP Basic authentication at its edges, over real HTTP on SQLite and PostgreSQL: the forms of the
// header a client may send (scheme in any case, spaces, the URL-safe base64 alphabet), what is not one Basic
// credential, an empty PublicId, an API Secret that holds colons, the 200-character bound on a PublicId, a revoked
// key; every refusal is the one documented 401 answer.
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { raw, SHOP, startCpGateway } from './helpers.js';

const DENIED = { Success: false, Message: 'Authorization has been denied for this request.' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const GOOD = b64(`${SHOP.publicId}:${SHOP.apiSecret}`);

describe.each(STORES)('CloudPayments authentication edges on %s', (store) => {
  const g = useGateway(() => startCpGateway(store));

  // a payment read (the /test method answers without credentials): passed, it answers 200 (here: not found)
  const call = (auth: string) => raw(g.h, '/payments/get', '{"TransactionId":1}', { auth });
  async function expectDenied(auth: string) {
    const r = await call(auth);
    expect(r.status, auth).toBe(401);
    expect(r.json, auth).toEqual(DENIED);
  }
  async function expectPassed(auth: string) {
    const r = await call(auth);
    expect(r.status, `${auth} ${r.text}`).toBe(200);
    expect(r.json.Message, auth).not.toBe(DENIED.Message);
  }

  /** A credential of the seeded shop added straight to the store (a PublicId and API Secret the seed cannot spell). */
  async function addCredential(id: string, publicId: string, secret: string, status: 'active' | 'revoked' = 'active') {
    await g.h.gw.engine.transaction((tx) =>
      tx.credentials.insert({
        id,
        merchantId: SHOP.id,
        face: 'cloudpayments',
        key: publicId,
        secret,
        data: {},
        status,
        createdAt: g.h.gw.clock.now(),
      }),
    );
  }

  it('takes the scheme in any case and any spaces after it', async () => {
    for (const auth of [`Basic ${GOOD}`, `basic ${GOOD}`, `BASIC ${GOOD}`, `Basic    ${GOOD}`, `Basic\t${GOOD}`]) await expectPassed(auth);
  });

  it('refuses what is not exactly one Basic credential', async () => {
    for (const auth of [
      `XBasic ${GOOD}`,
      `Basic ${GOOD} extra`,
      `Basic${GOOD}`,
      'Basic',
      `Bearer ${GOOD}`,
      `Basic ${GOOD}!`,
      `Digest ${GOOD}`,
    ])
      await expectDenied(auth);
  });

  it('refuses an empty PublicId, a missing colon and an empty secret', async () => {
    await expectDenied(`Basic ${b64(`:${SHOP.apiSecret}`)}`);
    await expectDenied(`Basic ${b64(`${SHOP.publicId}`)}`);
    await expectDenied(`Basic ${b64(`${SHOP.publicId}:`)}`);
    // a PublicId is not trimmed: a space makes it another one
    await expectDenied(`Basic ${b64(` ${SHOP.publicId}:${SHOP.apiSecret}`)}`);
  });

  it('splits at the first colon: an API Secret may hold colons', async () => {
    await addCredential('cred_cp_colon', 'pk_colon_secret', 'part:two:three');
    await expectPassed(`Basic ${b64('pk_colon_secret:part:two:three')}`);
    await expectDenied(`Basic ${b64('pk_colon_secret:part:two')}`);
  });

  it('decodes the URL-safe base64 alphabet as the standard one', async () => {
    // a secret whose standard base64 has "+" and "/": sent with "-" and "_" instead
    await addCredential('cred_cp_urlsafe', 'pk_urlsafe', '~~~>?>?>~');
    const standard = b64('pk_urlsafe:~~~>?>?>~');
    expect(standard).toMatch(/[+/]/);
    await expectPassed(`Basic ${standard}`);
    await expectPassed(`Basic ${standard.replace(/\+/g, '-').replace(/\//g, '_')}`);
  });

  it('looks up a PublicId of up to 200 characters, and refuses a longer one unread', async () => {
    const long = 'pk_' + 'a'.repeat(197);
    expect(long).toHaveLength(200);
    await addCredential('cred_cp_long', long, 'long_secret');
    await expectPassed(`Basic ${b64(`${long}:long_secret`)}`);
    const longer = long + 'b';
    await addCredential('cred_cp_longer', longer, 'long_secret');
    await expectDenied(`Basic ${b64(`${longer}:long_secret`)}`);
  });

  it('refuses a revoked key with its right secret', async () => {
    await addCredential('cred_cp_revoked', 'pk_revoked', 'revoked_secret', 'revoked');
    await expectDenied(`Basic ${b64('pk_revoked:revoked_secret')}`);
  });
});
