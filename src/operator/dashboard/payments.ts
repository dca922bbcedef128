// Payments and payouts: the list with filters, search by any id a face uses and paging; one object's
// page with its fields, refunds, face ids, webhook deliveries and full timeline; operator actions.
import { stringifyWithBigints } from '../../core/bigint-json.js';
import { maskCardNumbers } from '../../core/card-text.js';
import { randomToken } from '../../core/ids.js';
import { parseMajor } from '../../core/money.js';
import { type Delivery, type FaceName, type JsonObject, type ObjectRef, type Payment, type PaymentStatus } from '../../core/model.js';
import { search, timeline } from '../objects.js';
import type { OperatorContext } from '../context.js';
import { esc } from '../../faces/kit/html.js';
import { paymentRow } from './overview.js';
import { DashError, type Ctx, type Router } from './router.js';
import {
  badge,
  duration,
  maskedCard,
  money,
  notFound,
  options,
  page,
  pager,
  postForm,
  pretty,
  qs,
  queryOf,
  intParam,
  table,
  time,
  type View,
} from './ui.js';

export const STATUSES: PaymentStatus[] = [
  'created',
  'requires_authentication',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'declined',
  'expired',
  'failed',
];
const PAGE = 25;

function faceNames(op: OperatorContext): FaceName[] {
  return op.faces.map((f) => f.name);
}

function subTabs(active: 'payments' | 'payouts'): string {
  return `<nav class="tabs" aria-label="Kind"><a href="/dashboard/payments"${active === 'payments' ? ' aria-current="true"' : ''}>Payments</a><a href="/dashboard/payouts"${active === 'payouts' ? ' aria-current="true"' : ''}>Payouts</a></nav>`;
}

function jsonMoney(x: JsonObject): string {
  try {
    return money(BigInt(String(x.amount)), String(x.currency));
  } catch {
    return esc(String(x.amount ?? ''));
  }
}

