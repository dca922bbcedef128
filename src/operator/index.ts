// The operator module: the admin API (/admin/api, /admin/openapi.json) and the dashboard (/dashboard), over a
// narrow context (context.ts) that the composition root builds; fault injection (faults.ts) and seeds
// (seed.ts) are used by both and by the gateway's start.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerAdminApi } from './admin/admin-api.js';
import type { OperatorContext } from './context.js';
import { registerDashboard } from './dashboard/index.js';
import { sessionOf } from './dashboard/session.js';

export type { MerchantInfo, OperatorContext, SeedContext } from './context.js';

export async function registerOperator(app: FastifyInstance, op: OperatorContext): Promise<void> {
  await registerAdminApi(app, op);
  await registerDashboard(app, op);
}

/** Whether a request carries the session of an operator signed in to the dashboard. */
export async function isSignedInOperator(req: FastifyRequest, op: OperatorContext): Promise<boolean> {
  return (await sessionOf(req, op)) !== undefined;
}
