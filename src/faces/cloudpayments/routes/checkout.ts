// The gateway's cryptogram key (`/payments/publickey`, no authentication: `{Pem, Version}`) and the checkout script
// that encrypts card data to it (`/checkout.js`).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkoutScript } from '../checkout-script.js';
import type { KeyRing } from '../cryptogram.js';
import { sendJson } from '../http.js';

export function registerCheckoutRoutes(app: FastifyInstance, keys: KeyRing): void {
  const publicKey = async (_req: unknown, reply: FastifyReply) => {
    const key = await keys.get();
    return sendJson(reply, { Pem: key.publicPem, Version: key.version });
  };
  app.get('/payments/publickey', publicKey);
  app.post('/payments/publickey', publicKey);

  app.get('/checkout.js', async (_req, reply) => {
    const key = await keys.get();
    return reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*')
      .send(checkoutScript(key));
  });
}
