// The webhook HTTP client: keep-alive connections, a timeout, bodies read as text.
import type { OutgoingRequest, TransportResult, WebhookTransport } from '../core/dispatcher.js';

export const fetchTransport: WebhookTransport = {
  async send(req: OutgoingRequest): Promise<TransportResult> {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.method === 'GET' ? {} : { body: req.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const body = await res.text();
    return { status: res.status, body };
  },
};
