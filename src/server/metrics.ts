// Prometheus metrics: requests by face, route and status; latency; payments by outcome; webhook
// attempts and lag; outbox depth.
import client from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../core/engine.js';

export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'face' | 'route' | 'method' | 'status'>;
  private readonly latency: client.Histogram<'face' | 'route'>;
  private readonly payments: client.Counter<'face' | 'event'>;
  private readonly attempts: client.Counter<'face' | 'kind' | 'result'>;
  private readonly lag: client.Histogram<'face'>;

  constructor(engine: Engine) {
    const r = this.registry;
    client.collectDefaultMetrics({ register: r, prefix: 'polypay_process_' });
    this.requests = new client.Counter({
      name: 'polypay_http_requests_total',
      help: 'HTTP requests by face, route and status',
      labelNames: ['face', 'route', 'method', 'status'],
      registers: [r],
    });
    this.latency = new client.Histogram({
      name: 'polypay_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['face', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    this.payments = new client.Counter({
      name: 'polypay_payment_events_total',
      help: 'Payment and payout state changes by outcome',
      labelNames: ['face', 'event'],
      registers: [r],
    });
    this.attempts = new client.Counter({
      name: 'polypay_webhook_attempts_total',
      help: 'Webhook delivery attempts',
      labelNames: ['face', 'kind', 'result'],
      registers: [r],
    });
    this.lag = new client.Histogram({
      name: 'polypay_webhook_lag_seconds',
      help: 'Time from commit to a delivered webhook',
      labelNames: ['face'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300],
      registers: [r],
    });
    new client.Gauge({
      name: 'polypay_outbox_depth',
      help: 'Outbox events not yet fanned out, and webhook deliveries pending',
      labelNames: ['queue'],
      registers: [r],
      async collect() {
        const [events, deliveries] = await engine.read(async (tx) => [await tx.outbox.countPending(), await tx.deliveries.countPending()]);
        this.set({ queue: 'events' }, events);
        this.set({ queue: 'deliveries' }, deliveries);
      },
    });
    engine.outbox.onCommitted((e) => {
      if (e.subjectType === 'payment' || e.subjectType === 'payout') this.payments.inc({ face: e.face, event: e.type });
    });
    engine.dispatcher.onAttempt((d, a) => {
      const ok = a.error === null && a.responseStatus !== null && a.responseStatus < 400;
      this.attempts.inc({ face: d.face, kind: d.kind, result: ok ? 'ok' : 'failed' });
      if (ok) this.lag.observe({ face: d.face }, Math.max(0, a.at - d.createdAt) / 1000);
    });
  }

  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      const face = req.polypay?.face ?? 'gateway';
      const route = req.routeOptions?.url ?? 'unmatched';
      this.requests.inc({ face, route, method: req.method, status: String(reply.statusCode) });
      if (req.polypay) this.latency.observe({ face, route }, (performance.now() - req.polypay.started) / 1000);
    });
    app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', this.registry.contentType);
      return this.registry.metrics();
    });
  }
}
