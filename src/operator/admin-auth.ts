// The admin token check shared by the admin API and the faces' sandbox operator routes:
// `Authorization: Bearer <admin token>` (or `X-Admin-Token`), compared in constant time.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../core/crypto.js';

/** The admin token a request presents, or '' without one. */
export function presentedAdminToken(req: FastifyRequest): string {
  const h = req.headers.authorization ?? '';
  return h.startsWith('Bearer ') ? h.slice(7).trim() : String(req.headers['x-admin-token'] ?? '');
}

export function isAdminRequest(req: FastifyRequest, token: string): boolean {
  const given = presentedAdminToken(req);
  return given !== '' && token !== '' && safeEqual(given, token);
}
