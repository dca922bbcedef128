// Per-request context shared by the server and the faces: a request id, the merchant once a face has
// authenticated it, and the objects the request touched (for timelines, logs and fault rules).
import type { FastifyRequest } from 'fastify';

export interface RequestContext {
  id: string;
  face: string;
  merchantId?: string;
  subjects: string[];
  started: number;
  requestExcerpt?: string | null;
  responseExcerpt?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    polypay: RequestContext;
  }
}

/** Faces call this after authenticating and when they touch an object ('payment', 123). */
export function annotate(req: FastifyRequest, a: { merchantId?: string; subject?: [string, string | number] }): void {
  const ctx = req.polypay;
  if (!ctx) return;
  if (a.merchantId) ctx.merchantId = a.merchantId;
  if (a.subject) {
    const s = `${a.subject[0]}:${a.subject[1]}`;
    if (!ctx.subjects.includes(s)) ctx.subjects.push(s);
  }
}