export function registerPayments(r: Router): void {
  r.get('/payments', async ({ op, req, v }) => {
    const q = queryOf(req);
    const merchants = await op.engine.read((tx) => tx.merchants.list());
    const faces = faceNames(op);
    const text = (q.q ?? '').trim().slice(0, 200);
    const status = STATUSES.includes(q.status as PaymentStatus) ? (q.status as PaymentStatus) : undefined;
    const merchant = merchants.some((m) => m.id === q.merchant) ? q.merchant : undefined;
    const face = faceNames(op).includes(String(q.face)) ? String(q.face) : undefined;
    const offset = intParam(q.offset, 0, 10_000_000);
    const filters = `<form method="get" action="/dashboard/payments" class="filters" id="payment-filters" role="search">
<div class="f grow"><label for="q">Search by any id</label><input id="q" name="q" type="search" value="${esc(text)}" placeholder="transaction id, order slug, session id, invoice id…" autocomplete="off"></div>
<div class="f"><label for="status">Status</label><select id="status" name="status">${options(STATUSES, status, 'Any status')}</select></div>
<div class="f"><label for="merchant">Merchant</label><select id="merchant" name="merchant">${options(
      merchants.map((m) => [m.id, m.name] as [string, string]),
      merchant,
      'Any merchant',
    )}</select></div>
<div class="f"><label for="face">Face</label><select id="face" name="face">${options(faces, face, 'Any face')}</select></div>
<div class="f btn"><button type="submit" id="apply">Search</button></div>
${text || status || merchant || face ? '<div class="f btn"><a class="button secondary" href="/dashboard/payments">Clear</a></div>' : ''}
</form>`;
    const unknown =
      q.status && !status ? `<p class="flash error" role="alert">Unknown status “${esc(q.status)}”: showing every status.</p>` : '';
    let results: string;
    if (text) {
      const found = await search(op, text);
      const rows = found.map((x) => {
        const kind = String(x.kind);
        const id = String(x.id);
        const href =
          kind === 'payment'
            ? `/dashboard/payments/${encodeURIComponent(id)}`
            : kind === 'payout'
              ? `/dashboard/payouts/${encodeURIComponent(id)}`
              : null;
        const known = kind === 'payment' || kind === 'payout';
        return `<tr data-kind="${esc(kind)}"><td>${esc(kind)}</td><td>${href ? `<a class="mono" href="${esc(href)}">${esc(id)}</a>` : `<span class="mono">${esc(id)}</span>`}</td><td>${known ? esc(String(x.merchantId)) : '—'}</td><td>${known ? esc(String(x.face)) : '—'}</td><td>${known ? badge(String(x.status)) : '—'}</td><td class="num">${known ? jsonMoney(x) : '—'}</td><td>${esc(String(x.via ?? ''))}</td><td>${known ? time(v, Number(x.createdAt)) : '—'}</td></tr>`;
      });
      results = `<p class="muted small" id="search-summary">${found.length} result${found.length === 1 ? '' : 's'} for “${esc(text)}”.</p>${table(['Kind', 'ID', 'Merchant', 'Face', 'Status', 'Amount', 'Found by', 'Created (UTC)'], rows, { id: 'search-results', empty: 'Nothing has this id. Try a transaction id, an order slug, a session id or an invoice id.', numCols: [5] })}`;
    } else {
      const f = { ...(merchant ? { merchantId: merchant } : {}), ...(face ? { face } : {}), ...(status ? { statuses: [status] } : {}) };
      const [items, total] = await op.engine.read(
        async (tx) => [await tx.payments.list({ ...f, limit: PAGE, offset }), await tx.payments.count(f)] as const,
      );
      const rows = items.map((p) =>
        paymentRow(
          p,
          `<td class="num">${p.refundedAmount > 0n ? money(p.refundedAmount, p.currency) : '<span class="muted">—</span>'}</td><td>${time(v, p.createdAt)}</td>`,
        ),
      );
      results = `${table(['ID', 'Merchant', 'Face', 'Status', 'Amount', 'Card', 'Refunded', 'Created (UTC)'], rows, { id: 'payments-table', empty: 'No payments match these filters.', numCols: [4, 6] })}
${pager('/dashboard/payments', { status, merchant, face }, offset, PAGE, items.length, total)}`;
    }
    return page(v, {
      title: 'Payments',
      section: 'payments',
      body: `<h1>Payments</h1>${subTabs('payments')}${unknown}<div class="card">${filters}</div><div class="card">${results}</div>`,
    });
  });

  r.get('/payouts', async ({ op, req, v }) => {
    const q = queryOf(req);
    const merchants = await op.engine.read((tx) => tx.merchants.list());
    const merchant = merchants.some((m) => m.id === q.merchant) ? q.merchant : undefined;
    const face = faceNames(op).includes(String(q.face)) ? String(q.face) : undefined;
    const offset = intParam(q.offset, 0, 10_000_000);
    const items = await op.engine.read((tx) =>
      tx.payouts.list({ ...(merchant ? { merchantId: merchant } : {}), ...(face ? { face } : {}), limit: PAGE, offset }),
    );
    const rows = items.map(
      (p) =>
        `<tr><td><a class="mono" href="/dashboard/payouts/${p.id}">${p.id}</a></td><td>${esc(p.merchantId)}</td><td>${esc(p.face)}</td><td>${badge(p.status)}</td><td class="num">${money(p.amount, p.currency)}</td><td>${maskedCard(p.card)}</td><td>${time(v, p.createdAt)}</td></tr>`,
    );
    const body = `<h1>Payouts</h1>${subTabs('payouts')}
<div class="card"><form method="get" action="/dashboard/payouts" class="filters">
<div class="f"><label for="merchant">Merchant</label><select id="merchant" name="merchant">${options(
      merchants.map((m) => [m.id, m.name] as [string, string]),
      merchant,
      'Any merchant',
    )}</select></div>
<div class="f"><label for="face">Face</label><select id="face" name="face">${options(faceNames(op), face, 'Any face')}</select></div>
<div class="f btn"><button type="submit">Filter</button></div>
<p class="muted small">To find a payout by an order slug or another face id, use the search on the Payments page.</p>
</form></div>
<div class="card">${table(['ID', 'Merchant', 'Face', 'Status', 'Amount', 'Card', 'Created (UTC)'], rows, { id: 'payouts-table', empty: 'No payouts match these filters.', numCols: [4] })}
${pager('/dashboard/payouts', { merchant, face }, offset, PAGE, items.length, null)}</div>`;
    return page(v, { title: 'Payouts', section: 'payments', body });
  });

  r.get('/payments/:id', async (c) => {
    const { op, v } = c;
    const id = Number(c.params.id);
    const p = Number.isSafeInteger(id) && id > 0 ? await op.engine.read((tx) => tx.payments.get(id)) : undefined;
    if (!p) return { status: 404, html: notFound(v, `There is no payment ${c.params.id}.`) };
    const [refunds, refs, deliveries] = await op.engine.read(
      async (tx) =>
        [
          await tx.refunds.list(p.id),
          await tx.refs.findBySubject('payment', String(p.id)),
          await tx.deliveries.list({ subjectType: 'payment', subjectId: String(p.id), limit: 100 }),
        ] as const,
    );
    const facts: Array<[string, string]> = [
      ['Status', badge(p.status)],
      ['Amount', `<span id="amount">${money(p.amount, p.currency)}</span>`],
      ['Captured', money(p.capturedAmount, p.currency)],
      ['Refunded', money(p.refundedAmount, p.currency)],
      ['Merchant', `<a href="/dashboard/payments${qs({ merchant: p.merchantId })}">${esc(p.merchantId)}</a>`],
      ['Face', esc(p.face)],
      ['Capture', esc(p.captureMode)],
      ['Card', maskedCard(p.card)],
      ...(p.card
        ? ([
            ['Expiry', `${String(p.card.expMonth).padStart(2, '0')}/${p.card.expYear}`],
            ['Holder', esc(p.card.holder ?? '—')],
          ] as Array<[string, string]>)
        : []),
      ...(p.declineReason
        ? ([['Decline reason', `<span class="badge bad">${esc(p.declineReason)}</span>`]] as Array<[string, string]>)
        : []),
      ['Auth code / RRN', `${esc(p.authCode ?? '—')} / ${esc(p.rrn ?? '—')}`],
      ['Description', esc(p.description ?? '—')],
      ['Invoice / payer', `${esc(p.invoiceId ?? '—')} / ${esc(p.payerRef === null ? '—' : maskCardNumbers(p.payerRef))}`],
      ['Email / IP', `${esc(p.email ?? '—')} / ${esc(p.ip ?? '—')}`],
      ['Test mode', p.testMode ? 'yes' : 'no'],
      ['Created', time(v, p.createdAt)],
      ['Authorized', time(v, p.authorizedAt)],
      ['Captured at', time(v, p.capturedAt)],
      ...(p.voidedAt ? ([['Voided at', time(v, p.voidedAt)]] as Array<[string, string]>) : []),
      ...(p.declinedAt ? ([['Declined at', time(v, p.declinedAt)]] as Array<[string, string]>) : []),
      [
        'Expires',
        p.expiresAt && (p.status === 'created' || p.status === 'requires_authentication' || p.status === 'authorized')
          ? `${time(v, p.expiresAt)} <span class="muted small">(${esc(p.expiresAt > v.now ? 'in ' + duration(p.expiresAt - v.now) : duration(v.now - p.expiresAt) + ' ago')})</span>`
          : '—',
      ],
    ];
    const refundRows = refunds.map(
      (x) =>
        `<tr><td class="mono">${x.id}</td><td class="num">${money(x.amount, x.currency)}</td><td>${badge(x.status)}</td><td>${time(v, x.createdAt)}</td></tr>`,
    );
    const body = `<h1>Payment <span class="mono">${p.id}</span> ${badge(p.status)}</h1>
<div class="cols">
<section class="card" aria-labelledby="details-h"><h2 id="details-h">Details</h2>${factList(facts)}
${Object.keys(p.metadata).length ? `<h3>Metadata</h3>${pretty(JSON.stringify(p.metadata))}` : ''}</section>
<div>
${paymentActions(v, p)}
${refsCard(refs)}
<section class="card" aria-labelledby="refunds-h"><h2 id="refunds-h">Refunds</h2>${table(['ID', 'Amount', 'Status', 'At (UTC)'], refundRows, { id: 'refunds', empty: 'No refunds.', numCols: [1] })}</section>
</div>
</div>
${deliveriesCard(v, deliveries, `/dashboard/payments/${p.id}`)}
${await timelineCard(c, 'payment', String(p.id))}`;
    return page(v, { title: `Payment ${p.id}`, section: 'payments', body });
  });

  r.get('/payouts/:id', async (c) => {
    const { op, v } = c;
    const id = Number(c.params.id);
    const p = Number.isSafeInteger(id) && id > 0 ? await op.engine.read((tx) => tx.payouts.get(id)) : undefined;
    if (!p) return { status: 404, html: notFound(v, `There is no payout ${c.params.id}.`) };
    const [refs, deliveries] = await op.engine.read(
      async (tx) =>
        [
          await tx.refs.findBySubject('payout', String(p.id)),
          await tx.deliveries.list({ subjectType: 'payout', subjectId: String(p.id), limit: 100 }),
        ] as const,
    );
    const facts: Array<[string, string]> = [
      ['Status', badge(p.status)],
      ['Amount', `<span id="amount">${money(p.amount, p.currency)}</span>`],
      ['Merchant', esc(p.merchantId)],
      ['Face', esc(p.face)],
      ['Card', maskedCard(p.card)],
      ...(p.declineReason
        ? ([['Decline reason', `<span class="badge bad">${esc(p.declineReason)}</span>`]] as Array<[string, string]>)
        : []),
      ['Created', time(v, p.createdAt)],
      ['Completed', time(v, p.completedAt)],
      ...(p.status === 'created' || p.status === 'processing' ? ([['Expires', time(v, p.expiresAt)]] as Array<[string, string]>) : []),
    ];
    const body = `<h1>Payout <span class="mono">${p.id}</span> ${badge(p.status)}</h1>
<div class="cols">
<section class="card" aria-labelledby="details-h"><h2 id="details-h">Details</h2>${factList(facts)}
${Object.keys(p.metadata).length ? `<h3>Metadata</h3>${pretty(JSON.stringify(p.metadata))}` : ''}</section>
<div>${refsCard(refs)}</div>
</div>
${deliveriesCard(v, deliveries, `/dashboard/payouts/${p.id}`)}
${await timelineCard(c, 'payout', String(p.id))}`;
    return page(v, { title: `Payout ${p.id}`, section: 'payments', body });
  });

  // ---- operator actions on a payment
  const back = (p: Record<string, string>) => `/dashboard/payments/${encodeURIComponent(p.id ?? '')}`;
  const paymentOf = async (c: Ctx): Promise<Payment> => {
    const id = Number(c.params.id);
    const p = Number.isSafeInteger(id) && id > 0 ? await c.op.engine.read((tx) => tx.payments.get(id)) : undefined;
    if (!p) throw new DashError(`There is no payment ${c.params.id}.`);
    return p;
  };
  const amountOf = (text: string | undefined, p: Payment): bigint | null =>
    text && text.trim() ? parseMajor(text.trim().replace(/\s|,/g, ''), p.currency) : null;

  r.post(
    '/payments/:id/capture',
    back,
    async (c, f) => {
      const p = await paymentOf(c);
      const amount = amountOf(f.amount, p);
      const done = await c.op.engine.transaction((tx) => c.op.engine.payments.capture(tx, p.id, amount));
      return `Captured ${money(done.capturedAmount, done.currency)}.`;
    },
    { once: true },
  );
  r.post(
    '/payments/:id/void',
    back,
    async (c) => {
      const p = await paymentOf(c);
      await c.op.engine.transaction((tx) => c.op.engine.payments.void(tx, p.id, { allowCaptured: true }));
      return `Payment ${p.id} voided.`;
    },
    { once: true },
  );
  r.post(
    '/payments/:id/refund',
    back,
    async (c, f) => {
      const p = await paymentOf(c);
      const amount = amountOf(f.amount, p);
      const { refund } = await c.op.engine.transaction((tx) => c.op.engine.payments.refund(tx, p.id, amount));
      return `Refunded ${money(refund.amount, refund.currency)} (refund ${refund.id}).`;
    },
    { once: true },
  );
}

