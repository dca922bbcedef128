// The OpenAPI 3.0 document of the Way2Pay face (API v1): pay-ins with requisites, pay-outs, balances and
// reference data for both served auth generations, the sandbox routes, and the callbacks. Examples are
// answers the gateway gave (test/server/reference.test.ts checks them).
import {
  callbackOf,
  json,
  jsonBody,
  jsonExamples,
  nullable,
  p,
  s,
  type OpenApiDocument,
  type Operation,
  type PathItem,
  type Response,
  type Schema,
} from '../kit/openapi.js';
import type { ConnectionField } from '../face.js';
import { ERRORS } from './http.js';
import { PAYIN_METHODS, PAYOUT_METHODS } from './reference-data.js';
import { STATUSES } from './wire.js';

const PAYIN_ID = '4723210b-a2bc-4598-97fe-0f9bdece9041';
const PAYOUT_ID = 'ab087fff-c985-46a4-90f8-925aeb6c4e6c';

const okBody = (data: Schema): Schema => s.obj({ success: s.bool('true'), data }, ['success', 'data']);
const err = (code: keyof typeof ERRORS, description?: string): Response => {
  const [message] = ERRORS[code];
  return json(description ?? message, s.ref('Error'), { success: false, error: { message, code: Number(code) } });
};
const AUTH_ERRORS: Operation['responses'] = {
  400: err(
    20006,
    'A malformed header (20004 Signature, 20005 Public-Key, 20006 nonce), a generation 1 nonce or generation 2 `Expires` more than an hour beyond now + 300 s (20006), or bad input (20000)',
  ),
  401: err(
    60006,
    'No auth headers (10000), one missing (60003/60004/60005), an invalid signature or an unknown Public-Key (60006; 2005 for a generation 3 signature), or a reused or too distant nonce (generation 3: 2007)',
  ),
  403: err(30001, 'The key is revoked or its merchant gone (30001/30003)'),
  408: err(60007, 'Request timeout: a generation 1 nonce or generation 2 `Expires` in the past (60007)'),
};

const PAYIN_SEED = {
  id: PAYIN_ID,
  externalID: 'test123',
  currency: 'RUB',
  amount: '1000',
  status: 'PENDING',
  method: 'CARD',
  bank: 'SBER',
  cardNumber: '2200700100000016',
  holder: 'Иванов Иван Иванович',
  createdAt: '2026-11-23T16:21:08.448Z',
  updatedAt: '2026-11-23T16:21:08.448Z',
};
const PAYIN_CURRENT = {
  id: 'd01ddcb6-9dc5-4058-a29d-1cee41db28f1',
  externalID: 'test124',
  trackerID: 'a6213a40-3ce2-4090-b6cb-605a7fe0d735',
  status: 'PENDING',
  amount: '1000',
  commission: '106',
  currency: 'RUB',
  bank: 'Сбер',
  method: 'CARD',
  receiver: '2200700100000016',
  holder: 'Иванов Иван Иванович',
  description: 'Тестовый платеж',
  createdAt: '2026-11-23T16:21:08.484Z',
  updatedAt: '2026-11-23T16:21:08.484Z',
};
const PAYOUT = {
  id: PAYOUT_ID,
  externalID: 'payout-1',
  trackerID: 'ad1ecdef-647c-4cad-b8bd-c487e54c0f01',
  status: 'PROCESSING',
  amount: '1000',
  commission: '25',
  currency: 'RUB',
  bank: 'SBER',
  method: 'CARD',
  receiver: '400000******3055',
  holder: 'Иванов Иван',
  description: 'Выплата',
  createdAt: '2026-11-23T16:21:08.560Z',
};
const BALANCE = {
  balance: { payment: { currency: 'RUB', available: '0', frozen: '0' }, payout: { currency: 'RUB', available: '10000', frozen: '0' } },
};

const { createdAt: _c, updatedAt: _u, ...PAYIN_FIELDS } = PAYIN_CURRENT;

