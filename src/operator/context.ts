// What the operator module (admin API, dashboard, fault injection, seeds) needs from the gateway that hosts it,
// and nothing more: the composition root (src/server/gateway.ts) builds it.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Engine } from '../core/engine.js';
import type { Credential, Merchant } from '../core/model.js';
import type { Face, FaceContext } from '../faces/face.js';
import type { Faults } from './faults.js';

/** A merchant with its credentials, and per face what a client needs to connect (`Face.describe`). */
export interface MerchantInfo {
  merchant: Merchant;
  credentials: Credential[];
  faces: Record<string, Record<string, string>>;
}

/** What creating merchants from a seed needs: the engine, the faces served and the context each face gets. */
export interface SeedContext {
  readonly engine: Engine;
  readonly faces: readonly Face[];
  readonly log: Logger;
  faceContext(face: Face): FaceContext;
}

export interface OperatorContext extends SeedContext {
  /** the admin API's bearer token; the dashboard's sign-in, and the key of its sessions */
  readonly adminToken: string;
  /** the fault rules the gateway applies to face requests and webhook deliveries */
  readonly faults: Faults;
  /** the gateway's own base URL (the admin API document's server) */
  url(): string;
  /** whether a request came over HTTPS, directly or through a trusted proxy (the session cookie is then Secure) */
  isHttps(req: FastifyRequest): boolean;
  merchants: {
    list(): Promise<MerchantInfo[]>;
    describe(id: string): Promise<MerchantInfo>;
    /** deletes one merchant's data and recreates it from the seed (or as the demo merchant) */
    reset(id: string): Promise<void>;
  };
  /** empties every table and applies the seed (or the demo merchant) again; the clock goes back to real time */
  resetAll(): Promise<void>;
  /** writes the request log's buffered rows, before reading timelines and statistics */
  flushApiLog(): Promise<void>;
}
