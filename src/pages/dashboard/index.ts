// The operator dashboard at /dashboard, behind a login with the admin token: overview with charts,
// payments and payouts with their timelines and actions, webhook deliveries with replay, merchants,
// and the sandbox controls (clock, faults, one-time codes). Server-rendered HTML under a strict CSP.
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../server/gateway.js';
import { registerClock } from './clock.js';
import { registerMerchants } from './merchants.js';
import { registerOverview } from './overview.js';
import { registerP2p } from './p2p.js';
import { registerPayments } from './payments.js';
import { Router } from './router.js';
import { registerDashboardSession } from './session.js';
import { registerWebhooks } from './webhooks.js';

export async function registerDashboard(app: FastifyInstance, gw: Gateway): Promise<void> {
  await app.register(
    async (d) => {
      registerDashboardSession(d, gw);
      const r = new Router(d, gw);
      registerOverview(r);
      registerPayments(r);
      registerWebhooks(r);
      registerMerchants(r);
      registerP2p(r);
      registerClock(r);
    },
    { prefix: '/dashboard' },
  );
}
