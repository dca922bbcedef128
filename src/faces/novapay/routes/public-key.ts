// The gateway's public key (`GET /v1/public-key`), for checking X-Sign / x-sign-v2 on responses and postbacks. It
// is no merchant's request (no signature, nothing of a merchant's read), so it runs outside command()/query().
import type { FastifyInstance } from 'fastify';
import type { FaceContext } from '../../face.js';
import { gatewayKey } from '../keys.js';

export function registerPublicKeyRoute(app: FastifyInstance, ctx: FaceContext): void {
  app.get('/v1/public-key', async (_req, reply) => {
    const key = await gatewayKey(ctx.engine);
    return reply
      .code(200)
      .header('content-type', 'application/x-pem-file')
      .header('content-disposition', 'inline; filename="novapay-public.pem"')
      .send(key.publicPem);
  });
}