function factList(facts: Array<[string, string]>): string {
  return `<dl class="facts">${facts.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('')}</dl>`;
}

function paymentActions(v: View, p: Payment): string {
  const op = () => `<input type="hidden" name="_op" value="${randomToken(16)}">`;
  const parts: string[] = [];
  if (p.status === 'authorized') {
    parts.push(
      postForm(
        v,
        `/dashboard/payments/${p.id}/capture`,
        `${op()}<div class="f"><label for="capture-amount">Capture amount, ${esc(p.currency)}</label><input id="capture-amount" name="amount" inputmode="decimal" placeholder="all: ${esc(money(p.amount, p.currency))}" size="14"></div><button type="submit" id="capture">Capture</button>`,
        'id="capture-form"',
      ),
    );
  }
  if (p.status === 'captured' || p.status === 'partially_refunded') {
    const left = p.capturedAmount - p.refundedAmount;
    parts.push(
      postForm(
        v,
        `/dashboard/payments/${p.id}/refund`,
        `${op()}<div class="f"><label for="refund-amount">Refund amount, ${esc(p.currency)}</label><input id="refund-amount" name="amount" inputmode="decimal" placeholder="all: ${esc(money(left, p.currency))}" size="14"></div><button type="submit" id="refund">Refund</button>`,
        'id="refund-form"',
      ),
    );
  }
  if (
    p.status === 'created' ||
    p.status === 'requires_authentication' ||
    p.status === 'authorized' ||
    (p.status === 'captured' && p.refundedAmount === 0n)
  ) {
    parts.push(
      postForm(
        v,
        `/dashboard/payments/${p.id}/void`,
        `${op()}<button type="submit" class="danger" id="void">${p.status === 'captured' ? 'Void (reverse in full)' : 'Void'}</button>`,
        'id="void-form"',
      ),
    );
  }
  const inner = parts.length
    ? `<div class="actions">${parts.join('')}</div><p class="muted small">Amounts in major units (e.g. 12.50); leave empty for the full amount.</p>`
    : `<p class="muted" id="no-actions">No operator actions for a ${esc(p.status.replace(/_/g, ' '))} payment.</p>`;
  return `<section class="card" aria-labelledby="actions-h" id="actions"><h2 id="actions-h">Actions</h2>${inner}</section>`;
}

