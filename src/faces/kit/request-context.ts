// Per-request context shared by the server and the faces (it lives in the face kit; the server fills it in): a request id, the merchant once a face has
// authenticated it, and the objects the request touched (for timelines, logs and fault rules).
import type { FastifyRequest } from 'fastify';

export interface RequestContext {
  id: string;
  face: string;
  merchantId?: string;
  subjects: string[];
  started: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    polypay: RequestContext;
  }
}

/** An object a request touched, as the request log records it: ('payment', 123). */
export type Subject = [string, string | number];

/**
 * Records the merchant a request acts for and an object it touched. Faces reach it through the kit's `command` and
 * `query` (src/faces/kit/command.ts), which call it for every request they run.
 */
export function annotate(req: FastifyRequest, a: { merchantId?: string; subject?: Subject }): void {
  const ctx = req.polypay;
  if (!ctx) return;
  if (a.merchantId) ctx.merchantId = a.merchantId;
  if (a.subject) {
    const s = `${a.subject[0]}:${a.subject[1]}`;
    if (!ctx.subjects.includes(s)) ctx.subjects.push(s);
  }
}
