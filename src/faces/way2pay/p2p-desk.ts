// Way2Pay's P2P desk in the operator dashboard (/dashboard/p2p): the pool of requisites payers transfer to, and
// the pay-ins the operator confirms (a different amount gives INCORRECT_AMOUNT) or fails. Drawn with the
// dashboard's UI kit (src/faces/kit/dashboard.ts); the same operations as the face's admin routes (admin.ts).
import { formatMajor, parseMajor } from '../../core/money.js';
import { DashboardError, type DashboardPages, type DashboardUi } from '../kit/dashboard.js';
import { esc } from '../kit/html.js';
import type { FaceContext } from '../face.js';
import type { Way2PayService } from './service.js';
import { way2payStore as S, type Requisite } from './store.js';
import { bankById, BANKS, PAYIN_METHODS, type RequisiteKind } from './reference-data.js';
import { STATUSES, type PayIn } from './wire.js';

const KINDS = [...new Set(Object.values(PAYIN_METHODS))] as RequisiteKind[];
const DESK = '/p2p';

/** Where an action returns to: the desk as the operator left it (its merchant and status), else the desk. */
const backOf = (f: Record<string, string>) => (f.back && f.back.startsWith(DESK) ? f.back : DESK);

function requisiteRows(ui: DashboardUi, requisites: Requisite[], merchant: string, back: string): string[] {
  return requisites.map(
    (x) =>
      `<tr><td>${x.id}</td><td>${esc(bankById(x.bankId)?.name ?? String(x.bankId))}</td><td>${esc(x.kind)}</td><td class="mono">${esc(x.value)}</td><td>${esc(x.holder)}</td><td>${x.isActive ? ui.badge('active') : ui.badge('inactive')}</td><td>${ui.postForm(
        `${DESK}/requisites/${x.id}/toggle`,
        `<input type="hidden" name="merchant" value="${esc(merchant)}"><input type="hidden" name="back" value="${esc(back)}"><input type="hidden" name="active" value="${x.isActive ? '0' : '1'}"><button type="submit" class="secondary" id="toggle-${x.id}">${x.isActive ? 'Disable' : 'Enable'}</button>`,
      )}</td></tr>`,
  );
}

function payInRows(ui: DashboardUi, payins: PayIn[], back: string): string[] {
  return payins.map((p) => {
    const actions =
      p.status === 'PENDING' || p.status === 'PROCESSING'
        ? `${ui.postForm(`${DESK}/pay-ins/${esc(p.id)}/confirm`, `<input type="hidden" name="back" value="${esc(back)}"><label class="sr-only" for="amt-${esc(p.id)}">Amount received</label><input name="amount" id="amt-${esc(p.id)}" placeholder="${esc(formatMajor(p.amount, p.currency))}" size="10"><button type="submit" id="confirm-${esc(p.id)}">Confirm</button>`, 'class="inline"')}${ui.postForm(
            `${DESK}/pay-ins/${esc(p.id)}/fail`,
            `<input type="hidden" name="back" value="${esc(back)}"><button type="submit" class="danger" id="fail-${esc(p.id)}">Fail</button>`,
            'class="inline"',
          )}`
        : '';
    return `<tr><td class="mono">${esc(p.id)}</td><td>${esc(p.externalId)}</td><td>${ui.badge(p.status)}</td><td class="num">${ui.money(p.amount, p.currency)}</td><td>${esc(p.receiver ?? '—')}</td><td>${ui.time(p.createdAt)}</td><td>${actions}</td></tr>`;
  });
}