function refsCard(refs: ObjectRef[]): string {
  const rows = refs.map((x) => `<tr><td>${esc(x.face)}</td><td>${esc(x.kind)}</td><td class="mono break">${esc(x.ref)}</td></tr>`);
  return `<section class="card" aria-labelledby="refs-h"><h2 id="refs-h">Face ids</h2>${table(['Face', 'Kind', 'Id'], rows, { id: 'refs', empty: 'No face ids besides the transaction id.' })}</section>`;
}

export function subjectLink(d: Delivery): string {
  const label = `${esc(d.subjectType)} ${esc(d.subjectId)}`;
  return d.subjectType === 'payment' || d.subjectType === 'payout'
    ? `<a class="nowrap" href="/dashboard/${d.subjectType}s/${encodeURIComponent(d.subjectId)}">${label}</a>`
    : label;
}

export function deliveryRow(v: View, d: Delivery, replayBack: string | null, withObject = false): string {
  const replay = replayBack
    ? `<td>${postForm(v, `/dashboard/webhooks/${d.id}/replay`, `<input type="hidden" name="back" value="${esc(replayBack)}"><button type="submit" class="secondary small">Replay</button>`, 'class="inline"')}</td>`
    : '';
  const last = d.lastStatus !== null ? `HTTP ${d.lastStatus}` : d.lastError ? esc(d.lastError.slice(0, 60)) : '—';
  return `<tr data-delivery="${d.id}"><td><a class="mono" href="/dashboard/webhooks/${d.id}">${d.id}</a></td><td>${esc(d.kind)}</td>${withObject ? `<td>${subjectLink(d)}</td><td>${esc(d.merchantId)}</td>` : ''}<td class="mono small break">${esc(d.method)} ${esc(d.url)}</td><td>${badge(d.status)}</td><td class="num">${d.attempts}</td><td>${last}</td><td>${time(v, d.createdAt)}</td>${replay}</tr>`;
}

