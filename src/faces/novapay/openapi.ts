// The OpenAPI 3.0 document of the NovaPay face ("qecom" e-commerce API v1): sessions, payments with holds,
// void, expire, delivery (Nova Poshta), frames and checkout, the gateway's public key, the payer pages and
// the postback. Examples are answers the gateway gave (test/server/reference.test.ts checks them).
import {
  callbackOf,
  content,
  json,
  jsonBody,
  nullable,
  p,
  ref,
  s,
  type OpenApiDocument,
  type Operation,
  type PathItem,
  type Response,
  type Schema,
} from '../kit/openapi.js';
import type { ConnectionField } from '../face.js';
import { PROCESSING_ERRORS } from './wire.js';

const SESSION = '6ce78f80-7206-43a6-8012-d55b4fba2cd7';
const STATUSES = [
  'precreated',
  'created',
  'expired',
  'processing',
  'holded',
  'hold_confirmed',
  'processing_hold_completion',
  'paid',
  'failed',
  'processing_void',
  'voided',
];
const KYIV_SENDER_NOTE =
  "The delivery price is figured from the merchant's sender city (Kyiv unless the merchant's seed file says otherwise).";

const amount = (description: string, min = '0.01'): Schema =>
  s.oneOf(
    [s.num({ minimum: Number(min) }), s.str({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*$' })],
    `${description}: a number, or a numeric string (the PHP SDK sends strings); hryvnias, at most 2 decimals, ≥ ${min}`,
  );
const merchantId = s.oneOf([s.int(), s.str({ pattern: '^\\d{1,18}$' })], 'Your merchant_id, a number (seed) or a string (current SDK)');

const signed = { headers: { 'X-Sign': ref.header('XSign'), 'x-sign-v2': ref.header('XSignV2') } };
const ok = (description: string, schema: Schema, example: unknown): Response => json(description, schema, example, signed);

const ERROR_400 = json(
  'A validation error (`type: "validation"`) or a processing error (`type: "processing"`). Seed-era clients (SHA-1 signatures) get `dataPath` and `error` only; SHA-256 clients also get `uuid`, `code`, `path` and `description`.',
  s.anyOf([s.ref('ValidationErrorLegacy'), s.ref('ValidationError'), s.ref('ProcessingError')]),
  { type: 'processing', error: 'session not found', code: 'SessionNotFoundError' },
  signed,
);

const api = (
  operationId: string,
  summary: string,
  description: string,
  tags: string[],
  body: { schema: Schema; example: unknown },
  responses: Operation['responses'],
  extra: Partial<Operation> = {},
): PathItem => ({
  post: {
    operationId,
    summary,
    description,
    tags,
    requestBody: jsonBody(body.schema, body.example, 'Signed: `x-sign` covers these exact bytes.'),
    ...extra,
    responses: { ...responses, 400: ERROR_400 },
  },
});

const sessionFields: Record<string, Schema> = {
  merchant_id: merchantId,
  client_first_name: nullable(s.str({ maxLength: 255 })),
  client_last_name: nullable(s.str({ maxLength: 255 })),
  client_patronymic: nullable(s.str({ maxLength: 255 })),
  client_phone: s.str({ description: 'Phone in international format, `+380…`', maxLength: 255 }),
  client_email: nullable(s.str({ format: 'email' })),
  callback_url: nullable(s.str({ format: 'uri', description: 'Where postbacks go (server to server)' })),
  success_url: nullable(s.str({ format: 'uri', description: '"Return to the shop" after a success or hold' })),
  fail_url: nullable(s.str({ format: 'uri', description: '"Return to the shop" after a failure' })),
  metadata: nullable(s.map(s.any(), 'Any data, returned in postbacks')),
  success_redirect_timeout: nullable(
    s.int({ minimum: 0, description: 'Seconds before the status page returns to success_url (current SDK)' }),
  ),
};
const deliverySchema = (minWeight: string) =>
  s.obj(
    {
      volume_weight: amount('Volume, m³', '0.0004'),
      weight: amount('Weight, kg', minWeight),
      recipient_city: s.str('Nova Poshta city Ref (see /delivery-info)'),
      recipient_warehouse: s.str('Nova Poshta warehouse Ref (see /delivery-info)'),
    },
    ['volume_weight', 'weight', 'recipient_city', 'recipient_warehouse'],
  );
const product = s.obj({ description: s.str('Position title'), count: s.int({ minimum: 1 }), price: amount('Position total price') }, []);
const paymentFields: Record<string, Schema> = {
  external_id: s.str('Your order id (for registries)'),
  amount: amount('Amount'),
  products: nullable(s.arr(product)),
  use_hold: s.bool('Two-step payment: hold, then /complete-hold. Always true with delivery'),
  delivery: nullable(deliverySchema('0.1')),
  identifier: s.str('Current SDK'),
};
const bySession = (example = SESSION) => ({
  schema: s.obj({ merchant_id: merchantId, session_id: s.str({ format: 'uuid' }) }, ['session_id']),
  example: { merchant_id: 1, session_id: example },
});

const postback = {
  id: SESSION,
  status: 'paid',
  metadata: { order: '1234' },
  client_first_name: 'Іван',
  client_last_name: 'Іванов',
  client_patronymic: 'Іванович',
  client_phone: '+380982850654',
  external_id: 'order-1234',
  delivery: null,
  products: [{ description: 'Книга', count: 1, price: 100.5 }],
  delivery_amount: null,
  delivery_status_code: null,
  delivery_status_text: null,
  created_at: '2026-11-23T16:21:06.956+00:00',
  amount: 100.5,
  paytype: 'card',
  terminal_name: 'Demo Shop',
  RRN: '366117355019',
  APPROVAL: 'B4E7QV',
  client_email: 'ivan@example.com',
  client_ip: '127.0.0.1',
  processing_result: '',
  card_details: { pan: '400000xxxxxx3055', card_bank: 'Polypay Test Bank', card_country: 'UA', card_type: 'VISA' },
  payments: [{ external_id: 'order-1234', amount: 100.5, products: [{ description: 'Книга', count: 1, price: 100.5 }] }],
};
const postbackWebhook: PathItem = {
  post: {
    operationId: 'postback',
    summary: 'Session postback',
    description:
      "POSTed to `callback_url` on every session status change (and every move of a secure delivery's parcel), compact JSON signed with the gateway's key: `X-Sign` (RSA-SHA1) and `x-sign-v2` (RSA-SHA256) over the exact body; check them with `GET /v1/public-key`. Also `X-Polypay-Event-Id`. Retried at 1, 5, 15 min, 1 h, 3 h, then every 6 h, until a 2xx.",
    tags: ['Postbacks'],
    parameters: [
      p.header('X-Sign', 'base64 RSA-SHA1 over the body', s.str(), undefined, true),
      p.header('x-sign-v2', 'base64 RSA-SHA256 over the body', s.str(), undefined, true),
    ],
    requestBody: jsonBody(s.ref('Postback'), postback),
    responses: { '2XX': { description: 'Received' } },
  },
};
const postbackCallbacks = (prefix: string): Operation['callbacks'] => ({
  postback: { '{$request.body#/callback_url}': callbackOf(postbackWebhook, prefix) },
});

const page = (operationId: string, summary: string, description: string, method: 'get' | 'post'): Operation => ({
  operationId,
  summary,
  description,
  tags: ['Payer pages'],
  security: [],
  parameters: [{ name: 'sid', in: 'query', required: true, description: 'Session id', schema: s.str(), example: SESSION }],
  ...(method === 'post'
    ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: s.map(s.str(), 'form fields') } } } }
    : {}),
  responses: {
    200: { description: 'An HTML page', content: { 'text/html': { schema: s.str() } } },
    303: { description: 'Redirect to the status page' },
    404: { description: 'Unknown session' },
  },
  'x-polypay-browser': true,
});

