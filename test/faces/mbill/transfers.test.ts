// Mbill transfers end to end over real HTTP, on SQLite and PostgreSQL: the blueprint's shapes, 3-D Secure
// through the ACS with the `arrival` redirect, lookup codes (generated, fixed, wrong), the decline object of
// every core reason, the 15-minute authentication deadline, payouts that fail (refund), and the ledger.
import { describe, expect, it } from 'vitest';
import { ALL_DECLINE_REASONS, DECLINE_REASONS, type DeclineReason } from '../../../src/core/network/reasons.js';
import { declineCardPan, FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import { luhnCheckDigit } from '../../../src/core/cards.js';
import { MbillApiError, type TransferView } from '../../../src/faces/mbill/client.js';
import { mbillStore } from '../../../src/faces/mbill/store.js';
import { passAcs, postForm } from '../../helpers/browser-lite.js';
import { eventually } from '../../helpers/eventually.js';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { BLUEPRINT_AUTHORIZATION, BLUEPRINT_TOKEN, pay2youGroup } from './documented.js';
import { balance, CARDS, card, client, feesBalance, raw, startMbill, transferBody, transferOtp } from './helpers.js';

const TRANSFER_KEYS = [
  'id',
  'type',
  'external_id',
  'token',
  'token_expires_at',
  'amount',
  'fee',
  'total',
  'description',
  'status',
  'metadata',
  'sender',
  'recipient',
  'created_at',
  'updated_at',
];
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const OTP_CODE_INVALID = [
  { entry_type: 'json_data_property', entry: '$.code', rules: [{ rule: 'otp_code', params: [], description: 'is invalid' }] },
];

function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** The merchant's page that sends the payer's browser to the ACS, as the blueprint describes it. */
function handoffPage(t: TransferView, arrival?: string): string {
  const auth = t.auth as { acs_url: string; pa_req: string; md: string; terminal_url: string };
  const term = arrival ? `${auth.terminal_url}?arrival=${encodeURIComponent(arrival)}` : auth.terminal_url;
  return `<form id="f" method="post" action="${escAttr(auth.acs_url)}"><input type="hidden" name="PaReq" value="${escAttr(auth.pa_req)}"><input type="hidden" name="MD" value="${escAttr(auth.md)}"><input type="hidden" name="TermUrl" value="${escAttr(term)}"></form>`;
}

describe.each(STORES)('Mbill transfers on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  async function settle(t: TransferView, status: string): Promise<TransferView> {
    return eventually(async () => {
      const got = (await client(g.h).getTransfer(t.id, t.token)).data;
      expect(got.status).toBe(status);
      return got;
    });
  }

  describe('3-D Secure', () => {
    it('creates a transfer with the blueprint shape and an auth object for the ACS', async () => {
      const r = await raw(g.h, 'POST', '/transfers', {
        token: 'DGRsMpXDCj',
        body: JSON.stringify(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds })),
        headers: { 'x-request-id': 'req-1' },
      });
      expect(r.status).toBe(201);
      expect(Object.keys(r.json)).toEqual(['meta', 'data']);
      const d = r.json.data;
      expect(r.json.meta).toEqual({ url: `${g.h.url}/mbill/transfers/${d.id}`, type: 'object', code: 201, request_id: 'req-1' });
      expect(Object.keys(d)).toEqual([...TRANSFER_KEYS, 'auth']);
      expect(d).toMatchObject({
        type: 'transfer',
        amount: 1000,
        fee: 10,
        total: 1010,
        description: 'some content',
        status: 'authentication',
        metadata: { feel_free: 'to set any metadata' },
        sender: { phone: '+380631112233', email: 'ivan@example.com', credential: { type: 'card', number: '424242******4242' } },
        recipient: { phone: '+380631112233', email: 'ivan@example.com', credential: { type: 'card-number', number: '555555******4444' } },
      });
      expect(d.id).toMatch(/^\d+$/);
      expect(d.external_id).toMatch(/^\d{12}$/);
      expect(d.token).toMatch(/^transfer-token-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(d.token_expires_at).toMatch(UTC);
      expect(d.created_at).toMatch(NAIVE);
      expect(d.updated_at).toMatch(NAIVE);
      expect(d.auth).toEqual({
        type: '3d-secure',
        acs_url: `${g.h.url}/acs`,
        pa_req: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
        md: d.external_id,
        terminal_url: `${g.h.url}/mbill/3ds/terminal`,
      });
      expect(r.text).not.toContain(CARDS.visa3ds);
      expect(r.text).not.toContain(CARDS.mc3ds);
      expect(r.text).not.toContain('"cvv"');
    });

    it('completes through the ACS, redirects the browser to `arrival`, pays out and keeps the fee', async () => {
      const merchantBefore = await balance(g.h);
      const feesBefore = await feesBalance(g.h);
      const t = (
        await client(g.h).createTransfer(transferBody(card(CARDS.mc3ds), { type: 'card-number', number: CARDS.visaNo3ds }, 12345.67, 123))
      ).data;
      expect(t).toMatchObject({ amount: 12345.67, fee: 123, total: 12468.67, status: 'authentication' });
      const arrival = 'https://example.com/#!/send/success';
      const done = await passAcs(handoffPage(t, arrival), `${g.h.url}/merchant/checkout`, { approve: true });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(arrival);
      const after = await client(g.h).getTransfer(t.id, t.token);
      expect(['processing', 'completed']).toContain(after.data.status);
      expect(after.data.auth).toBeUndefined();
      const final = await settle(t, 'completed');
      expect(Object.keys(final)).toEqual(TRANSFER_KEYS);
      expect(final.decline).toBeUndefined();
      // the sender paid amount + fee, the recipient got the amount, the fee stayed in the fees account
      expect(await balance(g.h)).toBe(merchantBefore);
      expect((await feesBalance(g.h)) - feesBefore).toBe(12300n);
      const legs = await g.h.gw.engine.read(async (tx) => {
        const row = await mbillStore.getTransfer(tx, Number(t.id));
        return { payment: await tx.payments.get(row!.paymentId), payout: await tx.payouts.get(row!.payoutId!), row };
      });
      expect(legs.payment).toMatchObject({ status: 'captured', amount: 1246867n, currency: 'UAH', face: 'mbill' });
      expect(legs.payout).toMatchObject({ status: 'completed', amount: 1234567n, currency: 'UAH' });
      expect(legs.payout?.card?.last4).toBe('3055');
      expect(legs.row?.recipientCard).toBeNull(); // the recipient card is not kept after the payout
      // the ACS answer cannot be replayed, and a forged MD is unknown
      const again = await passAcs(handoffPage(t, arrival), `${g.h.url}/merchant/checkout`, { approve: true }).catch((e: Error) => e);
      expect(again).toBeInstanceOf(Error);
      const forged = await postForm(`${g.h.url}/mbill/3ds/terminal?arrival=${encodeURIComponent(arrival)}`, {
        MD: '000000000000',
        PaRes: 'x.y',
      });
      expect(forged.status).toBe(404);
      expect(forged.headers.get('location')).toBeNull();
    });

    it('shows a result page on the terminal without `arrival`, and ignores a forged PaRes', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      const auth = t.auth as { md: string; terminal_url: string };
      const forged = await postForm(auth.terminal_url, { MD: auth.md, PaRes: 'eyJ2IjoxfQ.forged' });
      expect(forged.status).toBe(200);
      expect(await forged.text()).toContain('data-status="authentication"');
      expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('authentication');
      const done = await passAcs(handoffPage(t), `${g.h.url}/merchant/checkout`, { approve: true });
      expect(done.status).toBe(200);
      expect(done.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(await done.text()).toMatch(/data-status="(processing|completed)"/);
      await settle(t, 'completed');
    });

    it('declines when the cardholder declines at the ACS (3DS_Failed), with no money moved', async () => {
      const merchantBefore = await balance(g.h);
      const feesBefore = await feesBalance(g.h);
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      const done = await passAcs(handoffPage(t, 'https://example.com/fail'), `${g.h.url}/x`, { approve: false });
      expect(done.headers.get('location')).toBe('https://example.com/fail');
      const got = (await client(g.h).getTransfer(t.id, t.token)).data;
      expect(Object.keys(got)).toEqual([...TRANSFER_KEYS, 'decline']);
      expect(got).toMatchObject({
        status: 'declined',
        decline: { code: 431, reason: '3DS_Failed', message: DECLINE_REASONS.authentication_failed },
      });
      // a finished transfer keeps no recipient card data
      expect((await g.h.gw.engine.read((tx) => mbillStore.getTransfer(tx, Number(t.id))))?.recipientCard).toBeNull();
      expect(await balance(g.h)).toBe(merchantBefore);
      expect(await feesBalance(g.h)).toBe(feesBefore);
    });

    it('declines after 3-D Secure when the issuer refuses (insufficient funds, do not honor)', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.insufficient3ds), { type: 'card-number', number: CARDS.mc3ds })))
        .data;
      await passAcs(handoffPage(t), `${g.h.url}/x`, { approve: true });
      expect((await client(g.h).getTransfer(t.id, t.token)).data).toMatchObject({
        status: 'declined',
        decline: { code: 116, reason: 'Funds_Insufficient' },
      });
      const dnh = '400000000000020' + luhnCheckDigit('400000000000020');
      const t2 = (await client(g.h).createTransfer(transferBody(card(dnh), { type: 'card-number', number: CARDS.mc3ds }))).data;
      await passAcs(handoffPage(t2), `${g.h.url}/x`, { approve: true });
      expect((await client(g.h).getTransfer(t2.id, t2.token)).data).toMatchObject({
        status: 'declined',
        decline: { code: 100, reason: 'Declined__Emitent' },
      });
    });

    it('gives cards enrolled for one-time codes a lookup code', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaOtp), { type: 'card-number', number: CARDS.mc3ds }))).data;
      expect(t.auth).toEqual({ type: 'lookup-code', md: t.external_id });
      const done = await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
      expect(done.status).toBe(201);
      await settle(t, 'completed');
    });
  });

  describe('lookup codes (cards without 3-D Secure)', () => {
    it('asks for a lookup code; a wrong code is 422 otp_code; the generated code completes it', async () => {
      const merchantBefore = await balance(g.h);
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      expect(t.status).toBe('authentication');
      expect(t.auth).toEqual({ type: 'lookup-code', md: t.external_id });
      const wrong = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: 123456 }) });
      expect(wrong.status).toBe(422);
      expect(wrong.json.meta).toMatchObject({ code: 422, url: `${g.h.url}/mbill/transfers/${t.id}/auth` });
      expect(wrong.json.error).toEqual({
        type: 'validation_failed',
        invalid: OTP_CODE_INVALID,
        message: expect.stringContaining('Validation failed'),
      });
      const missing = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: '{}' });
      expect(missing.json.error.invalid).toEqual([
        { entry_type: 'json_data_property', entry: '$.code', rules: [{ rule: 'required', params: [], description: "can't be blank" }] },
      ]);
      // the operator sees the code the sandbox generated
      const otp = await transferOtp(g.h, t.id);
      expect(otp).toMatch(/^\d{6}$/);
      const ok = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: otp }) });
      expect(ok.status).toBe(201);
      expect(ok.json.meta).toMatchObject({ code: 201, url: `${g.h.url}/mbill/transfers/${t.id}/auth` });
      expect(['processing', 'completed']).toContain(ok.json.data.status);
      expect(ok.json.data.auth).toBeUndefined();
      await settle(t, 'completed');
      expect(await balance(g.h)).toBe(merchantBefore);
      // a completed transfer takes no more codes
      const late = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: otp }) });
      expect(late.status).toBe(409);
      expect(late.json.error).toEqual({ type: 'request_conflict', message: 'Transfer is completed.' });
    });

    it('accepts the documented fixed test code', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.mcNo3ds), { type: 'card-number', number: CARDS.visa3ds }))).data;
      const r = await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
      expect(r.data.status).toMatch(/^(processing|completed)$/);
      await settle(t, 'completed');
    });

    it('three wrong codes decline the transfer (3DS_Failed)', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      for (let i = 0; i < 3; i++) {
        const r = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: '000000' }) });
        expect(r.status, `attempt ${i + 1}`).toBe(422);
        expect(r.json.error.invalid).toEqual(OTP_CODE_INVALID);
      }
      expect((await client(g.h).getTransfer(t.id, t.token)).data).toMatchObject({
        status: 'declined',
        decline: { code: 431, reason: '3DS_Failed' },
      });
      const after = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) });
      expect(after.status).toBe(409);
      // a 3-D Secure transfer does not take lookup codes
      const s = (await client(g.h).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      const r = await raw(g.h, 'POST', `/transfers/${s.id}/auth`, { token: s.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) });
      expect(r.status).toBe(409);
      expect(r.json.error.type).toBe('request_conflict');
    });

    it('declines an unauthenticated transfer after about 15 minutes (gateway clock)', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      const s = (await client(g.h).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      g.h.gw.clock.advance(14 * 60_000);
      await g.h.gw.engine.scheduler.drain();
      expect((await client(g.h).getTransfer(t.id, t.token)).data.status).toBe('authentication');
      g.h.gw.clock.advance(60_000 + 1000);
      for (const x of [t, s]) {
        await eventually(async () => {
          await g.h.gw.engine.scheduler.drain();
          expect((await client(g.h).getTransfer(x.id, x.token)).data).toMatchObject({
            status: 'declined',
            decline: { code: 435, reason: 'Declined__P2Y', message: DECLINE_REASONS.expired_authentication },
          });
        });
      }
      const late = await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: t.token, body: JSON.stringify({ code: FIXED_TEST_OTP }) });
      expect(late.status).toBe(409);
      const payment = await g.h.gw.engine.read((tx) => tx.payments.get(Number(t.id)));
      expect(payment).toMatchObject({ status: 'expired', declineReason: 'expired_authentication' });
    });
  });

  describe('declines', () => {
    it('reaches every decline reason with its test card (sender declined after the lookup code): a processing code and its documented group', async () => {
      const c = client(g.h);
      const codes = new Map<DeclineReason, number>();
      for (const reason of ALL_DECLINE_REASONS.filter((r) => r !== 'payout_not_permitted')) {
        const t = (await c.createTransfer(transferBody(card(declineCardPan(reason)), { type: 'card-number', number: CARDS.mc3ds }))).data;
        const r = await c.authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
        expect(r.data, reason).toMatchObject({
          status: 'declined',
          decline: { code: expect.any(Number), reason: expect.any(String), message: DECLINE_REASONS[reason] },
        });
        const d = r.data.decline!;
        expect(Object.keys(d), reason).toEqual(['code', 'reason', 'message']);
        // the reason is the reference server's group of the code: a code it knows, and the group it gives that code
        expect(pay2youGroup(d.code), `${reason}: code ${d.code}`).toBeDefined();
        expect(d.reason, `${reason}: code ${d.code}`).toBe(pay2youGroup(d.code));
        codes.set(reason, d.code);
      }
      // where the processing partner has a code of the same meaning, it is that one
      expect(
        Object.fromEntries(
          [...codes].filter(([r]) =>
            [
              'insufficient_funds',
              'incorrect_cvv',
              'expired_card',
              'amount_error',
              'invalid_card_number',
              'authentication_failed',
            ].includes(r),
          ),
        ),
      ).toEqual({
        insufficient_funds: 116, // Funds_Insufficient
        incorrect_cvv: 5, // CVV_Invalid
        expired_card: 201, // Card_Expired
        amount_error: 4, // Amount_Invalid
        invalid_card_number: 7, // PAN_Invalid
        authentication_failed: 431, // 3DS_Failed
      });
    });

    it('declines a card that has expired without asking for authentication', async () => {
      const t = (
        await client(g.h).createTransfer(
          transferBody(card(CARDS.visaNo3ds, { expiration_month: '01', expiration_year: '2020' }), {
            type: 'card-number',
            number: CARDS.mc3ds,
          }),
        )
      ).data;
      expect(Object.keys(t)).toEqual([...TRANSFER_KEYS, 'decline']);
      expect(t).toMatchObject({ status: 'declined', decline: { code: 201, reason: 'Card_Expired' } });
    });

    it('refunds the sender and returns the fee when the payout is declined (RecipientPAN_Invalid)', async () => {
      const merchantBefore = await balance(g.h);
      const feesBefore = await feesBalance(g.h);
      const t = (
        await client(g.h).createTransfer(
          transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: declineCardPan('payout_not_permitted') }, 500, 5),
        )
      ).data;
      await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
      const final = await settle(t, 'declined');
      expect(final.decline).toEqual({ code: 8, reason: 'RecipientPAN_Invalid', message: DECLINE_REASONS.payout_not_permitted });
      expect(await balance(g.h)).toBe(merchantBefore);
      expect(await feesBalance(g.h)).toBe(feesBefore);
      const p = await g.h.gw.engine.read((tx) => tx.payments.get(Number(t.id)));
      expect(p).toMatchObject({ status: 'refunded', refundedAmount: 50500n });
    });
  });

  describe('access to a transfer', () => {
    it('answers 404 before 401, and takes the transfer token as the Basic username (or password)', async () => {
      const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
      for (const path of ['/transfers/0', '/transfers/999999999', '/transfers/abc', '/transfers/0/auth']) {
        const method = path.endsWith('/auth') ? 'POST' : 'GET';
        for (const token of [undefined, 'invalid_token', t.token]) {
          const r = await raw(g.h, method, path, { ...(token ? { token } : {}), ...(method === 'POST' ? { body: '{"code":"1"}' } : {}) });
          expect(r.status, `${method} ${path} ${token}`).toBe(404);
          expect(r.json.error).toEqual({ type: 'not_found' });
          expect(r.json.meta).toMatchObject({ type: 'object', code: 404 });
        }
      }
      for (const [method, path] of [
        ['GET', `/transfers/${t.id}`],
        ['POST', `/transfers/${t.id}/auth`],
      ] as const) {
        const body = method === 'POST' ? { body: '{"code":"1"}' } : {};
        const none = await raw(g.h, method, path, body);
        expect(none.status).toBe(401);
        expect(none.json.error).toEqual({
          type: 'access_denied',
          invalid: [{ entry_type: 'header', entry: 'Authorization' }],
          message: 'Send the transfer token as the HTTP Basic username.',
        });
        const bad = await raw(g.h, method, path, { ...body, token: 'invalid_token' });
        expect(bad.status).toBe(401);
        expect(bad.json.error.type).toBe('access_denied');
        const notBasic = await raw(g.h, method, path, { ...body, headers: { authorization: `Bearer ${t.token}` } });
        expect(notBasic.status).toBe(401);
      }
      const byUser = await raw(g.h, 'GET', `/transfers/${t.id}`, { token: t.token });
      expect(byUser.status).toBe(200);
      expect(byUser.json.meta).toEqual({
        url: `${g.h.url}/mbill/transfers/${t.id}`,
        type: 'object',
        code: 200,
        request_id: expect.any(String),
      });
      const byPassword = await raw(g.h, 'GET', `/transfers/${t.id}`, {
        headers: { authorization: 'Basic ' + Buffer.from(':' + t.token).toString('base64') },
      });
      expect(byPassword.status).toBe(200);
      // the merchant's API token reads its own transfers, not another merchant's; it cannot authenticate them
      expect((await raw(g.h, 'GET', `/transfers/${t.id}`, { token: 'DGRsMpXDCj' })).status).toBe(200);
      expect((await raw(g.h, 'GET', `/transfers/${t.id}`, { token: 'other_shop_token_2' })).status).toBe(401);
      expect(
        (await raw(g.h, 'POST', `/transfers/${t.id}/auth`, { token: 'DGRsMpXDCj', body: JSON.stringify({ code: FIXED_TEST_OTP }) })).status,
      ).toBe(401);
    });

    it('requires the merchant API token to create a transfer', async () => {
      const body = JSON.stringify(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }));
      const none = await raw(g.h, 'POST', '/transfers', { body });
      expect(none.status).toBe(401);
      expect(none.json).toEqual({
        meta: { url: `${g.h.url}/mbill/transfers`, type: 'object', code: 401, request_id: expect.any(String) },
        error: {
          type: 'access_denied',
          invalid: [{ entry_type: 'header', entry: 'Authorization' }],
          message: 'Send your API token as the HTTP Basic username.',
        },
      });
      const unknown = await raw(g.h, 'POST', '/transfers', { body, token: 'nobody' });
      expect(unknown.status).toBe(401);
      expect(unknown.json.error.message).toBe('Invalid API token.');
      // the blueprint's own header: base64 of "DGRsMpXDCj:" and the newline curl added
      expect(Buffer.from(BLUEPRINT_AUTHORIZATION.slice('Basic '.length), 'base64').toString()).toBe(`${BLUEPRINT_TOKEN}:\n`);
      const blueprintHeader = await raw(g.h, 'POST', '/transfers', { body, headers: { authorization: BLUEPRINT_AUTHORIZATION } });
      expect(blueprintHeader.status).toBe(201);
      // the same token as curl -uDGRsMpXDCj: sends it, without the newline
      expect(
        (
          await raw(g.h, 'POST', '/transfers', {
            body,
            headers: { authorization: 'Basic ' + Buffer.from(`${BLUEPRINT_TOKEN}:`).toString('base64') },
          })
        ).status,
      ).toBe(201);
      await expect(client(g.h, 'nobody').createTransfer(JSON.parse(body))).rejects.toBeInstanceOf(MbillApiError);
    });
  });

  it('keeps transfers across a restart', async () => {
    const t = (await client(g.h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
    await g.h.restart();
    const r = await client(g.h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
    expect(r.data.id).toBe(t.id);
    await settle(t, 'completed');
  });
});