const callbackItem = (kind: 'payIn' | 'payOut'): PathItem => ({
  post: {
    operationId: `${kind}Callback`,
    summary: `${kind === 'payIn' ? 'Pay-in' : 'Pay-out'} callback`,
    description:
      `POSTed to the ${kind === 'payIn' ? 'pay-in' : 'pay-out'}'s \`callbackURL\` on every status change after creation. Headers: \`User-Agent: Way2Pay-Callback/1.0\`, \`X-Webhook-Timestamp\` (Unix seconds) and \`X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>\` (the callback secret, else the secret key), \`X-Polypay-Event-Id\`. Answer HTTP 200 within 30 s; otherwise retried 3 times (after 1, 5 and 15 minutes).` +
      (kind === 'payOut' ? ' Pay-outs spell the tracker key `trackerId`, as the README does.' : ''),
    tags: ['Callbacks'],
    parameters: [
      p.header('X-Webhook-Timestamp', 'Unix seconds', s.str(), undefined, true),
      p.header('X-Webhook-Signature', '`sha256=<hex>`', s.str(), undefined, true),
    ],
    requestBody: jsonBody(
      s.ref(kind === 'payIn' ? 'PayInCallback' : 'PayOutCallback'),
      kind === 'payIn'
        ? { ...PAYIN_FIELDS, status: 'COMPLETED', timestamp: '2026-11-23T16:25:12.004Z' }
        : {
            id: PAYOUT_ID,
            externalID: 'payout-1',
            trackerId: PAYOUT.trackerID,
            status: 'COMPLETED',
            amount: '1000',
            commission: '25',
            currency: 'RUB',
            bank: 'SBER',
            method: 'CARD',
            receiver: '400000******3055',
            holder: 'Иванов Иван',
            description: 'Выплата',
            timestamp: '2026-11-23T16:22:08.560Z',
          },
    ),
    responses: { 200: { description: 'Received (only 200 counts)' } },
  },
});

const sandbox = (
  operationId: string,
  summary: string,
  description: string,
  params: ReturnType<typeof p.path>[],
  body: { schema: Schema; example: unknown },
  data: Schema,
  example: unknown,
): PathItem => ({
  post: {
    operationId,
    summary,
    description: `${description} Sandbox operator route: no merchant signature, the gateway's admin token instead (\`Authorization: Bearer <admin token>\`); not served with \`--sandbox-routes off\` or in production mode.`,
    tags: ['Sandbox'],
    security: [{ adminToken: [] }],
    parameters: params,
    requestBody: jsonBody(body.schema, body.example),
    responses: {
      200: json('The object afterwards', okBody(data), { success: true, data: example }),
      401: err(10000, 'No admin token, or a wrong one'),
      404: err(60011),
      409: err(60012),
      400: err(60002, "An action the object's state does not allow (60002), or bad input (20000)"),
    },
  },
});