function deliveriesCard(v: View, deliveries: Delivery[], here: string): string {
  return `<section class="card" aria-labelledby="deliveries-h"><h2 id="deliveries-h">Webhook deliveries</h2>${table(
    ['ID', 'Kind', 'Request', 'Status', 'Attempts', 'Last answer', 'Created (UTC)', ''],
    deliveries.map((d) => deliveryRow(v, d, here)),
    { id: 'deliveries', empty: 'No webhooks were sent for this object.', numCols: [4] },
  )}</section>`;
}

const KINDS: Array<[string, string]> = [
  ['request', 'API requests'],
  ['event', 'State changes'],
  ['ledger', 'Ledger'],
  ['webhook', 'Webhooks'],
];

async function timelineCard(c: Ctx, type: 'payment' | 'payout', id: string): Promise<string> {
  const { v } = c;
  const kind = queryOf(c.req).kind;
  const tl = await timeline(c.op, type, id);
  const counts = Object.fromEntries(KINDS.map(([k]) => [k, tl.entries.filter((e) => e.kind === k).length]));
  // an API request is placed where it began (it is logged when it answered), before what it caused
  const started = (e: Entry) => (e.kind === 'request' ? e.at - Number((e.data as { durationMs?: number }).durationMs ?? 0) : e.at);
  const ordered = tl.entries.map((e) => ({ ...e, at: started(e) })).sort((a, b) => a.at - b.at);
  const shown = KINDS.some(([k]) => k === kind) ? ordered.filter((e) => e.kind === kind) : ordered;
  const base = `/dashboard/${type}s/${id}`;
  const tabs = `<nav class="tabs" aria-label="Timeline filter"><a href="${base}#timeline"${!kind ? ' aria-current="true"' : ''}>All (${tl.entries.length})</a>${KINDS.map(([k, label]) => `<a href="${base}?kind=${k}#timeline"${kind === k ? ' aria-current="true"' : ''}>${label} (${counts[k]})</a>`).join('')}</nav>`;
  const items = shown.map((e) => timelineEntry(v, e)).join('');
  return `<section class="card" aria-labelledby="timeline-h" id="timeline"><h2 id="timeline-h">Timeline</h2>${tabs}${items ? `<ol class="timeline" id="timeline-list">${items}</ol>` : '<p class="muted">Nothing recorded yet.</p>'}</section>`;
}

