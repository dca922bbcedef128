// GET / PUT /webhook (beyond the blueprint, whose TODO names transfer status webhooks): where the merchant's
// signed transfer webhooks go.
import type { FastifyInstance } from 'fastify';
import type { Credential } from '../../../core/model.js';
import { command, query } from '../../kit/command.js';
import { Fields } from '../../kit/fields.js';
import type { FaceContext } from '../../face.js';
import { authMerchant } from '../auth.js';
import { answerOf, formatOf, jsonBody, mbillReporter, sendAnswer, valid } from '../http.js';
import { isHttpUrl } from '../../kit/urls.js';
import { WEBHOOK_URL_RE } from '../limits.js';
import type { MbillService } from '../service.js';

const webhookView = (c: Credential) => ({ type: 'webhook', url: typeof c.data.webhookUrl === 'string' ? c.data.webhookUrl : null });

/** PUT /webhook `{url}`: an absolute http(s) URL, or null to clear it. */
function readWebhookUrl(f: Fields): string | null | undefined {
  const url = f.raw('url');
  if (url === null) return null;
  if (url === undefined) return f.problem({ rule: 'required', path: ['url'], key: 'url', expected: 'string' });
  if (!isHttpUrl(url)) return f.problem({ rule: 'format', path: ['url'], key: 'url', format: formatOf(WEBHOOK_URL_RE), value: url });
  return url as string;
}

export function registerWebhookRoutes(app: FastifyInstance, ctx: FaceContext, svc: MbillService): void {
  const { engine } = ctx;

  app.get('/webhook', async (req, reply) => {
    const { merchant, credential } = await authMerchant(engine, req);
    const answer = await query(engine, req, {
      merchantId: merchant.id,
      read: async () => credential,
      render: (c) => answerOf(req, ctx.baseUrl(req), { status: 200, data: webhookView(c) }),
    });
    return sendAnswer(req, reply, answer);
  });

  app.put('/webhook', async (req, reply) => {
    const body = jsonBody(req);
    const { merchant, credential } = await authMerchant(engine, req);
    const f = new Fields(body, mbillReporter());
    const url = valid(f, readWebhookUrl(f));
    const answer = await command(engine, req, {
      merchantId: merchant.id,
      work: (tx) => svc.setWebhook(tx, credential, url),
      render: (c) => answerOf(req, ctx.baseUrl(req), { status: 200, data: webhookView(c) }),
    });
    return sendAnswer(req, reply, answer);
  });
}
