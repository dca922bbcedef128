// Fault injection for sandboxes: added latency (fixed, uniform, normal or exponential), HTTP errors,
// dropped connections and failing webhook receivers, per face, route and merchant. Rules live in the
// store (so every process applies them) and are matched on each request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../core/ids.js';
import type { Delivery } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { SettingGuard } from '../core/synced-setting.js';

export interface LatencySpec {
  distribution: 'fixed' | 'uniform' | 'normal' | 'exponential';
  /** fixed value, uniform minimum, normal mean or exponential mean */
  ms: number;
  /** uniform maximum; normal standard deviation */
  maxMs?: number;
  stddevMs?: number;
}

export interface FaultRule {
  id: string;
  face?: string;
  /** a path prefix after the face's mount, e.g. /v2/accounts or /payments/cards/charge */
  route?: string;
  merchantId?: string;
  /** 0..1, default 1 */
  probability?: number;
  latency?: LatencySpec;
  /** answer with this HTTP status instead of processing (or, for merchant rules, after processing) */
  status?: number;
  body?: string;
  /** close the connection without an answer */
  drop?: boolean;
  /** make webhook deliveries of the matching face/merchant fail (receiver forced to fail) */
  webhookFail?: boolean;
  /** stop applying after this many matches */
  remaining?: number;
  createdAt?: number;
}

function sample(l: LatencySpec): number {
  switch (l.distribution) {
    case 'fixed':
      return l.ms;
    case 'uniform':
      return l.ms + Math.random() * Math.max(0, (l.maxMs ?? l.ms) - l.ms);
    case 'normal': {
      const u = 1 - Math.random();
      const v = Math.random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.max(0, l.ms + z * (l.stddevMs ?? l.ms / 4));
    }
    case 'exponential':
      return -Math.log(1 - Math.random()) * l.ms;
  }
}

export class Faults {
  private rules: FaultRule[] = [];
  private version = '';
  private readonly guard = new SettingGuard();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: Store) {}

  /** The rules still in force (a rule with a count stops once it has been used up). */
  list(): FaultRule[] {
    return this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
  }

  async add(rule: Omit<FaultRule, 'id'>): Promise<FaultRule> {
    const r: FaultRule = { ...rule, id: 'fault_' + randomToken(12), createdAt: Date.now() };
    this.rules.push(r);
    await this.save();
    return r;
  }

  async remove(id: string): Promise<boolean> {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    await this.save();
    return this.rules.length < before;
  }

  async clear(): Promise<void> {
    this.rules = [];
    await this.save();
  }

  async load(): Promise<void> {
    const stored = await this.guard.load(() => this.store.read((tx) => tx.settings.get('faults')));
    if (stored === undefined) return;
    const text = stored ?? '[]';
    if (text !== this.version) {
      this.version = text;
      this.rules = JSON.parse(text) as FaultRule[];
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.load().catch(() => {}), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async save(): Promise<void> {
    const text = JSON.stringify(this.rules);
    this.version = text;
    await this.guard.save(() => this.store.transaction((tx) => tx.settings.set('faults', text)));
  }

  private match(face: string, path: string, merchantId: string | undefined, phase: 'before' | 'after'): FaultRule | undefined {
    for (const r of this.rules) {
      if (r.webhookFail && r.status === undefined && !r.drop && !r.latency) continue;
      if (r.face && r.face !== face) continue;
      if (r.route && !path.startsWith(r.route)) continue;
      if ((phase === 'before') !== (r.merchantId === undefined)) continue;
      if (r.merchantId && r.merchantId !== merchantId) continue;
      if (r.remaining !== undefined && r.remaining <= 0) continue;
      if (r.probability !== undefined && Math.random() >= r.probability) continue;
      if (r.remaining !== undefined) r.remaining--;
      return r;
    }
    return undefined;
  }

  /** The dispatcher's hook: an error text makes an attempt fail without sending. */
  webhookFault(d: Delivery): string | null {
    for (const r of this.rules) {
      if (!r.webhookFail) continue;
      if (r.face && r.face !== d.face) continue;
      if (r.merchantId && r.merchantId !== d.merchantId) continue;
      if (r.probability !== undefined && Math.random() >= r.probability) continue;
      return 'fault injected: webhook receiver forced to fail';
    }
    return null;
  }

  private async apply(r: FaultRule, reply: FastifyReply): Promise<boolean> {
    if (r.latency) await new Promise((res) => setTimeout(res, sample(r.latency!)));
    if (r.drop) {
      reply.raw.socket?.destroy();
      return true;
    }
    if (r.status !== undefined) {
      reply.code(r.status).header('content-type', 'application/json; charset=utf-8').header('x-polypay-fault', r.id);
      return true;
    }
    return false;
  }

  install(app: FastifyInstance, facePrefix: (req: FastifyRequest) => { face: string; path: string }): void {
    app.addHook('onRequest', async (req, reply) => {
      if (this.rules.length === 0) return;
      const { face, path } = facePrefix(req);
      if (face === 'gateway') return;
      const r = this.match(face, path, undefined, 'before');
      if (r && (await this.apply(r, reply))) {
        if (r.drop) return reply;
        return reply.send(r.body ?? JSON.stringify({ error: 'fault injected', fault: r.id }));
      }
    });
    app.addHook('onSend', async (req, reply, payload) => {
      if (this.rules.length === 0 || !req.polypay?.merchantId) return payload;
      const { face, path } = facePrefix(req);
      const r = this.match(face, path, req.polypay.merchantId, 'after');
      if (r && (await this.apply(r, reply))) return r.drop ? payload : (r.body ?? JSON.stringify({ error: 'fault injected', fault: r.id }));
      return payload;
    });
  }
}
