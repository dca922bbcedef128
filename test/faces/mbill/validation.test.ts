// Every rule of POST /transfers with its exact API Manifest invalid[] entry (rule names, params and
// descriptions as EView renders the reference server's validators), on SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { mbillFee } from '../../../src/faces/mbill/client.js';
import { useGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import { API_TOKEN, CARDS, card, client, raw, startMbill, transferBody } from './helpers.js';

const E = (entry: string, rule: string, params: unknown, description: string) => ({
  entry_type: 'json_data_property',
  entry,
  rules: [{ rule, params, description }],
});
const REQUIRED = (entry: string) => E(entry, 'required', [], "can't be blank");

describe.each(STORES)('Mbill transfer validation on %s', (store) => {
  const g = useGateway(() => startMbill(store));

  const valid = () =>
    transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }) as unknown as Record<string, unknown>;

  async function invalid(body: unknown) {
    const r = await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: JSON.stringify(body) });
    expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(422);
    expect(r.json.meta).toEqual({ url: `${g.h.url}/mbill/transfers`, type: 'object', code: 422, request_id: expect.any(String) });
    expect(Object.keys(r.json.error)).toEqual(['type', 'invalid', 'message']);
    expect(r.json.error.type).toBe('validation_failed');
    return r.json.error.invalid as Array<{ entry: string }>;
  }
  /** The entries of one field only (the rest of the body is made invalid on purpose so that nothing is created). */
  async function entriesAt(path: string, body: Record<string, unknown>) {
    return (await invalid({ ...body, sender: undefined })).filter(
      (e) => e.entry === path || e.entry.startsWith(path + '.') || e.entry.startsWith(path + '['),
    );
  }

  it('requires amount, fee, sender and recipient', async () => {
    expect(await invalid({})).toEqual([REQUIRED('$.amount'), REQUIRED('$.fee'), REQUIRED('$.recipient'), REQUIRED('$.sender')]);
    // a JSON value that is not an object counts as an empty object
    expect(await invalid([1, 2])).toHaveLength(4);
  });

  it('checks amount: a decimal of at most 2 places, from 1 to 15000', async () => {
    const range = { greater_than_or_equal_to: 1, less_than_or_equal_to: 15000 };
    const cases: Array<[unknown, object]> = [
      ['abc', E('$.amount', 'cast', ['decimal'], 'is invalid')],
      [{ x: 1 }, E('$.amount', 'cast', ['decimal'], 'is invalid')],
      [true, E('$.amount', 'cast', ['decimal'], 'is invalid')],
      [0, E('$.amount', 'number', range, 'must be greater than or equal to 1')],
      [0.99, E('$.amount', 'number', range, 'must be greater than or equal to 1')],
      [-5, E('$.amount', 'number', range, 'must be greater than or equal to 1')],
      [15000.01, E('$.amount', 'number', range, 'must be less than or equal to 15000')],
      [1e30, E('$.amount', 'number', range, 'must be less than or equal to 15000')],
      [1.001, E('$.amount', 'format', ['~r/^[0-9]+(\\.[0-9]{1,2})?$/'], 'has invalid format')],
    ];
    for (const [amount, entry] of cases) expect(await entriesAt('$.amount', { ...valid(), amount }), String(amount)).toEqual([entry]);
    for (const amount of [1, '1.5', 15000, '99.99'])
      expect(await entriesAt('$.amount', { ...valid(), amount, fee: mbillFee(amount) }), String(amount)).toEqual([]);
  });

  it('checks fee = max(amount × 1 %, 5), rounded half up to 3 significant digits: "is invalid, must be X"', async () => {
    const table: Array<[number | string, string]> = [
      [1, '5'],
      [499.99, '5'],
      [500, '5'],
      [555.5, '5.56'],
      [612.34, '6.12'],
      [999.5, '10'],
      [1000, '10'],
      [1234.5, '12.3'],
      [5555, '55.6'],
      [12345.67, '123'],
      [15000, '150'],
    ];
    for (const [amount, fee] of table) {
      expect(await entriesAt('$.fee', { ...valid(), amount, fee: 0.01 }), String(amount)).toEqual([
        E('$.fee', 'fee', [], `is invalid, must be ${fee}`),
      ]);
      expect(mbillFee(amount), String(amount)).toBe(Number(fee));
      expect(await entriesAt('$.fee', { ...valid(), amount, fee: Number(fee) }), String(amount)).toEqual([]);
    }
    expect(await entriesAt('$.fee', { ...valid(), fee: 0 })).toEqual([
      {
        entry_type: 'json_data_property',
        entry: '$.fee',
        rules: [
          { rule: 'number', params: { greater_than: 0 }, description: 'must be greater than 0' },
          { rule: 'fee', params: [], description: 'is invalid, must be 10' },
        ],
      },
    ]);
    expect(await entriesAt('$.fee', { ...valid(), fee: 'ten' })).toEqual([E('$.fee', 'cast', ['decimal'], 'is invalid')]);
    expect(await entriesAt('$.fee', { ...valid(), fee: 10.001 })).toEqual([E('$.fee', 'fee', [], 'is invalid, must be 10')]);
    // the reference test sends the fee as a string
    expect((await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: JSON.stringify({ ...valid(), fee: '10' }) })).status).toBe(201);
    expect(
      (await raw(g.h, 'POST', '/transfers', { token: API_TOKEN, body: JSON.stringify({ ...valid(), amount: '1000.00', fee: '10.00' }) }))
        .status,
    ).toBe(201);
  });

  it('checks description: a string of 5 to 1024 characters (optional)', async () => {
    const len = { min: 5, max: 1024 };
    expect(await entriesAt('$.description', { ...valid(), description: 12345 })).toEqual([
      E('$.description', 'cast', ['string'], 'is invalid'),
    ]);
    expect(await entriesAt('$.description', { ...valid(), description: 'abcd' })).toEqual([
      E('$.description', 'length', len, 'should be at least 5 character(s)'),
    ]);
    expect(await entriesAt('$.description', { ...valid(), description: 'x'.repeat(1025) })).toEqual([
      E('$.description', 'length', len, 'should be at most 1024 character(s)'),
    ]);
    for (const description of ['abcde', 'x'.repeat(1024), 'ґґґґґ', null, undefined])
      expect(await entriesAt('$.description', { ...valid(), description }), String(description)).toEqual([]);
    const created = await client(g.h).createTransfer({
      ...transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }),
      description: undefined,
    } as never);
    expect(created.data.description).toBeNull();
  });

  it('checks metadata: an object with keys ≤ 100 bytes, strings ≤ 500 bytes, lists ≤ 25 items of ≤ 100 bytes', async () => {
    const anyType = ['integer', 'float', 'decimal', 'string'];
    const k101 = 'k'.repeat(101);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: 'x' })).toEqual([
      E('$.metadata', 'metadata', [], 'is not a valid metadata object'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: [1] })).toEqual([
      E('$.metadata', 'metadata', [], 'is not a valid metadata object'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { [k101]: 'v' } })).toEqual([
      E(`$.metadata.${k101}`, 'length', { max: 100 }, 'key should be up to 100 characters'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { v: 'x'.repeat(501) } })).toEqual([
      E('$.metadata.v', 'length', { max: 500 }, 'value should be up to 500 characters'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { v: 'я'.repeat(251) } })).toEqual([
      E('$.metadata.v', 'length', { max: 500 }, 'value should be up to 500 characters'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { l: Array(26).fill(1) } })).toEqual([
      E('$.metadata.l', 'length', { max: 25 }, 'lists should be up to 25 elements'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { l: ['ok', 'x'.repeat(101)] } })).toEqual([
      E('$.metadata.l[1]', 'length', { max: 100 }, 'list keys should be up to 100 characters'),
    ]);
    expect(await entriesAt('$.metadata', { ...valid(), metadata: { l: [1, { a: 1 }] } })).toEqual([
      E('$.metadata.l', 'cast', anyType, 'one of keys is invalid'),
    ]);
    for (const bad of [true, null, { nested: 1 }])
      expect(await entriesAt('$.metadata', { ...valid(), metadata: { v: bad } }), JSON.stringify(bad)).toEqual([
        E('$.metadata.v', 'cast', anyType, 'is invalid'),
      ]);
    const ok = { ['k'.repeat(100)]: 'v'.repeat(500), n: 1.5, l: Array(25).fill('x'.repeat(100)), m: [1, 'a'] };
    expect(await entriesAt('$.metadata', { ...valid(), metadata: ok })).toEqual([]);
    const created = await client(g.h).createTransfer({
      ...transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }),
      metadata: ok,
    });
    expect(created.data.metadata).toEqual(ok);
  });

  it('checks the sender: an object with a card or card-token credential', async () => {
    const v = valid();
    const s = (sender: unknown) => invalid({ ...v, sender });
    expect(await s('me')).toEqual([E('$.sender', 'cast', ['map'], 'is invalid')]);
    expect(await s({})).toEqual([REQUIRED('$.sender.credential')]);
    expect(await s({ credential: 'x' })).toEqual([E('$.sender.credential', 'cast', ['map'], 'is invalid')]);
    expect(await s({ credential: { type: 'bitcoin', number: CARDS.visa3ds } })).toEqual([
      E('$.sender.credential', 'inclusion', ['card', 'card-token'], 'is invalid'),
    ]);
    expect(await s({ credential: { number: CARDS.visa3ds } })).toEqual([
      E('$.sender.credential', 'inclusion', ['card', 'card-token'], 'is invalid'),
    ]);
    expect(await s({ credential: { type: 'card' } })).toEqual([
      REQUIRED('$.sender.credential.cvv'),
      REQUIRED('$.sender.credential.expiration_month'),
      REQUIRED('$.sender.credential.expiration_year'),
      REQUIRED('$.sender.credential.number'),
    ]);
    expect(await s({ credential: card(CARDS.mir) })).toEqual([
      E('$.sender.credential.number', 'card_number', [], 'is not a valid card number'),
    ]);
    expect(await s({ credential: card(CARDS.visa3ds, { cvv: '12' }) })).toEqual([
      E('$.sender.credential.cvv', 'format', ['~r/^[0-9]{3,4}$/'], 'has invalid format'),
    ]);
    expect(await s({ credential: card(CARDS.visa3ds, { expiration_month: '13' }) })).toEqual([
      E('$.sender.credential.expiration_month', 'format', ['~r/^(0?[1-9]|1[0-2])$/'], 'has invalid format'),
    ]);
    expect(await s({ credential: { type: 'card-token' } })).toEqual([REQUIRED('$.sender.credential.token')]);
    expect(await s({ credential: { type: 'card-token', token: 7 } })).toEqual([E('$.sender.credential.token', 'token', [], 'is invalid')]);
    expect(await s({ phone: '0631112233', email: 'ivan', credential: card(CARDS.visa3ds) })).toEqual([
      E('$.sender.email', 'email', [], 'is not a valid email'),
      E('$.sender.phone', 'phone_number', ['~r/^\\+[0-9]{9,16}$/'], 'is not a valid phone number'),
    ]);
    for (const phone of ['+12345678', '+12345678901234567'])
      expect(await s({ phone, credential: card(CARDS.visa3ds) }), phone).toEqual([
        E('$.sender.phone', 'phone_number', ['~r/^\\+[0-9]{9,16}$/'], 'is not a valid phone number'),
      ]);
  });

  it('checks the recipient: card-number, card-token or external-credential (which needs a phone)', async () => {
    const v = valid();
    const r = (recipient: unknown) => invalid({ ...v, recipient });
    expect(await r({ credential: card(CARDS.visa3ds) })).toEqual([
      E('$.recipient.credential', 'inclusion', ['card-number', 'card-token', 'external-credential'], 'is invalid'),
    ]);
    expect(await r({ credential: { type: 'card-number' } })).toEqual([REQUIRED('$.recipient.credential.number')]);
    expect(await r({ credential: { type: 'card-number', number: '1473959513413611' } })).toEqual([
      E('$.recipient.credential.number', 'card_number', [], 'is not a valid card number'),
    ]);
    expect(await r({ credential: { type: 'card-token', token: '' } })).toEqual([REQUIRED('$.recipient.credential.token')]);
    expect(await r({ credential: { type: 'external-credential' } })).toEqual([REQUIRED('$.recipient.phone')]);
    expect(await r({ phone: '+380631112233', credential: { type: 'external-credential', metadata: 'x' } })).toEqual([
      E('$.recipient.credential.metadata', 'metadata', [], 'is not a valid metadata object'),
    ]);
  });

  it("answers the reference server's own invalid-request tests", async () => {
    // "with invalid credential type"
    expect(
      await invalid(
        transferBody(
          { type: 'card-number', number: '5473959513413611' } as never,
          { type: 'card', number: '5473959513413611', cvv: '160', expiration_month: '01', expiration_year: '2020' } as never,
          1000,
          '10',
        ),
      ),
    ).toEqual([
      E('$.recipient.credential', 'inclusion', ['card-number', 'card-token', 'external-credential'], 'is invalid'),
      E('$.sender.credential', 'inclusion', ['card', 'card-token'], 'is invalid'),
    ]);
    // "with invalid card data"
    expect(
      await invalid(
        transferBody(
          { type: 'card', number: '5473959513413611', cvv: '160', expiration_month: '01', expiration_year: '20' },
          { type: 'card-number', number: '1473959513413611' },
          1000,
          '10',
        ),
      ),
    ).toEqual([
      E('$.recipient.credential.number', 'card_number', [], 'is not a valid card number'),
      E('$.sender.credential.expiration_year', 'format', ['~r/^[0-9]{4}$/'], 'has invalid format'),
    ]);
    // "with invalid card token", reported beside the other failures
    expect(
      await invalid({
        ...transferBody({ type: 'card-token', token: 'invalid_token' }, { type: 'card-number', number: CARDS.mc3ds }),
        amount: 0,
      }),
    ).toEqual([
      E('$.amount', 'number', { greater_than_or_equal_to: 1, less_than_or_equal_to: 15000 }, 'must be greater than or equal to 1'),
      E('$.sender.credential.token', 'token', [], 'is invalid'),
    ]);
  });

  it('writes nothing for a refused request', async () => {
    const before = await client(g.h).listTransfers();
    await invalid({ ...valid(), fee: 1 });
    expect((await client(g.h).listTransfers()).paging?.size).toBe(before.paging?.size);
  });
});