export function novapayOpenApi(baseUrl: string, prefix: string): OpenApiDocument {
  const base = `${baseUrl}${prefix}`;
  const pages: Record<string, PathItem> = {};
  for (const [v, label] of [
    ['pay', 'Payment page'],
    ['frames/pay', 'Frames payment page (frameable)'],
    ['checkout/pay', 'Checkout payment page'],
  ] as const) {
    const id = v.replace(/\/(.)/g, (_m, c: string) => c.toUpperCase());
    pages[`/${v}`] = {
      get: page(`${id}Page`, `${label} (payer page)`, 'The card form of a session; then 3-D Secure and the status page.', 'get'),
      post: page(`${id}Submit`, `${label}: card data (payer page)`, 'The card form posts here.', 'post'),
    };
    pages[`/${v}/3ds`] = {
      post: page(`${id}TermUrl`, `${label}: 3-D Secure return (payer page)`, 'TermUrl: the ACS posts MD and PaRes here.', 'post'),
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'NovaPay e-commerce API v1 (qecom)',
      version: '1',
      description: [
        'Payment sessions (lifetime 30 days) with optional holds and secure delivery through Nova Poshta, voids, frames and checkout, and postbacks on every status change. Every method is a signed JSON POST; the base URL is `…/novapay/v1` as `https://api-qecom.novapay.ua/v1` would be.',
        '',
        "**Signing**: `x-sign` = base64 RSA PKCS#1 v1.5 signature of the exact request body bytes with your private key, SHA-1 (the original SDK README and the PHP SDKs) or SHA-256 (the current Node SDK); the gateway verifies with the public key registered for your `merchant_id`. Answers carry `X-Sign` (SHA-1) and `x-sign-v2` (SHA-256) made with the gateway's key (`GET /v1/public-key`).",
        '',
        '**Amounts** are hryvnias: a JSON number, or a numeric string as the PHP SDK sends them, with at most 2 decimals.',
        '',
        '**Errors** (HTTP 400): `{type: "validation", errors: [{dataPath, message}]}` or `{type: "processing", error, code}`; SHA-256 clients get today\'s shapes with `uuid`, `path`, `code`, `description`. Codes: ' +
          Object.values(PROCESSING_ERRORS)
            .map((e) => `${e.code} ("${e.error}")`)
            .join(', ') +
          '.',
      ].join('\n'),
    },
    servers: [{ url: base, description: 'This gateway' }],
    tags: [
      { name: 'Sessions', description: 'Creating, reading and expiring payment sessions' },
      { name: 'Payments', description: 'Adding a payment to a session; holds, completion and void' },
      { name: 'Delivery', description: 'Secure delivery through Nova Poshta' },
      { name: 'Frames and checkout', description: 'Precoded frames and the Checkout product' },
      { name: 'Service', description: "The gateway's public key" },
      { name: 'Payer pages', description: "Pages the payer's browser opens" },
      { name: 'Postbacks', description: 'What the gateway sends to callback_url' },
    ],
    security: [{ xSign: [] }],
    paths: {
      '/v1/session': api(
        'createSession',
        'Create session',
        'Creates a payment session (lifetime 30 days). `client_phone` is required.',
        ['Sessions'],
        {
          schema: s.obj(sessionFields, ['merchant_id', 'client_phone']),
          example: {
            merchant_id: 1,
            client_first_name: 'Іван',
            client_last_name: 'Іванов',
            client_patronymic: 'Іванович',
            client_phone: '+380982850654',
            client_email: 'ivan@example.com',
            callback_url: 'https://example.com/novapay/postback',
            success_url: 'https://example.com/success',
            fail_url: 'https://example.com/fail',
            metadata: { order: '1234' },
          },
        },
        {
          200: ok('The session', s.obj({ id: s.str({ format: 'uuid' }), metadata: nullable(s.map()) }, 'all'), {
            id: SESSION,
            metadata: { order: '1234' },
          }),
        },
        { callbacks: postbackCallbacks('createSession') },
      ),
      '/v1/expire': api(
        'expireSession',
        'Expire session',
        'Manually expires a created (unpaid) session.',
        ['Sessions'],
        bySession('d7396c1a-09fe-4a85-a4c1-676e1ed159da'),
        { 200: ok('Done: the literal `null`', s.ref('Null'), null) },
      ),
      '/v1/payment': api(
        'addPayment',
        'Add payment',
        `Adds a payment to a created session and returns the URL to send the payer to. \`use_hold\` makes it two-step; with \`delivery\` it is a secure payment (hold until delivery) and the delivery price is added. ${KYIV_SENDER_NOTE}`,
        ['Payments'],
        {
          schema: s.obj({ merchant_id: merchantId, session_id: s.str({ format: 'uuid' }), ...paymentFields }, ['session_id', 'amount']),
          example: {
            merchant_id: 1,
            session_id: SESSION,
            external_id: 'order-1234',
            amount: 100.5,
            products: [{ description: 'Книга', count: 1, price: 100.5 }],
            use_hold: true,
          },
        },
        {
          200: ok(
            'Where to send the payer',
            s.obj({ url: s.str({ format: 'uri' }), id: s.str('The transaction id'), session_id: s.str() }, 'all'),
            { url: `${base}/pay?sid=${SESSION}`, id: '1000015', session_id: SESSION },
          ),
        },
      ),
      '/v1/complete-hold': api(
        'completeHold',
        'Complete hold',
        "Completes a held payment, in full or partly with `amount` (or the current SDK's `operations[{id, amount}]`). The postback follows.",
        ['Payments'],
        {
          schema: s.obj(
            {
              merchant_id: merchantId,
              session_id: s.str({ format: 'uuid' }),
              amount: amount('Part to complete'),
              operations: s.arr(s.obj({ id: s.str(), recipient_identifier: s.str(), amount: amount('Part to complete') }, ['id'])),
            },
            ['session_id'],
          ),
          example: { merchant_id: 1, session_id: SESSION, amount: 50 },
        },
        { 200: ok('Done: the literal `null`', s.ref('Null'), null) },
      ),
      '/v1/void': api(
        'voidSession',
        'Void',
        'Voids a held or paid session (a paid one only until 23:59 Kyiv time of its payment day). The postback follows.',
        ['Payments'],
        bySession(),
        { 200: ok('Done: the literal `null`', s.ref('Null'), null) },
      ),
      '/v1/confirm-delivery-hold': api(
        'confirmDeliveryHold',
        'Confirm delivery hold',
        'The seller confirms a secure-delivery session: an express waybill is created; the hold is completed when the parcel is received.',
        ['Delivery'],
        bySession(),
        {
          200: ok(
            'The waybill',
            s.obj({ id: s.str(), metadata: nullable(s.map()), express_waybill: nullable(s.str()), ref_id: nullable(s.str()) }, 'all'),
            { id: SESSION, metadata: { order: '1234' }, express_waybill: '20450000000017', ref_id: '3c0f0e33-1b37-4bb8-8a86-9df0e2a1c5f1' },
          ),
        },
      ),
      '/v1/get-status': api(
        'getStatus',
        'Get status',
        "The session's current status and its payment, in the shape recorded from NovaPay's test host.",
        ['Sessions'],
        bySession(),
        {
          200: ok('The status', s.ref('Status'), {
            id: SESSION,
            metadata: { order: '1234' },
            status: 'created',
            created_at: '2026-11-23T16:21:06.956+00:00',
            client_phone: '+380982850654',
            client_first_name: 'Іван',
            client_last_name: 'Іванов',
            client_patronymic: 'Іванович',
            pan: null,
            rrn: null,
            paytype: '',
            approval_code: null,
            card_type: null,
            transaction_status: null,
            amount: '100.50',
            processing_result: null,
            operations: [
              { transaction_id: '1000015', external_id: 'order-1234', amount: '100.50', refunded_amount: null, status: 'created' },
            ],
          }),
        },
      ),
      '/v1/delivery-info': api(
        'deliveryInfo',
        'Delivery info (Nova Poshta)',
        "Nova Poshta reference data: `Address/getCities` (`FindByString`, `Ref`), `AddressGeneral/getWarehouses` (`CityRef`), `getWarehouseTypes`, `Common/getCargoTypes`, `Common/getPackList`, `InternetDocument/getDocumentPrice` (add `MarketPlaceSecurePayment: 1` for the secure-payment charge). Answered in Nova Poshta's envelope.",
        ['Delivery'],
        {
          schema: s.obj(
            {
              merchant_id: merchantId,
              modelName: s.str('Nova Poshta model'),
              calledMethod: s.str('Nova Poshta method'),
              methodProperties: nullable(s.map()),
            },
            ['modelName', 'calledMethod'],
          ),
          example: {
            merchant_id: 1,
            modelName: 'Address',
            calledMethod: 'getCities',
            methodProperties: { Ref: 'ebc0eda9-93ec-11e3-b441-0050568002cf' },
          },
        },
        {
          200: ok("Nova Poshta's answer", s.ref('NovaPoshtaAnswer'), {
            success: true,
            data: [
              {
                Description: 'Агрономічне',
                DescriptionRu: 'Агрономичное',
                Ref: 'ebc0eda9-93ec-11e3-b441-0050568002cf',
                Delivery1: '1',
                Delivery2: '1',
                Delivery3: '1',
                Delivery4: '1',
                Delivery5: '1',
                Delivery6: '1',
                Delivery7: '0',
                Area: '71508129-9b87-11de-822f-000c2965ae0e',
                SettlementType: '563ced13-f210-11e3-8c4a-0050568002cf',
                IsBranch: '0',
                PreventEntryNewStreetsUser: null,
                Conglomerates: null,
                CityID: '890',
                SettlementTypeDescriptionRu: 'село',
                SettlementTypeDescription: 'село',
                SpecialCashCheck: 1,
              },
            ],
            errors: [],
            warnings: [],
            info: { totalCount: 1 },
            messageCodes: [],
            errorCodes: [],
            warningCodes: [],
            infoCodes: [],
          }),
        },
      ),
      '/v1/delivery-price': api(
        'deliveryPrice',
        'Delivery price',
        `The price of delivering a package with the secure-payment charge. ${KYIV_SENDER_NOTE}`,
        ['Delivery'],
        {
          schema: s.obj(
            {
              merchant_id: merchantId,
              amount: amount('Declared value'),
              volume_weight: amount('Volume, m³', '0.0004'),
              weight: amount('Weight, kg', '0.1'),
              recipient_city: s.str(),
              recipient_warehouse: s.str(),
            },
            ['amount', 'volume_weight', 'weight', 'recipient_city', 'recipient_warehouse'],
          ),
          example: {
            merchant_id: 1,
            amount: 500,
            volume_weight: 0.001,
            weight: 1,
            recipient_city: 'db5c88f5-391c-11dd-90d9-001a92567626',
            recipient_warehouse: '1ec09d2e-e1c2-11e3-8c4a-0050568002cf',
          },
        },
        { 200: ok('The price, hryvnias', s.obj({ delivery_price: s.num() }, 'all'), { delivery_price: 102.5 }) },
      ),
      '/v1/print-express-waybill': api(
        'printExpressWaybill',
        'Print express waybill',
        "The PDF of a confirmed delivery's waybill (`Content-Disposition: attachment; filename=<waybill>.pdf`).",
        ['Delivery'],
        bySession(),
        {
          200: {
            ...content('The PDF (signed like every answer)', 'application/pdf', s.str({ format: 'binary' })),
            headers: { ...signed.headers, 'Content-Disposition': { description: '`attachment; filename=<waybill>.pdf`', schema: s.str() } },
          },
        },
      ),
      '/v1/frames/init': api(
        'framesInit',
        'Init frame payment',
        'Creates a session and its payment in one call; `url` is a frameable payment page.',
        ['Frames and checkout'],
        {
          schema: s.obj(
            {
              ...sessionFields,
              client_phone: s.str('Optional here'),
              ...paymentFields,
              delivery: nullable(
                s.obj(
                  {
                    volume_weight: amount('Volume, m³', '0.0004'),
                    weight: amount('Weight, kg', '0.01'),
                    recipient_city: s.str(),
                    recipient_warehouse: s.str(),
                  },
                  ['volume_weight', 'weight'],
                ),
              ),
            },
            ['merchant_id', 'amount'],
          ),
          example: {
            merchant_id: 1,
            client_phone: '+380982850654',
            callback_url: 'https://example.com/novapay/postback',
            amount: 100,
            external_id: 'order-1235',
          },
        },
        {
          200: ok('The session and its page', s.obj({ session_id: s.str(), url: s.str({ format: 'uri' }) }, 'all'), {
            session_id: 'db4c9580-cf83-4d0d-8582-967ea99ab002',
            url: `${base}/frames/pay?sid=db4c9580-cf83-4d0d-8582-967ea99ab002`,
          }),
        },
        { callbacks: postbackCallbacks('framesInit') },
      ),
      '/v1/checkout/session': api(
        'createCheckoutSession',
        'Create checkout session',
        'A session of the Checkout product: it starts `precreated`; `delivery` may be given here for the payment.',
        ['Frames and checkout'],
        {
          schema: s.obj(
            { ...sessionFields, client_phone: s.str('Optional here'), create_express_waybill: s.bool(), delivery: nullable(s.map()) },
            ['merchant_id'],
          ),
          example: { merchant_id: 1, client_phone: '+380982850654', callback_url: 'https://example.com/novapay/postback' },
        },
        {
          200: ok('The session', s.obj({ id: s.str(), session_id: s.str(), metadata: nullable(s.map()) }, 'all'), {
            id: '31396471-3bcc-4ba3-9223-eeeec6b5e5d0',
            session_id: '31396471-3bcc-4ba3-9223-eeeec6b5e5d0',
            metadata: null,
          }),
        },
        { callbacks: postbackCallbacks('createCheckoutSession') },
      ),
      '/v1/checkout/payment': api(
        'addCheckoutPayment',
        'Add checkout payment',
        'The payment of a checkout session; the answer has no `id`.',
        ['Frames and checkout'],
        {
          schema: s.obj({ merchant_id: merchantId, session_id: s.str(), ...paymentFields }, ['session_id', 'amount']),
          example: { merchant_id: 1, session_id: '31396471-3bcc-4ba3-9223-eeeec6b5e5d0', amount: 250, external_id: 'order-1236' },
        },
        {
          200: ok('Where to send the payer', s.obj({ url: s.str({ format: 'uri' }), session_id: s.str() }, 'all'), {
            url: `${base}/checkout/pay?sid=31396471-3bcc-4ba3-9223-eeeec6b5e5d0`,
            session_id: '31396471-3bcc-4ba3-9223-eeeec6b5e5d0',
          }),
        },
      ),
      '/v1/public-key': {
        get: {
          operationId: 'publicKey',
          summary: 'Gateway public key',
          description: 'The PEM public key that verifies `X-Sign` and `x-sign-v2` on answers and postbacks. No signature needed.',
          tags: ['Service'],
          security: [],
          responses: {
            200: content(
              'PEM',
              'application/x-pem-file',
              s.str(),
              '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhUZmXgr+xZqw3NtePAiO\n…\n-----END PUBLIC KEY-----\n',
            ),
          },
        },
      },
      ...pages,
    },
    components: {
      securitySchemes: {
        xSign: {
          type: 'apiKey',
          in: 'header',
          name: 'x-sign',
          description:
            "base64 RSA PKCS#1 v1.5 signature (SHA-1 or SHA-256) of the exact request body bytes, with the merchant's private key.",
        },
      },
      headers: {
        XSign: { description: 'base64 RSA-SHA1 of the answer body with the gateway key', schema: s.str() },
        XSignV2: { description: 'base64 RSA-SHA256 of the answer body with the gateway key', schema: s.str() },
      },
      schemas: {
        Null: { type: 'object', nullable: true, description: 'The literal JSON `null`', additionalProperties: false },
        ValidationErrorLegacy: s.obj(
          { type: s.enum(['validation']), errors: s.arr(s.obj({ dataPath: s.str(), message: s.str() }, 'all')) },
          'all',
          'Seed era (ajv)',
        ),
        ValidationError: s.obj(
          { uuid: s.str(), type: s.enum(['validation']), errors: s.arr(s.obj({ message: s.str(), code: s.str(), path: s.str() }, 'all')) },
          'all',
          'Current (SHA-256 clients)',
        ),
        ProcessingError: s.obj(
          {
            uuid: s.str('SHA-256 clients'),
            type: s.enum(['processing']),
            error: s.str(),
            description: s.str('SHA-256 clients'),
            code: s.enum(Object.values(PROCESSING_ERRORS).map((e) => e.code)),
          },
          ['type', 'error', 'code'],
        ),
        Status: s.obj(
          {
            id: s.str(),
            metadata: nullable(s.map()),
            status: s.enum(STATUSES),
            created_at: s.str({ format: 'date-time' }),
            client_phone: nullable(s.str()),
            client_first_name: nullable(s.str()),
            client_last_name: nullable(s.str()),
            client_patronymic: nullable(s.str()),
            pan: nullable(s.str('`424242xxxxxx4242`')),
            rrn: nullable(s.str()),
            paytype: s.str('`card`, or empty before a payment'),
            approval_code: nullable(s.str()),
            card_type: nullable(s.str('VISA, MASTERCARD, …')),
            transaction_status: nullable(s.str('APPROVED, DECLINED, REFUNDED')),
            amount: nullable(s.str('`"1.00"`')),
            processing_result: nullable(s.str('Empty once approved; the decline text otherwise')),
            operations: s.arr(
              s.obj(
                {
                  transaction_id: s.str(),
                  external_id: nullable(s.str()),
                  amount: s.str(),
                  refunded_amount: nullable(s.str()),
                  status: s.enum(STATUSES),
                },
                'all',
              ),
            ),
            delivery_amount: nullable(s.str('Delivery sessions')),
            express_waybill: nullable(s.str('Delivery sessions')),
            delivery_status_code: nullable(s.str('Delivery sessions')),
            delivery_status_text: nullable(s.str('Delivery sessions')),
          },
          [
            'id',
            'metadata',
            'status',
            'created_at',
            'client_phone',
            'client_first_name',
            'client_last_name',
            'client_patronymic',
            'pan',
            'rrn',
            'paytype',
            'approval_code',
            'card_type',
            'transaction_status',
            'amount',
            'processing_result',
            'operations',
          ],
        ),
        NovaPoshtaAnswer: s.obj(
          {
            success: s.bool(),
            data: s.arr(s.map()),
            errors: s.arr(s.any()),
            warnings: s.arr(s.any()),
            info: s.map(),
            messageCodes: s.arr(s.any()),
            errorCodes: s.arr(s.any()),
            warningCodes: s.arr(s.any()),
            infoCodes: s.arr(s.any()),
          },
          ['success', 'data', 'errors', 'warnings'],
        ),
        Postback: s.obj(
          {
            id: s.str(),
            status: s.enum(STATUSES),
            metadata: nullable(s.map()),
            client_first_name: nullable(s.str()),
            client_last_name: nullable(s.str()),
            client_patronymic: nullable(s.str()),
            client_phone: nullable(s.str()),
            external_id: nullable(s.str()),
            delivery: nullable(
              s.map(
                s.any(),
                '{recipient_city, recipient_warehouse} (checkout adds descriptions, express_waybills, ew_fail_reason, recipient names)',
              ),
            ),
            products: s.arr(s.any()),
            delivery_amount: nullable(s.num()),
            delivery_status_code: nullable(s.str()),
            delivery_status_text: nullable(s.str()),
            created_at: s.str(),
            amount: nullable(s.num()),
            paytype: s.str(),
            terminal_name: s.str(),
            RRN: nullable(s.str()),
            APPROVAL: nullable(s.str()),
            client_email: nullable(s.str()),
            client_ip: nullable(s.str()),
            processing_result: nullable(s.str()),
            card_details: nullable(s.obj({ pan: nullable(s.str()), card_bank: s.str(), card_country: s.str(), card_type: s.str() })),
            payments: s.arr(s.obj({ external_id: nullable(s.str()), amount: nullable(s.num()), products: s.arr(s.any()) })),
          },
          'all',
        ),
      },
    },
    'x-webhooks': { postback: postbackWebhook },
  };
}

/** The reference page's credentials panel: merchant_id, the x-sign algorithm and the merchant's private key (pasted). */
export function novapayConnectionFields(c: Record<string, string> | undefined): ConnectionField[] {
  return [
    {
      name: 'merchantId',
      label: 'merchant_id',
      value: c?.merchantId ?? '',
      hint: 'Changing it updates `merchant_id` in the request bodies below.',
    },
    {
      name: 'algorithm',
      label: 'x-sign algorithm',
      value: 'SHA-1',
      kind: 'select',
      options: ['SHA-1', 'SHA-256'],
      hint: "SHA-1 as the original SDK README and the PHP SDKs sign; SHA-256 as the current Node SDK (errors then come in today's shape).",
    },
    {
      name: 'privateKey',
      label: 'Merchant private key (PEM)',
      value: '',
      kind: 'textarea',
      hint: "Paste the PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) key whose public half the merchant registered. `polypay start` writes the demo merchant's key to `<data folder>/credentials/demo-novapay-privateKey.pem`. The key is used by this page only and never sent anywhere.",
    },
  ];
}
