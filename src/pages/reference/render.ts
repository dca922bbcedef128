// Server-side rendering of the API reference from an OpenAPI document: the index of the faces, and a page per
// face with every operation (description, parameters, schemas, examples), a credentials panel and a "Try it"
// form per operation that the page's script signs and sends.
import type { ConnectionField } from '../../faces/face.js';
import { esc } from '../../faces/kit/html.js';
import { CLIENT_SCRIPT } from './client-script.js';
import {
  FORM_TYPE,
  JSON_TYPE,
  operations,
  type Method,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type PathItem,
  type Response,
  type Schema,
} from '../../faces/kit/openapi.js';
import { REFERENCE_CSS } from './styles.js';
import { resolvePointer } from './validate.js';

type Any = Record<string, unknown>;
const isObj = (v: unknown): v is Any => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FacePageInput {
  doc: OpenApiDocument;
  face: string;
  prefix: string;
  nonce: string;
  credentials: ConnectionField[];
  /** who filled the credentials in: the demo merchant, or nobody */
  demo: boolean;
  /** whether the visitor is a signed-in operator (the demo merchant's secrets are filled in) */
  operator: boolean;
  /** values for path parameters by name (the demo merchant's account id, …) */
  params: Record<string, string>;
  /** top-level body keys to set in request examples (merchant_id, key, publicKey, …) */
  body: Record<string, unknown>;
}

// ---- text

