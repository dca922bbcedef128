// CloudPayments' authentication: HTTP Basic `PublicId:ApiSecret`, the secret compared in constant time, also for
// an unknown PublicId, and every refusal the same 401 with the documented message.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { basicText } from '../kit/basic-auth.js';
import { AUTH_FAILED, CpError } from './http.js';

export interface Authed {
  merchant: Merchant;
  credential: Credential;
}

/** HTTP Basic `PublicId:ApiSecret`; the secret is compared in constant time, also for an unknown PublicId. */
export async function authenticate(req: FastifyRequest, ctx: FaceContext): Promise<Authed> {
  const decoded = basicText(req.headers.authorization);
  if (decoded === undefined) throw new CpError(AUTH_FAILED, 401);
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new CpError(AUTH_FAILED, 401);
  const publicId = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const found =
    publicId.length <= 200 ? await ctx.engine.read((tx) => ctx.engine.merchants.authenticate(tx, 'cloudpayments', publicId)) : undefined;
  const ok = safeEqual(secret, found?.credential.secret ?? '\u0000no-such-public-id');
  if (!found || !ok) throw new CpError(AUTH_FAILED, 401);
  return found;
}
