// Fuzzing the Mbill face: random and mutated JSON bodies, query strings, headers, encodings, huge numbers,
// deep nesting and oversized bodies, with the merchant's API token (or a transfer or claim token) as the HTTP
// Basic username, and with wrong or missing tokens. Never a 5xx, always the API Manifest envelope
// `{meta, error:{type}}` on a 4xx, and a refused request changes nothing in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MbillClient } from '../../src/faces/mbill/client.js';
import { FIXED_TEST_OTP } from '../../src/core/network/test-cards.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import {
  bodies,
  contentTypes,
  deepFields,
  encodings,
  hugeNumbers,
  mutations,
  oddHeaders,
  pathSegments,
  printable,
  queries,
  trickyBodies,
} from '../helpers/fuzz.js';
import { MB, MERCHANT_A, REL_SEED, sign } from './faces.js';
import { FuzzHarness, headerSafe, RUNS, type Answer } from './harness.js';

const KEYS = [
  'amount',
  'fee',
  'description',
  'metadata',
  'sender',
  'recipient',
  'credential',
  'type',
  'number',
  'token',
  'expiration_month',
  'expiration_year',
  'cvv',
  'phone',
  'email',
  'id',
  'code',
  'otp-code',
  'url',
  'external_id',
];
const card = (number: string) => ({ type: 'card', number, expiration_month: '12', expiration_year: '2030', cvv: '123' });
const transfer = (sender: unknown, recipient: unknown) => ({
  amount: 1000,
  fee: 10,
  description: 'fuzzing transfer',
  metadata: { a: 1 },
  sender: { phone: '+380631112233', email: 'ivan@example.com', credential: sender },
  recipient: { phone: '+380631112244', email: 'ivan@example.com', credential: recipient },
});

/**
 * A wrong one-time code counts an attempt on the challenge, and the last allowed attempt fails the transfer
 * or claim: a designed change. Any other refusal of these routes (bad JSON, no code) must change nothing.
 */
const wrongCode = (a: Answer) => a.status === 422 && JSON.stringify(a.json?.error?.invalid ?? []).includes('"rule":"otp_code"');

