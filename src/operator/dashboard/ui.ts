// The dashboard's page frame and small rendering helpers: layout with the top navigation, tables,
// status badges, money and time formatting, forms with the CSRF token, paging and flash messages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatMajor } from '../../core/money.js';
import type { CardSnapshot } from '../../core/model.js';
import { esc, securePage } from '../../faces/kit/html.js';

/** The navigation entry a page belongs to: a built-in page's name, or a face page's path ('/p2p'); 'none' for no entry. */
export type Section = string;

/** An entry of the top navigation. */
export interface NavEntry {
  section: Section;
  label: string;
  href: string;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** What every signed-in page needs to render its frame and forms. */
export interface View {
  nonce: string;
  csrf: string;
  flash: Flash | null;
  /** the gateway clock's now (sandbox time), for relative times */
  now: number;
  frozen: boolean;
  /** the top navigation: the built-in pages and the faces' own */
  nav: readonly NavEntry[];
}

const nav = (section: Section, label: string, href: string): NavEntry => ({ section, label, href });
const MAIN_NAV = [
  nav('overview', 'Overview', '/dashboard'),
  nav('payments', 'Payments', '/dashboard/payments'),
  nav('webhooks', 'Webhooks', '/dashboard/webhooks'),
  nav('merchants', 'Merchants', '/dashboard/merchants'),
];
const SANDBOX_NAV = [nav('clock', 'Clock & faults', '/dashboard/clock')];

/** The top navigation: the built-in pages, the faces' pages, then the sandbox controls. */
export function navigation(facePages: readonly NavEntry[]): NavEntry[] {
  return [...MAIN_NAV, ...facePages, ...SANDBOX_NAV];
}

export const DASH_CSS = `
:root{--fg:#18202b;--muted:#5e6a79;--line:#dfe3ea;--bg:#f4f6f9;--card:#fff;--accent:#2457d6;--accent-d:#1b44aa;--err:#b42318;--ok:#1a7f37;--warn:#9a6700;
--c0:#2457d6;--c1:#e07a1f;--c2:#1a9c74;--c3:#b43fbf;--c4:#6b7787;--top:#111a2b}
*{box-sizing:border-box}html,body{margin:0;padding:0}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:hover{color:var(--accent-d)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:10}
header.top{background:var(--top);color:#fff}
header.top .bar{max-width:1280px;margin:0 auto;padding:0 20px;display:flex;align-items:center;gap:20px;min-height:56px;flex-wrap:wrap}
.brand{font-weight:700;font-size:1.05rem;color:#fff;text-decoration:none;letter-spacing:.2px;display:flex;align-items:center;gap:8px}
.brand .dot{width:10px;height:10px;border-radius:50%;background:#4f8cff;display:inline-block}
nav.main{display:flex;gap:2px;flex-wrap:wrap;flex:1}
nav.main a{color:#c9d3e3;text-decoration:none;padding:8px 12px;border-radius:6px;font-weight:500}
nav.main a:hover{background:rgba(255,255,255,.08);color:#fff}
nav.main a[aria-current=page]{background:rgba(255,255,255,.14);color:#fff}
.top-right{display:flex;align-items:center;gap:12px;font-size:.85rem;color:#c9d3e3}
.top-right .clock-pill{background:rgba(255,255,255,.1);padding:3px 9px;border-radius:999px;white-space:nowrap}
.top-right .clock-pill.frozen{background:#5b4300;color:#ffe08a}
.top-right form{margin:0}
.top-right a{color:#fff;text-decoration:none}.top-right a:hover{color:#fff;background:rgba(255,255,255,.18)}
.top-right button{background:transparent;border:1px solid rgba(255,255,255,.3);color:#fff;padding:5px 10px;font-size:.85rem}
.top-right button:hover{background:rgba(255,255,255,.1)}
main.wrap{max-width:1280px;margin:0 auto;padding:20px}
h1{font-size:1.45rem;margin:4px 0 14px;display:flex;align-items:center;gap:10px;flex-wrap:wrap}
h2{font-size:1.1rem;margin:0 0 10px}h3{font-size:.98rem;margin:14px 0 6px}
.muted{color:var(--muted)}.small{font-size:.85rem}.nowrap{white-space:nowrap}.right{text-align:right}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin-bottom:18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.card>h2:first-child{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
.grid{display:grid;gap:18px;grid-template-columns:repeat(auto-fit,minmax(340px,1fr))}
.grid{margin-bottom:18px}.grid>.card{margin-bottom:0}.card .grid{margin-bottom:0}
.cols{display:grid;gap:18px;grid-template-columns:minmax(0,2fr) minmax(0,1fr)}
.cols.wide{grid-template-columns:minmax(0,3fr) minmax(0,1fr)}
@media (max-width:900px){.cols,.cols.wide{grid-template-columns:minmax(0,1fr)}}
.kpis{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));margin-bottom:18px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.kpi .v{font-size:1.3rem;font-weight:700;font-variant-numeric:tabular-nums}.kpi .l{color:var(--muted);font-size:.82rem}
.table-wrap{overflow-x:auto;margin:0 -4px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600;white-space:nowrap;background:#fafbfc}
tbody tr:hover{background:#f7f9fc}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.break{word-break:break-all}
td.empty{text-align:center;color:var(--muted);padding:22px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.78rem;font-weight:600;background:#eef1f5;color:#3b4656;white-space:nowrap}
.badge.ok{background:#dcf3e3;color:#116329}.badge.bad{background:#fde4e1;color:#a4190f}.badge.warn{background:#fff1c7;color:#7a5200}
.badge.info{background:#e2ebff;color:#1b44aa}.badge.violet{background:#f1e4fb;color:#6c2a8c}
.badge.k-request{background:#e2ebff;color:#1b44aa}.badge.k-event{background:#dcf3e3;color:#116329}.badge.k-ledger{background:#f1e4fb;color:#6c2a8c}.badge.k-webhook{background:#fff1c7;color:#7a5200}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:6px 18px;margin:0}
dl.facts dt{color:var(--muted);font-size:.86rem}dl.facts dd{margin:0;word-break:break-word}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end}
.f{display:flex;flex-direction:column;gap:3px}
.filters .f{min-width:140px}.filters .f.btn{min-width:0}.filters p{flex-basis:100%;margin:0}
.filters .f.grow{flex:1;min-width:220px}
label{font-size:.8rem;font-weight:600;color:var(--muted)}
input,select,textarea{font:inherit;font-size:.92rem;padding:7px 10px;border:1px solid #c9d0da;border-radius:7px;background:#fff;color:var(--fg);min-height:36px}
input[aria-invalid=true]{border-color:var(--err)}
input:focus,select:focus,textarea:focus,button:focus-visible,a:focus-visible{outline:3px solid rgba(36,87,214,.3);outline-offset:1px}
input[type=checkbox]{min-height:0;width:16px;height:16px;vertical-align:middle}
button,.button{display:inline-flex;align-items:center;justify-content:center;gap:6px;padding:7px 14px;min-height:36px;font:inherit;font-size:.92rem;font-weight:600;border:1px solid transparent;border-radius:7px;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;white-space:nowrap}
button:hover,.button:hover{background:var(--accent-d);color:#fff}
button.secondary,.button.secondary{background:#fff;color:var(--fg);border-color:#c9d0da}button.secondary:hover,.button.secondary:hover{background:#f1f4f8;color:var(--fg)}
button.danger{background:#fff;color:var(--err);border-color:#f0b7b0}button.danger:hover{background:#fde4e1;color:var(--err)}
button.small{padding:3px 10px;min-height:28px;font-size:.82rem}
button[aria-busy=true]{opacity:.6;cursor:progress}
.actions{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end}
.actions form,form.actions{display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}
.card form.actions,.card>details{margin-top:12px}.card>p:first-child,.card>.table-wrap:first-child{margin-top:0}
.seg{display:inline-flex;border:1px solid #c9d0da;border-radius:7px;overflow:hidden;background:#fff}
.seg a{padding:5px 12px;text-decoration:none;color:var(--fg);font-size:.88rem;border-right:1px solid #c9d0da}.seg a:last-child{border-right:0}
.seg a[aria-current=true]{background:var(--accent);color:#fff}
.flash{padding:10px 14px;border-radius:8px;margin-bottom:16px;border:1px solid;font-weight:500}
.flash.ok{background:#e6f6eb;border-color:#a6dcb5;color:#0f5323}.flash.error{background:#fdecea;border-color:#f0b7b0;color:#8a1a10}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:12px;gap:10px;flex-wrap:wrap}
.pager .links{display:flex;gap:8px}
pre{background:#f6f8fb;border:1px solid var(--line);border-radius:7px;padding:10px 12px;overflow:auto;max-height:420px;margin:6px 0;white-space:pre-wrap;word-break:break-word}
details>summary{cursor:pointer;color:var(--accent);font-size:.88rem}
details.reveal{display:inline-block}details.reveal[open]>summary{margin-bottom:4px}
ol.timeline{list-style:none;margin:0;padding:0;border-left:2px solid var(--line);margin-left:6px}
ol.timeline li{position:relative;padding:6px 0 10px 18px}
ol.timeline li::before{content:"";position:absolute;left:-7px;top:12px;width:12px;height:12px;border-radius:50%;background:#fff;border:2px solid #9aa6b6}
ol.timeline li.k-request::before{border-color:var(--c0)}ol.timeline li.k-event::before{border-color:var(--ok)}ol.timeline li.k-ledger::before{border-color:var(--c3)}ol.timeline li.k-webhook::before{border-color:var(--c1)}
.tl-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}.tl-title{font-weight:600;word-break:break-word}
.tabs{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:12px}
.tabs a{padding:4px 11px;border-radius:999px;text-decoration:none;border:1px solid #c9d0da;color:var(--fg);font-size:.85rem;background:#fff}
.tabs a[aria-current=true]{background:var(--fg);border-color:var(--fg);color:#fff}
.chart{margin:0}.chart svg{width:100%;height:auto;display:block}
.chart .grid-line{stroke:#e6e9ef;stroke-width:1}.chart .axis{stroke:#9aa6b6;stroke-width:1}
.chart text{fill:#5e6a79;font-size:11px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.chart text.axis-title{font-size:11px;font-weight:600}.chart text.nodata{font-size:13px;fill:#8a94a3}
.chart .bar.c0,.chart .dot.c0{fill:var(--c0)}.chart .bar.c1,.chart .dot.c1{fill:var(--c1)}.chart .bar.c2,.chart .dot.c2{fill:var(--c2)}.chart .bar.c3,.chart .dot.c3{fill:var(--c3)}.chart .bar.c4,.chart .dot.c4{fill:var(--c4)}
.chart .line{fill:none;stroke-width:2.2;stroke-linejoin:round;stroke-linecap:round}
.chart .line.c0{stroke:var(--c0)}.chart .line.c1{stroke:var(--c1)}.chart .line.c2{stroke:var(--c2)}.chart .line.c3{stroke:var(--c3)}.chart .line.c4{stroke:var(--c4)}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:.83rem;color:var(--muted);margin-top:6px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.swatch{width:12px;height:12px;border-radius:3px;display:inline-block}
.swatch.c0{background:var(--c0)}.swatch.c1{background:var(--c1)}.swatch.c2{background:var(--c2)}.swatch.c3{background:var(--c3)}.swatch.c4{background:var(--c4)}
.form-grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));align-items:end}
.form-grid .f{display:flex;flex-direction:column;gap:3px}
.form-grid .check{flex-direction:row;align-items:center;gap:8px;min-height:36px;align-self:end}
.form-grid .check label{color:var(--fg);font-weight:500;font-size:.9rem}
fieldset{border:1px solid var(--line);border-radius:8px;padding:10px 14px 14px;margin:0 0 12px}legend{font-size:.85rem;font-weight:600;padding:0 6px;color:var(--muted)}
.merchant-head{display:flex;justify-content:space-between;align-items:baseline;gap:10px;flex-wrap:wrap}
.cred-face+.cred-face{border-top:1px solid var(--line);padding-top:10px;margin-top:10px}.cred-face h3{margin-top:0}
.secret{word-break:break-all}
.login-wrap{min-height:100vh;display:flex;align-items:center;justify-content:center;padding:20px}
.login{width:100%;max-width:400px}.login input{width:100%}.login button{width:100%;margin-top:14px}
.error-text{color:var(--err);font-size:.88rem;min-height:1.2em;margin:6px 0 0}
@media (max-width:760px){header.top .bar{padding:8px 12px;gap:6px 10px}.brand{order:1}.top-right{order:2;margin-left:auto}nav.main{order:3;flex-basis:100%;flex-wrap:nowrap;overflow-x:auto;padding-bottom:4px}nav.main a{padding:6px 9px;white-space:nowrap}}
@media (max-width:640px){main.wrap{padding:12px}.top-right .clock-pill{font-size:.78rem}.card{padding:14px 12px}dl.facts{grid-template-columns:minmax(0,1fr)}dl.facts dd{margin-bottom:6px}}
`;

/** Disables a form's buttons once it is sent, so a double click does not post twice. */
const SUBMIT_SCRIPT = `document.addEventListener('submit',function(e){var f=e.target;if(!(f instanceof HTMLFormElement)||f.method.toLowerCase()!=='post')return;setTimeout(function(){f.querySelectorAll('button').forEach(function(b){b.disabled=true;b.setAttribute('aria-busy','true');});},0);});
window.addEventListener('pageshow',function(e){if(e.persisted)document.querySelectorAll('button[aria-busy]').forEach(function(b){b.disabled=false;b.removeAttribute('aria-busy');});});`;

export function page(v: View, o: { title: string; section: Section; body: string }): string {
  const links = v.nav
    .map((n) => `<a href="${esc(n.href)}"${n.section === o.section ? ' aria-current="page"' : ''}>${esc(n.label)}</a>`)
    .join('');
  const flash = v.flash
    ? `<div class="flash ${v.flash.kind}" role="${v.flash.kind === 'error' ? 'alert' : 'status'}" id="flash">${esc(v.flash.text)}</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(o.title)} · Polypay dashboard</title>
<style nonce="${v.nonce}">${DASH_CSS}</style>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top"><div class="bar">
<a class="brand" href="/dashboard"><span class="dot" aria-hidden="true"></span>Polypay</a>
<nav class="main" aria-label="Dashboard">${links}</nav>
<div class="top-right">
<a class="clock-pill${v.frozen ? ' frozen' : ''}" href="/dashboard/clock" title="Sandbox clock" id="top-clock">${v.frozen ? 'Frozen · ' : ''}${esc(fmtTime(v.now))} UTC</a>
<form method="post" action="/dashboard/logout">${csrfField(v)}<button type="submit" id="logout">Sign out</button></form>
</div>
</div></header>
<main class="wrap" id="content">
${flash}
${o.body}
</main>
<script nonce="${v.nonce}">${SUBMIT_SCRIPT}</script>
</body>
</html>`;
}

/** A minimal page for the login form, in the dashboard's look. */
export function bareLayout(n: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style nonce="${n}">${DASH_CSS}</style>
</head>
<body><main class="login-wrap">${body}</main></body>
</html>`;
}

export function send(reply: FastifyReply, v: View, html: string, status = 200): FastifyReply {
  return securePage(reply.code(status), v.nonce).send(html);
}

export function csrfField(v: View): string {
  return `<input type="hidden" name="_csrf" value="${esc(v.csrf)}">`;
}

/** A POST form with the CSRF token. */
export function postForm(v: View, action: string, inner: string, attrs = ''): string {
  return `<form method="post" action="${esc(action)}"${attrs ? ' ' + attrs : ''}>${csrfField(v)}${inner}</form>`;
}

// ---- formatting

export function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** 2025-01-02 13:04:05 (UTC) */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function duration(ms: number): string {
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  if (s === 0) return Math.abs(ms) < 1000 && ms !== 0 ? `${neg ? '-' : ''}${Math.abs(ms)} ms` : '0 s';
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s && !d) parts.push(`${s} s`);
  return (neg ? '-' : '') + parts.slice(0, 3).join(' ');
}

export function ago(v: View, ms: number): string {
  const diff = v.now - ms;
  if (Math.abs(diff) < 5000) return 'just now';
  return diff > 0 ? `${duration(diff)} ago` : `in ${duration(-diff)}`;
}

/** A time cell: the UTC instant, with the relative time (on the sandbox clock) as its tooltip. */
export function time(v: View, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '<span class="muted">—</span>';
  return `<time datetime="${new Date(ms).toISOString()}" title="${esc(ago(v, ms))}" class="nowrap">${fmtTime(ms)}</time>`;
}

/** 123456n RUB → "1,234.56 RUB", exactly (no floats). */
export function money(minor: bigint, currency: string, withCurrency = true): string {
  let text: string;
  try {
    text = formatMajor(minor, currency);
  } catch {
    return `${minor} (minor) ${esc(currency)}`;
  }
  const neg = text.startsWith('-');
  const [int, frac] = (neg ? text.slice(1) : text).split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? '.' + frac : ''}${withCurrency ? ' ' + esc(currency) : ''}`;
}

export function maskedCard(c: CardSnapshot | null): string {
  if (!c) return '<span class="muted">—</span>';
  return `<span class="nowrap"><span class="mono">${esc(c.first6)}******${esc(c.last4)}</span> <span class="muted small">${esc(c.brand)}</span></span>`;
}

const STATUS_TONE: Record<string, string> = {
  captured: 'ok',
  authorized: 'info',
  delivered: 'ok',
  completed: 'ok',
  passed: 'ok',
  consumed: 'ok',
  partially_refunded: 'violet',
  refunded: 'violet',
  requires_authentication: 'warn',
  processing: 'warn',
  pending: 'warn',
  declined: 'bad',
  failed: 'bad',
  voided: '',
  expired: '',
  cancelled: '',
  created: '',
};

export function badge(status: string): string {
  return `<span class="badge ${STATUS_TONE[status] ?? ''}" data-status="${esc(status)}">${esc(status.replace(/_/g, ' '))}</span>`;
}

/** Pretty-prints JSON text; other text is shown as it is. */
export function pretty(text: string | null | undefined, max = 20_000): string {
  if (text === null || text === undefined || text === '') return '<span class="muted">(empty)</span>';
  let out = text;
  try {
    out = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    /* not JSON */
  }
  if (out.length > max) out = out.slice(0, max) + `\n… (${out.length - max} more characters)`;
  return `<pre>${esc(out)}</pre>`;
}

export function table(head: string[], rows: string[], opts: { empty?: string; id?: string; numCols?: number[] } = {}): string {
  const th = head.map((h, i) => `<th scope="col"${opts.numCols?.includes(i) ? ' class="num"' : ''}>${h}</th>`).join('');
  const body = rows.length
    ? rows.join('')
    : `<tr><td class="empty" colspan="${head.length}">${esc(opts.empty ?? 'Nothing here yet.')}</td></tr>`;
  return `<div class="table-wrap"><table${opts.id ? ` id="${opts.id}"` : ''}><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function options(values: Array<string | [string, string]>, selected: string | undefined, anyLabel?: string): string {
  const all: Array<[string, string]> = values.map((x) => (Array.isArray(x) ? x : [x, x]));
  if (anyLabel !== undefined) all.unshift(['', anyLabel]);
  return all
    .map(([val, label]) => `<option value="${esc(val)}"${val === (selected ?? '') ? ' selected' : ''}>${esc(label)}</option>`)
    .join('');
}

/** A query string from the non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, val] of Object.entries(params)) if (val !== undefined && val !== null && val !== '') u.set(k, String(val));
  const s = u.toString();
  return s ? '?' + s : '';
}

export function pager(
  base: string,
  params: Record<string, string | undefined>,
  offset: number,
  limit: number,
  shown: number,
  total: number | null,
): string {
  const from = shown ? offset + 1 : 0;
  const to = offset + shown;
  const hasNext = total === null ? shown >= limit : to < total;
  const prev =
    offset > 0
      ? `<a class="button secondary" rel="prev" href="${esc(base + qs({ ...params, offset: Math.max(0, offset - limit) || undefined }))}">← Newer</a>`
      : '';
  const next = hasNext
    ? `<a class="button secondary" rel="next" href="${esc(base + qs({ ...params, offset: offset + limit }))}">Older →</a>`
    : '';
  return `<div class="pager"><span class="muted small" id="range">${shown ? `${from}–${to}` : 'None'}${total !== null ? ` of ${total}` : ''}</span><span class="links">${prev}${next}</span></div>`;
}

export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [k, val] of Object.entries(q)) out[k] = typeof val === 'string' ? val : Array.isArray(val) ? String(val[0] ?? '') : undefined;
  return out;
}

export function intParam(v: string | undefined, def: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, max) : def;
}

export function notFound(v: View, what: string): string {
  return page(v, {
    title: 'Not found',
    section: 'none',
    body: `<h1>Not found</h1><div class="card"><p>${esc(what)}</p><p><a href="/dashboard">Back to the overview</a></p></div>`,
  });
}
