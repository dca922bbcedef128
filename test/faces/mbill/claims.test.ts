// Transfers to an external credential and the claims that complete them, over real HTTP on SQLite and
// PostgreSQL: waiting_for_claim, POST /claims with its rules, the claim token (404 before 401), the
// claimant's OTP (wrong, generated, fixed), the payout to the claimant's card, declines and expiry.
import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../../src/core/network/reasons.js';
import { declineCardPan, FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import type { ClaimView, TransferView } from '../../../src/faces/mbill/client.js';
import { mbillStore } from '../../../src/faces/mbill/store.js';
import { eventually } from '../../helpers/eventually.js';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { API_TOKEN, balance, CARDS, card, claimOtp, client, feesBalance, raw, startMbill, transferBody } from './helpers.js';

const CLAIM_KEYS = [
  'id',
  'type',
  'external_id',
  'status',
  'token',
  'token_expires_at',
  'credential',
  'auth',
  'metadata',
  'created_at',
  'updated_at',
];
const E = (entry: string, rule: string, params: unknown, description: string) => ({
  entry_type: 'json_data_property',
  entry,
  rules: [{ rule, params, description }],
});

describe.each(STORES)('Mbill claims on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  /** A transfer to an external credential, paid by the sender: it waits for a claim. */
  async function waitingTransfer(amount = 1000, fee = 10): Promise<TransferView> {
    const t = (
      await client(g.h).createTransfer(
        transferBody(card(CARDS.visaNo3ds), { type: 'external-credential', metadata: { wallet: 'w-42' } }, amount, fee, {
          recipient: { phone: '+380631112244', credential: { type: 'external-credential', metadata: { wallet: 'w-42' } } },
        }),
      )
    ).data;
    const r = await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
    expect(r.data.status).toBe('waiting_for_claim');
    return r.data;
  }

  const claimIdOf = (t: TransferView) => (t.recipient.credential as { id: string }).id;

  async function claim(t: TransferView, number: string = CARDS.mc3ds): Promise<ClaimView> {
    return (await client(g.h).createClaim({ id: claimIdOf(t), credential: { type: 'card-number', number } })).data;
  }

  it('holds a paid transfer to an external credential in waiting_for_claim, with a system-generated id', async () => {
    const merchantBefore = await balance(g.h);
    const feesBefore = await feesBalance(g.h);
    const t = await waitingTransfer();
    expect(t.recipient).toEqual({
      phone: '+380631112244',
      email: null,
      credential: { type: 'external-credential', id: expect.stringMatching(/^\d{9}$/), metadata: { wallet: 'w-42' } },
    });
    expect(t.auth).toBeUndefined();
    // the sender's money waits in the merchant's balance; the fee is kept
    expect((await balance(g.h)) - merchantBefore).toBe(100000n);
    expect((await feesBalance(g.h)) - feesBefore).toBe(1000n);
  });

  it("takes the blueprint's `external-id` recipient (its Create-transfer prose) as an external credential", async () => {
    // "Recipient can be: ... `external-id` - whenever you want to send payment that can be claimed later"
    const body = transferBody(card(CARDS.visaNo3ds), { type: 'external-id', metadata: { wallet: 'w-7' } }, 1000, 10, {
      recipient: { phone: '+380631112255', credential: { type: 'external-id', metadata: { wallet: 'w-7' } } },
    });
    const r = await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: JSON.stringify(body) });
    expect(r.status, r.text).toBe(201);
    const t = r.json.data as TransferView;
    expect(t.recipient).toEqual({
      phone: '+380631112255',
      email: null,
      credential: { type: 'external-credential', id: expect.stringMatching(/^\d{9}$/), metadata: { wallet: 'w-7' } },
    });
    expect((await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP)).data.status).toBe('waiting_for_claim');
    const c = await claim(t);
    expect(c).toMatchObject({ status: 'authentication', external_id: claimIdOf(t) });
    // the same rule as for `external-credential`: the recipient's phone is required
    const noPhone = await raw(g.h, 'POST', '/transfers', {
      token: API_TOKEN,
      body: JSON.stringify({ ...body, recipient: { credential: { type: 'external-id' } } }),
    });
    expect(noPhone.status).toBe(422);
    expect(noPhone.json.error.invalid).toEqual([E('$.recipient.phone', 'required', [], "can't be blank")]);
  });

  it('creates a claim (201, the blueprint shape), completes it with the OTP and pays the claimant', async () => {
    const merchantBefore = await balance(g.h);
    const t = await waitingTransfer(2500, 25);
    const r = await raw(g.h, 'POST', '/claims', {
      body: JSON.stringify({ id: claimIdOf(t), credential: { type: 'card-number', number: CARDS.mc3ds } }),
    });
    expect(r.status).toBe(201);
    const c = r.json.data as ClaimView;
    expect(r.json.meta).toEqual({ url: `${g.h.url}/mbill/claims/${c.id}`, type: 'object', code: 201, request_id: expect.any(String) });
    expect(Object.keys(c)).toEqual(CLAIM_KEYS);
    expect(c).toMatchObject({
      type: 'claim',
      external_id: claimIdOf(t),
      status: 'authentication',
      credential: { type: 'card-number', number: '555555******4444' },
      auth: { type: 'otp-code' },
      metadata: null,
    });
    expect(c.token).toMatch(/^claim-token-[0-9a-f-]{36}$/);
    expect(c.token_expires_at).toMatch(/Z$/);
    expect(r.text).not.toContain(CARDS.mc3ds);

    const got = await client(g.h).getClaim(c.id, c.token);
    expect(got.data).toEqual(c);

    const wrong = await raw(g.h, 'POST', `/claims/${c.id}/auth`, { token: c.token, body: JSON.stringify({ code: '000000' }) });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.invalid).toEqual([E('$.code', 'otp_code', [], 'is invalid')]);
    const ok = await client(g.h).authenticateClaim(c.id, c.token, await claimOtp(g.h, c.id));
    expect(ok.status).toBe(201);
    expect(ok.data.status).toBe('processing');
    expect(ok.data.transfer).toMatchObject({ id: t.id, status: 'processing', amount: 2500, fee: 25, total: 2525 });
    const done = await eventually(async () => {
      const x = (await client(g.h).getClaim(c.id, c.token)).data;
      expect(x.status).toBe('completed');
      return x;
    });
    expect(Object.keys(done)).toEqual([...CLAIM_KEYS, 'transfer', 'payment']);
    expect(done.transfer).toEqual({
      id: t.id,
      status: 'completed',
      amount: 2500,
      fee: 25,
      total: 2525,
      description: 'some content',
      sender: t.sender,
      recipient: t.recipient,
      created_at: t.created_at,
      updated_at: expect.any(String),
    });
    expect(done.payment).toEqual(done.transfer);
    expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('completed');
    expect(await balance(g.h)).toBe(merchantBefore);
    const payout = await g.h.gw.engine.read(async (tx) => tx.payouts.get((await mbillStore.getTransfer(tx, Number(t.id)))!.payoutId!));
    expect(payout).toMatchObject({ status: 'completed', amount: 250000n });
    expect(payout?.card?.last4).toBe('4444');
    // the transfer is no longer claimable
    const again = await raw(g.h, 'POST', '/claims', {
      body: JSON.stringify({ id: claimIdOf(t), credential: { type: 'card-number', number: CARDS.mc3ds } }),
    });
    expect(again.json.error.invalid).toEqual([E('$.id', 'claim_id', [], 'not found')]);
  });

  it("checks POST /claims: the reference server's rules", async () => {
    const t = await waitingTransfer();
    const bad = async (body: unknown) => {
      const r = await raw(g.h, 'POST', '/claims', { body: JSON.stringify(body) });
      expect(r.status).toBe(422);
      return r.json.error.invalid;
    };
    expect(await bad({})).toEqual([E('$.credential', 'required', [], "can't be blank"), E('$.id', 'required', [], "can't be blank")]);
    expect(await bad({ id: '007', credential: { type: 'card-number', number: CARDS.mc3ds } })).toEqual([
      E('$.id', 'claim_id', [], 'not found'),
    ]);
    expect(await bad({ id: claimIdOf(t), credential: card(CARDS.mc3ds) })).toEqual([
      E('$.credential', 'inclusion', ['card-number', 'card-token'], 'is invalid'),
    ]);
    expect(await bad({ id: claimIdOf(t), credential: { type: 'card-number', number: '1473959513413611' } })).toEqual([
      E('$.credential.number', 'card_number', [], 'is not a valid card number'),
    ]);
    expect(await bad({ id: claimIdOf(t), credential: { type: 'card-token', token: 'invalid_token' } })).toEqual([
      E('$.credential.token', 'token', [], 'is invalid'),
    ]);
    expect(await bad({ id: claimIdOf(t), credential: { type: 'card-number', number: CARDS.mc3ds }, metadata: 1 })).toEqual([
      E('$.metadata', 'metadata', [], 'is not a valid metadata object'),
    ]);
    expect(await bad({ id: '007', credential: { type: 'card-number', number: '1' } })).toEqual([
      E('$.credential.number', 'card_number', [], 'is not a valid card number'),
      E('$.id', 'claim_id', [], 'not found'),
    ]);
    // a transfer still waiting for its sender cannot be claimed
    const unpaid = (
      await client(g.h).createTransfer(
        transferBody(card(CARDS.visaNo3ds), { type: 'external-credential' }, 1000, 10, {
          recipient: { phone: '+380631112244', credential: { type: 'external-credential' } },
        }),
      )
    ).data;
    expect(unpaid.status).toBe('authentication');
    expect(await bad({ id: claimIdOf(unpaid), credential: { type: 'card-number', number: CARDS.mc3ds } })).toEqual([
      E('$.id', 'claim_id', [], 'not found'),
    ]);
  });

  it('answers 404 before 401 with the claim token', async () => {
    const t = await waitingTransfer();
    const c = await claim(t);
    for (const path of ['/claims/0', '/claims/abc', '/claims/0/auth']) {
      const method = path.endsWith('/auth') ? 'POST' : 'GET';
      for (const token of [undefined, 'invalid_token', c.token]) {
        const r = await raw(g.h, method, path, { ...(token ? { token } : {}), ...(method === 'POST' ? { body: '{"code":"1"}' } : {}) });
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.json.error).toEqual({ type: 'not_found' });
      }
    }
    for (const [method, path] of [
      ['GET', `/claims/${c.id}`],
      ['POST', `/claims/${c.id}/auth`],
    ] as const) {
      const extra = method === 'POST' ? { body: '{"code":"1"}' } : {};
      expect((await raw(g.h, method, path, extra)).json.error).toEqual({
        type: 'access_denied',
        invalid: [{ entry_type: 'header', entry: 'Authorization' }],
        message: 'Send the claim token as the HTTP Basic username.',
      });
      expect((await raw(g.h, method, path, { ...extra, token: 'invalid_token' })).status).toBe(401);
      expect((await raw(g.h, method, path, { ...extra, token: API_TOKEN })).status).toBe(401);
    }
    // the reference test sends base64(TOKEN) without a colon, and {"type":"otp-code","otp-code":…}
    const r = await raw(g.h, 'POST', `/claims/${c.id}/auth`, {
      headers: { authorization: 'Basic ' + Buffer.from(c.token).toString('base64') },
      body: JSON.stringify({ type: 'otp-code', 'otp-code': Number(FIXED_TEST_OTP) }),
    });
    expect(r.status).toBe(201);
    await eventually(async () => expect((await client(g.h).getClaim(c.id, c.token)).data.status).toBe('completed'));
  });

  it('a declined payout declines the claim; the transfer waits for another claim', async () => {
    const merchantBefore = await balance(g.h);
    const t = await waitingTransfer(700, 7);
    const c1 = await claim(t, declineCardPan('payout_not_permitted'));
    await client(g.h).authenticateClaim(c1.id, c1.token, FIXED_TEST_OTP);
    const declined = await eventually(async () => {
      const x = (await client(g.h).getClaim(c1.id, c1.token)).data;
      expect(x.status).toBe('declined');
      return x;
    });
    expect(declined.decline).toEqual({ code: 8, reason: 'RecipientPAN_Invalid', message: DECLINE_REASONS.payout_not_permitted });
    expect(declined.transfer).toBeUndefined();
    expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('waiting_for_claim');
    // a second claim, with a card token this time
    const tok = (await client(g.h).createToken(card(CARDS.visa3ds))).data.token;
    const c2 = (await client(g.h).createClaim({ id: claimIdOf(t), credential: { type: 'card-token', token: tok } })).data;
    expect(c2.credential).toEqual({ type: 'card-token', token: tok, token_expires_at: expect.any(String), number: '424242******4242' });
    await client(g.h).authenticateClaim(c2.id, c2.token, FIXED_TEST_OTP);
    await eventually(async () => expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('completed'));
    expect((await balance(g.h)) - merchantBefore).toBe(0n);
  });

  it('three wrong codes decline a claim; an unauthenticated claim declines after 15 minutes', async () => {
    const t = await waitingTransfer();
    const c = await claim(t);
    for (let i = 0; i < 3; i++)
      expect((await raw(g.h, 'POST', `/claims/${c.id}/auth`, { token: c.token, body: '{"code":"000000"}' })).status).toBe(422);
    expect((await client(g.h).getClaim(c.id, c.token)).data).toMatchObject({
      status: 'declined',
      decline: { code: 431, reason: '3DS_Failed' },
    });
    expect(
      (await raw(g.h, 'POST', `/claims/${c.id}/auth`, { token: c.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) })).status,
    ).toBe(409);

    const c2 = await claim(t);
    g.h.gw.clock.advance(15 * 60_000 + 1000);
    await eventually(async () => {
      await g.h.gw.engine.scheduler.drain();
      expect((await client(g.h).getClaim(c2.id, c2.token)).data).toMatchObject({
        status: 'declined',
        decline: { code: 435, reason: 'Declined__P2Y' },
      });
    });
    const late = await raw(g.h, 'POST', `/claims/${c2.id}/auth`, { token: c2.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) });
    expect(late.status).toBe(409);
    expect(late.json.error).toEqual({ type: 'request_conflict', message: 'Claim is declined.' });
    // the transfer (already paid by its sender) is still claimable
    expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('waiting_for_claim');
    const c3 = await claim(t);
    await client(g.h).authenticateClaim(c3.id, c3.token, FIXED_TEST_OTP);
    await eventually(async () => expect((await client(g.h).getClaim(c3.id, c3.token)).data.status).toBe('completed'));
  });

  it('only one of two authenticated claims takes the transfer', async () => {
    const t = await waitingTransfer();
    const a = await claim(t);
    const b = await claim(t);
    const [ra, rb] = await Promise.all([
      raw(g.h, 'POST', `/claims/${a.id}/auth`, { token: a.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) }),
      raw(g.h, 'POST', `/claims/${b.id}/auth`, { token: b.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    await eventually(async () => expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('completed'));
    const loser = ra.status === 409 ? a : b;
    expect((await client(g.h).getClaim(loser.id, loser.token)).data.status).toBe('declined');
  });
});
