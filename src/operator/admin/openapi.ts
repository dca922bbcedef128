// The OpenAPI document of the admin API.
export function adminOpenApi(serverUrl: string) {
  const ok = (description: string) => ({ 200: { description, content: { 'application/json': { schema: { type: 'object' } } } } });
  const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  const q = (name: string, description: string) => ({ name, in: 'query', required: false, schema: { type: 'string' }, description });
  const body = (properties: Record<string, unknown>) => ({
    required: true,
    content: { 'application/json': { schema: { type: 'object', properties } } },
  });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Polypay admin API',
      version: '1.0.0',
      description:
        'Operator API: merchants, objects, timelines, ledger, webhooks, sandbox clock, fault injection, reset, seed export and import. A filter that does not parse (a date, a face, a status, a repeated parameter) is a 400 `{error}`. Authenticate with `Authorization: Bearer <admin token>` (printed at start, or POLYPAY_ADMIN_TOKEN).',
    },
    servers: [{ url: serverUrl + '/admin/api' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/merchants': {
        get: { summary: 'List merchants with their credentials per face', responses: ok('merchants') },
        post: {
          summary: 'Create a merchant (a seed-file merchant entry; missing credentials are generated)',
          requestBody: body({ id: { type: 'string' }, name: { type: 'string' }, currencies: { type: 'array', items: { type: 'string' } } }),
          responses: ok('the merchant'),
        },
      },
      '/merchants/{id}': {
        get: { summary: 'A merchant, its credentials and ledger balances', parameters: [idParam('id')], responses: ok('merchant') },
      },
      '/merchants/{id}/credentials/{credId}/rotate': {
        post: {
          summary: 'Rotate a credential secret',
          parameters: [idParam('id'), idParam('credId')],
          responses: ok('the credential with its new secret'),
        },
      },
      '/payments': {
        get: {
          summary: 'Payments with filters and paging',
          parameters: [
            q('merchant', 'merchant id'),
            q('face', 'face name'),
            q('status', 'comma-separated core statuses'),
            q('from', 'ISO 8601 date or date-time, or epoch ms; inclusive'),
            q('to', 'ISO 8601 date or date-time, or epoch ms; exclusive'),
            q('q', 'any id a face uses'),
            q('limit', '≤ 500'),
            q('offset', ''),
          ],
          responses: ok('{items, total}'),
        },
      },
      '/payments/{id}': {
        get: { summary: 'One payment with refunds and face references', parameters: [idParam('id')], responses: ok('payment') },
      },
      '/payouts': {
        get: {
          summary: 'Payouts',
          parameters: [q('merchant', ''), q('face', 'face name'), q('limit', ''), q('offset', '')],
          responses: ok('{items}'),
        },
      },
      '/payouts/{id}': { get: { summary: 'One payout', parameters: [idParam('id')], responses: ok('payout') } },
      '/search': {
        get: {
          summary: 'Find objects by any id a face uses',
          parameters: [q('q', 'id, order slug, session id, invoice id, ...')],
          responses: ok('matches'),
        },
      },
      '/objects/{type}/{id}/timeline': {
        get: {
          summary: "An object's full timeline: API requests, state changes, ledger transfers, webhook attempts",
          parameters: [idParam('type'), idParam('id')],
          responses: ok('timeline'),
        },
      },
      '/ledger/balances': { get: { summary: 'Ledger balances per account', parameters: [q('merchant', '')], responses: ok('balances') } },
      '/ledger/verify': { get: { summary: 'Check the ledger invariants', responses: ok('result') } },
      '/webhooks/deliveries': {
        get: {
          summary: 'Webhook deliveries',
          parameters: [
            q('merchant', ''),
            q('status', 'pending, delivered, failed'),
            q('subjectType', ''),
            q('subjectId', ''),
            q('limit', ''),
            q('offset', ''),
          ],
          responses: ok('{items}'),
        },
      },
      '/webhooks/deliveries/{id}': {
        get: { summary: 'A delivery with every attempt (request and response)', parameters: [idParam('id')], responses: ok('delivery') },
      },
      '/webhooks/deliveries/{id}/replay': {
        post: { summary: 'Send a delivery again now', parameters: [idParam('id')], responses: ok('the attempt') },
      },
      '/trigger': {
        post: {
          summary: 'Trigger event X for object Y',
          requestBody: body({
            type: { type: 'string', enum: ['payment', 'payout'] },
            id: { type: 'integer' },
            action: { type: 'string', enum: ['capture', 'void', 'refund', 'expire', 'decline', 'resend'] },
            amount: { type: 'string', description: 'minor units' },
            reason: { type: 'string' },
          }),
          responses: ok('the object'),
        },
      },
      '/otp': {
        get: { summary: 'One-time codes sent to cardholders', parameters: [q('merchant', ''), q('limit', '')], responses: ok('codes') },
      },
      '/clock': { get: { summary: 'The sandbox clock', responses: ok('clock') } },
      '/clock/advance': {
        post: {
          summary: 'Advance the sandbox clock',
          requestBody: body({
            ms: { type: 'number' },
            seconds: { type: 'number' },
            minutes: { type: 'number' },
            hours: { type: 'number' },
            days: { type: 'number' },
          }),
          responses: ok('clock'),
        },
      },
      '/clock/freeze': { post: { summary: 'Freeze the sandbox clock', responses: ok('clock') } },
      '/clock/unfreeze': { post: { summary: 'Unfreeze the sandbox clock', responses: ok('clock') } },
      '/faults': {
        get: { summary: 'Fault rules', responses: ok('rules') },
        post: {
          summary: 'Add a fault rule',
          requestBody: body({
            face: { type: 'string' },
            route: { type: 'string' },
            merchantId: { type: 'string' },
            probability: { type: 'number' },
            latency: {
              type: 'object',
              properties: {
                distribution: { type: 'string', enum: ['fixed', 'uniform', 'normal', 'exponential'] },
                ms: { type: 'number' },
                maxMs: { type: 'number' },
                stddevMs: { type: 'number' },
              },
            },
            status: { type: 'integer' },
            body: { type: 'string' },
            drop: { type: 'boolean' },
            webhookFail: { type: 'boolean' },
            remaining: { type: 'integer' },
          }),
          responses: ok('the rule'),
        },
        delete: { summary: 'Remove every fault rule', responses: ok('deleted') },
      },
      '/faults/{id}': { delete: { summary: 'Remove a fault rule', parameters: [idParam('id')], responses: ok('deleted') } },
      '/reset': {
        post: { summary: 'Reset all data, or one merchant', requestBody: body({ merchant: { type: 'string' } }), responses: ok('reset') },
      },
      '/export': { get: { summary: 'Export merchants and credentials as a seed', responses: ok('seed') } },
      '/import': {
        post: {
          summary: 'Import a seed',
          requestBody: body({ merchants: { type: 'array', items: { type: 'object' } } }),
          responses: ok('imported'),
        },
      },
      '/vault/rotate': {
        post: {
          summary: 'Re-encrypt every stored card under the current master key (the last of POLYPAY_MASTER_KEYS)',
          responses: ok('{reencrypted, keyId}'),
        },
      },
      '/stats': {
        get: {
          summary: 'Volume, approval rate and latency over time',
          parameters: [
            q('hours', 'a positive number up to 2160 (default 24)'),
            q('buckets', 'an integer 1-500 (default 24)'),
            q('merchant', ''),
          ],
          responses: ok('buckets'),
        },
      },
    },
  };
}