/** A little Markdown: paragraphs, `- ` lists, `code`, **bold**. */
export function md(text: string | undefined): string {
  if (!text) return '';
  const inline = (s: string) =>
    esc(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const lines = para.split('\n');
    let list: string[] = [];
    let prose: string[] = [];
    const flush = () => {
      if (prose.length) out.push(`<p>${inline(prose.join(' '))}</p>`);
      if (list.length) out.push(`<ul>${list.map((l) => `<li>${inline(l)}</li>`).join('')}</ul>`);
      prose = [];
      list = [];
    };
    for (const line of lines) {
      if (/^\s*- /.test(line)) {
        if (prose.length) {
          out.push(`<p>${inline(prose.join(' '))}</p>`);
          prose = [];
        }
        list.push(line.replace(/^\s*- /, ''));
      } else if (line.trim()) {
        if (list.length) flush();
        prose.push(line.trim());
      }
    }
    flush();
  }
  return `<div class="md">${out.join('')}</div>`;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

// ---- schemas

function refName(schema: Schema): string | undefined {
  const r = schema.$ref;
  return typeof r === 'string' && r.startsWith('#/components/schemas/') ? r.slice('#/components/schemas/'.length) : undefined;
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s: unknown = schema;
  for (let i = 0; i < 10 && isObj(s) && typeof s.$ref === 'string'; i++) s = resolvePointer(doc, s.$ref);
  return isObj(s) ? s : {};
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (typeof s.format === 'string') out.push(s.format);
  if (s.nullable === true) out.push('nullable');
  if (Array.isArray(s.enum)) out.push(`one of ${s.enum.map((x) => JSON.stringify(x)).join(', ')}`);
  if (typeof s.pattern === 'string') out.push(`pattern ${s.pattern}`);
  for (const [k, label] of [
    ['minimum', '≥'],
    ['maximum', '≤'],
    ['minLength', 'length ≥'],
    ['maxLength', 'length ≤'],
    ['minItems', 'items ≥'],
    ['maxItems', 'items ≤'],
  ] as const) {
    if (typeof s[k] === 'number') out.push(`${label} ${String(s[k])}`);
  }
  return out;
}

/** A schema as a type label and the nested list of its properties; component refs link to their section. */
function schemaParts(doc: OpenApiDocument, schema: Schema, depth: number, expandRef: boolean): { label: string; children: string } {
  const name = refName(schema);
  if (name && !expandRef) return { label: `<a href="#schema-${esc(name)}">${esc(name)}</a>`, children: '' };
  const s = name ? resolve(doc, schema) : schema;
  if (Array.isArray(s.allOf) && s.allOf.length === 1) {
    const inner = schemaParts(doc, s.allOf[0] as Schema, depth, false);
    return { label: `${inner.label}${s.nullable ? ' <span class="type">nullable</span>' : ''}`, children: inner.children };
  }
  for (const k of ['oneOf', 'anyOf'] as const) {
    const alts = s[k];
    if (Array.isArray(alts)) {
      const items = alts.map((a) => {
        const p = schemaParts(doc, a as Schema, depth + 1, false);
        return `<li>${p.label}${p.children}</li>`;
      });
      return {
        label: `<span class="type">${k === 'oneOf' ? 'one of' : 'any of'}${s.nullable ? ', nullable' : ''}</span>`,
        children: `<ul class="schema">${items.join('')}</ul>`,
      };
    }
  }
  const c = constraints(s);
  const extra = c.length ? ` <span class="type">(${esc(c.join('; '))})</span>` : '';
  if (s.type === 'array') {
    const inner = schemaParts(doc, (s.items ?? {}) as Schema, depth + 1, false);
    return { label: `<span class="type">array of</span> ${inner.label}${extra}`, children: inner.children };
  }
  if (s.type === 'object' || isObj(s.properties)) {
    const props = isObj(s.properties) ? (s.properties as Record<string, Schema>) : {};
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const keys = Object.keys(props);
    if (!keys.length) {
      const ap = s.additionalProperties;
      const values = isObj(ap) && Object.keys(ap).length ? ` of ${schemaParts(doc, ap as Schema, depth + 1, false).label}` : '';
      return { label: `<span class="type">object${values}</span>${extra}`, children: '' };
    }
    if (depth > 6) return { label: `<span class="type">object</span>${extra}`, children: '' };
    const items = keys.map((k) => {
      const ps = props[k]!;
      const p = schemaParts(doc, ps, depth + 1, false);
      const d = typeof ps.description === 'string' ? ps.description : '';
      return `<li><code class="name">${esc(k)}</code> ${p.label}${required.has(k) ? ' <span class="req">required</span>' : ''}${d ? ` <span class="muted">${mdInline(d)}</span>` : ''}${p.children}</li>`;
    });
    return { label: `<span class="type">object</span>${extra}`, children: `<ul class="schema">${items.join('')}</ul>` };
  }
  const type = typeof s.type === 'string' ? s.type : 'any';
  return { label: `<span class="type">${esc(type)}</span>${extra}`, children: '' };
}

function mdInline(text: string): string {
  return esc(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function schemaBlock(doc: OpenApiDocument, schema: Schema): string {
  const parts = schemaParts(doc, schema, 0, true);
  const d =
    typeof resolve(doc, schema).description === 'string' ? `<p class="note">${mdInline(String(resolve(doc, schema).description))}</p>` : '';
  return `<div class="schema-root">${d}<div>${parts.label}</div>${parts.children}</div>`;
}

// ---- operations

function params(doc: OpenApiDocument, op: Operation): Parameter[] {
  return (op.parameters ?? []).map((p) => ('$ref' in p ? (resolvePointer(doc, p.$ref) as Parameter) : p)).filter(Boolean);
}

function securityOf(doc: OpenApiDocument, op: Operation): Array<Record<string, string[]>> {
  return op.security ?? doc.security ?? [];
}

function authBadge(doc: OpenApiDocument, op: Operation): string {
  const sec = securityOf(doc, op);
  if (!sec.length || sec.every((r) => Object.keys(r).length === 0)) return '<span class="badge">no authentication</span>';
  const alts = sec.map((r) => Object.keys(r).join(' + ')).join(' or ');
  return `<span class="badge auth">auth: ${esc(alts)}</span>`;
}

function responseHtml(doc: OpenApiDocument, code: string, r: Response | { $ref: string }): string {
  const resp = ('$ref' in r ? resolvePointer(doc, r.$ref) : r) as Response;
  const cls = code.startsWith('2') ? 'c2' : code.startsWith('4') ? 'c4' : code.startsWith('5') ? 'c5' : '';
  const body: string[] = [];
  for (const [name, h] of Object.entries(resp.headers ?? {})) {
    const hh = ('$ref' in h ? resolvePointer(doc, h.$ref) : h) as { description?: string };
    body.push(`<p class="note">Header <code>${esc(name)}</code>: ${mdInline(hh?.description ?? '')}</p>`);
  }
  for (const [type, media] of Object.entries(resp.content ?? {})) {
    body.push(`<p class="note"><code>${esc(type)}</code></p>`, schemaBlock(doc, media.schema));
    if (media.example !== undefined)
      body.push(
        `<p class="note">Example</p><pre>${esc(typeof media.example === 'string' && type !== JSON_TYPE ? media.example : json(media.example))}</pre>`,
      );
    for (const [n, ex] of Object.entries(media.examples ?? {}))
      body.push(`<p class="note">Example: ${esc(ex.summary ?? n)}</p><pre>${esc(json(ex.value))}</pre>`);
  }
  return `<details class="resp"><summary><span class="code ${cls}">${esc(code)}</span> ${mdInline(resp.description)}</summary>${body.join('')}</details>`;
}

function patchExample(example: unknown, patch: Record<string, unknown>): unknown {
  if (!isObj(example)) return example;
  const out: Any = { ...example };
  for (const [k, v] of Object.entries(patch)) if (k in out) out[k] = v;
  return out;
}

function tryForm(input: FacePageInput, path: string, method: Method, op: Operation): string {
  const { doc } = input;
  const id = op.operationId;
  const fields: string[] = [];
  const ps = params(doc, op);
  const input_ = (p: Parameter, value: string) =>
    `<div><label for="${esc(`${id}-${p.in}-${p.name}`)}">${esc(p.name)} <span class="muted">${esc(p.in)}${p.required ? ', required' : ''}</span></label><input id="${esc(`${id}-${p.in}-${p.name}`)}" name="${esc(`${p.in}.${p.name}`)}" value="${esc(value)}" autocomplete="off" spellcheck="false"${p.in === 'header' ? ' placeholder="optional"' : ''}></div>`;
  for (const p of ps) {
    if (p.in === 'path') fields.push(input_(p, input.params[p.name] ?? (p.example === undefined ? '' : String(p.example))));
    else if (p.in === 'query') fields.push(input_(p, p.example === undefined ? '' : String(p.example)));
    else if (p.in === 'header') fields.push(input_(p, p.example === undefined ? '' : String(p.example)));
  }
  let body = '';
  const content = op.requestBody?.content ?? {};
  const jsonMedia = content[JSON_TYPE];
  if (jsonMedia && method !== 'get') {
    const example = patchExample(jsonMedia.example ?? {}, input.body);
    const types = Object.keys(content).filter((t) => t === JSON_TYPE || t === FORM_TYPE);
    const select =
      types.length > 1
        ? `<label for="${esc(id)}-type">Send as</label><select id="${esc(id)}-type" name="contentType">${types.map((t) => `<option value="${esc(t)}">${esc(t === JSON_TYPE ? 'JSON (application/json)' : 'form (application/x-www-form-urlencoded)')}</option>`).join('')}</select>`
        : '';
    const schema = resolve(doc, jsonMedia.schema);
    const card =
      input.face === 'cloudpayments' && isObj(schema.properties) && 'CardCryptogramPacket' in schema.properties
        ? `<div class="card-helper"><h4>Cryptogram from a test card</h4><div class="grid">${[
            ['number', 'Card number', '4000000000003055'],
            ['month', 'Month', '12'],
            ['year', 'Year', '30'],
            ['cvv', 'CVV', '123'],
          ]
            .map(
              ([k, label, value]) =>
                `<div><label for="${esc(id)}-card-${k}">${label}</label><input id="${esc(id)}-card-${k}" name="card.${k}" value="${value}" inputmode="numeric" autocomplete="off"></div>`,
            )
            .join(
              '',
            )}</div><div class="row"><button type="button" class="secondary" data-action="cryptogram" data-testid="cryptogram-${esc(id)}">Make cryptogram</button><span class="note" data-cryptogram-status></span></div><p class="note">Encrypted in this page with the gateway's key by <code>${esc(input.prefix)}/checkout.js</code>; 4000 0000 0000 3055 pays without 3-D Secure, 4242 4242 4242 4242 asks for it (docs/test-cards.md).</p></div>`
        : '';
    const text = json(example);
    const rows = Math.min(18, Math.max(4, text.split('\n').length + 1));
    body = `${card}<label for="${esc(id)}-body">Body</label><textarea id="${esc(id)}-body" name="body" rows="${rows}" spellcheck="false" autocomplete="off" data-testid="body-input-${esc(id)}">${esc(text)}</textarea>${select}`;
  }
  const auth = securityOf(doc, op)
    .flatMap((r) => Object.keys(r))
    .join(' ');
  return `<form class="try" data-op="${esc(id)}" data-method="${esc(method.toUpperCase())}" data-path="${esc(path)}" data-auth="${esc(auth)}" data-testid="try-${esc(id)}">
<h4>Try it</h4>
${fields.length ? `<div class="grid">${fields.join('')}</div>` : ''}
${body}
<div class="row"><button type="submit" data-testid="send-${esc(id)}">Send</button>${body ? '<button type="button" class="secondary" data-action="reset-body">Reset body</button>' : ''}<span class="note mono">${esc(method.toUpperCase())} ${esc(input.prefix + path)}</span></div>
</form>
<div class="answer" data-answer="${esc(id)}" data-testid="answer-${esc(id)}" aria-live="polite" hidden></div>`;
}

function operationHtml(
  input: FacePageInput,
  path: string,
  method: Method,
  op: Operation,
  opts: { anchor: string; interactive: boolean },
): string {
  const { doc } = input;
  const ps = params(doc, op);
  const parts: string[] = [md(op.description)];
  const badges = [authBadge(doc, op)];
  if (op['x-polypay-browser']) badges.push('<span class="badge browser">opened by a browser</span>');
  parts.push(`<p>${badges.join(' ')}</p>`);
  if (ps.length) {
    parts.push(
      `<h4>Parameters</h4><table class="params"><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${ps
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${esc(p.in)}</td><td>${schemaParts(doc, p.schema, 0, false).label}</td><td>${mdInline(p.description ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  if (op.requestBody) {
    parts.push(`<h4>Request body</h4>${op.requestBody.description ? `<p class="note">${mdInline(op.requestBody.description)}</p>` : ''}`);
    const media = op.requestBody.content;
    const types = Object.keys(media);
    parts.push(`<p class="note">${types.map((t) => `<code>${esc(t)}</code>`).join(' or ')}</p>`);
    const first = media[types[0]!]!;
    parts.push(schemaBlock(doc, first.schema));
    if (first.example !== undefined && !opts.interactive) parts.push(`<p class="note">Example</p><pre>${esc(json(first.example))}</pre>`);
  }
  parts.push(
    `<h4>Responses</h4>${Object.entries(op.responses)
      .map(([code, r]) => responseHtml(doc, code, r))
      .join('')}`,
  );
  if (op.callbacks) {
    parts.push(
      `<h4>Callbacks</h4><ul>${Object.entries(op.callbacks)
        .map(
          ([name, exprs]) =>
            `<li><code>${esc(name)}</code> to <code>${esc(Object.keys(exprs).join(', '))}</code>: see <a href="#webhook-${esc(name)}">Webhooks</a></li>`,
        )
        .join('')}</ul>`,
    );
  }
  if (opts.interactive && !op['x-polypay-browser']) parts.push(tryForm(input, path, method, op));
  return `<details class="op" id="${esc(opts.anchor)}" data-testid="${esc(opts.anchor)}"><summary><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span><code class="path">${esc(path)}</code><span class="sum">${esc(op.summary)}</span></summary><div class="op-body">${parts.join('\n')}</div></details>`;
}

function credentialsHtml(input: FacePageInput): string {
  const fields = input.credentials.map((f) => {
    const id = `cred-${f.name}`;
    const control =
      f.kind === 'textarea'
        ? `<textarea class="pem" id="${id}" name="${esc(f.name)}" spellcheck="false" autocomplete="off" data-testid="${id}" placeholder="-----BEGIN PRIVATE KEY-----">${esc(f.value)}</textarea>`
        : f.kind === 'select'
          ? `<select id="${id}" name="${esc(f.name)}" data-testid="${id}">${(f.options ?? []).map((o) => `<option${o === f.value ? ' selected' : ''}>${esc(o)}</option>`).join('')}</select>`
          : `<input id="${id}" name="${esc(f.name)}" value="${esc(f.value)}"${f.secret && !f.value ? ` placeholder="${input.operator || f.name === 'adminToken' ? 'paste it here' : 'sign in to fill in, or paste it here'}"` : ''} autocomplete="off" spellcheck="false" data-testid="${id}">`;
    return `<div${f.kind === 'textarea' ? ' class="wide"' : ''}><label for="${id}">${esc(f.label)}</label>${control}${f.hint ? `<p class="note">${mdInline(f.hint)}</p>` : ''}</div>`;
  });
  const signIn = `<a href="/dashboard/login?next=${encodeURIComponent(`/docs/${input.face}`)}" data-testid="sign-in">sign in</a>`;
  const who = !input.demo
    ? "There is no merchant <code>demo</code> on this gateway: fill in your merchant's credentials (<code>GET /admin/api/merchants</code> lists them)."
    : input.operator
      ? 'Filled in with the credentials of the demo merchant (<code>demo</code>).'
      : `Filled in with the public identifiers of the demo merchant (<code>demo</code>); its secrets are shown to a signed-in operator only: ${signIn} with the admin token, or paste them.`;
  return `<form class="creds" id="creds" autocomplete="off" data-testid="credentials"><h2>Credentials</h2><p class="note">${who} They stay in this page: requests are signed here, in the browser, and sent to this gateway only.</p><div class="grid">${fields.join('')}</div></form>`;
}

function tocHtml(input: FacePageInput): string {
  const { doc } = input;
  const byTag = new Map<string, string[]>();
  for (const { path, method, op } of operations(doc)) {
    const tag = op.tags?.[0] ?? 'Other';
    const list = byTag.get(tag) ?? [];
    list.push(
      `<li><a href="#op-${esc(op.operationId)}"><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span><span>${esc(op.summary)}</span></a></li>`,
    );
    byTag.set(tag, list);
    void path;
  }
  const sections = [...byTag.entries()].map(([tag, items]) => `<h3>${esc(tag)}</h3><ul>${items.join('')}</ul>`);
  const hooks = Object.keys(doc['x-webhooks'] ?? {});
  if (hooks.length)
    sections.push(`<h3>Webhooks</h3><ul>${hooks.map((h) => `<li><a href="#webhook-${esc(h)}">${esc(h)}</a></li>`).join('')}</ul>`);
  sections.push(`<h3>Schemas</h3><ul><li><a href="#schemas">All schemas</a></li></ul>`);
  return `<nav class="toc" aria-label="Operations"><details open><summary>Operations</summary><p class="small"><a href="#credentials">Credentials</a></p>${sections.join('')}</details></nav>`;
}

function shell(title: string, n: string, body: string, opts: { face?: string; prefix?: string; scripts?: string[] } = {}): string {
  const scripts = (opts.scripts ?? []).map((src) => `<script nonce="${n}" src="${esc(src)}"></script>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style nonce="${n}">${REFERENCE_CSS}</style>
</head>
<body${opts.face ? ` data-face="${esc(opts.face)}" data-prefix="${esc(opts.prefix ?? '')}"` : ''}>
${body}
${scripts}${opts.face ? `<script nonce="${n}">${CLIENT_SCRIPT}</script>` : ''}
</body>
</html>`;
}

export function renderFacePage(input: FacePageInput): string {
  const { doc } = input;
  const tags = doc.tags.map((t) => t.name);
  const byTag = new Map<string, string[]>();
  for (const { path, method, op } of operations(doc)) {
    const tag = op.tags?.[0] ?? 'Other';
    if (!tags.includes(tag)) tags.push(tag);
    const list = byTag.get(tag) ?? [];
    list.push(operationHtml(input, path, method, op, { anchor: `op-${op.operationId}`, interactive: true }));
    byTag.set(tag, list);
  }
  const sections = tags
    .filter((t) => byTag.has(t))
    .map((t) => {
      const d = doc.tags.find((x) => x.name === t)?.description;
      return `<section><h2>${esc(t)}</h2>${d ? `<p class="muted">${mdInline(d)}</p>` : ''}${byTag.get(t)!.join('\n')}</section>`;
    });
  const hooks = Object.entries(doc['x-webhooks'] ?? {}).map(([name, item]) => {
    const inner = (Object.entries(item as PathItem) as Array<[string, unknown]>)
      .filter(([k]) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
      .map(([m, op]) => operationHtml(input, name, m as Method, op as Operation, { anchor: `webhook-${name}`, interactive: false }));
    return inner.join('');
  });
  const schemas = Object.entries(doc.components.schemas).map(
    ([name, schema]) => `<div class="card" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${schemaBlock(doc, schema)}</div>`,
  );
  const body = `<header class="top"><a class="brand" href="/docs">Polypay API reference</a><span>${esc(doc.info.title)}</span><span class="links"><a href="/docs">All APIs</a><a href="/docs/${esc(input.face)}/openapi.json" data-testid="openapi-link">OpenAPI JSON</a></span></header>
<div class="layout">
${tocHtml(input)}
<main class="content">
<div class="card"><h1>${esc(doc.info.title)} <span class="muted small">version ${esc(doc.info.version)}</span></h1>
<p class="note">Base URL: ${doc.servers.map((s) => `<code>${esc(s.url)}</code>`).join(' or ')}</p>
${md(doc.info.description)}</div>
<section id="credentials">${credentialsHtml(input)}</section>
${sections.join('\n')}
${hooks.length ? `<section id="webhooks"><h2>Webhooks and callbacks</h2><p class="muted">What the gateway sends to your endpoints.</p>${hooks.join('\n')}</section>` : ''}
<section id="schemas"><h2>Schemas</h2>${schemas.join('\n')}</section>
</main>
</div>`;
  return shell(`${doc.info.title} · Polypay API reference`, input.nonce, body, {
    face: input.face,
    prefix: input.prefix,
    scripts: input.face === 'cloudpayments' ? [`${input.prefix}/checkout.js`] : [],
  });
}

export interface IndexEntry {
  face: string;
  title: string;
  summary: string;
  operations: number;
  webhooks: number;
  baseUrl: string;
}

export function renderIndex(entries: IndexEntry[], opts: { nonce: string; demo: boolean; operator: boolean }): string {
  const cards = entries.map(
    (e) =>
      `<div class="card" data-testid="face-${esc(e.face)}"><h2><a href="/docs/${esc(e.face)}">${esc(e.title)}</a></h2><p>${mdInline(e.summary)}</p><p class="note">${e.operations} operations${e.webhooks ? `, ${e.webhooks} webhook${e.webhooks > 1 ? 's' : ''}` : ''} · base URL <code>${esc(e.baseUrl)}</code></p><p><a href="/docs/${esc(e.face)}">Reference and try it</a> · <a href="/docs/${esc(e.face)}/openapi.json">OpenAPI JSON</a></p></div>`,
  );
  cards.push(
    `<div class="card" data-testid="face-admin"><h2><a href="/admin/openapi.json">Polypay admin API</a></h2><p>Operator API: merchants and credentials, payments, timelines, ledger, webhooks and replay, the sandbox clock, faults, reset, seed export and import. <code>Authorization: Bearer &lt;admin token&gt;</code>.</p><p><a href="/admin/openapi.json">OpenAPI JSON</a> · <a href="/dashboard">Dashboard</a></p></div>`,
  );
  const body = `<header class="top"><a class="brand" href="/docs">Polypay API reference</a><span class="links"><a href="/dashboard">Dashboard</a><a href="/healthz">Health</a></span></header>
<main class="page">
<div class="card"><h1>API reference</h1><p>The provider APIs this gateway speaks, wire-compatibly, each with an OpenAPI 3.0 document and an interactive page that signs requests in your browser exactly as the provider's clients do.</p>
<p class="note">${!opts.demo ? "There is no merchant <code>demo</code> on this gateway: the pages ask for your merchant's credentials." : opts.operator ? 'The pages are filled in with the credentials of the demo merchant (<code>demo</code>).' : 'The pages are filled in with the public identifiers of the demo merchant (<code>demo</code>); its secrets are filled in for a signed-in operator only (<a href="/dashboard/login?next=%2Fdocs" data-testid="sign-in">sign in</a>).'}</p></div>
<div class="faces">${cards.join('\n')}</div>
</main>`;
  return shell('Polypay API reference', opts.nonce, body);
}
