// A real webhook receiver: a local HTTP server that records every request and answers as told.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export class Receiver {
  readonly requests: Received[] = [];
  /** answers the next N requests with HTTP 500 */
  failNext = 0;
  status = 200;
  responseBody = 'ok';
  private server!: Server;
  private waiters: Array<() => void> = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('fail');
        } else {
          res
            .writeHead(this.status, { 'content-type': this.responseBody.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json' })
            .end(this.responseBody);
        }
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  /** Waits until `pred` holds over the received requests (or fails after `ms`). */
  async waitFor(pred: (r: Received[]) => boolean, ms = 10_000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    while (!pred(this.requests)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${ms} ms (got ${this.requests.length} requests)`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.requests;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
