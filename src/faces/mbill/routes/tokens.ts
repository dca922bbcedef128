// POST /tokens: a one-time card token (public: the tokenizer iframe calls it from the payer's browser).
import type { FastifyInstance } from 'fastify';
import { command } from '../../kit/command.js';
import { Fields } from '../../kit/fields.js';
import type { FaceContext } from '../../face.js';
import { answerOf, idempotencyOf, jsonBody, mbillReporter, sendAnswer, valid } from '../http.js';
import { readCard } from '../card-fields.js';
import type { MbillService } from '../service.js';

export function registerTokenRoutes(app: FastifyInstance, ctx: FaceContext, svc: MbillService): void {
  app.post('/tokens', async (req, reply) => {
    const f = new Fields(jsonBody(req), mbillReporter());
    const card = valid(f, readCard(f));
    const answer = await command(ctx.engine, req, {
      merchantId: '', // a card token belongs to no merchant until a transfer uses it
      work: (tx) => svc.cardTokens.create(tx, card),
      render: (view) => answerOf(req, ctx.baseUrl(req), { status: 201, data: view }),
      idempotent: idempotencyOf(req, 'public:tokens'),
    });
    return sendAnswer(req, reply, answer);
  });
}
