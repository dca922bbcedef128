// The webhook HTTP client: undici with keep-alive connections per origin, a timeout per attempt, redirects not
// followed, and at most 64 KiB of an answer read (the dispatcher keeps an excerpt).
import { Agent, request } from 'undici';
import type { OutgoingRequest, TransportResult, WebhookTransport } from '../core/dispatcher.js';

const MAX_BODY = 64 * 1024;

const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 });

export const fetchTransport: WebhookTransport = {
  async send(req: OutgoingRequest): Promise<TransportResult> {
    const res = await request(req.url, {
      method: req.method as 'GET' | 'POST' | 'PUT',
      headers: req.headers,
      ...(req.method === 'GET' ? {} : { body: req.body }),
      dispatcher: agent,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY) {
        res.body.destroy();
        break;
      }
    }
    return { status: res.statusCode, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') };
  },
};
