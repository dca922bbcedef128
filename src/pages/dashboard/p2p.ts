// Way2Pay's P2P desk: the pool of requisites payers transfer to, and the pay-ins the operator confirms
// (a different amount gives INCORRECT_AMOUNT) or fails.
import { formatMajor, parseMajor } from '../../core/money.js';
import { way2payService } from '../../faces/way2pay/operations.js';
import { way2payStore as S } from '../../faces/way2pay/store.js';
import { bankById, BANKS, PAYIN_METHODS, STATUSES, type RequisiteKind } from '../../faces/way2pay/wire.js';
import { esc } from '../../faces/kit/html.js';
import { DashError, type Router } from './router.js';
import { badge, money, options, page, postForm, qs, table, time } from './ui.js';

const KINDS = [...new Set(Object.values(PAYIN_METHODS))] as RequisiteKind[];

export function registerP2p(r: Router): void {
  r.get('/p2p', async ({ gw, v, req }) => {
    const q = req.query as { merchant?: string; status?: string };
    const merchants = (
      await gw.engine.read(async (tx) => {
        const all = await tx.merchants.list();
        const out = [];
        for (const m of all) if ((await tx.credentials.list(m.id)).some((c) => c.face === 'way2pay' && c.status === 'active')) out.push(m);
        return out;
      })
    ).map((m) => m.id);
    const merchant = q.merchant && merchants.includes(q.merchant) ? q.merchant : merchants[0];
    const status = q.status && (STATUSES as readonly string[]).includes(q.status) ? q.status : 'PENDING';
    const picker = `<form method="get" action="/dashboard/p2p" class="filters"><label>Merchant <select name="merchant" id="p2p-merchant">${options(merchants, merchant)}</select></label>
<label>Pay-ins <select name="status" id="p2p-status">${options([...STATUSES], status)}</select></label><button type="submit" class="secondary">Show</button></form>`;
    if (!merchant)
      return page(v, {
        title: 'P2P',
        section: 'p2p',
        body: `<h1>P2P (Way2Pay)</h1><div class="card"><p>No merchant has Way2Pay credentials.</p></div>`,
      });
    const { requisites, payins } = await gw.engine.read(async (tx) => ({
      requisites: await S.listRequisites(tx, merchant),
      payins: await S.listPayIns(tx, { merchantId: merchant, status: status as (typeof STATUSES)[number], limit: 100, offset: 0 }),
    }));
    const back = `/dashboard/p2p${qs({ merchant, status })}`;
    const reqRows = requisites.map(
      (x) =>
        `<tr><td>${x.id}</td><td>${esc(bankById(x.bankId)?.name ?? String(x.bankId))}</td><td>${esc(x.kind)}</td><td class="mono">${esc(x.value)}</td><td>${esc(x.holder)}</td><td>${x.isActive ? badge('active') : badge('inactive')}</td><td>${postForm(
          v,
          `/dashboard/p2p/requisites/${x.id}/toggle`,
          `<input type="hidden" name="merchant" value="${esc(merchant)}"><input type="hidden" name="back" value="${esc(back)}"><input type="hidden" name="active" value="${x.isActive ? '0' : '1'}"><button type="submit" class="secondary" id="toggle-${x.id}">${x.isActive ? 'Disable' : 'Enable'}</button>`,
        )}</td></tr>`,
    );
    const add = postForm(
      v,
      '/dashboard/p2p/requisites',
      `<input type="hidden" name="merchant" value="${esc(merchant)}"><input type="hidden" name="back" value="${esc(back)}">
<div class="grid-form"><label>Bank <select name="bank" id="req-bank">${options(
        BANKS.map((b) => [String(b.id), b.name] as [string, string]),
        undefined,
      )}</select></label>
<label>Kind <select name="kind" id="req-kind">${options(KINDS, 'card')}</select></label>
<label>Card, account or phone <input name="value" id="req-value" required></label>
<label>Holder <input name="holder" id="req-holder" required></label>
<button type="submit" id="req-add">Add to the pool</button></div>`,
    );
    const payRows = payins.items.map((p) => {
      const actions =
        p.status === 'PENDING' || p.status === 'PROCESSING'
          ? `${postForm(v, `/dashboard/p2p/pay-ins/${esc(p.id)}/confirm`, `<input type="hidden" name="back" value="${esc(back)}"><label class="sr-only" for="amt-${esc(p.id)}">Amount received</label><input name="amount" id="amt-${esc(p.id)}" placeholder="${esc(formatMajor(p.amount, p.currency))}" size="10"><button type="submit" id="confirm-${esc(p.id)}">Confirm</button>`, 'class="inline"')}${postForm(
              v,
              `/dashboard/p2p/pay-ins/${esc(p.id)}/fail`,
              `<input type="hidden" name="back" value="${esc(back)}"><button type="submit" class="danger" id="fail-${esc(p.id)}">Fail</button>`,
              'class="inline"',
            )}`
          : '';
      return `<tr><td class="mono">${esc(p.id)}</td><td>${esc(p.externalId)}</td><td>${badge(p.status)}</td><td class="num">${money(p.amount, p.currency)}</td><td>${esc(p.receiver ?? '—')}</td><td>${time(v, p.createdAt)}</td><td>${actions}</td></tr>`;
    });
    const body = `<h1>P2P (Way2Pay)</h1>${picker}
<section class="card" aria-labelledby="pool-h"><h2 id="pool-h">Requisites pool</h2><p class="muted small">New pay-ins get the least recently used active requisite of their bank and method; pay-ins waiting for one get it as soon as it is added.</p>
${table(['Id', 'Bank', 'Kind', 'Requisite', 'Holder', 'State', ''], reqRows, { empty: 'No requisites yet.', id: 'requisites' })}${add}</section>
<section class="card" aria-labelledby="payins-h"><h2 id="payins-h">Pay-ins: ${esc(status)}</h2><p class="muted small">Confirm what the payer transferred: leave the amount empty for the expected one; another amount gives INCORRECT_AMOUNT.</p>
${table(['Id', 'External id', 'Status', 'Amount', 'Paid to', 'Created', ''], payRows, { empty: 'None.', id: 'payins', numCols: [3] })}</section>`;
    return page(v, { title: 'P2P', section: 'p2p', body });
  });

  const backOf = (f: Record<string, string>) => (f.back && f.back.startsWith('/dashboard/p2p') ? f.back : '/dashboard/p2p');

  r.post(
    '/p2p/requisites',
    () => '/dashboard/p2p',
    async ({ gw }, f) => {
      if (!f.merchant || !f.value?.trim() || !f.holder?.trim()) throw new DashError('Give the bank, the requisite and its holder.');
      if (!KINDS.includes(f.kind as RequisiteKind)) throw new DashError('Choose a kind of requisite.');
      const svc = way2payService(gw.engine);
      const assigned = await gw.engine.transaction(async (tx) => {
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
    },
  );

  r.post(
    '/p2p/requisites/:id/toggle',
    () => '/dashboard/p2p',
    async ({ gw, params }, f) => {
      await gw.engine.transaction((tx) =>
        way2payService(gw.engine).setRequisiteActive(tx, f.merchant ?? '', Number(params.id), f.active === '1'),
      );
      return { to: backOf(f), flash: { kind: 'ok', text: f.active === '1' ? 'Requisite enabled.' : 'Requisite disabled.' } };
    },
  );

  r.post(
    '/p2p/pay-ins/:id/confirm',
    () => '/dashboard/p2p',
    async ({ gw, params }, f) => {
      const svc = way2payService(gw.engine);
      const p = await gw.engine.transaction(async (tx) => {
        const cur = await svc.getPayIn(tx, params.id!);
        let amount: bigint | undefined;
        try {
          const text = (f.amount ?? '').replace(/[\s\u202f]/g, '');
          amount = text ? parseMajor(text.includes('.') ? text.replace(/,/g, '') : text.replace(',', '.'), cur.currency) : undefined;
        } catch {
          throw new DashError('The amount must be a number with at most two decimals.');
        }
        return svc.confirmPayIn(tx, cur.id, amount);
      });
      return { to: backOf(f), flash: { kind: 'ok', text: `Pay-in ${p.id}: ${p.status}.` } };
    },
    { once: false },
  );

  r.post(
    '/p2p/pay-ins/:id/fail',
    () => '/dashboard/p2p',
    async ({ gw, params }, f) => {
      const p = await gw.engine.transaction((tx) => way2payService(gw.engine).failPayIn(tx, params.id!));
      return { to: backOf(f), flash: { kind: 'ok', text: `Pay-in ${p.id}: ${p.status}.` } };
    },
  );
}
