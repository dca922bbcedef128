// `/test` (no authentication): `{"Success":true,"Message":"<guid>"}`, POST or GET.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { uuid } from '../../../core/ids.js';
import { sendJson } from '../http.js';

export function registerTestRoute(app: FastifyInstance): void {
  const test = async (_req: unknown, reply: FastifyReply) => sendJson(reply, { Success: true, Message: uuid() });
  app.post('/test', test);
  app.get('/test', test);
}
