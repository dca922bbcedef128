// The face contract: a thin adapter that speaks one provider's API over the core engine.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../core/engine.js';
import type { CredentialSpec } from '../core/merchants.js';
import type { WebhookRenderer } from '../core/dispatcher.js';
import type { JobHandler } from '../core/scheduler.js';
import type { Credential, FaceName, JsonObject, Merchant } from '../core/model.js';
import type { Tx } from '../core/ports.js';
import type { MigrationFactory } from '../store/migrations.js';
import type { Logger } from 'pino';

export interface FaceContext {
  engine: Engine;
  log: Logger;
  /** the gateway's public base URL for a request (scheme, host, port; no trailing slash) */
  baseUrl(req?: FastifyRequest): string;
  /** the path prefix the face is mounted under ('' on a port of its own) */
  prefix: string;
  /** the environment the gateway was configured from (face settings such as NOVAPOSHTA_API_KEY) */
  env: Readonly<Record<string, string | undefined>>;
}

export interface Face {
  readonly name: FaceName;
  /** default mount prefix on the shared port */
  readonly prefix: string;
  readonly title: string;
  migrations?: Record<string, MigrationFactory>;
  /** registers the face's routes on an encapsulated Fastify instance (already under its prefix) */
  routes(app: FastifyInstance, ctx: FaceContext): Promise<void> | void;
  /** renders this provider's webhooks for the face's events */
  webhooks?(ctx: FaceContext): WebhookRenderer;
  /** scheduler job handlers this face owns, by job kind */
  jobs?(ctx: FaceContext): Record<string, JobHandler>;
  /** credentials for a new merchant: from its seed section, or generated */
  credentials(seed: JsonObject | undefined, merchant: { id: string; name: string; index: number }): CredentialSpec[];
  /** face-owned objects for a new merchant (Numopay accounts, ...) */
  onMerchantCreated?(tx: Tx, merchant: Merchant, seed: JsonObject | undefined, ctx: FaceContext): Promise<void>;
  /**
   * The provider's answer to a request the HTTP layer refuses before routing (an undecodable URL, a bad
   * header): status, content type and body. Without it the gateway answers a plain JSON 400.
   */
  frameworkError?(code: string, url: string): { status: number; contentType: string; body: string };
  /** face-specific operator endpoints, mounted under /admin/api/faces/<name> behind the admin token */
  admin?(app: FastifyInstance, ctx: FaceContext): Promise<void> | void;
  /** the seed section that recreates a merchant's credentials and objects (export) */
  exportSeed?(tx: Tx, merchantId: string, credentials: Credential[]): Promise<JsonObject | undefined>;
  /** what a developer needs to connect a client: base URL and credentials, for printing */
  describe(credentials: Credential[], baseUrl: string): Record<string, string>;
}
