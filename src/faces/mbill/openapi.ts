// The OpenAPI 3.0 document of the Mbill face (Transfer Tokenization Service): card tokens, transfers with
// 3-D Secure or lookup codes, claims, the webhook setting, the tokenizer iframe and the 3-D Secure terminal,
// and the transfer webhook. Examples are answers the gateway gave (test/server/reference.test.ts checks them).
import {
  callbackOf,
  json,
  jsonBody,
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
import { ERROR_STATUS, VALIDATION_MESSAGE } from './wire.js';

const TRANSFER_STATUSES = ['authentication', 'processing', 'waiting_for_claim', 'completed', 'declined', 'error'];
const CLAIM_STATUSES = ['authentication', 'processing', 'completed', 'declined', 'error'];

const ok = (schema: Schema, type: 'object' | 'list' = 'object', paging = false): Schema =>
  s.obj(
    { meta: s.ref('Meta'), data: type === 'list' ? s.arr(schema) : schema, ...(paging ? { paging: s.ref('Paging') } : {}) },
    paging ? ['meta', 'data', 'paging'] : ['meta', 'data'],
  );
const meta = (base: string, path: string, code: number, requestId: string, type: 'object' | 'list' = 'object') => ({
  url: `${base}${path}`,
  type,
  code,
  request_id: requestId,
});

const errorResponse = (base: string, code: number, path: string, error: Record<string, unknown>, description: string): Response =>
  json(description, s.ref('ErrorEnvelope'), { meta: meta(base, path, code, 'req-1'), error });
const accessDenied = (base: string, path: string, message: string) =>
  errorResponse(
    base,
    401,
    path,
    { type: 'access_denied', invalid: [{ entry_type: 'header', entry: 'Authorization' }], message },
    'Missing or unknown token (`access_denied`)',
  );
const notFound = (base: string, path: string) =>
  errorResponse(base, 404, path, { type: 'not_found' }, 'No such object (`not_found`); checked before the token');
const malformed = (base: string, path: string) =>
  errorResponse(
    base,
    400,
    path,
    {
      type: 'request_malformed',
      invalid: [{ entry_type: 'request', rules: [{ rule: 'json' }] }],
      message: 'Malformed request. Probably, you have sent corrupted JSON.',
    },
    'Corrupted JSON (`request_malformed`)',
  );
const invalid = (base: string, path: string, entry: string, rule: Record<string, unknown>) =>
  errorResponse(
    base,
    422,
    path,
    { type: 'validation_failed', invalid: [{ entry_type: 'json_data_property', entry, rules: [rule] }], message: VALIDATION_MESSAGE },
    'Validation failed (`validation_failed`): one entry per invalid property, sorted by path',
  );
const conflict = (base: string, path: string) =>
  errorResponse(
    base,
    409,
    path,
    { type: 'request_conflict', message: 'Transfer is not awaiting authentication' },
    'Wrong state, or an X-Idempotency-Key reused with another body (`request_conflict`)',
  );

const headers = [p.ref('XRequestId'), p.ref('XIdempotencyKey')];

const TOKEN = 'card-token-4242-967002bc4fc28c1bbfe28044c2ab2709aba47e7a';
const peer = (credential: unknown, phone: string | null = '+380631112233', email: string | null = null) => ({ phone, email, credential });
const transfer3ds = (base: string, root: string) => ({
  id: '1000018',
  type: 'transfer',
  external_id: '143329988738',
  token: 'transfer-token-6ba59b14-6a36-4b49-b9ab-e3051f1cc387',
  token_expires_at: '2026-11-23T16:36:07.398000Z',
  amount: 1000,
  fee: 10,
  total: 1010,
  description: 'some content',
  status: 'authentication',
  metadata: { feel_free: 'to set any metadata' },
  sender: peer(
    { type: 'card-token', token: TOKEN, token_expires_at: '2026-11-23T16:36:07.393000Z', number: '424242******4242' },
    '+380631112233',
    'smith@example.com',
  ),
  recipient: peer({ type: 'card-number', number: '555555******4444' }),
  created_at: '2026-11-23T16:21:07.398000',
  updated_at: '2026-11-23T16:21:07.398000',
  auth: {
    type: '3d-secure',
    acs_url: `${root}/acs`,
    pa_req:
      'eyJ2IjoxLCJpZCI6IjRlOTIyOWVjLTk4M2UtNDg1ZS05ZDEwLTJmMTdhYzE5ZWM5OCIsImtpbmQiOiIzZHMiLCJhbW91bnQiOiIxMDEwLjAwIiwiY3VycmVuY3kiOiJVQUgifQ.QuvHRmqR_y6Bqu_BaqvxMF5e5i5bd23aZfRtzPIHY4A',
    md: '143329988738',
    terminal_url: `${base}/3ds/terminal`,
  },
});
const transferDone = {
  id: '1000019',
  type: 'transfer',
  external_id: '313989234979',
  token: 'transfer-token-ee637f39-80cc-4657-8602-49453ae8c4af',
  token_expires_at: '2026-11-23T16:36:07.419000Z',
  amount: 100,
  fee: 5,
  total: 105,
  description: 'some content',
  status: 'processing',
  metadata: null,
  sender: peer({ type: 'card', number: '400000******0101' }, null),
  recipient: peer({ type: 'card-number', number: '555555******4444' }, null),
  created_at: '2026-11-23T16:21:07.419000',
  updated_at: '2026-11-23T16:21:07.506000',
};
const summary = {
  id: '1000021',
  status: 'completed',
  amount: 100,
  fee: 5,
  total: 105,
  description: 'gift for you',
  sender: peer({ type: 'card', number: '400000******0101' }, null),
  recipient: peer({ type: 'external-credential', id: '797270051', metadata: { note: 'x' } }),
  created_at: '2026-11-23T16:21:07.548000',
  updated_at: '2026-11-23T16:21:07.988000',
};
const claim = {
  id: '1000022',
  type: 'claim',
  external_id: '797270051',
  status: 'authentication',
  token: 'claim-token-a18e822a-a82b-431f-9442-f5d53b879c1d',
  token_expires_at: '2026-11-23T16:36:07.940000Z',
  credential: { type: 'card-number', number: '400000******3055' },
  auth: { type: 'otp-code' },
  metadata: null,
  created_at: '2026-11-23T16:21:07.940000',
  updated_at: '2026-11-23T16:21:07.940000',
};

const transferWebhook = (base: string, root: string): PathItem => {
  const { auth: _auth, ...completed } = transfer3ds(base, root);
  return {
    post: {
      operationId: 'transferEvent',
      summary: 'Transfer status webhook',
      description:
        "Our addition (the blueprint's TODO): every transfer status change is POSTed to the merchant's webhook URL, `{meta: {type, event, event_id, created_at}, data: <transfer>}`. Headers: `X-Mbill-Signature: sha256=<hex HMAC-SHA256(API token, raw body)>`, `X-Mbill-Event`, `X-Polypay-Event-Id` (stable across retries: de-duplicate on it). Retried after 1, 5, 15 min, 1, 3, 6 h (10 attempts); any 2xx is success.",
      tags: ['Webhooks'],
      parameters: [
        p.header('X-Mbill-Signature', '`sha256=<hex HMAC-SHA256(API token, raw body)>`', s.str(), undefined, true),
        p.header('X-Mbill-Event', 'The event, e.g. `transfer.completed`', s.str(), undefined, true),
      ],
      requestBody: jsonBody(
        s.obj(
          {
            meta: s.obj({ type: s.enum(['object']), event: s.str(), event_id: s.str(), created_at: s.str() }, 'all'),
            data: s.ref('Transfer'),
          },
          'all',
        ),
        {
          meta: {
            type: 'object',
            event: 'transfer.completed',
            event_id: 'b1c4d0a2-6f1e-4a43-9d55-2b7f3c7f0e11',
            created_at: '2026-11-23T16:21:07.530000Z',
          },
          data: { ...completed, status: 'completed', updated_at: '2026-11-23T16:21:07.530000' },
        },
      ),
      responses: { '2XX': { description: 'Received' } },
    },
  };
};

const page = (
  operationId: string,
  summary: string,
  description: string,
  extra: Partial<Operation>,
  responses: Operation['responses'],
): Operation => ({
  operationId,
  summary,
  description,
  tags: ['Tokenizer'],
  security: [],
  ...extra,
  responses,
  'x-polypay-browser': true,
});

export function mbillOpenApi(baseUrl: string, prefix: string): OpenApiDocument {
  const base = `${baseUrl}${prefix}`;
  const webhook = transferWebhook(base, baseUrl);
  const transferId = p.path('id', 'Transfer ID', '1000018');
  const claimId = p.path('id', 'Claim ID', '1000022');
  const transferBody = {
    amount: 1000,
    fee: 10,
    description: 'some content',
    metadata: { feel_free: 'to set any metadata' },
    sender: { phone: '+380631112233', email: 'smith@example.com', credential: { type: 'card-token', token: TOKEN } },
    recipient: { phone: '+380631112233', credential: { type: 'card-number', number: '5555555555554444' } },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'Mbill Transfer Tokenization Service',
      version: '1.0',
      description: [
        'Card-to-card transfers: exchange card data for a one-time **card token** (usually in the tokenizer iframe), create a **transfer**, authenticate it with 3-D Secure or a lookup code, and read its status. Transfers to an external credential wait for the recipient to **claim** them.',
        '',
        "**Authorization**: HTTP Basic with a token as the user name (`curl -uTOKEN:`): the merchant's API token to create and list transfers; a transfer's own `token` to read and authenticate it; a claim's `token` for the claim. `POST /tokens` and `POST /claims` are public.",
        '',
        '**Envelope** (API Manifest): `{meta: {url, type, code, request_id[, idempotency_key]}, data[, paging]}`; errors `{meta, error: {type, invalid?, message?}}` with types ' +
          Object.entries(ERROR_STATUS)
            .map(([t, c]) => `\`${t}\` (${c})`)
            .join(', ') +
          '. `X-Request-ID` is echoed in `meta.request_id`; `X-Idempotency-Key` makes a repeat of the same request within 24 h get the first 2xx answer again.',
        '',
        'Amounts are hryvnias (UAH). The fee must be max(1 % of the amount, 5), rounded half up to 3 significant digits.',
      ].join('\n'),
    },
    servers: [{ url: base, description: 'This gateway' }],
    tags: [
      { name: 'Tokens', description: 'One-time card tokens' },
      { name: 'Transfers', description: 'Peer-to-peer transfers' },
      { name: 'Claims', description: 'Claiming a transfer to an external credential' },
      { name: 'Webhooks', description: 'Transfer status webhooks (our addition)' },
      { name: 'Tokenizer', description: 'The card iframe and the 3-D Secure terminal' },
    ],
    paths: {
      '/tokens': {
        post: {
          operationId: 'createCardToken',
          summary: 'Create card token',
          description:
            'Exchanges card data for a **one-time** token to create a transfer with. The card is stored encrypted (AES-128-CBC with an HMAC) and removed after **15 minutes**; the CVV is checked and never stored. No authorization.',
          tags: ['Tokens'],
          security: [],
          parameters: headers,
          requestBody: jsonBody(s.ref('Card'), {
            type: 'card',
            number: '4242424242424242',
            expiration_month: '12',
            expiration_year: '2030',
            cvv: '123',
          }),
          responses: {
            201: json('The token', ok(s.ref('CardToken')), {
              meta: meta(base, '/tokens', 201, 'req-token'),
              data: { type: 'card-token', token: TOKEN, token_expires_at: '2026-11-23T16:36:07.393000Z' },
            }),
            400: malformed(base, '/tokens'),
            422: invalid(base, '/tokens', '$.number', { rule: 'card_number', params: [], description: 'is not a valid card number' }),
          },
        },
      },
      '/transfers': {
        post: {
          operationId: 'createTransfer',
          summary: 'Create transfer',
          description:
            "A transfer from the sender's card (`card-token`, or deprecated full `card` data) to the recipient's (`card-number`, `card-token`, or `external-credential`, also named `external-id`, to be claimed). It starts in `authentication`: post `auth.pa_req`, `auth.md` and `auth.terminal_url` to `auth.acs_url` from the payer's browser (3-D Secure; add `?arrival=<url>` to the TermUrl to come back), or send the lookup code to `/transfers/{id}/auth`. Unauthenticated transfers are declined after about 15 minutes.",
          tags: ['Transfers'],
          security: [{ apiToken: [] }],
          parameters: headers,
          requestBody: jsonBody(s.ref('TransferRequest'), transferBody),
          responses: {
            201: json('The transfer, with `auth`', ok(s.ref('Transfer')), {
              meta: meta(base, '/transfers/1000018', 201, 'req-transfer'),
              data: transfer3ds(base, baseUrl),
            }),
            400: malformed(base, '/transfers'),
            401: accessDenied(base, '/transfers', 'Invalid API token.'),
            409: conflict(base, '/transfers'),
            422: invalid(base, '/transfers', '$.fee', { rule: 'fee', params: [], description: 'is invalid, must be 10' }),
          },
        },
        get: {
          operationId: 'listTransfers',
          summary: 'List transfers',
          description: "The merchant's transfers, newest first, with cursors (our addition).",
          tags: ['Transfers'],
          security: [{ apiToken: [] }],
          parameters: [
            p.query('limit', '1 to 100 (default 50)', s.int({ minimum: 1, maximum: 100 }), 10),
            p.query('starting_after', 'A transfer id: the page after it', s.str({ pattern: '^\\d+$' })),
            p.query('ending_before', 'A transfer id: the page before it', s.str({ pattern: '^\\d+$' })),
            p.ref('XRequestId'),
          ],
          responses: {
            200: json('The transfers', ok(s.ref('Transfer'), 'list', true), {
              meta: meta(base, '/transfers', 200, 'req-list', 'list'),
              data: [{ ...transferDone, status: 'completed', updated_at: '2026-11-23T16:21:07.530000' }],
              paging: { limit: 1, cursors: { starting_after: '1000019', ending_before: '1000019' }, has_more: true, size: 2 },
            }),
            401: accessDenied(base, '/transfers', 'Send your API token as the HTTP Basic username.'),
            422: errorResponse(
              base,
              422,
              '/transfers',
              {
                type: 'validation_failed',
                invalid: [
                  {
                    entry_type: 'query_parameter',
                    entry: '$.limit',
                    rules: [
                      {
                        rule: 'number',
                        params: { greater_than_or_equal_to: 1, less_than_or_equal_to: 100 },
                        description: 'must be less than or equal to 100',
                      },
                    ],
                  },
                ],
                message: VALIDATION_MESSAGE,
              },
              'A bad query parameter',
            ),
          },
        },
      },
      '/transfers/{id}': {
        get: {
          operationId: 'getTransfer',
          summary: 'Get transfer',
          description: "Reads a transfer with its access token as the HTTP Basic user name (the owning merchant's API token works too).",
          tags: ['Transfers'],
          security: [{ transferToken: [] }, { apiToken: [] }],
          parameters: [transferId, p.ref('XRequestId')],
          responses: {
            200: json('The transfer', ok(s.ref('Transfer')), {
              meta: meta(base, '/transfers/1000018', 200, 'req-get'),
              data: transfer3ds(base, baseUrl),
            }),
            401: accessDenied(base, '/transfers/1000018', 'Send the transfer token as the HTTP Basic username.'),
            404: notFound(base, '/transfers/1000018'),
          },
        },
      },
      '/transfers/{id}/auth': {
        post: {
          operationId: 'authenticateTransfer',
          summary: 'Authenticate transfer',
          description:
            'For a `lookup-code` transfer: the OTP sent to the payer (the sandbox also takes the fixed code `3382837`; the generated one is in the admin API). Three wrong codes decline the transfer. 3-D Secure transfers do not use this method.',
          tags: ['Transfers'],
          security: [{ transferToken: [] }],
          parameters: [{ ...transferId, example: '1000019' }, ...headers],
          requestBody: jsonBody(s.obj({ code: s.oneOf([s.str(), s.int()], 'The OTP code') }, ['code']), { code: '3382837' }),
          responses: {
            201: json('The transfer', ok(s.ref('Transfer')), {
              meta: meta(base, '/transfers/1000019/auth', 201, 'req-auth'),
              data: transferDone,
            }),
            401: accessDenied(base, '/transfers/1000019/auth', 'Send the transfer token as the HTTP Basic username.'),
            404: notFound(base, '/transfers/1000019/auth'),
            409: conflict(base, '/transfers/1000019/auth'),
            422: invalid(base, '/transfers/1000019/auth', '$.code', { rule: 'otp_code', params: [], description: 'is invalid' }),
          },
        },
      },
      '/claims': {
        post: {
          operationId: 'createClaim',
          summary: 'Create claim',
          description:
            'The recipient of a transfer to an `external-credential` (status `waiting_for_claim`) claims it with the credential id and their card; an OTP follows. No authorization.',
          tags: ['Claims'],
          security: [],
          parameters: headers,
          requestBody: jsonBody(
            s.obj(
              {
                id: s.str('The external credential id of the transfer'),
                credential: s.oneOf([s.ref('CardNumber'), s.ref('CardTokenRef')]),
              },
              'all',
            ),
            { id: '797270051', credential: { type: 'card-number', number: '4000000000003055' } },
          ),
          responses: {
            201: json('The claim', ok(s.ref('Claim')), { meta: meta(base, '/claims/1000022', 201, 'req-claim'), data: claim }),
            422: invalid(base, '/claims', '$.id', { rule: 'claim_id', params: [], description: 'not found' }),
          },
        },
      },
      '/claims/{id}': {
        get: {
          operationId: 'getClaim',
          summary: 'Get claim',
          description: 'Reads a claim with its token as the HTTP Basic user name.',
          tags: ['Claims'],
          security: [{ claimToken: [] }],
          parameters: [claimId, p.ref('XRequestId')],
          responses: {
            200: json('The claim; a completed one also shows `transfer` and `payment`', ok(s.ref('Claim')), {
              meta: meta(base, '/claims/1000022', 200, 'req-claimget'),
              data: { ...claim, status: 'completed', updated_at: '2026-11-23T16:21:07.988000', transfer: summary, payment: summary },
            }),
            401: accessDenied(base, '/claims/1000022', 'Send the claim token as the HTTP Basic username.'),
            404: notFound(base, '/claims/1000022'),
          },
        },
      },
      '/claims/{id}/auth': {
        post: {
          operationId: 'authenticateClaim',
          summary: 'Authenticate claim',
          description: 'The OTP of the claim (also as `{"otp-code": …}`); the payout to the claimant\'s card follows.',
          tags: ['Claims'],
          security: [{ claimToken: [] }],
          parameters: [claimId, ...headers],
          requestBody: jsonBody(s.obj({ code: s.oneOf([s.str(), s.int()], 'The OTP code') }), { code: '3382837' }),
          responses: {
            201: json('The claim with its transfer', ok(s.ref('Claim')), {
              meta: meta(base, '/claims/1000022/auth', 201, 'req-claimauth'),
              data: {
                ...claim,
                status: 'processing',
                updated_at: '2026-11-23T16:21:07.970000',
                transfer: { ...summary, status: 'processing', updated_at: '2026-11-23T16:21:07.970000' },
              },
            }),
            401: accessDenied(base, '/claims/1000022/auth', 'Send the claim token as the HTTP Basic username.'),
            404: notFound(base, '/claims/1000022/auth'),
            409: conflict(base, '/claims/1000022/auth'),
            422: invalid(base, '/claims/1000022/auth', '$.code', { rule: 'otp_code', params: [], description: 'is invalid' }),
          },
        },
      },
      '/webhook': {
        get: {
          operationId: 'getWebhook',
          summary: 'Get webhook URL',
          description: 'Where transfer status webhooks go (our addition).',
          tags: ['Webhooks'],
          security: [{ apiToken: [] }],
          parameters: [p.ref('XRequestId')],
          responses: {
            200: json('The setting', ok(s.ref('Webhook')), {
              meta: meta(base, '/webhook', 200, 'req-webhookget'),
              data: { type: 'webhook', url: null },
            }),
            401: accessDenied(base, '/webhook', 'Invalid API token.'),
          },
        },
        put: {
          operationId: 'setWebhook',
          summary: 'Set webhook URL',
          description: 'Sets the URL (an http(s) URL), or clears it with `null`.',
          tags: ['Webhooks'],
          security: [{ apiToken: [] }],
          parameters: [p.ref('XRequestId')],
          requestBody: jsonBody(s.obj({ url: nullable(s.str({ format: 'uri' })) }, ['url']), { url: 'https://example.com/mbill-hooks' }),
          responses: {
            200: json('The setting', ok(s.ref('Webhook')), {
              meta: meta(base, '/webhook', 200, 'req-webhookput'),
              data: { type: 'webhook', url: 'https://example.com/mbill-hooks' },
            }),
            401: accessDenied(base, '/webhook', 'Invalid API token.'),
            422: invalid(base, '/webhook', '$.url', { rule: 'format', params: ['~r/^https?:\\/\\//'], description: 'has invalid format' }),
          },
          callbacks: { transfer: { '{$request.body#/url}': callbackOf(webhook, 'setWebhook') } },
        },
      },
      '/tokenizer.js': {
        get: page(
          'tokenizerScript',
          'tokenizer.js',
          'The script that replaces your card container with the card iframe: `MbillTokenizer.init({container, lang, onToken, onErrors, onChange})`; `onToken` gets `{type, token, token_expires_at}`.',
          {},
          { 200: { description: 'JavaScript', content: { 'application/javascript': { schema: s.str() } } } },
        ),
      },
      '/tokenizer/frame': {
        get: page(
          'tokenizerFrame',
          'Tokenizer iframe',
          'The card form inside the iframe; it posts `mbill:card-token` or `mbill:validation-errors` messages to `origin` only, and only `origin` may frame it.',
          {
            parameters: [
              p.query('origin', "Your page's origin", s.str(), 'https://shop.example'),
              p.query('lang', 'uk, ru or en', s.str()),
              p.query('button', "0 hides the frame's own button", s.str()),
            ],
          },
          { 200: { description: 'An HTML page', content: { 'text/html': { schema: s.str() } } }, 400: { description: 'No valid origin' } },
        ),
      },
      '/3ds/terminal': {
        post: page(
          'threeDsTerminal',
          '3-D Secure terminal (TermUrl)',
          'The ACS posts `MD` and `PaRes` here; with `?arrival=<url>` the browser is sent on (303), otherwise a result page is shown.',
          {
            parameters: [p.query('arrival', 'Where to send the browser afterwards', s.str({ format: 'uri' }))],
            requestBody: {
              required: true,
              content: { 'application/x-www-form-urlencoded': { schema: s.obj({ MD: s.str(), PaRes: s.str() }) } },
            },
          },
          {
            200: { description: 'A result page', content: { 'text/html': { schema: s.str() } } },
            303: { description: 'To `arrival`' },
            404: { description: 'Unknown MD' },
          },
        ),
      },
    },
    components: {
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'basic',
          description: "The merchant's API token as the user name, empty password (`curl -uAPI_TOKEN:`).",
        },
        transferToken: { type: 'http', scheme: 'basic', description: "The transfer's `token` (`transfer-token-…`) as the user name." },
        claimToken: { type: 'http', scheme: 'basic', description: "The claim's `token` (`claim-token-…`) as the user name." },
      },
      parameters: {
        XRequestId: p.header(
          'X-Request-ID',
          'Echoed in the `x-request-id` header and `meta.request_id` (generated when absent)',
          s.str({ maxLength: 200 }),
        ),
        XIdempotencyKey: p.header(
          'X-Idempotency-Key',
          'Echoed in `meta.idempotency_key`; a repeat of the same request within 24 h gets the first 2xx answer',
          s.str({ maxLength: 255 }),
        ),
      },
      schemas: {
        Meta: s.obj({ url: s.str(), type: s.enum(['object', 'list']), code: s.int(), request_id: s.str(), idempotency_key: s.str() }, [
          'url',
          'type',
          'code',
          'request_id',
        ]),
        Paging: s.obj(
          {
            limit: s.int(),
            cursors: s.obj({ starting_after: nullable(s.str()), ending_before: nullable(s.str()) }, 'all'),
            has_more: s.bool(),
            size: s.int('Total number of objects'),
          },
          ['limit', 'cursors', 'has_more'],
        ),
        ErrorEnvelope: s.obj(
          {
            meta: s.ref('Meta'),
            error: s.obj(
              {
                type: s.enum(Object.keys(ERROR_STATUS)),
                message: s.str(),
                invalid: s.arr(
                  s.obj(
                    {
                      entry_type: s.str('json_data_property, query_parameter, header, request'),
                      entry: s.str('JSON path: `$.sender.credential.number`'),
                      rules: s.arr(s.obj({ rule: s.str(), params: s.any(), description: s.str() }, ['rule'])),
                    },
                    ['entry_type'],
                  ),
                ),
              },
              ['type'],
            ),
          },
          'all',
        ),
        Card: s.obj(
          {
            type: s.enum(['card']),
            number: s.str('Card number: Luhn-valid Visa or MasterCard'),
            expiration_month: s.str({ description: 'Two digits', pattern: '^(0?[1-9]|1[0-2])$' }),
            expiration_year: s.str({ description: 'YYYY, 2016 to 2030 (as the reference server)', pattern: '^\\d{4}$' }),
            cvv: s.str({ pattern: '^[0-9]{3,4}$' }),
          },
          ['number', 'expiration_month', 'expiration_year', 'cvv'],
        ),
        CardNumber: s.obj({ type: s.enum(['card-number']), number: s.str() }, 'all'),
        CardTokenRef: s.obj({ type: s.enum(['card-token']), token: s.str() }, 'all'),
        CardToken: s.obj(
          {
            type: s.enum(['card-token']),
            token: s.str('`card-token-<last4>-<40 hex>`'),
            token_expires_at: s.str('ISO 8601, microseconds, UTC'),
          },
          'all',
        ),
        ExternalCredential: s.obj(
          { type: s.enum(['external-credential']), id: s.str('Generated (9 digits)'), metadata: nullable(s.map()) },
          ['type'],
        ),
        TransferRequest: s.obj(
          {
            amount: s.num({ minimum: 1, maximum: 15000, description: 'UAH, at most 2 decimals' }),
            fee: s.num('max(amount × 1 %, 5), rounded half up to 3 significant digits'),
            description: s.str({ minLength: 5, maxLength: 1024 }),
            metadata: s.map(s.any(), 'Keys ≤ 100 bytes, strings ≤ 500 bytes, lists ≤ 25 items'),
            sender: s.obj(
              {
                phone: s.str({ pattern: '^\\+[0-9]{9,16}$' }),
                email: s.str({ format: 'email' }),
                credential: s.oneOf([s.ref('Card'), s.ref('CardTokenRef')]),
              },
              ['credential'],
            ),
            recipient: s.obj(
              {
                phone: s.str({ pattern: '^\\+[0-9]{9,16}$', description: 'Required for an external-credential' }),
                email: s.str({ format: 'email' }),
                credential: s.oneOf([
                  s.ref('CardNumber'),
                  s.ref('CardTokenRef'),
                  s.obj({ type: s.enum(['external-credential', 'external-id']), metadata: s.map() }, ['type']),
                ]),
              },
              ['credential'],
            ),
          },
          ['amount', 'fee', 'sender', 'recipient'],
        ),
        Peer: s.obj(
          {
            phone: nullable(s.str()),
            email: nullable(s.str()),
            credential: s.map(
              s.any(),
              '`card` / `card-number` (masked `number`), `card-token` (`token`, `token_expires_at`, masked `number`) or `external-credential` (`id`, `metadata`)',
            ),
          },
          'all',
        ),
        Auth3ds: s.obj(
          { type: s.enum(['3d-secure']), acs_url: s.str(), pa_req: s.str(), md: s.str('= external_id'), terminal_url: s.str() },
          'all',
        ),
        AuthLookup: s.obj({ type: s.enum(['lookup-code']), md: s.str() }, 'all'),
        Decline: s.obj(
          { code: s.int('Processing partner code'), reason: s.str('Error group, e.g. Funds_Insufficient'), message: s.str() },
          'all',
        ),
        Transfer: s.obj(
          {
            id: s.str(),
            type: s.enum(['transfer']),
            external_id: s.str('ID from the processing partner'),
            token: s.str('`transfer-token-<uuid>`: the access token'),
            token_expires_at: s.str(),
            amount: s.num(),
            fee: s.num(),
            total: s.num('amount + fee'),
            description: nullable(s.str()),
            status: s.enum(TRANSFER_STATUSES),
            metadata: nullable(s.map()),
            sender: s.ref('Peer'),
            recipient: s.ref('Peer'),
            created_at: s.str('`2016-10-18T13:50:39.677992` (UTC)'),
            updated_at: s.str(),
            auth: s.oneOf([s.ref('Auth3ds'), s.ref('AuthLookup')], 'While the status is `authentication`'),
            decline: s.ref('Decline'),
          },
          [
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
          ],
        ),
        TransferSummary: s.obj(
          {
            id: s.str(),
            status: s.enum(TRANSFER_STATUSES),
            amount: s.num(),
            fee: s.num(),
            total: s.num(),
            description: nullable(s.str()),
            sender: s.ref('Peer'),
            recipient: s.ref('Peer'),
            created_at: s.str(),
            updated_at: s.str(),
          },
          'all',
        ),
        Claim: s.obj(
          {
            id: s.str(),
            type: s.enum(['claim']),
            external_id: s.str('The external credential id'),
            status: s.enum(CLAIM_STATUSES),
            token: s.str('`claim-token-<uuid>`'),
            token_expires_at: s.str(),
            credential: s.map(s.any(), "The claimant's card, masked"),
            auth: s.obj({ type: s.enum(['otp-code']) }, 'all'),
            metadata: nullable(s.map()),
            created_at: s.str(),
            updated_at: s.str(),
            decline: s.ref('Decline'),
            transfer: s.ref('TransferSummary'),
            payment: s.ref('TransferSummary'),
          },
          [
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
          ],
        ),
        Webhook: s.obj({ type: s.enum(['webhook']), url: nullable(s.str()) }, 'all'),
      },
    },
    'x-webhooks': { transfer: webhook },
  };
}

/** The reference page's credentials panel: the API token, and a transfer's or a claim's token to act on it. */
export function mbillConnectionFields(c: Record<string, string> | undefined): ConnectionField[] {
  return [
    {
      name: 'apiToken',
      label: 'API token',
      value: c?.apiToken ?? '',
      secret: true,
      hint: 'HTTP Basic user name for creating and listing transfers.',
    },
    {
      name: 'transferToken',
      label: 'Transfer token',
      value: '',
      hint: "A transfer's `token` (`transfer-token-…`), to read or authenticate it.",
    },
    { name: 'claimToken', label: 'Claim token', value: '', hint: "A claim's `token` (`claim-token-…`)." },
  ];
}