export function registerP2pDesk(pages: DashboardPages, ctx: FaceContext, svc: Way2PayService): void {
  const { engine } = ctx;

  pages.page(DESK, 'P2P', async ({ ui, query }) => {
    const merchants = (
      await engine.read(async (tx) => {
        const all = await tx.merchants.list();
        const out = [];
        for (const m of all) if ((await tx.credentials.list(m.id)).some((c) => c.face === 'way2pay' && c.status === 'active')) out.push(m);
        return out;
      })
    ).map((m) => m.id);
    const merchant = query.merchant && merchants.includes(query.merchant) ? query.merchant : merchants[0];
    const status = query.status && (STATUSES as readonly string[]).includes(query.status) ? query.status : 'PENDING';
    const picker = `<form method="get" action="${esc(ui.href(DESK))}" class="filters"><label>Merchant <select name="merchant" id="p2p-merchant">${ui.options(merchants, merchant)}</select></label>
<label>Pay-ins <select name="status" id="p2p-status">${ui.options([...STATUSES], status)}</select></label><button type="submit" class="secondary">Show</button></form>`;
    if (!merchant)
      return ui.page({
        title: 'P2P',
        body: `<h1>P2P (Way2Pay)</h1><div class="card"><p>No merchant has Way2Pay credentials.</p></div>`,
      });
    const { requisites, payins } = await engine.read(async (tx) => ({
      requisites: await S.listRequisites(tx, merchant),
      payins: await S.listPayIns(tx, { merchantId: merchant, status: status as (typeof STATUSES)[number], limit: 100, offset: 0 }),
    }));
    const back = `${DESK}?${new URLSearchParams({ merchant, status }).toString()}`;
    const add = ui.postForm(
      `${DESK}/requisites`,
      `<input type="hidden" name="merchant" value="${esc(merchant)}"><input type="hidden" name="back" value="${esc(back)}">
<div class="grid-form"><label>Bank <select name="bank" id="req-bank">${ui.options(
        BANKS.map((b) => [String(b.id), b.name] as [string, string]),
        undefined,
      )}</select></label>
<label>Kind <select name="kind" id="req-kind">${ui.options(KINDS, 'card')}</select></label>
<label>Card, account or phone <input name="value" id="req-value" required></label>
<label>Holder <input name="holder" id="req-holder" required></label>
<button type="submit" id="req-add">Add to the pool</button></div>`,
    );
    const body = `<h1>P2P (Way2Pay)</h1>${picker}
<section class="card" aria-labelledby="pool-h"><h2 id="pool-h">Requisites pool</h2><p class="muted small">New pay-ins get the least recently used active requisite of their bank and method; pay-ins waiting for one get it as soon as it is added.</p>
${ui.table(['Id', 'Bank', 'Kind', 'Requisite', 'Holder', 'State', ''], requisiteRows(ui, requisites, merchant, back), { empty: 'No requisites yet.', id: 'requisites' })}${add}</section>
<section class="card" aria-labelledby="payins-h"><h2 id="payins-h">Pay-ins: ${esc(status)}</h2><p class="muted small">Confirm what the payer transferred: leave the amount empty for the expected one; another amount gives INCORRECT_AMOUNT.</p>
${ui.table(['Id', 'External id', 'Status', 'Amount', 'Paid to', 'Created', ''], payInRows(ui, payins.items, back), { empty: 'None.', id: 'payins', numCols: [3] })}</section>`;
    return ui.page({ title: 'P2P', body });
  });

  pages.action(`${DESK}/requisites`, DESK, async ({ form: f }) => {
    if (!f.merchant || !f.value?.trim() || !f.holder?.trim()) throw new DashboardError('Give the bank, the requisite and its holder.');
    if (!KINDS.includes(f.kind as RequisiteKind)) throw new DashboardError('Choose a kind of requisite.');
    const assigned = await engine.transaction(async (tx) => {
      const waiting = (await S.listWaitingPayIns(tx, f.merchant!)).length;
      await svc.addRequisite(tx, f.merchant!, {
        bank: Number(f.bank),
        kind: f.kind as RequisiteKind,
        value: f.value!.trim(),
        holder: f.holder!.trim(),
      });
      return waiting - (await S.listWaitingPayIns(tx, f.merchant!)).length;
    });
    return { to: backOf(f), flash: { kind: 'ok', text: `Requisite added${assigned ? `; ${assigned} waiting pay-in(s) got it` : ''}.` } };
  });

  pages.action(`${DESK}/requisites/:id/toggle`, DESK, async ({ params, form: f }) => {
    await engine.transaction((tx) => svc.setRequisiteActive(tx, f.merchant ?? '', Number(params.id), f.active === '1'));
    return { to: backOf(f), flash: { kind: 'ok', text: f.active === '1' ? 'Requisite enabled.' : 'Requisite disabled.' } };
  });

  pages.action(`${DESK}/pay-ins/:id/confirm`, DESK, async ({ params, form: f }) => {
    const p = await engine.transaction(async (tx) => {
      const cur = await svc.getPayIn(tx, params.id!);
      let amount: bigint | undefined;
      try {
        const text = (f.amount ?? '').replace(/[\s\u202f]/g, '');
        amount = text ? parseMajor(text.includes('.') ? text.replace(/,/g, '') : text.replace(',', '.'), cur.currency) : undefined;
      } catch {
        throw new DashboardError('The amount must be a number with at most two decimals.');
      }
      return svc.confirmPayIn(tx, cur.id, amount);
    });
    return { to: backOf(f), flash: { kind: 'ok', text: `Pay-in ${p.id}: ${p.status}.` } };
  });

  pages.action(`${DESK}/pay-ins/:id/fail`, DESK, async ({ params, form: f }) => {
    const p = await engine.transaction((tx) => svc.failPayIn(tx, params.id!));
    return { to: backOf(f), flash: { kind: 'ok', text: `Pay-in ${p.id}: ${p.status}.` } };
  });
}
