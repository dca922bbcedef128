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
import type { DashboardPages } from './kit/dashboard.js';
import type { OpenApiDocument } from './kit/openapi.js';

export interface FaceContext {
  engine: Engine;
  log: Logger;
  /** the gateway's public base URL for a request (scheme, host, port; no trailing slash) */
  baseUrl(req?: FastifyRequest): string;
  /** the path prefix the face is mounted under ('' on a port of its own) */
  prefix: string;
  /** the environment the gateway was configured from (face settings such as NOVAPOSHTA_API_KEY) */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * A face's sandbox operator routes (what the payer or the provider's operator would do): whether to serve them
   * (`--sandbox-routes`, off in production mode), and the admin-token check every such request must pass.
   */
  sandbox: { enabled: boolean; authorized(req: FastifyRequest): boolean };
}

/**
 * The request fields of a face that carry card data or secrets, for the request log (src/server/redaction.ts).
 * A field is a name, matched as a key at any depth (`cvv`), or a path from the body's root (`$.card_info.number`,
 * `$.*.credential.number`: `*` is any one key or list index); names compare case-insensitively. They apply to
 * JSON bodies, form bodies (`a[b][c]` keys are the path a.b.c), query strings and the face's own answers. Every
 * face also gets the gateway's common names (cvv, cvc, PaRes, password, secret, ...).
 */
export interface SensitiveFields {
  /** card numbers: logged as first 6 + stars + last 4 when the value is a valid card number, else `[redacted]` */
  readonly pan: readonly string[];
  /** never logged (`[redacted]`): CVV/CVC codes, cryptograms, PaRes, one-time codes, secrets */
  readonly secret: readonly string[];
}

/** A field of the API reference's credentials panel (what a face's page asks for to sign requests). */
export interface ConnectionField {
  name: string;
  label: string;
  value: string;
  kind?: 'text' | 'textarea' | 'select';
  options?: string[];
  hint?: string;
  /** a secret: its value is shown to a signed-in operator only */
  secret?: boolean;
}

/** Values the API reference fills into a face's examples for a merchant. */
export interface ExampleValues {
  /** path parameters by name (the merchant's account id, ...) */
  params: Record<string, string>;
  /** top-level body keys of request examples (merchant_id, key, publicKey, ...) */
  body: Record<string, unknown>;
}

/**
 * The whole of what the rest of the gateway knows of a face: the gateway mounts its routes, webhooks and jobs;
 * the operator module creates, exports and describes merchants with it and serves its admin routes and dashboard
 * pages; the API reference serves its document and credentials panel. Besides its folder, the running gateway names
 * a face only in src/faces/registry.ts, src/index.ts and package.json's exports (its client); `npm run new-face`
 * writes those and the test lists that name every face (docs/faces.md, "The checklist of a new face").
 */
export interface Face {
  readonly name: FaceName;
  /** what the request log must mask in this face's requests and answers */
  readonly sensitive: SensitiveFields;
  /** default mount prefix on the shared port */
  readonly prefix: string;
  /**
   * The provider's own API host names (production and sandbox, lower case). A request whose Host is one of them is
   * served by this face at the root (`/v1/...` as on the provider), so a client with a fixed host works unchanged
   * once the name resolves to the gateway; the local certificate authority's server certificate names them too.
   */
  readonly apiHosts: readonly string[];
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
  /** face-specific pages of the operator dashboard (Way2Pay's P2P desk), drawn with the dashboard's UI kit */
  dashboard?(pages: DashboardPages, ctx: FaceContext): void;

  // ---- the API reference (/docs/<name>)
  /** one line for the reference's index */
  readonly summary: string;
  /** the provider's API as this gateway serves it, its server `${baseUrl}${prefix}` */
  openapi(baseUrl: string, prefix: string): OpenApiDocument;
  /**
   * The credentials panel of the face's reference page, filled from `describe`'s answer for the demo merchant
   * (undefined when there is none).
   */
  connectionFields(described: Record<string, string> | undefined): ConnectionField[];
  /** values for the reference's examples from a merchant's own objects and credentials (`described`) */
  exampleValues?(tx: Tx, merchantId: string, described: Record<string, string>): Promise<ExampleValues>;
}
