// The Mbill service: the only caller of engine writes for this face, in the provider's words. Card-to-card
// transfers: one-time card tokens (service/card-tokens.ts), transfers authenticated with 3-D Secure or a lookup
// code (service/transfers.ts), the payout to the recipient (service/payouts.ts), claims of transfers to an
// external credential (service/claims.ts), and the merchant's webhook setting. Every status change writes a
// `transfer.<status>` outbox event (service/lifecycle.ts): the signed webhooks.
import type { FastifyRequest } from 'fastify';
import type { Credential } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { JobHandler } from '../../core/scheduler.js';
import type { FaceContext } from '../face.js';
import { CardTokens } from './service/card-tokens.js';
import { Claims } from './service/claims.js';
import { JOBS, Lifecycle } from './service/lifecycle.js';
import { Payouts } from './service/payouts.js';
import { Transfers } from './service/transfers.js';
import type { Bases } from './views.js';

export class MbillService {
  readonly cardTokens: CardTokens;
  readonly transfers: Transfers;
  readonly claims: Claims;
  private readonly payouts: Payouts;

  constructor(readonly ctx: FaceContext) {
    const life = new Lifecycle(ctx.engine);
    this.cardTokens = new CardTokens(life);
    this.payouts = new Payouts(life);
    this.transfers = new Transfers(life, this.cardTokens, this.payouts);
    this.claims = new Claims(life, this.cardTokens);
  }

  /** Where links point for this request (or, in a job, for the configured public URL). */
  bases(req?: FastifyRequest): Bases {
    const root = this.ctx.baseUrl(req);
    return { root, api: root + this.ctx.prefix };
  }

  /** The scheduler jobs: card token expiry, transfer expiry, the payout, claim expiry. */
  jobs(): Record<string, JobHandler> {
    return {
      [JOBS.cardTokenExpire]: (tx, job) => this.cardTokens.expire(tx, job.ref),
      [JOBS.transferExpire]: (tx, job) => this.transfers.expireJob(tx, Number(job.ref), this.bases()),
      [JOBS.transferPayout]: (tx, job) => this.payouts.process(tx, Number(job.ref), this.bases()),
      [JOBS.claimExpire]: (tx, job) => this.claims.expire(tx, Number(job.ref)),
    };
  }

  /** PUT /webhook: where the merchant's transfer webhooks go (null: nowhere). */
  async setWebhook(tx: Tx, credential: Credential, url: string | null): Promise<Credential> {
    const data = { ...credential.data };
    if (url === null) delete data.webhookUrl;
    else data.webhookUrl = url;
    await tx.credentials.update(credential.id, { data });
    return { ...credential, data };
  }
}
