// Webhook deliveries: the list with a status filter, one delivery's request and every attempt, replay.
import type { DeliveryStatus } from '../../core/model.js';
import { esc } from '../../faces/kit/html.js';
import { deliveryRow, subjectLink } from './payments.js';
import { DashError, type Router } from './router.js';
import { badge, intParam, notFound, options, page, pager, postForm, pretty, queryOf, table, time } from './ui.js';

/** A response body: short ones inline, longer ones as an excerpt that opens to the whole text. */
function excerpt(body: string | null): string {
  if (!body) return '<span class="muted">(empty)</span>';
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= 60 && !body.includes('\n')) return `<code>${esc(body)}</code>`;
  return `<details><summary><code>${esc(flat.slice(0, 60))}…</code></summary>${pretty(body)}</details>`;
}

const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];
const PAGE = 25;

export function registerWebhooks(r: Router): void {
  r.get('/webhooks', async ({ op, req, v }) => {
    const q = queryOf(req);
    const merchants = await op.engine.read((tx) => tx.merchants.list());
    const status = STATUSES.includes(q.status as DeliveryStatus) ? q.status : undefined;
    const merchant = merchants.some((m) => m.id === q.merchant) ? q.merchant : undefined;
    const offset = intParam(q.offset, 0, 10_000_000);
    const items = await op.engine.read((tx) =>
      tx.deliveries.list({ ...(status ? { status } : {}), ...(merchant ? { merchantId: merchant } : {}), limit: PAGE, offset }),
    );
    const rows = items.map((d) => deliveryRow(v, d, '/dashboard/webhooks', true));
    const body = `<h1>Webhooks</h1>
<div class="card"><form method="get" action="/dashboard/webhooks" class="filters" id="webhook-filters">
<div class="f"><label for="wh-status">Status</label><select id="wh-status" name="status">${options(STATUSES, status, 'Any status')}</select></div>
<div class="f"><label for="wh-merchant">Merchant</label><select id="wh-merchant" name="merchant">${options(
      merchants.map((m) => [m.id, m.name] as [string, string]),
      merchant,
      'Any merchant',
    )}</select></div>
<div class="f btn"><button type="submit">Filter</button></div>
</form></div>
<div class="card">${table(['ID', 'Kind', 'Object', 'Merchant', 'Request', 'Status', 'Attempts', 'Last answer', 'Created (UTC)', ''], rows, { id: 'deliveries', empty: 'No webhook deliveries match.', numCols: [6] })}
${pager('/dashboard/webhooks', { status, merchant }, offset, PAGE, items.length, null)}</div>`;
    return page(v, { title: 'Webhooks', section: 'webhooks', body });
  });

  r.get('/webhooks/:id', async ({ op, v, params }) => {
    const id = Number(params.id);
    const d = Number.isSafeInteger(id) && id > 0 ? await op.engine.read((tx) => tx.deliveries.get(id)) : undefined;
    if (!d) return { status: 404, html: notFound(v, `There is no webhook delivery ${params.id}.`) };
    const attempts = await op.engine.read((tx) => tx.deliveries.listAttempts(d.id));
    const subject = subjectLink(d);
    const headers = Object.entries(d.headers).map(
      ([k, val]) => `<tr><td class="mono">${esc(k)}</td><td class="mono secret">${esc(val)}</td></tr>`,
    );
    const attemptRows = attempts.map(
      (a) =>
        `<tr data-attempt="${a.attempt}"><td class="num">${a.attempt}</td><td>${time(v, a.at)}</td><td>${a.responseStatus !== null ? `<span class="badge ${a.responseStatus >= 200 && a.responseStatus < 300 ? 'ok' : 'bad'}">HTTP ${a.responseStatus}</span>` : '<span class="badge bad">no answer</span>'}</td><td class="num">${a.durationMs} ms</td><td>${a.error ? esc(a.error) : '<span class="muted">—</span>'}</td><td>${excerpt(a.responseBody)}</td><td><details><summary>Headers sent</summary>${pretty(JSON.stringify(a.request.headers))}</details></td></tr>`,
    );
    const body = `<h1>Webhook delivery <span class="mono">${d.id}</span> ${badge(d.status)}</h1>
<div class="cols">
<section class="card" aria-labelledby="req-h"><h2 id="req-h">Request</h2>
<dl class="facts"><dt>Method</dt><dd id="wh-method">${esc(d.method)}</dd><dt>URL</dt><dd class="mono" id="wh-url">${esc(d.url)}</dd><dt>Kind</dt><dd>${esc(d.kind)}</dd><dt>Face</dt><dd>${esc(d.face)}</dd><dt>Object</dt><dd>${subject}</dd><dt>Merchant</dt><dd>${esc(d.merchantId)}</dd><dt>Event</dt><dd class="mono">${esc(d.eventId)}</dd></dl>
<h3>Headers</h3>${table(['Name', 'Value'], headers, { id: 'wh-headers', empty: 'No headers besides the signature added at each attempt.' })}
<h3>Body</h3><div id="wh-body">${pretty(d.body)}</div></section>
<div>
<section class="card" aria-labelledby="state-h"><h2 id="state-h">Delivery</h2>
<dl class="facts"><dt>Status</dt><dd>${badge(d.status)}</dd><dt>Attempts</dt><dd id="wh-attempts">${d.attempts} of ${d.maxAttempts}</dd><dt>Created</dt><dd>${time(v, d.createdAt)}</dd><dt>Delivered</dt><dd>${time(v, d.deliveredAt)}</dd>${d.status === 'pending' ? `<dt>Next attempt</dt><dd>${time(v, d.nextAttemptAt)}</dd>` : ''}<dt>Last answer</dt><dd>${d.lastStatus !== null ? `HTTP ${d.lastStatus}` : esc(d.lastError ?? '—')}</dd></dl>
${postForm(v, `/dashboard/webhooks/${d.id}/replay`, `<button type="submit" id="replay">Replay now</button>`, 'class="actions" id="replay-form"')}
<p class="muted small">Sends the same body again as a new attempt, signed afresh.</p>
</section>
</div>
</div>
<section class="card" aria-labelledby="att-h"><h2 id="att-h">Attempts</h2>${table(['#', 'At (UTC)', 'Answer', 'Duration', 'Error', 'Response body', ''], attemptRows, { id: 'attempts', empty: 'Not attempted yet.', numCols: [0, 3] })}</section>`;
    return page(v, { title: `Webhook ${d.id}`, section: 'webhooks', body });
  });

  r.post(
    '/webhooks/:id/replay',
    (p) => `/dashboard/webhooks/${encodeURIComponent(p.id ?? '')}`,
    async ({ op, params }, form) => {
      const id = Number(params.id);
      const a = Number.isSafeInteger(id) && id > 0 ? await op.engine.dispatcher.replay(id) : undefined;
      if (!a) throw new DashError(`There is no webhook delivery ${params.id}.`);
      const to = form.back && /^\/dashboard(\/[A-Za-z0-9/_-]*)?$/.test(form.back) ? form.back : `/dashboard/webhooks/${id}`;
      const ok = a.responseStatus !== null && a.responseStatus >= 200 && a.responseStatus < 300;
      return {
        to,
        flash: {
          kind: ok ? 'ok' : 'error',
          text: `Replayed delivery ${id}: ${a.responseStatus !== null ? `HTTP ${a.responseStatus}` : (a.error ?? 'no answer')} in ${a.durationMs} ms (attempt ${a.attempt}).`,
        },
      };
    },
  );
}