interface Entry {
  at: number;
  kind: string;
  title: string;
  data: unknown;
}

function timelineEntry(v: View, e: Entry): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  let title = esc(e.title);
  let details = '';
  switch (e.kind) {
    case 'request': {
      title = `${esc(d.method)} <span class="mono">${esc(d.path)}</span> → ${badge(String(d.status))}`;
      details = `<p class="small muted">Face ${esc(d.face)} · answered after ${esc(d.durationMs)} ms · request id <span class="mono">${esc(d.requestId)}</span></p><h3>Request body</h3>${pretty(d.requestBody as string | null)}<h3>Response body</h3>${pretty(d.responseBody as string | null)}`;
      break;
    }
    case 'event': {
      title = `State change: <span class="mono">${esc(e.title)}</span>`;
      details = `<p class="small muted">Event <span class="mono">${esc(d.eventId)}</span></p>${pretty(stringifyWithBigints(d.payload, 2))}`;
      break;
    }
    case 'ledger': {
      const amount = typeof d.amount === 'bigint' ? money(d.amount, String(d.currency)) : esc(String(d.amount));
      title = `Ledger: ${esc(d.code)} · ${esc(d.kind)} ${amount}`;
      details = `<p class="small"><span class="muted">debit</span> <span class="mono">${esc(d.debitAccountId)}</span> → <span class="muted">credit</span> <span class="mono">${esc(d.creditAccountId)}</span></p>${pretty(stringifyWithBigints(d, 2))}`;
      break;
    }
    case 'webhook': {
      const req = (d.request ?? {}) as { method?: string; url?: string; headers?: Record<string, string>; body?: string };
      const answer =
        d.responseStatus !== null && d.responseStatus !== undefined ? `HTTP ${esc(d.responseStatus)}` : esc(d.error ?? 'no answer');
      title = `Webhook attempt #${esc(d.attempt)}: ${esc(req.method)} <span class="mono">${esc(req.url)}</span> → ${answer}`;
      details = `<p class="small"><a href="/dashboard/webhooks/${esc(d.deliveryId)}">Delivery ${esc(d.deliveryId)}</a> · ${esc(d.durationMs)} ms${d.error ? ` · error: ${esc(d.error)}` : ''}</p><h3>Request headers</h3>${pretty(JSON.stringify(req.headers ?? {}))}<h3>Request body</h3>${pretty(req.body)}<h3>Response body</h3>${pretty(d.responseBody as string | null)}`;
      break;
    }
  }
  return `<li class="k-${esc(e.kind)}" data-kind="${esc(e.kind)}"><div class="tl-head">${time(v, e.at)} <span class="badge k-${esc(e.kind)}">${esc(e.kind)}</span> <span class="tl-title">${title}</span></div><details><summary>Details</summary>${details}</details></li>`;
}