describe.each(STORES)('fuzzing the Mbill face on %s', (store) => {
  let h: TestGateway;
  let fz: FuzzHarness;
  /** [method, path, template body, the token the route takes] */
  const templates: Array<[string, string, Record<string, unknown> | null, string | null]> = [];
  const authed: Array<[string, string]> = [];

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    fz = new FuzzHarness(h, 'mbill');
    const c = new MbillClient({ baseUrl: `${h.url}/mbill`, apiToken: MB.A });
    // a transfer waiting for its lookup code, and one to an external credential with a claim
    const otp = (await c.createTransfer(transfer(card('4000000000000101'), { type: 'card-number', number: '5555555555554444' }) as never))
      .data;
    const ext = (
      await c.createTransfer(transfer(card('4000000000003055'), { type: 'external-credential', metadata: { wallet: 'w' } }) as never)
    ).data;
    const waiting = (await c.authenticateTransfer(ext.id, ext.token, FIXED_TEST_OTP)).data;
    const claimRef = (waiting.recipient.credential as { id: string }).id;
    const claim = (await c.createClaim({ id: claimRef, credential: { type: 'card-number', number: '4000000000000101' } } as never)).data;
    templates.push(
      ['POST', '/tokens', card('4242424242424242'), null],
      ['POST', '/transfers', transfer(card('4000000000003055'), { type: 'card-number', number: '5555555555554444' }), MB.A],
      ['POST', '/transfers', transfer({ type: 'card-token', token: 'x' }, { type: 'external-credential', metadata: {} }), MB.A],
      ['GET', `/transfers/${otp.id}`, null, otp.token],
      ['POST', `/transfers/${otp.id}/auth`, { code: '000000' }, otp.token],
      ['POST', '/claims', { id: claimRef, credential: { type: 'card-number', number: '5555555555554444' } }, null],
      ['GET', `/claims/${claim.id}`, null, claim.token],
      ['POST', `/claims/${claim.id}/auth`, { code: '000000' }, claim.token],
      ['PUT', '/webhook', { url: 'https://example.com/hook' }, MB.A],
    );
    authed.push(
      ['POST', '/transfers'],
      ['GET', '/transfers'],
      ['GET', '/webhook'],
      ['PUT', '/webhook'],
      ['GET', `/transfers/${otp.id}`],
      ['POST', `/transfers/${otp.id}/auth`],
      ['GET', `/claims/${claim.id}`],
      ['POST', `/claims/${claim.id}/auth`],
    );
    await fz.start();
  });
  afterAll(async () => {
    fz?.write();
    await h?.close();
  });

  const anyBody = fc.oneof(bodies(KEYS), hugeNumbers(KEYS), deepFields(KEYS), trickyBodies(KEYS), encodings(bodies(KEYS))).map(printable);
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'x' ? 'y' : 'x') + s.slice(at + 1);
  /**
   * The merchant a request's log row may name: A, for a request with one of A's tokens, and for a claim, whose
   * reference (the claim id of A's transfer, in the body) is the credential that opens it; none otherwise.
   */
  const ownerOf = (path: string, token: string | null) => (token || path === '/claims' ? MERCHANT_A : null);
  const basic = (user: string, password = '') => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

  it('requests without a valid token are refused with the Mbill envelope and change nothing', async () => {
    const auths = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 120 }).map(headerSafe),
      fc.string({ maxLength: 80 }).map((s) => basic(s.replace(/[:\s]/g, ''))),
      fc.constantFrom(
        basic(flip(MB.A, 0)),
        basic(flip(MB.A, MB.A.length - 1)),
        basic(MB.A + 'x'),
        basic(MB.A.toUpperCase()),
        'Bearer ' + MB.A,
        'Basic ' + MB.A,
        basic(''),
        'Basic =',
        'Basic ' + 'QQ'.repeat(5000),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...authed), anyBody, queries, contentTypes, auths, async ([method, path], body, query, ct, auth) => {
        await fz.send(
          'unauthenticated',
          {
            method,
            path,
            query,
            headers: { ...(auth !== undefined ? { authorization: auth } : {}), ...(ct ? { 'content-type': ct } : {}) },
            body,
          },
          { refused: true },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('random requests with valid tokens are answered, never a 5xx; errors change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        anyBody,
        queries,
        contentTypes,
        oddHeaders,
        async ([method, path, , token], body, query, ct, extra) => {
          const headers: Record<string, string> = { ...extra, ...(token ? sign.mbill(token) : {}) };
          if (ct) headers['content-type'] = ct;
          await fz.send(
            'authenticated random',
            { method, path, query: method === 'GET' ? query : '', headers, body },
            { designedChange: wrongCode, merchant: ownerOf(path, token) },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated valid requests are answered, never a 5xx; errors change nothing', async () => {
    const withBody = templates.filter((t) => t[2] !== null);
    const mutated = fc
      .constantFrom(...withBody)
      .chain(([method, path, t, token]) =>
        fc.tuple(
          fc.constant([method, path, token] as const),
          mutations(t!),
          fc.option(fc.string({ minLength: 1, maxLength: 30 }).map(headerSafe)),
        ),
      );
    await fc.assert(
      fc.asyncProperty(mutated, async ([[method, path, token], text, idempotencyKey]) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? sign.mbill(token) : {}) };
        if (idempotencyKey) headers['x-idempotency-key'] = idempotencyKey;
        await fz.send(
          'mutated',
          { method, path, query: '', headers, body: Buffer.from(text) },
          { designedChange: wrongCode, merchant: ownerOf(path, token) },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths, methods, queries and headers under the face never get a 5xx', async () => {
    const words = ['transfers', 'claims', 'tokens', 'auth', 'webhook', '3ds', 'terminal', 'tokenizer', 'frame', 'tokenizer.js', '1', '2'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathSegments(words),
        queries,
        fc.boolean(),
        oddHeaders,
        bodies(KEYS).map(printable),
        async (method, path, query, signed, extra, body) => {
          const headers: Record<string, string> = { ...extra, ...(signed ? sign.mbill(MB.A) : {}) };
          await fz.send('paths', { method, path, query, headers, body }, { pages: true, merchant: signed ? MERCHANT_A : null });
        },
      ),
      { numRuns: RUNS },
    );
    await fz.finish();
  });

  it('an undecodable URL is answered in the Mbill envelope', async () => {
    const res = await fetch(`${h.url}/mbill/transfers/%E0%A4%A`);
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expect(json.meta).toBeDefined();
    expect(json.error).toMatchObject({ type: 'request_malformed' });
  });
});
