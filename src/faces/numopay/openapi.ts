// The OpenAPI 3.0 document of the Numopay face (API v2): the first README's endpoints, the later README's
// transactions, checkout sessions, payment pages and rates, the payer pages, and the `order` webhook.
// Examples are answers the gateway gave (test/faces/numopay and test/server/reference.test.ts check them).
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
  type Schema,
} from '../kit/openapi.js';
import type { ConnectionField } from '../face.js';
import { STATE_DESCRIPTIONS } from './wire.js';

const ACCOUNT = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const SLUG = 'client_wof_1000001_75419315';

const data = (schema: Schema): Schema => s.obj({ data: schema }, ['data']);
const accountId = p.path('account_id', 'The account id (a UUID): `GET /v2/accounts` lists them.', ACCOUNT);

const errors = {
  400: json('Bad input: `{"error": "<message>"}`', s.ref('Error'), { error: 'amount must be a string of digits (minor units)' }),
  401: json('Missing, malformed, expired or wrongly signed `Authorization`', s.ref('Error'), { error: 'Invalid signature' }),
  404: json('No such account (or object) for this API key', s.ref('Error'), { error: 'Account not found' }),
};
const authed = (
  summary: string,
  description: string,
  tags: string[],
  operationId: string,
  extra: Partial<Operation> & Pick<Operation, 'responses'>,
): Operation => ({
  operationId,
  summary,
  description,
  tags,
  ...extra,
  responses: { ...extra.responses, 400: errors[400], 401: errors[401], ...(extra.parameters?.length ? { 404: errors[404] } : {}) },
});

const STATUS_EXAMPLE = {
  order_slug: SLUG,
  is_completed: true,
  status: 'success',
  type: 'charge_unregistered',
  amount: '10000',
  currency: 'RUB',
  card_number: '4000********3055',
  state_code: 0,
  state_description: 'Нет ошибки',
  checkout_session_id: null,
  original_amount: '10000',
  original_currency: 'RUB',
};
const ENDPOINT_EXAMPLE = {
  id: '92dd32b6-c9ea-423d-8734-2849bd0ba625',
  url: 'https://example.com/webhook/secret',
  event: 'order',
  created_at: '2026-11-23T16:21:05.836Z',
  updated_at: '2026-11-23T16:21:05.836Z',
};

const orderWebhook: PathItem = {
  post: {
    operationId: 'orderEvent',
    summary: 'Order event (webhook)',
    description:
      "POSTed to every webhook endpoint of the order's account on each status change of a charge or a refill. Unsigned, as the provider's are: the docs' example puts a secret in the endpoint URL. Headers: `Content-Type: application/json`, `User-Agent: Numopay-Webhook/2.0`, `X-Polypay-Event-Id` (stable across retries). Any 2xx answer is success; otherwise retried after 1, 5, 15 min, 1, 3, 6 and 12 h (10 attempts).",
    tags: ['Webhooks'],
    requestBody: jsonBody(s.ref('WebhookEvent'), { type: 'order', data: STATUS_EXAMPLE, event_at: '2026-11-23T16:21:05.512Z' }),
    responses: { '2XX': { description: 'Received' } },
  },
};

const page = (
  operationId: string,
  summary: string,
  description: string,
  params: ReturnType<typeof p.path>[],
  method: 'get' | 'post',
): Operation => ({
  operationId,
  summary,
  description,
  tags: ['Payer pages'],
  security: [],
  parameters: params,
  ...(method === 'post'
    ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: s.map(s.str(), 'form fields') } } } }
    : {}),
  responses: {
    200: { description: 'An HTML page', content: { 'text/html': { schema: s.str() } } },
    303: { description: 'Redirect to the next step' },
    404: { description: 'Unknown link or session (an HTML page)' },
  },
  'x-polypay-browser': true,
});

