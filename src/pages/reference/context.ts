// What the API reference needs from the gateway that serves it (built by src/server/gateway.ts).
import type { FastifyRequest } from 'fastify';
import type { Engine } from '../../core/engine.js';
import type { Face } from '../../faces/face.js';

export interface ReferenceContext {
  readonly engine: Engine;
  /** the faces served, in the order the index lists them */
  readonly faces: readonly Face[];
  /** the base URL of links for a request (the configured public URL, else the request's host) */
  baseUrl(req: FastifyRequest): string;
  /** a face's own port, when it is also served on one */
  facePortUrl(face: string): string | undefined;
  /** what each face's `describe` says of a merchant's credentials */
  describeMerchant(id: string): Promise<{ faces: Record<string, Record<string, string>> }>;
  /** whether the request comes from an operator signed in to the dashboard (the demo merchant's secrets are shown) */
  isOperator(req: FastifyRequest): Promise<boolean>;
}