export function way2payOpenApi(baseUrl: string, prefix: string): OpenApiDocument {
  const payInId = p.path('id', 'Pay-in id (UUID)', PAYIN_ID, s.str({ format: 'uuid' }));
  const payOutId = p.path('id', 'Pay-out id (UUID)', PAYOUT_ID, s.str({ format: 'uuid' }));
  const statusParam = p.path('status', 'Only CANCELLED may be set by the merchant', 'CANCELLED', s.enum(STATUSES));
  const listParams = [
    p.query('limit', '1 to 100 (default 10)', s.int({ minimum: 1, maximum: 100 }), 10),
    p.query('offset', 'Items to skip', s.int({ minimum: 0 }), 0),
    p.query('status', 'Only this status', s.enum(STATUSES)),
    p.query('externalID', 'Only this externalID', s.str()),
  ];
  const signed = (op: Operation): Operation => ({
    ...op,
    responses: { ...op.responses, ...AUTH_ERRORS, ...Object.fromEntries(Object.entries(op.responses).filter(([k]) => k in AUTH_ERRORS)) },
  });
  const payInCallbacks = { callback: { '{$request.body#/callbackURL}': callbackOf(callbackItem('payIn'), 'createPayIn') } };
  const payOutCallbacks = { callback: { '{$request.body#/callbackURL}': callbackOf(callbackItem('payOut'), 'createPayOut') } };
  return {
    openapi: '3.0.3',
    info: {
      title: 'Way2Pay API v1',
      version: '1',
      description: [
        "P2P payments: a **pay-in** shows the payer requisites (a card, a phone for SBP or an account, with the holder's name) to transfer money to; once the transfer is confirmed the merchant's payment balance is credited, less a commission. A **pay-out** sends money from the payout balance to a card, phone or account. Answers are `{success: true, data}`; errors `{success: false, error: {message, code}}` with the HTTP status of the error table.",
        '',
        '**Signing** (per merchant, `generation` in its credentials). Headers `Public-Key`, `Nonce`, `Signature`.',
        '- Generation 1 (the original README): `Signature` = hex HMAC-SHA256(secret key, raw JSON body + nonce); the nonce is an expiry in Unix seconds (now + 300) and must exceed the previous one. A bodiless read signs the empty string (or `{}`); a bodiless write signs `{}`.',
        '- Generation 2: headers `Public-Key`, `Expires`, `Signature` = hex HMAC-SHA512(secret key, path + JSON with recursively sorted keys + Expires), signed as generation 3 is; `Expires` is an expiry in Unix seconds (now + 300) and must exceed the previous one (60007 once passed).',
        '- Generation 3 (current README): `Signature` = hex HMAC-SHA512(secret key, path + JSON with recursively sorted keys and no spaces + nonce), where path is `/api/v1/…` with `?` and the query string when there is one, its parameters in alphabetical order (GET signs an empty body: `/api/v1/balance1721585422`); the nonce is strictly increasing, up to 18 digits.',
        '',
        "**Objects follow the merchant's generation**: generation 1 gets the original README's pay-in (`cardNumber`, bank key `SBER`), generation 2 that era's (`cardNumber`, `accountNumber`, `phoneNumber`, `nspkURL`), generation 3 the current one (`trackerID`, `commission`, `receiver`, bank name `Сбер`). Amounts are decimal strings in major units with at most two decimals.",
        '',
        'Errors: ' +
          Object.entries(ERRORS)
            .map(([c, [m, st]]) => `${c} ${m} (${st})`)
            .join('; ') +
          '.',
      ].join('\n'),
    },
    servers: [{ url: `${baseUrl}${prefix}`, description: 'This gateway' }],
    tags: [
      { name: 'Pay-in', description: 'Collecting money through requisites' },
      { name: 'Pay-out', description: 'Paying out from the payout balance' },
      { name: 'Reference', description: 'Balances, banks, currencies, commissions' },
      { name: 'Sandbox', description: 'What the payer and the operator do in real life (sandbox operator routes, behind the admin token)' },
      { name: 'Callbacks', description: 'What the gateway sends to callbackURL' },
    ],
    security: [{ publicKey: [], nonce: [], signature: [] }],
    paths: {
      '/api/v1/pay-in': {
        post: signed({
          operationId: 'createPayIn',
          summary: 'Create pay-in',
          description:
            'Issues requisites for the payer. Seed body: `externalID, currency, callbackURL?, description?, amount`; current body: `bankId, externalID, currencyId, callbackURL?, description?, amount, method` (method defaults to CARD; without bankId a bank with a free requisite is picked). PENDING with requisites; CREATED while none is free.',
          tags: ['Pay-in'],
          requestBody: jsonBody(s.ref('PayInRequest'), {
            externalID: 'test123',
            currency: 'RUB',
            callbackURL: 'https://test.com/callback',
            description: 'Тестовый платеж',
            amount: '1000',
          }),
          responses: {
            200: jsonExamples('The pay-in', okBody(s.ref('PayIn')), {
              generation1: { summary: 'Generation 1 (seed)', value: { success: true, data: PAYIN_SEED } },
              generation3: { summary: 'Generation 3 (current)', value: { success: true, data: PAYIN_CURRENT } },
            }),
            409: err(60010),
          },
          callbacks: payInCallbacks,
        }),
      },
      '/api/v1/pay-in/list': {
        get: signed({
          operationId: 'listPayIns',
          summary: 'List pay-ins',
          description: 'Newest first.',
          tags: ['Pay-in'],
          parameters: listParams,
          responses: {
            200: json('A page', okBody(s.obj({ total: s.int(), items: s.arr(s.ref('PayIn')) }, 'all')), {
              success: true,
              data: { total: 1, items: [PAYIN_SEED] },
            }),
            422: err(20002),
          },
        }),
      },
      '/api/v1/pay-in/{id}': {
        get: signed({
          operationId: 'getPayIn',
          summary: 'Get pay-in',
          description: 'One pay-in.',
          tags: ['Pay-in'],
          parameters: [payInId],
          responses: {
            200: json('The pay-in', okBody(s.ref('PayIn')), { success: true, data: PAYIN_SEED }),
            404: err(60011),
            422: err(20003),
          },
        }),
      },
      '/api/v1/pay-in/{id}/cancel': {
        patch: signed({
          operationId: 'cancelPayIn',
          summary: 'Cancel pay-in',
          description: "Cancels a pay-in that is not final (the current README's form).",
          tags: ['Pay-in'],
          parameters: [payInId],
          responses: {
            200: json('Cancelled', okBody(s.obj({ id: s.str(), status: s.enum(STATUSES) }, 'all')), {
              success: true,
              data: { id: PAYIN_ID, status: 'CANCELLED' },
            }),
            404: err(60011),
            409: err(60012),
          },
        }),
      },
      '/api/v1/pay-in/{id}/status/{status}': {
        put: signed({
          operationId: 'setPayInStatus',
          summary: 'Set pay-in status',
          description:
            'The older form of cancelling, signed with the body `{}`. Only CANCELLED (30000 for another known status, 60002 for an unknown one).',
          tags: ['Pay-in'],
          parameters: [payInId, statusParam],
          requestBody: jsonBody(s.obj({}), {}),
          responses: {
            200: json('Cancelled', okBody(s.ref('StatusChange')), {
              success: true,
              data: {
                id: PAYIN_ID,
                externalID: 'test123',
                trackerID: '235ed894-03bb-4761-b23d-661306b0e136',
                status: 'CANCELLED',
                amount: '1000',
                currency: 'RUB',
                method: 'CARD',
                createdAt: '2026-11-23T16:21:08.448Z',
                updatedAt: '2026-11-23T16:21:08.550Z',
              },
            }),
            403: err(30000),
            404: err(60011),
            409: err(60012),
          },
        }),
      },
      '/api/v1/pay-out': {
        post: signed({
          operationId: 'createPayOut',
          summary: 'Create pay-out',
          description:
            'Holds amount + commission on the payout balance and sends the money (executed a minute later). A card receiver is shown masked.',
          tags: ['Pay-out'],
          requestBody: jsonBody(s.ref('PayOutRequest'), {
            externalID: 'payout-1',
            bankId: 1,
            method: 'CARD',
            currencyId: 1,
            callbackURL: 'https://test.com/callback',
            amount: '1000',
            receiver: '4000000000003055',
            holder: 'Иванов Иван',
            description: 'Выплата',
          }),
          responses: {
            200: json('The pay-out (no updatedAt in this answer)', okBody(s.ref('PayOut')), { success: true, data: PAYOUT }),
            402: err(30005),
            409: err(60010),
          },
          callbacks: payOutCallbacks,
        }),
      },
      '/api/v1/pay-out/list': {
        get: signed({
          operationId: 'listPayOuts',
          summary: 'List pay-outs',
          description: 'Newest first.',
          tags: ['Pay-out'],
          parameters: listParams,
          responses: {
            200: json('A page', okBody(s.obj({ total: s.int(), items: s.arr(s.ref('PayOut')) }, 'all')), {
              success: true,
              data: { total: 1, items: [{ ...PAYOUT, updatedAt: '2026-11-23T16:21:08.560Z' }] },
            }),
            422: err(20002),
          },
        }),
      },
      '/api/v1/pay-out/{id}': {
        get: signed({
          operationId: 'getPayOut',
          summary: 'Get pay-out',
          description: 'One pay-out.',
          tags: ['Pay-out'],
          parameters: [payOutId],
          responses: {
            200: json('The pay-out', okBody(s.ref('PayOut')), {
              success: true,
              data: { ...PAYOUT, updatedAt: '2026-11-23T16:21:08.560Z' },
            }),
            404: err(60011),
            422: err(20003),
          },
        }),
      },
      '/api/v1/pay-out/{id}/status/{status}': {
        put: signed({
          operationId: 'setPayOutStatus',
          summary: 'Set pay-out status',
          description: 'Cancels a pay-out that is not final, signed with the body `{}`; the hold is released.',
          tags: ['Pay-out'],
          parameters: [payOutId, statusParam],
          requestBody: jsonBody(s.obj({}), {}),
          responses: {
            200: json('Cancelled', okBody(s.ref('StatusChange')), {
              success: true,
              data: {
                id: PAYOUT_ID,
                externalID: 'payout-1',
                trackerID: PAYOUT.trackerID,
                status: 'CANCELLED',
                amount: '1000',
                currency: 'RUB',
                method: 'CARD',
                createdAt: '2026-11-23T16:21:08.560Z',
                updatedAt: '2026-11-23T16:21:08.588Z',
              },
            }),
            403: err(30000),
            404: err(60011),
            409: err(60012),
          },
        }),
      },
      '/api/v1/balance': {
        get: signed({
          operationId: 'getBalance',
          summary: 'Balance',
          description: 'The payment and payout balances in a currency: available and frozen.',
          tags: ['Reference'],
          parameters: [p.query('currency', 'Currency code or id (default RUB)', s.str(), 'RUB')],
          responses: { 200: json('The balances', okBody(s.ref('Balance')), { success: true, data: BALANCE }) },
        }),
      },
      '/api/v1/banks': {
        get: signed({
          operationId: 'listBanks',
          summary: 'Banks',
          description: 'The banks `bankId` refers to; `environment` echoes the `X-Environment` header.',
          tags: ['Reference'],
          parameters: [p.header('X-Environment', 'SANDBOX, TEST or PRODUCTION', s.enum(['SANDBOX', 'TEST', 'PRODUCTION']))],
          responses: {
            200: json(
              'The banks',
              okBody(s.arr(s.obj({ id: s.int(), name: s.str(), key: s.str(), currency: s.str(), environment: s.str() }, 'all'))),
              {
                success: true,
                data: [
                  { id: 1, name: 'Сбер', key: 'SBER', currency: 'RUB', environment: 'PRODUCTION' },
                  { id: 2, name: 'Т-Банк', key: 'TBANK', currency: 'RUB', environment: 'PRODUCTION' },
                ],
              },
            ),
          },
        }),
      },
      '/api/v1/currencies': {
        get: signed({
          operationId: 'listCurrencies',
          summary: 'Currencies',
          description: 'RUB (1), USD (2), KZT (3, inactive).',
          tags: ['Reference'],
          responses: {
            200: json('The currencies', okBody(s.arr(s.obj({ id: s.int(), name: s.str(), key: s.str(), isActive: s.bool() }, 'all'))), {
              success: true,
              data: [
                { id: 1, name: 'Рубль', key: 'RUB', isActive: true },
                { id: 2, name: 'Доллар США', key: 'USD', isActive: true },
                { id: 3, name: 'Тенге', key: 'KZT', isActive: false },
              ],
            }),
          },
        }),
      },
      '/api/v1/commissions': {
        get: signed({
          operationId: 'listCommissions',
          summary: 'Commissions',
          description: "The merchant's commissions per bank and method: percent, min and max amount.",
          tags: ['Reference'],
          responses: {
            200: json('The commissions', okBody(s.obj({ payIn: s.arr(s.ref('Commission')), payOut: s.arr(s.ref('Commission')) }, 'all')), {
              success: true,
              data: {
                payIn: [{ id: 1, bank: 'Сбер', method: 'CARD', percent: 10.6, minAmount: '100', maxAmount: '100000', isActive: true }],
                payOut: [{ id: 2, bank: 'Сбер', method: 'CARD', percent: 2.5, minAmount: '100', maxAmount: '50000', isActive: true }],
              },
            }),
          },
        }),
      },
      '/sandbox/pay-in/{id}/pay': sandbox(
        'sandboxPayInPay',
        'Payer transfers (sandbox)',
        'The payer transfers `amount` (default: the expected amount) and it is confirmed; `confirm: false` stops at PROCESSING. Another amount gives INCORRECT_AMOUNT.',
        [payInId],
        { schema: s.obj({ amount: s.str(), confirm: s.bool() }), example: { confirm: true } },
        s.ref('PayIn'),
        { ...PAYIN_SEED, status: 'COMPLETED', updatedAt: '2026-11-23T16:21:08.701Z' },
      ),
      '/sandbox/pay-in/{id}/confirm': sandbox(
        'sandboxPayInConfirm',
        'Operator confirms (sandbox)',
        'The operator confirms a PENDING or PROCESSING pay-in.',
        [payInId],
        { schema: s.obj({ amount: s.str() }), example: {} },
        s.ref('PayIn'),
        { ...PAYIN_SEED, status: 'COMPLETED', updatedAt: '2026-11-23T16:21:08.701Z' },
      ),
      '/sandbox/pay-in/{id}/fail': sandbox(
        'sandboxPayInFail',
        'Pay-in fails (sandbox)',
        'ERROR.',
        [payInId],
        { schema: s.obj({}), example: {} },
        s.ref('PayIn'),
        { ...PAYIN_SEED, status: 'ERROR', updatedAt: '2026-11-23T16:21:08.744Z' },
      ),
      '/sandbox/pay-in/{id}/refund': sandbox(
        'sandboxPayInRefund',
        'Pay-in refunded (sandbox)',
        'A COMPLETED pay-in becomes REFUNDED.',
        [payInId],
        { schema: s.obj({}), example: {} },
        s.ref('PayIn'),
        { ...PAYIN_SEED, status: 'REFUNDED', updatedAt: '2026-11-23T16:21:08.718Z' },
      ),
      '/sandbox/pay-out/{id}/complete': sandbox(
        'sandboxPayOutComplete',
        'Pay-out executed (sandbox)',
        'Executes a pay-out now.',
        [payOutId],
        { schema: s.obj({}), example: {} },
        s.ref('PayOut'),
        { ...PAYOUT, status: 'COMPLETED', updatedAt: '2026-11-23T16:21:08.759Z' },
      ),
      '/sandbox/pay-out/{id}/fail': sandbox(
        'sandboxPayOutFail',
        'Pay-out fails (sandbox)',
        'ERROR; the hold is released.',
        [payOutId],
        { schema: s.obj({}), example: {} },
        s.ref('PayOut'),
        { ...PAYOUT, status: 'ERROR', updatedAt: '2026-11-23T16:21:08.776Z' },
      ),
      '/sandbox/balance': sandbox(
        'sandboxTopUp',
        'Top a balance up (sandbox)',
        "Adds money to a merchant's payout (default) or payment balance.",
        [],
        {
          schema: s.obj({ publicKey: s.str(), amount: s.str(), currency: s.str(), balance: s.enum(['payout', 'payment']) }, [
            'publicKey',
            'amount',
          ]),
          example: { publicKey: 'w2p_pk_demo', amount: '1000', currency: 'RUB', balance: 'payout' },
        },
        s.ref('Balance'),
        {
          balance: {
            payment: { currency: 'RUB', available: '0', frozen: '0' },
            payout: { currency: 'RUB', available: '11000', frozen: '0' },
          },
        },
      ),
    },
    components: {
      securitySchemes: {
        publicKey: { type: 'apiKey', in: 'header', name: 'Public-Key', description: 'Your public key' },
        nonce: {
          type: 'apiKey',
          in: 'header',
          name: 'Nonce',
          description:
            'Generation 1: Unix seconds + 300, greater than the previous one. Generation 3: strictly increasing, up to 18 digits. (Generation 2 sends `Expires` instead: Unix seconds + 300.)',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The gateway's admin token (printed by `polypay start`, or POLYPAY_ADMIN_TOKEN): sandbox operator routes only.",
        },
        signature: {
          type: 'apiKey',
          in: 'header',
          name: 'Signature',
          description:
            'Generation 1: hex HMAC-SHA256(secret, body + nonce). Generations 2 and 3: hex HMAC-SHA512(secret, path + sorted-key JSON + Expires or nonce).',
        },
      },
      schemas: {
        Error: s.obj({ success: s.bool(), error: s.obj({ message: s.str(), code: s.int() }, 'all') }, 'all'),
        PayInRequest: s.obj(
          {
            externalID: s.str({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Your id, unique per merchant' }),
            amount: s.str({ pattern: '^\\d{1,13}(\\.\\d{1,2})?$', description: 'Major units, at most 2 decimals' }),
            currency: s.str('Currency code (seed): RUB'),
            currencyId: s.int('Currency id (current): 1 RUB, 2 USD'),
            bankId: s.int('Bank id (GET /banks); without it a bank with a free requisite is picked'),
            method: s.enum(Object.keys(PAYIN_METHODS), 'Default CARD'),
            callbackURL: s.str({ format: 'uri' }),
            description: s.str({ maxLength: 1000 }),
          },
          ['externalID', 'amount'],
        ),
        PayInSeed: s.obj(
          {
            id: s.str({ format: 'uuid' }),
            externalID: s.str(),
            currency: s.str(),
            amount: s.str(),
            status: s.enum(STATUSES),
            method: s.str(),
            bank: s.str('Bank key: SBER'),
            cardNumber: nullable(s.str('The requisite to transfer to (card, phone or account)')),
            holder: nullable(s.str()),
            createdAt: s.str(),
            updatedAt: s.str(),
          },
          'all',
          'Generation 1 (the original README)',
        ),
        PayInCurrent: s.obj(
          {
            id: s.str({ format: 'uuid' }),
            externalID: s.str(),
            trackerID: s.str(),
            status: s.enum(STATUSES),
            amount: s.str(),
            commission: s.str(),
            currency: s.str(),
            bank: s.str('Bank name: Сбер'),
            method: s.str(),
            receiver: nullable(s.str('The requisite')),
            holder: nullable(s.str()),
            description: nullable(s.str()),
            createdAt: s.str(),
            updatedAt: s.str(),
          },
          'all',
          'Generation 3 (current README)',
        ),
        PayIn: s.oneOf([s.ref('PayInSeed'), s.ref('PayInCurrent')], "As the merchant's generation shows it"),
        PayOutRequest: s.obj(
          {
            externalID: s.str({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
            bankId: s.int(),
            method: s.enum(Object.keys(PAYOUT_METHODS)),
            currencyId: s.int(),
            currency: s.str(),
            callbackURL: s.str({ format: 'uri' }),
            amount: s.str({ pattern: '^\\d{1,13}(\\.\\d{1,2})?$' }),
            receiver: s.str('Card number, phone (SBP) or account number'),
            holder: s.str({ minLength: 3, maxLength: 100 }),
            description: s.str(),
          },
          ['externalID', 'bankId', 'method', 'callbackURL', 'amount', 'receiver', 'holder'],
        ),
        PayOut: s.obj(
          {
            id: s.str({ format: 'uuid' }),
            externalID: s.str(),
            trackerID: s.str(),
            status: s.enum(STATUSES),
            amount: s.str(),
            commission: s.str(),
            currency: s.str(),
            bank: s.str(),
            method: s.str(),
            receiver: s.str(),
            holder: s.str(),
            description: nullable(s.str()),
            createdAt: s.str(),
            updatedAt: s.str('Absent from the creating answer'),
          },
          [
            'id',
            'externalID',
            'trackerID',
            'status',
            'amount',
            'commission',
            'currency',
            'bank',
            'method',
            'receiver',
            'holder',
            'description',
            'createdAt',
          ],
        ),
        StatusChange: s.obj(
          {
            id: s.str(),
            externalID: s.str(),
            trackerID: s.str(),
            status: s.enum(STATUSES),
            amount: s.str(),
            currency: s.str(),
            method: s.str(),
            createdAt: s.str(),
            updatedAt: s.str(),
          },
          'all',
        ),
        Balance: s.obj({ balance: s.obj({ payment: s.ref('BalanceOf'), payout: s.ref('BalanceOf') }, 'all') }, 'all'),
        BalanceOf: s.obj({ currency: s.str(), available: s.str(), frozen: s.str() }, 'all'),
        Commission: s.obj(
          { id: s.int(), bank: s.str(), method: s.str(), percent: s.num(), minAmount: s.str(), maxAmount: s.str(), isActive: s.bool() },
          'all',
        ),
        PayInCallback: s.obj(
          {
            id: s.str(),
            externalID: s.str(),
            trackerID: s.str(),
            status: s.enum(STATUSES),
            amount: s.str(),
            commission: s.str(),
            currency: s.str(),
            bank: s.str(),
            method: s.str(),
            receiver: nullable(s.str()),
            holder: nullable(s.str()),
            description: nullable(s.str()),
            timestamp: s.str(),
          },
          'all',
        ),
        PayOutCallback: s.obj(
          {
            id: s.str(),
            externalID: s.str(),
            trackerId: s.str(),
            status: s.enum(STATUSES),
            amount: s.str(),
            commission: s.str(),
            currency: s.str(),
            bank: s.str(),
            method: s.str(),
            receiver: nullable(s.str()),
            holder: nullable(s.str()),
            description: nullable(s.str()),
            timestamp: s.str(),
          },
          'all',
        ),
      },
    },
    'x-webhooks': { payIn: callbackItem('payIn'), payOut: callbackItem('payOut') },
  };
}

/** The reference page's credentials panel: the key pair, the merchant's auth generation, and the admin token of the sandbox routes. */
export function way2payConnectionFields(c: Record<string, string> | undefined): ConnectionField[] {
  return [
    { name: 'publicKey', label: 'Public key', value: c?.publicKey ?? '' },
    { name: 'secretKey', label: 'Secret key', value: c?.secretKey ?? '', secret: true },
    {
      name: 'generation',
      label: 'Auth generation',
      value: c?.generation === '3' || c?.generation === '2' ? c.generation : '1',
      kind: 'select',
      options: ['1', '2', '3'],
      hint: "1: HMAC-SHA256 over body + nonce (the original README). 2: HMAC-SHA512 over path + sorted JSON + Expires. 3: HMAC-SHA512 over path + sorted JSON + nonce. Use the merchant's.",
    },
    {
      name: 'adminToken',
      label: 'Admin token (sandbox routes)',
      value: '',
      secret: true,
      hint: "The gateway's admin token, sent as `Authorization: Bearer` by the Sandbox operations only (never filled in by this page).",
    },
  ];
}