export function numopayOpenApi(baseUrl: string, prefix: string): OpenApiDocument {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Numopay API v2',
      version: '2019-12-22',
      description: [
        'Accounts, charge and refill tokens, payment status, webhook endpoints and server time, as in the provider\'s README (plus the later transactions, checkout sessions, payment pages and rates). Every answer is `{"data": …}`; every error `{"error": "<message>"}` with a 4xx status. Amounts are strings of minor units (kopecks).',
        '',
        '**Authentication.** Every `/v2/accounts…` request carries `Authorization: NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>` where `version` is `2019-12-22`, `timestamp` is Unix seconds (within 30 s of the server time: `GET /v2/time`), and `signature` is the hex HMAC-SHA256, keyed with the API secret, of `timestamp + METHOD + path + query + body`. `path` is the path after the base URL (`/v2/accounts`, not `/numopay/v2/accounts`), `query` is `""` or `?` + the parameters sorted by name with strict URI encoding, `body` is `""` for GET and the exact JSON sent otherwise (`{}` for a DELETE without parameters, as Client.js does).',
      ].join('\n'),
    },
    servers: [{ url: `${baseUrl}${prefix}`, description: 'This gateway' }],
    tags: [
      { name: 'Accounts', description: "A merchant's accounts, one per currency" },
      { name: 'Charges', description: 'Charging a card: a token, then the card data, then 3-D Secure through the `charge_link`' },
      { name: 'Refills', description: 'Paying out to a card from the account balance' },
      { name: 'Webhook endpoints', description: 'Where `order` events go' },
      { name: 'Checkout', description: 'Checkout sessions and their hosted payment page (later README)' },
      { name: 'Time', description: 'Server time, without authentication' },
      { name: 'Payer pages', description: "Pages the payer's browser opens" },
    ],
    security: [{ npAccessToken: [] }],
    paths: {
      '/v2/time': {
        get: {
          operationId: 'getTime',
          summary: 'Get current time',
          description:
            'The API server time. This endpoint does not require authentication; use it when you suspect a clock skew beyond the 30-second window.',
          tags: ['Time'],
          security: [],
          responses: { 200: json('Server time', data(s.ref('Time')), { data: { iso: '2026-11-23T16:21:05.489Z', epoch: 1795450865 } }) },
        },
      },
      '/v2/accounts': {
        get: authed('List accounts', 'Lists the accounts the API key has access to.', ['Accounts'], 'listAccounts', {
          responses: { 200: json('The accounts', data(s.arr(s.ref('Account'))), { data: [{ id: ACCOUNT, currency: 'RUB' }] }) },
        }),
      },
      '/v2/accounts/{account_id}': {
        get: authed('Show an account', 'Shows one account.', ['Accounts'], 'getAccount', {
          parameters: [accountId],
          responses: { 200: json('The account', data(s.ref('Account')), { data: { id: ACCOUNT, currency: 'RUB' } }) },
        }),
      },
      '/v2/accounts/{account_id}/balance': {
        get: authed(
          'Show account balance',
          'The balance of the account at this moment: a string of minor units.',
          ['Accounts'],
          'getBalance',
          {
            parameters: [accountId],
            responses: { 200: json('The balance', data(s.ref('Balance')), { data: { amount: '44444', currency: 'RUB' } }) },
          },
        ),
      },
      '/v2/accounts/{account_id}/charge/token': {
        post: authed(
          'Create charge token',
          "Starts a charge: a one-time token (15 minutes, one attempt) and the order slug to follow it by. `currency` (later README) may differ from the account's: the amount is converted at the sandbox rates and the status shows `original_amount` and `original_currency`.",
          ['Charges'],
          'createChargeToken',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj(
                {
                  amount: s.str({
                    description: 'Amount in minor units (kopecks), a string of digits; an integer is accepted too',
                    pattern: '^\\d{1,15}$',
                  }),
                  redirect_url: s.str({ description: 'Where the payer lands after 3-D Secure', format: 'uri' }),
                  currency: s.str({ description: 'ISO code; default: the account currency (later README)', pattern: '^[A-Za-z]{3}$' }),
                },
                ['amount'],
              ),
              { amount: '10000', redirect_url: 'https://example.com/return' },
            ),
            responses: {
              200: json('The token', data(s.ref('Token')), { data: { token: '40ee4ea5-e0fa-4991-876b-8d902ab06118', order_slug: SLUG } }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/charge': {
        post: authed(
          'Charge money',
          "Charges the card with the token. Open `charge_link` in the payer's browser: it hands over to 3-D Secure when the card needs it, then redirects to `redirect_url`. Cards without 3-D Secure are charged at once. Test cards: docs/test-cards.md.",
          ['Charges'],
          'charge',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj({ token: s.str('The charge token: lifetime 15 minutes, one attempt'), card_info: s.ref('CardInfo') }, [
                'token',
                'card_info',
              ]),
              {
                token: '40ee4ea5-e0fa-4991-876b-8d902ab06118',
                card_info: { number: '4000000000003055', month: '12', year: '2030', cvv: '123', holder: 'IVAN IVANOV' },
              },
            ),
            responses: {
              200: json("The payer's link", data(s.obj({ charge_link: s.str({ format: 'uri' }) }, 'all')), {
                data: { charge_link: `${baseUrl}${prefix}/v2/charge/50udXT4fHUupHGCECKJkwSsVJrQQPvRU` },
              }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/payment/{order_slug}': {
        get: authed(
          'Show payment status',
          'The status of a charge or a refill by its order slug. `state_code` 0 means no error; codes 10–26 name the decline (see the `PaymentStatus` schema).',
          ['Charges', 'Refills'],
          'getPaymentStatus',
          {
            parameters: [accountId, p.path('order_slug', 'The order slug the token answer gave', SLUG)],
            responses: { 200: json('The payment status', data(s.ref('PaymentStatus')), { data: STATUS_EXAMPLE }) },
          },
        ),
      },
      '/v2/accounts/{account_id}/refill/token': {
        post: authed(
          'Create refill token',
          'Starts a refill (a payout to a card from the account balance): a one-time token for 15 minutes. Refills are made in the account currency.',
          ['Refills'],
          'createRefillToken',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj(
                {
                  amount: s.str({ description: 'Amount in minor units (kopecks)', pattern: '^\\d{1,15}$' }),
                  redirect_url: s.str({ description: 'Accepted as in the first README (the later README drops it)', format: 'uri' }),
                  currency: s.str({ description: 'Must be the account currency', pattern: '^[A-Za-z]{3}$' }),
                },
                ['amount'],
              ),
              { amount: '5000' },
            ),
            responses: {
              200: json('The token', data(s.ref('Token')), {
                data: { token: '336be195-de4e-4753-b9a3-9700a87e6d73', order_slug: 'client_frg_1000003_0631172591' },
              }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/refill': {
        post: authed(
          'Refill',
          'Pays the refill out to the card. Fails with "Insufficient funds on the account balance" when the balance is short.',
          ['Refills'],
          'refill',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj({ token: s.str('The refill token: lifetime 15 minutes, one attempt'), card_number: s.str('Card number') }, [
                'token',
                'card_number',
              ]),
              {
                token: '336be195-de4e-4753-b9a3-9700a87e6d73',
                card_number: '5555555555554444',
              },
            ),
            responses: {
              200: json('Accepted', data(s.obj({ token: s.str() }, 'all')), { data: { token: '336be195-de4e-4753-b9a3-9700a87e6d73' } }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/transactions': {
        get: authed(
          'List transactions',
          'Charges and refills of the account, newest first, as payment status objects (later README).',
          ['Accounts'],
          'listTransactions',
          {
            parameters: [
              accountId,
              p.query('from', 'Created at or after (ISO 8601)', s.str({ format: 'date-time' }), '2026-01-01T00:00:00Z'),
              p.query('to', 'Created before (ISO 8601)', s.str({ format: 'date-time' })),
              p.query('limit', '0 to 100 (default 10)', s.int({ minimum: 0, maximum: 100 }), 10),
              p.query('offset', 'Items to skip (default 0)', s.int({ minimum: 0 })),
            ],
            responses: {
              200: json('The transactions', data(s.arr(s.ref('PaymentStatus'))), {
                data: [
                  {
                    ...STATUS_EXAMPLE,
                    order_slug: 'client_frg_1000003_0631172591',
                    type: 'refill_unregistered',
                    amount: '5000',
                    card_number: '5555********4444',
                    original_amount: '5000',
                  },
                  {
                    ...STATUS_EXAMPLE,
                    order_slug: 'client_wof_1000002_62fde68b',
                    is_completed: false,
                    status: 'pending',
                    amount: '100',
                    card_number: '4242********4242',
                    original_amount: '100',
                  },
                ],
              }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/webhook-endpoints': {
        post: authed(
          'Create webhook-endpoint',
          'Registers a URL for `order` events of this account.',
          ['Webhook endpoints'],
          'createWebhookEndpoint',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj({ url: s.str({ format: 'uri', description: 'http(s) URL' }), event: s.enum(['order'], 'Default: order') }, ['url']),
              { url: 'https://example.com/webhook/secret', event: 'order' },
            ),
            responses: { 200: json('The endpoint', data(s.ref('WebhookEndpoint')), { data: ENDPOINT_EXAMPLE }) },
            callbacks: { order: { '{$request.body#/url}': callbackOf(orderWebhook, 'createWebhookEndpoint') } },
          },
        ),
        get: authed('List webhook-endpoints', "The account's webhook endpoints.", ['Webhook endpoints'], 'listWebhookEndpoints', {
          parameters: [accountId],
          responses: { 200: json('The endpoints', data(s.arr(s.ref('WebhookEndpoint'))), { data: [ENDPOINT_EXAMPLE] }) },
        }),
      },
      '/v2/accounts/{account_id}/webhook-endpoints/{id}': {
        put: authed(
          'Update webhook-endpoint',
          'Changes the URL (or event) of an endpoint.',
          ['Webhook endpoints'],
          'updateWebhookEndpoint',
          {
            parameters: [accountId, p.path('id', 'The endpoint id', ENDPOINT_EXAMPLE.id)],
            requestBody: jsonBody(s.obj({ url: s.str({ format: 'uri' }), event: s.enum(['order']) }), {
              url: 'https://example.com/webhook2/secret2',
              event: 'order',
            }),
            responses: {
              200: json('The endpoint', data(s.ref('WebhookEndpoint')), {
                data: { ...ENDPOINT_EXAMPLE, url: 'https://example.com/webhook2/secret2', updated_at: '2026-11-23T16:21:05.855Z' },
              }),
            },
          },
        ),
        get: authed('Show webhook-endpoint', 'One endpoint.', ['Webhook endpoints'], 'getWebhookEndpoint', {
          parameters: [accountId, p.path('id', 'The endpoint id', ENDPOINT_EXAMPLE.id)],
          responses: { 200: json('The endpoint', data(s.ref('WebhookEndpoint')), { data: ENDPOINT_EXAMPLE }) },
        }),
        delete: authed(
          'Delete webhook-endpoint',
          'Removes an endpoint. Client.js sends and signs the body `{}`.',
          ['Webhook endpoints'],
          'deleteWebhookEndpoint',
          {
            parameters: [accountId, p.path('id', 'The endpoint id', ENDPOINT_EXAMPLE.id)],
            responses: { 200: json('Deleted', data(s.obj({ id: s.str() }, 'all')), { data: { id: ENDPOINT_EXAMPLE.id } }) },
          },
        ),
      },
      '/v2/accounts/{account_id}/checkout/sessions': {
        post: authed(
          'Create checkout session',
          'A checkout session for items (all in one currency, converted to the account currency at the sandbox rates). Open it with `POST /v2/payment-pages`. Lives 24 hours.',
          ['Checkout'],
          'createCheckoutSession',
          {
            parameters: [accountId],
            requestBody: jsonBody(
              s.obj(
                {
                  items: s.arr(s.ref('CheckoutItem'), { minItems: 1, maxItems: 100 }),
                  success_url: s.str({ format: 'uri' }),
                  cancel_url: s.str({ format: 'uri' }),
                },
                ['items', 'success_url', 'cancel_url'],
              ),
              {
                items: [{ name: 'T-shirt', description: 'Cotton, size M', amount: '150000', currency: 'RUB' }],
                success_url: 'https://example.com/success',
                cancel_url: 'https://example.com/cancel',
              },
            ),
            responses: {
              200: json('The session', data(s.ref('CheckoutSession')), {
                data: {
                  id: 'cs_live_DgKs7b4grFqhTGkd6Iew8OH1',
                  token: 'GJDRWzp6ahTroGZRTar8twyWnJIsVwN1',
                  items: [{ name: 'T-shirt', amount: '150000', currency: 'RUB', description: 'Cotton, size M' }],
                  success_url: 'https://example.com/success',
                  cancel_url: 'https://example.com/cancel',
                },
              }),
            },
          },
        ),
      },
      '/v2/accounts/{account_id}/rates/latest': {
        get: authed(
          'Latest rates',
          'Sandbox exchange rates: what `amount` units of `base` buy in each other currency, as decimal strings with four places.',
          ['Checkout'],
          'latestRates',
          {
            parameters: [
              accountId,
              p.query('base', 'Base currency (default EUR)', s.str(), 'EUR'),
              p.query('amount', 'Amount of the base currency (default 100)', s.str({ pattern: '^\\d{1,12}$' }), '100'),
            ],
            responses: {
              200: json('The rates', data(s.ref('Rates')), {
                data: {
                  base: 'EUR',
                  date: '2020-07-24',
                  rates: {
                    RUB: '10000.0000',
                    USD: '108.0000',
                    GBP: '85.0000',
                    UAH: '4450.0000',
                    KZT: '52000.0000',
                    BYN: '350.0000',
                    CNY: '780.0000',
                  },
                },
              }),
            },
          },
        ),
      },
      '/v2/payment-pages': {
        post: {
          operationId: 'createPaymentPage',
          summary: 'Create payment page',
          description:
            "The URL of the hosted payment page of a checkout session. No signature: the merchant's publishable key (`pk_live_…`) identifies it.",
          tags: ['Checkout'],
          security: [],
          requestBody: jsonBody(s.obj({ key: s.str('Publishable key'), session_id: s.str(), session_token: s.str() }, 'all'), {
            key: 'pk_live_demo',
            session_id: 'cs_live_DgKs7b4grFqhTGkd6Iew8OH1',
            session_token: 'GJDRWzp6ahTroGZRTar8twyWnJIsVwN1',
          }),
          responses: {
            200: json('The page', data(s.obj({ url: s.str({ format: 'uri' }) }, 'all')), {
              data: { url: `${baseUrl}${prefix}/pay/cs_live_DgKs7b4grFqhTGkd6Iew8OH1?token=GJDRWzp6ahTroGZRTar8twyWnJIsVwN1` },
            }),
            400: errors[400],
            404: json('Unknown session, token or key', s.ref('Error'), { error: 'Checkout session not found' }),
          },
        },
      },
      '/v2/charge/{link}': {
        get: page(
          'openChargeLink',
          'Charge link (payer page)',
          'The `charge_link`: sends the payer to 3-D Secure when needed, then redirects to `redirect_url` (or shows the result).',
          [p.path('link', 'From charge_link', '50udXT4fHUupHGCECKJkwSsVJrQQPvRU')],
          'get',
        ),
      },
      '/v2/charge/{link}/3ds': {
        post: page(
          'chargeLinkTermUrl',
          '3-D Secure return (payer page)',
          'TermUrl: the ACS posts `MD` and `PaRes` here.',
          [p.path('link', 'From charge_link', '50udXT4fHUupHGCECKJkwSsVJrQQPvRU')],
          'post',
        ),
      },
      '/pay/{sid}': {
        get: page(
          'openPaymentPage',
          'Payment page (payer page)',
          'The card form of a checkout session (`?token=` from payment-pages).',
          [p.path('sid', 'Checkout session id', 'cs_live_DgKs7b4grFqhTGkd6Iew8OH1')],
          'get',
        ),
        post: page(
          'submitPaymentPage',
          'Payment page: card data (payer page)',
          'The card form posts here.',
          [p.path('sid', 'Checkout session id', 'cs_live_DgKs7b4grFqhTGkd6Iew8OH1')],
          'post',
        ),
      },
      '/pay/{sid}/3ds': {
        post: page(
          'paymentPageTermUrl',
          'Payment page: 3-D Secure return (payer page)',
          'TermUrl of the payment page.',
          [p.path('sid', 'Checkout session id', 'cs_live_DgKs7b4grFqhTGkd6Iew8OH1')],
          'post',
        ),
      },
    },
    components: {
      securitySchemes: {
        npAccessToken: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            '`NP-ACCESS-TOKEN 2019-12-22.<timestamp>.<apiKey>.<signature>`: signature = hex HMAC-SHA256(secret, timestamp + METHOD + path + query + body), path after the base URL, timestamp in Unix seconds within 30 s.',
        },
      },
      schemas: {
        Error: s.obj({ error: s.str('What went wrong') }, 'all'),
        Time: s.obj({ iso: s.str({ format: 'date-time' }), epoch: s.int('Unix seconds') }, 'all'),
        Account: s.obj({ id: s.str({ format: 'uuid' }), currency: s.str('ISO currency code') }, 'all'),
        Balance: s.obj({ amount: s.str('Minor units (kopecks), a string'), currency: s.str() }, 'all'),
        Token: s.obj(
          {
            token: s.str('One-time token, 15 minutes'),
            order_slug: s.str('Follows the order: `client_wof_…` for charges, `client_frg_…` for refills'),
          },
          'all',
        ),
        CardInfo: s.obj(
          {
            number: s.str('Card number'),
            month: s.oneOf([s.str(), s.int()], 'Expiry month'),
            year: s.oneOf([s.str(), s.int()], 'Expiry year (two or four digits)'),
            cvv: s.oneOf([s.str(), s.int()], 'CVV2/CVC2, 3 or 4 digits'),
            holder: s.str('Card holder'),
          },
          ['number', 'month', 'year', 'cvv'],
        ),
        PaymentStatus: s.obj(
          {
            order_slug: s.str('Unique identifier of the operation'),
            is_completed: s.bool('Whether the operation is final'),
            status: s.enum(['new', 'pending', 'hold', 'error', 'expired', 'success', 'canceled'], 'Transaction status'),
            type: s.enum(['charge_unregistered', 'refill_unregistered'], 'Type of transaction'),
            amount: s.str('Amount in minor units (kopecks)'),
            currency: s.str('Transaction currency'),
            card_number: nullable(s.str('Masked card number: 4444********7777')),
            state_code: s.enum(
              Object.keys(STATE_DESCRIPTIONS).map(Number),
              'Error code: ' +
                Object.entries(STATE_DESCRIPTIONS)
                  .map(([k, v]) => `${k} ${v}`)
                  .join('; '),
            ),
            state_description: s.str('Error description (Russian)'),
            checkout_session_id: nullable(s.str('The checkout session the charge was made through; null otherwise')),
            original_amount: s.str('The amount before conversion to the account currency (the amount itself without a conversion)'),
            original_currency: s.str('The currency before conversion to the account currency (the currency itself without a conversion)'),
          },
          'all',
        ),
        WebhookEndpoint: s.obj(
          {
            id: s.str({ format: 'uuid' }),
            url: s.str({ format: 'uri' }),
            event: s.enum(['order']),
            created_at: s.str({ format: 'date-time' }),
            updated_at: s.str({ format: 'date-time' }),
          },
          'all',
        ),
        WebhookEvent: s.obj({ type: s.enum(['order']), data: s.ref('PaymentStatus'), event_at: s.str({ format: 'date-time' }) }, 'all'),
        CheckoutItem: s.obj(
          {
            name: s.str({ maxLength: 255 }),
            description: s.str({ maxLength: 1000 }),
            images: s.arr(s.str({ format: 'uri' }), { maxItems: 1 }),
            amount: s.str('Minor units'),
            currency: s.str(),
          },
          ['name', 'amount', 'currency'],
        ),
        CheckoutSession: s.obj(
          {
            id: s.str('`cs_live_…`'),
            token: s.str('For payment-pages'),
            items: s.arr(s.ref('CheckoutItem')),
            success_url: s.str(),
            cancel_url: s.str(),
          },
          'all',
        ),
        Rates: s.obj({ base: s.str(), date: s.str({ format: 'date' }), rates: s.map(s.str(), 'Currency → decimal string') }, 'all'),
      },
    },
    'x-webhooks': { order: orderWebhook },
  };
}

/** The reference page's credentials panel: the API key, and the secret that signs requests. */
export function numopayConnectionFields(c: Record<string, string> | undefined): ConnectionField[] {
  return [
    { name: 'apiKey', label: 'API key', value: c?.apiKey ?? '' },
    {
      name: 'secret',
      label: 'Secret',
      value: c?.secret ?? '',
      secret: true,
      hint: 'Signs `timestamp + METHOD + path + query + body` with HMAC-SHA256.',
    },
  ];
}
