// GET /v2/time: the server's time, without authentication (clients use it to correct their clock's skew).
import type { FastifyInstance } from 'fastify';
import { data, send } from '../http.js';

export function registerTimeRoutes(app: FastifyInstance): void {
  app.get('/v2/time', async (_req, reply) => {
    const now = Date.now();
    return send(reply, data({ iso: new Date(now).toISOString(), epoch: Math.floor(now / 1000) }));
  });
}
