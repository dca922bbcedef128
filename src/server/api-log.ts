// The API request log behind object timelines: every face request is recorded (bodies redacted) in
// batches written off the request path.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ApiRequestRecord } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { redact } from './request-context.js';

export class ApiLog {
  private buffer: ApiRequestRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  enabled = true;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly maxBuffer = 5000,
  ) {}

  record(r: ApiRequestRecord): void {
    if (!this.enabled) return;
    if (this.buffer.length >= this.maxBuffer) this.buffer.shift();
    this.buffer.push(r);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 200);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer.splice(0, this.buffer.length);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        for (let i = 0; i < batch.length; i += 200) await this.store.transaction((tx) => tx.insertApiRequests(batch.slice(i, i + 200)));
      } catch (e) {
        this.log.warn({ err: e }, 'could not write the API request log');
      }
    });
    return this.flushing;
  }

  /** Hooks that capture face requests (not pages of the dashboard, the admin API or health checks). */
  install(app: FastifyInstance, clock: { now(): number }): void {
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.polypay && req.polypay.face !== 'gateway') {
        const body = req.body;
        req.polypay.requestExcerpt = Buffer.isBuffer(body) && body.length ? redact(body.subarray(0, 8192).toString('utf8')) : null;
        req.polypay.responseExcerpt = typeof payload === 'string' ? redact(payload) : Buffer.isBuffer(payload) ? redact(payload.subarray(0, 8192).toString('utf8')) : null;
      }
      return payload;
    });
    app.addHook('onResponse', async (req, reply) => {
      const c = req.polypay;
      if (!c || c.face === 'gateway') return;
      this.record({
        at: clock.now(),
        merchantId: c.merchantId ?? null,
        face: c.face,
        method: req.method,
        path: redact(req.url, 1024),
        status: reply.statusCode,
        durationMs: Math.round(performance.now() - c.started),
        requestId: c.id,
        subjects: c.subjects,
        requestBody: c.requestExcerpt ?? null,
        responseBody: c.responseExcerpt ?? null,
      });
    });
  }
}
