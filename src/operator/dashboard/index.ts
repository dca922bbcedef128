// The operator dashboard at /dashboard, behind a login with the admin token: overview with charts,
// payments and payouts with their timelines and actions, webhook deliveries with replay, merchants,
// the faces' own pages (Face.dashboard) and the sandbox controls (clock, faults, one-time codes).
// Server-rendered HTML under a strict CSP.
import type { FastifyInstance } from 'fastify';
import type { OperatorContext } from '../context.js';
import { registerClock } from './clock.js';
import { facePages } from './face-pages.js';
import { registerMerchants } from './merchants.js';
import { registerOverview } from './overview.js';
import { registerPayments } from './payments.js';
import { Router } from './router.js';
import { registerDashboardSession } from './session.js';
import { registerWebhooks } from './webhooks.js';

export async function registerDashboard(app: FastifyInstance, op: OperatorContext): Promise<void> {
  await app.register(
    async (d) => {
      registerDashboardSession(d, op);
      const r = new Router(d, op);
      registerOverview(r);
      registerPayments(r);
      registerWebhooks(r);
      registerMerchants(r);
      for (const face of op.faces) face.dashboard?.(facePages(r), op.faceContext(face));
      registerClock(r);
    },
    { prefix: '/dashboard' },
  );
}
