// The API request log behind object timelines: every face request is recorded (bodies, answers and URLs
// redacted by the face's declared fields, src/server/redaction.ts) in batches written off the request path.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ApiRequestRecord } from '../core/model.js';
import type { Store } from '../core/ports.js';
import type { Face } from '../faces/face.js';
import { Redactor } from './redaction.js';

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
        for (let i = 0; i < batch.length; i += 200) await this.store.transaction((tx) => tx.apiRequests.insert(batch.slice(i, i + 200)));
      } catch (e) {
        this.log.warn({ err: e }, 'could not write the API request log');
      }
    });
    return this.flushing;
  }

  /**
   * Hooks that capture face requests (not pages of the dashboard, the admin API or health checks), each
   * redacted with its face's declared sensitive fields.
   */
  install(app: FastifyInstance, clock: { now(): number }, faces: ReadonlyArray<Pick<Face, 'name' | 'sensitive'>>): void {
    const redactors = new Map(faces.map((f) => [f.name as string, new Redactor(f.sensitive)]));
    const common = new Redactor();
    const redactorOf = (face: string) => redactors.get(face) ?? common;
    // recorded as the answer is sent, not once it has been written: a client that has its answer and asks for the
    // object's timeline next finds this request there
    app.addHook('onSend', async (req, reply, payload) => {
      const c = req.polypay;
      if (!c || c.face === 'gateway') return payload;
      const r = redactorOf(c.face);
      let requestBody: string | null;
      let responseBody: string | null;
      try {
        requestBody = r.request(req.body);
        responseBody = r.answer(payload);
      } catch (e) {
        // the log never costs the client its answer; what could not be redacted is not kept
        this.log.warn({ err: e }, 'could not redact a request for the API request log');
        requestBody = null;
        responseBody = null;
      }
      this.record({
        at: clock.now(),
        merchantId: c.merchantId ?? null,
        face: c.face,
        method: req.method,
        path: safeUrl(r, req.url),
        status: reply.statusCode,
        durationMs: Math.round(performance.now() - c.started),
        requestId: c.id,
        subjects: c.subjects,
        requestBody,
        responseBody,
      });
      return payload;
    });
  }
}

/** The URL as the log keeps it (should its redaction ever fail: the path alone, without a digit). */
export function safeUrl(r: Redactor, url: string): string {
  try {
    return r.url(url);
  } catch {
    return url.split('?')[0]!.replace(/[0-9]/g, '#').slice(0, 1024);
  }
}
