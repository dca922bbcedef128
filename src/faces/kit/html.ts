// Server-rendered HTML helpers: escaping, the page layout, security headers.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function nonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageOptions {
  title: string;
  lang: string;
  body: string;
  nonce: string;
  /** inline script run with the page's nonce */
  script?: string;
  /** page-specific CSS after the base styles */
  css?: string;
}

export const BASE_CSS = `
:root{--fg:#1c2430;--muted:#5f6b7a;--line:#d5dbe3;--bg:#f3f5f8;--card:#fff;--accent:#2457d6;--accent-d:#1b44aa;--err:#c62828;--ok:#1f7a3a}
*{box-sizing:border-box}html,body{margin:0;padding:0}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);min-height:100vh;display:flex;align-items:flex-start;justify-content:center}
main{width:100%;max-width:440px;margin:24px 12px;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 20px;box-shadow:0 2px 10px rgba(20,30,50,.06)}
h1{font-size:1.25rem;margin:0 0 4px}p{margin:.4em 0}.muted{color:var(--muted);font-size:.9rem}
.summary{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid var(--line);padding-bottom:12px;margin-bottom:16px;gap:8px}
.amount{font-size:1.5rem;font-weight:700;white-space:nowrap}
label{display:block;font-weight:600;font-size:.9rem;margin:12px 0 4px}
input{width:100%;font:inherit;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:#fff;color:var(--fg)}
input:focus{outline:3px solid rgba(36,87,214,.25);border-color:var(--accent)}
input[aria-invalid=true]{border-color:var(--err)}
/* fields side by side: labels, inputs and errors each on one line, even when a label wraps */
.row{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(0,1fr);grid-template-rows:auto auto auto;column-gap:12px}.row>div{display:contents}.row label{align-self:end}
.error{color:var(--err);font-size:.85rem;min-height:1.2em;margin-top:4px}
button,.button{display:inline-flex;align-items:center;justify-content:center;gap:8px;width:100%;margin-top:18px;padding:12px 16px;font:inherit;font-weight:600;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
button:hover{background:var(--accent-d)}button[disabled]{opacity:.6;cursor:progress}
button.secondary,.button.secondary{background:#e7ebf1;color:var(--fg)}button.danger{background:#fbe9e9;color:var(--err)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:12px 0 16px;padding-bottom:12px;border-bottom:1px solid var(--line)}
dl.facts dt{color:var(--muted);font-size:.9rem;align-self:center}dl.facts dd{margin:0;font-weight:600;word-break:break-all}dl.facts dd.amount{font-size:1.3rem}
.spinner{width:16px;height:16px;border:2px solid rgba(255,255,255,.5);border-top-color:#fff;border-radius:50%;animation:spin .8s linear infinite;display:none}
button[aria-busy=true] .spinner{display:inline-block}
@keyframes spin{to{transform:rotate(360deg)}}
.brand{font-size:.8rem;font-weight:700;color:var(--muted);min-width:3.5em;text-align:right}
.field{position:relative}.field .brand{position:absolute;right:12px;top:11px;pointer-events:none}.field input{padding-right:5.75rem}
.status{font-size:1.1rem;font-weight:600}.status.ok{color:var(--ok)}.status.fail{color:var(--err)}
.lang{margin-top:16px;font-size:.85rem;text-align:center}.lang a{color:var(--muted);margin:0 6px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;

export function layout(o: PageOptions): string {
  return `<!doctype html>
<html lang="${esc(o.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)}</title>
<style nonce="${o.nonce}">${BASE_CSS}${o.css ?? ''}</style>
</head>
<body>
<main>
${o.body}
</main>
${o.script ? `<script nonce="${o.nonce}">${o.script}</script>` : ''}
</body>
</html>`;
}

/** Security headers for payer pages: strict CSP, no caching, framing per page. */
export function securePage(reply: FastifyReply, n: string, opts: { frameable?: boolean; formTargets?: string[] } = {}): FastifyReply {
  const formAction = ["'self'", ...(opts.formTargets ?? [])].join(' ');
  reply.header(
    'content-security-policy',
    `default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}'; img-src 'self' data:; connect-src 'self'; form-action ${formAction} http: https:; base-uri 'none'; frame-ancestors ${opts.frameable ? '*' : "'none'"}`,
  );
  if (!opts.frameable) reply.header('x-frame-options', 'DENY');
  reply.header('cache-control', 'no-store, max-age=0');
  reply.header('pragma', 'no-cache');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-content-type-options', 'nosniff');
  reply.type('text/html; charset=utf-8');
  return reply;
}

/** A page that posts a form on load (3-D Secure hand-offs), with a button when scripts are off. */
export function autoPostPage(action: string, fields: Record<string, string>, n: string, lang: string, label: string): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return layout({
    title: label,
    lang,
    nonce: n,
    body: `<form id="f" method="post" action="${esc(action)}">${inputs}<p>${esc(label)}</p><noscript><button type="submit">Continue</button></noscript></form>`,
    script: `document.getElementById('f').submit();`,
  });
}

/** The fields of a form a payer's browser posted (application/x-www-form-urlencoded). */
export function formFields(req: FastifyRequest): Record<string, string> {
  const body = req.body;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
