// Mbill's HTTP Basic authentication at its edges, over real HTTP on SQLite and PostgreSQL: the token as the
// username or as the password (either one may be the good one), empty parts, the error message for a wrong
// transfer or claim token, and a stored credential whose lookup key matches but whose secret does not.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { API_TOKEN, CARDS, card, client, raw, startMbill, transferBody } from './helpers.js';

const basic = (userAndPassword: string) => 'Basic ' + Buffer.from(userAndPassword).toString('base64');
const ACCESS_DENIED = { entry_type: 'header', entry: 'Authorization' };

describe.each(STORES)('Mbill authentication edges on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  const createBody = () => JSON.stringify(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }));

  it('takes the API token as the password when the username is not a token, and either part alone', async () => {
    for (const header of [basic(`wrong-token:${API_TOKEN}`), basic(`:${API_TOKEN}`), basic(`${API_TOKEN}:`), basic(`${API_TOKEN}:wrong`)]) {
      const r = await raw(g.h, 'POST', '/transfers', { body: createBody(), headers: { authorization: header } });
      expect(r.status, header).toBe(201);
    }
  });

  it('treats a Basic header with nothing in it as no token at all', async () => {
    for (const header of [basic(':'), basic(''), basic(' : ')]) {
      const r = await raw(g.h, 'POST', '/transfers', { body: createBody(), headers: { authorization: header } });
      expect(r.status, header).toBe(401);
      expect(r.json.error, header).toEqual({
        type: 'access_denied',
        invalid: [ACCESS_DENIED],
        message: 'Send your API token as the HTTP Basic username.',
      });
    }
  });

  it('refuses headers that are not exactly one Basic credential', async () => {
    const good = Buffer.from(`${API_TOKEN}:`).toString('base64');
    for (const header of [`XBasic ${good}`, `Basic ${good} extra`, `Bearer ${API_TOKEN}`, `Basic`]) {
      const r = await raw(g.h, 'POST', '/transfers', { body: createBody(), headers: { authorization: header } });
      expect(r.status, header).toBe(401);
      expect(r.json.error.message, header).toBe('Send your API token as the HTTP Basic username.');
    }
    // the scheme's case does not matter, nor several spaces after it
    for (const header of [`basic ${good}`, `BASIC   ${good}`]) {
      const r = await raw(g.h, 'POST', '/transfers', { body: createBody(), headers: { authorization: header } });
      expect(r.status, header).toBe(201);
    }
  });

  it('names the wrong transfer token and the wrong claim token', async () => {
    const t = (await client(g.h).createTransfer(JSON.parse(createBody()))).data;
    for (const [method, path] of [
      ['GET', `/transfers/${t.id}`],
      ['POST', `/transfers/${t.id}/auth`],
    ] as const) {
      const r = await raw(g.h, method, path, { token: 'invalid_token', ...(method === 'POST' ? { body: '{"code":"1"}' } : {}) });
      expect(r.status).toBe(401);
      expect(r.json.error).toEqual({ type: 'access_denied', invalid: [ACCESS_DENIED], message: 'Invalid transfer token.' });
    }
    // the transfer token as the password, behind a username that is not a token
    expect((await raw(g.h, 'GET', `/transfers/${t.id}`, { headers: { authorization: basic(`nobody:${t.token}`) } })).status).toBe(200);

    const waiting = (
      await client(g.h).createTransfer(
        transferBody(card(CARDS.visaNo3ds), { type: 'external-credential', metadata: { wallet: 'w-7' } }, 1000, 10, {
          recipient: { phone: '+380631112244', credential: { type: 'external-credential', metadata: { wallet: 'w-7' } } },
        }),
      )
    ).data;
    const paid = (await client(g.h).authenticateTransfer(waiting.id, waiting.token, FIXED_TEST_OTP)).data;
    expect(paid.status).toBe('waiting_for_claim');
    const claimId = (paid.recipient.credential as { id: string }).id;
    const c = (await client(g.h).createClaim({ id: claimId, credential: { type: 'card-number', number: CARDS.mc3ds } })).data;
    for (const [method, path] of [
      ['GET', `/claims/${c.id}`],
      ['POST', `/claims/${c.id}/auth`],
    ] as const) {
      const r = await raw(g.h, method, path, { token: 'invalid_token', ...(method === 'POST' ? { body: '{"code":"1"}' } : {}) });
      expect(r.status).toBe(401);
      expect(r.json.error).toEqual({ type: 'access_denied', invalid: [ACCESS_DENIED], message: 'Invalid claim token.' });
    }
    expect((await raw(g.h, 'GET', `/claims/${c.id}`, { headers: { authorization: basic(`nobody:${c.token}`) } })).status).toBe(200);
  });

  it('finds an API token by its SHA-256 and still compares the token itself', async () => {
    // a credential stored under the lookup key of "impostor" whose secret is another token: the key alone is not enough
    const lookupKey = 'sha256:' + createHash('sha256').update('impostor').digest('hex');
    await g.h.gw.engine.transaction((tx) =>
      tx.credentials.insert({
        id: 'cred_mbill_mismatch',
        merchantId: 'shop2',
        face: 'mbill',
        key: lookupKey,
        secret: 'the-real-token',
        data: {},
        status: 'active',
        createdAt: g.h.gw.clock.now(),
      }),
    );
    const r = await raw(g.h, 'POST', '/transfers', { body: createBody(), token: 'impostor' });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toBe('Invalid API token.');
    // the seeded token is stored under the same kind of key: SHA-256 in hex, after "sha256:"
    const seeded = await g.h.gw.engine.read((tx) =>
      tx.credentials.find('mbill', 'sha256:' + createHash('sha256').update(API_TOKEN).digest('hex')),
    );
    expect(seeded?.merchantId).toBe('shop1');
  });
});
