// The operator dashboard at /dashboard, behind a login with the admin token.
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../server/gateway.js';
import { registerDashboardSession } from './session.js';

export async function registerDashboard(app: FastifyInstance, gw: Gateway): Promise<void> {
  await app.register(
    async (d) => {
      registerDashboardSession(d, gw);
    },
    { prefix: '/dashboard' },
  );
}
