// Merchants: their per-face credentials (secrets behind a reveal) and ledger balances; reset of one
// merchant's data, or of everything, with a typed confirmation.
import { balanceOf } from '../../core/ledger.js';
import type { LedgerAccount } from '../../core/model.js';
import { esc } from '../../faces/kit/html.js';
import { DashError, type Router } from './router.js';
import { recordSession } from './session.js';
import { money, page, postForm, table, time, type View } from './ui.js';

/** Credential fields a person should not see by accident. */
const SECRET = /secret|private|token|password/i;

function credentialValue(name: string, value: string): string {
  const multiline = value.includes('\n');
  const shown = multiline ? `<pre class="secret">${esc(value)}</pre>` : `<code class="secret">${esc(value)}</code>`;
  if (!value) return '<span class="muted">—</span>';
  if (!SECRET.test(name)) return shown;
  return `<details class="reveal"><summary>Reveal ${esc(name)}</summary>${shown}</details>`;
}

function balances(accounts: LedgerAccount[]): string {
  const rows = accounts
    .filter((a) => a.kind === 'available')
    .map((a) => {
      const b = balanceOf(a);
      return `<tr><td>${esc(a.currency)}</td><td class="num">${money(b.available, a.currency, false)}</td><td class="num">${money(b.posted, a.currency, false)}</td><td class="num">${money(b.frozenIn, a.currency, false)}</td><td class="num">${money(b.frozenOut, a.currency, false)}</td></tr>`;
    });
  return table(['Currency', 'Available', 'Posted', 'Incoming holds', 'Outgoing holds'], rows, {
    empty: 'No ledger accounts yet.',
    numCols: [1, 2, 3, 4],
  });
}

function merchantCard(
  v: View,
  info: { merchant: { id: string; name: string; createdAt: number }; faces: Record<string, Record<string, string>> },
  accounts: LedgerAccount[],
): string {
  const m = info.merchant;
  const faces = Object.entries(info.faces)
    .map(
      ([face, fields]) =>
        `<div class="cred-face" data-face="${esc(face)}"><h3>${esc(face)}</h3><dl class="facts">${Object.entries(fields)
          .map(([k, val]) => `<dt>${esc(k)}</dt><dd>${credentialValue(k, val)}</dd>`)
          .join('')}</dl></div>`,
    )
    .join('');
  const reset = `<details><summary>Reset this merchant…</summary>
<p class="small muted">Deletes every payment, payout, webhook, ledger entry and credential of ${esc(m.name)} and recreates the merchant from the seed (credentials from the seed stay the same).</p>
${postForm(v, `/dashboard/merchants/${encodeURIComponent(m.id)}/reset`, `<div class="f"><label for="confirm-${esc(m.id)}">Type <code>${esc(m.id)}</code> to confirm</label><input id="confirm-${esc(m.id)}" name="confirm" autocomplete="off" required></div><button type="submit" class="danger">Reset ${esc(m.id)}</button>`, 'class="actions"')}
</details>`;
  return `<section class="card" aria-labelledby="m-${esc(m.id)}" data-merchant="${esc(m.id)}">
<div class="merchant-head"><h2 id="m-${esc(m.id)}">${esc(m.name)} <span class="muted mono small">${esc(m.id)}</span></h2><span class="small muted">created ${time(v, m.createdAt)} · <a href="/dashboard/payments?merchant=${encodeURIComponent(m.id)}">payments</a> · <a href="/dashboard/webhooks?merchant=${encodeURIComponent(m.id)}">webhooks</a></span></div>
<div class="grid">
<div><h3>Credentials</h3>${faces || '<p class="muted">No active credentials.</p>'}</div>
<div><h3>Balances</h3>${balances(accounts)}</div>
</div>
${reset}
</section>`;
}

export function registerMerchants(r: Router): void {
  r.get('/merchants', async ({ op, v }) => {
    const list = await op.merchants.list();
    const accounts = await op.engine.read((tx) => tx.ledger.listAccounts());
    const cards = list
      .map((info) =>
        merchantCard(
          v,
          info,
          accounts.filter((a) => a.merchantId === info.merchant.id),
        ),
      )
      .join('');
    const body = `<h1>Merchants</h1>
${cards || '<div class="card"><p class="muted">No merchants. Create them with the admin API, the CLI (<code>polypay merchant create</code>) or a seed file.</p></div>'}
<section class="card" aria-labelledby="reset-all-h"><h2 id="reset-all-h">Reset everything</h2>
<details><summary>Reset all data…</summary><p class="small muted">Empties every table and applies the seed (or the demo merchant) again. The sandbox clock goes back to real time.</p>
${postForm(v, '/dashboard/reset', `<div class="f"><label for="confirm-all">Type <code>reset all</code> to confirm</label><input id="confirm-all" name="confirm" autocomplete="off" required></div><button type="submit" class="danger">Reset all data</button>`, 'class="actions"')}</details>
</section>`;
    return page(v, { title: 'Merchants', section: 'merchants', body });
  });

  r.post(
    '/merchants/:id/reset',
    () => '/dashboard/merchants',
    async ({ op, params }, form) => {
      const id = params.id ?? '';
      if (!(await op.engine.read((tx) => tx.merchants.get(id)))) throw new DashError(`There is no merchant ${id}.`);
      if ((form.confirm ?? '').trim() !== id) throw new DashError(`Not reset: type the merchant id “${id}” to confirm.`);
      await op.merchants.reset(id);
      return `Merchant ${id} was reset.`;
    },
  );

  r.post(
    '/reset',
    () => '/dashboard/merchants',
    async ({ op, session }, form) => {
      if ((form.confirm ?? '').trim().toLowerCase() !== 'reset all') throw new DashError('Not reset: type “reset all” to confirm.');
      await op.resetAll();
      // the reset emptied the recorded sessions too: the operator who asked for it stays signed in
      await recordSession(op, session);
      return 'Every table was emptied and the seed applied again.';
    },
  );
}
