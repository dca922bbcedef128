// A merchant's own web site for the page tests: a tiny HTTP server on 127.0.0.1 (its own origin, not the
// gateway's) that serves the merchant's pages, takes webhooks and records every request it gets.
// Also: what a browser sent while a test ran, to check that card data only ever goes to the gateway.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Page, Request } from 'playwright-core';

export interface Hit {
  method: string;
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  form: Record<string, string>;
}

export type Answer = { status?: number; type?: string; body: string; headers?: Record<string, string> };

export const SHOP_PAGE = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

export class MerchantSite {
  readonly hits: Hit[] = [];
  /** path (without the query) → the answer, or a function making it */
  readonly routes = new Map<string, Answer | ((h: Hit) => Answer)>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const u = new URL(req.url ?? '/', this.url);
        const form: Record<string, string> = {};
        if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          for (const [k, v] of new URLSearchParams(body)) form[k] = v;
        const hit: Hit = { method: req.method ?? '', path: u.pathname, url: req.url ?? '', headers: req.headers, body, form };
        this.hits.push(hit);
        const r = this.routes.get(u.pathname);
        const a: Answer = typeof r === 'function' ? r(hit) : (r ?? { body: SHOP_PAGE(`Shop: ${u.pathname}`) });
        res
          .writeHead(a.status ?? 200, {
            'content-type': a.type ?? (a.body.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json'),
            ...(a.headers ?? {}),
          })
          .end(a.body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  of(path: string, pred: (h: Hit) => boolean = () => true): Hit[] {
    return this.hits.filter((h) => h.path === path && pred(h));
  }

  async waitFor<T>(fn: () => T | undefined | false, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > deadline)
        throw new Error(`merchant site: condition not met in ${ms} ms (got ${this.hits.map((h) => `${h.method} ${h.url}`).join(', ')})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface Sent {
  url: string;
  method: string;
  body: string;
}

/** Records every request a page (and its frames) sends, with its body. */
export function recordRequests(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (r: Request) => sent.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' }));
  return sent;
}

/** Requests that carry the card number (plain, grouped with spaces or URL-encoded) anywhere. */
export function carrying(sent: Sent[], pan: string): Sent[] {
  const grouped = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
  const forms = [pan, grouped, encodeURIComponent(grouped), grouped.replace(/ /g, '+')];
  return sent.filter((s) => forms.some((f) => s.url.includes(f) || s.body.includes(f)));
}

/** The computed horizontal overflow of a page: 0 when it fits its viewport. */
export async function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
      .documentElement;
    return d.scrollWidth - d.clientWidth;
  });
}

/** Every form control (input, select, textarea) that is visible and has no accessible label. */
export async function unlabelled(page: Page | import('playwright-core').Frame): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const out: string[] = [];
    for (const el of doc.querySelectorAll('input,select,textarea')) {
      if (el.type === 'hidden') continue;
      const byFor = el.id && doc.querySelector(`label[for="${el.id}"]`);
      if (!byFor && !el.closest('label') && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        out.push(el.id || el.name);
    }
    return out;
  });
}
