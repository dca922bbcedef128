// Sandbox controls: the test clock (advance, freeze, unfreeze), fault rules (listed, added, removed)
// and the one-time codes the simulated issuer sent.
import type { FaultRule, LatencySpec } from '../faults.js';
import { esc } from '../../faces/kit/html.js';
import { clockCard } from './overview.js';
import { DashError, type Router } from './router.js';
import { badge, duration, options, page, postForm, table, time } from './ui.js';

const UNITS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const DISTRIBUTIONS: LatencySpec['distribution'][] = ['fixed', 'uniform', 'normal', 'exponential'];

function num(text: string | undefined, name: string, o: { min?: number; max?: number; int?: boolean } = {}): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  if (!Number.isFinite(n) || (o.int && !Number.isInteger(n)) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
    throw new DashError(
      `${name} must be ${o.int ? 'a whole number' : 'a number'}${o.min !== undefined ? ` from ${o.min}` : ''}${o.max !== undefined ? ` to ${o.max}` : ''}.`,
    );
  }
  return n;
}

function describeFault(f: FaultRule): { scope: string; effect: string } {
  const scope = [
    f.face ? `face ${f.face}` : 'every face',
    f.route ? `route ${f.route}*` : null,
    f.merchantId ? `merchant ${f.merchantId}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const effect: string[] = [];
  if (f.latency) {
    const l = f.latency;
    effect.push(
      l.distribution === 'fixed'
        ? `+${l.ms} ms latency`
        : l.distribution === 'uniform'
          ? `+${l.ms}–${l.maxMs ?? l.ms} ms latency (uniform)`
          : l.distribution === 'normal'
            ? `+${l.ms} ± ${l.stddevMs ?? l.ms / 4} ms latency (normal)`
            : `+${l.ms} ms mean latency (exponential)`,
    );
  }
  if (f.status !== undefined) effect.push(`answers HTTP ${f.status}`);
  if (f.drop) effect.push('drops the connection');
  if (f.webhookFail) effect.push('webhook receiver fails');
  return { scope, effect: effect.join(', ') };
}

export function registerClock(r: Router): void {
  r.get('/clock', async ({ op, v }) => {
    const s = op.engine.clock.state();
    const merchants = await op.engine.read((tx) => tx.merchants.list());
    const challenges = (await op.engine.read((tx) => tx.challenges.list(null, 50))).filter((c) => c.kind === 'otp');
    const faults = op.faults.list();
    const faceNames = op.faces.map((f) => f.name);

    const quick = (label: string, amount: number, unit: string, id: string) =>
      postForm(
        v,
        '/dashboard/clock/advance',
        `<input type="hidden" name="amount" value="${amount}"><input type="hidden" name="unit" value="${unit}"><button type="submit" class="secondary" id="${id}">${label}</button>`,
      );
    const controls = `<section class="card" aria-labelledby="ctl-h"><h2 id="ctl-h">Move the clock</h2>
<p class="muted small">Every timeout reads this clock: token and session expiries, 3-D Secure timeouts, hold releases, webhook retries. It only moves forward.</p>
<div class="actions">${quick('+15 min', 15, 'minutes', 'adv-15m')}${quick('+1 hour', 1, 'hours', 'adv-1h')}${quick('+1 day', 1, 'days', 'adv-1d')}</div>
<h3>Advance by</h3>
${postForm(v, '/dashboard/clock/advance', `<div class="f"><label for="adv-amount">Amount</label><input id="adv-amount" name="amount" type="number" min="0" step="any" required size="6"></div><div class="f"><label for="adv-unit">Unit</label><select id="adv-unit" name="unit">${options(Object.keys(UNITS), 'minutes')}</select></div><button type="submit" id="advance">Advance</button>`, 'class="actions" id="advance-form"')}
<h3>Freeze</h3>
<div class="actions">${s.frozen ? postForm(v, '/dashboard/clock/unfreeze', '<button type="submit" id="unfreeze">Unfreeze (run from here)</button>', 'id="unfreeze-form"') : postForm(v, '/dashboard/clock/freeze', '<button type="submit" class="secondary" id="freeze">Freeze at this instant</button>', 'id="freeze-form"')}</div>
</section>`;

    const faultRows = faults.map((f) => {
      const d = describeFault(f);
      return `<tr data-fault="${esc(f.id)}"><td class="mono small">${esc(f.id)}</td><td>${esc(d.scope)}</td><td>${esc(d.effect)}</td><td class="num">${f.probability !== undefined ? `${Math.round(f.probability * 1000) / 10}%` : '100%'}</td><td class="num">${f.remaining !== undefined ? f.remaining : '∞'}</td><td>${f.createdAt ? time(v, f.createdAt) : '—'}</td><td>${postForm(v, `/dashboard/faults/${encodeURIComponent(f.id)}/remove`, `<button type="submit" class="danger small" aria-label="Remove fault ${esc(f.id)}">Remove</button>`, 'class="inline"')}</td></tr>`;
    });
    const faultForm = postForm(
      v,
      '/dashboard/faults',
      `<fieldset><legend>Where</legend><div class="form-grid">
<div class="f"><label for="fault-face">Face</label><select id="fault-face" name="face">${options(faceNames, undefined, 'Every face')}</select></div>
<div class="f"><label for="fault-route">Route prefix</label><input id="fault-route" name="route" placeholder="/v2/accounts" autocomplete="off"></div>
<div class="f"><label for="fault-merchant">Merchant</label><select id="fault-merchant" name="merchant">${options(
        merchants.map((m) => [m.id, m.name] as [string, string]),
        undefined,
        'Any merchant',
      )}</select></div>
<div class="f"><label for="fault-probability">Probability (0–1)</label><input id="fault-probability" name="probability" type="number" min="0" max="1" step="0.01" placeholder="1"></div>
<div class="f"><label for="fault-remaining">Only the next N requests</label><input id="fault-remaining" name="remaining" type="number" min="1" step="1" placeholder="unlimited"></div>
</div></fieldset>
<fieldset><legend>What</legend><div class="form-grid">
<div class="f"><label for="fault-dist">Added latency</label><select id="fault-dist" name="distribution">${options(DISTRIBUTIONS, undefined, 'none')}</select></div>
<div class="f"><label for="fault-ms">Latency ms (fixed, min or mean)</label><input id="fault-ms" name="ms" type="number" min="0" step="1"></div>
<div class="f"><label for="fault-max">Max ms (uniform)</label><input id="fault-max" name="maxMs" type="number" min="0" step="1"></div>
<div class="f"><label for="fault-stddev">Std dev ms (normal)</label><input id="fault-stddev" name="stddevMs" type="number" min="0" step="1"></div>
<div class="f"><label for="fault-status">HTTP status</label><input id="fault-status" name="status" type="number" min="100" max="599" step="1" placeholder="e.g. 503"></div>
<div class="f"><label for="fault-body">Response body</label><input id="fault-body" name="body" placeholder='{"error":"fault injected"}' autocomplete="off"></div>
<div class="f check"><input id="fault-drop" name="drop" type="checkbox" value="1"><label for="fault-drop">Drop the connection</label></div>
<div class="f check"><input id="fault-webhook" name="webhookFail" type="checkbox" value="1"><label for="fault-webhook">Make webhook receivers fail</label></div>
</div></fieldset>
<button type="submit" id="add-fault">Add fault</button>`,
      'id="fault-form"',
    );

    const otpRows = challenges.map(
      (c) =>
        `<tr><td>${time(v, c.createdAt)}</td><td>${esc(c.merchantId)}</td><td>${c.subjectType === 'payment' || c.subjectType === 'payout' ? `<a href="/dashboard/${c.subjectType}s/${encodeURIComponent(c.subjectId)}">${esc(c.subjectType)} ${esc(c.subjectId)}</a>` : `${esc(c.subjectType)} ${esc(c.subjectId)}`}</td><td class="mono"><strong>${esc(c.otpCode ?? '—')}</strong></td><td>${badge(c.status)}</td><td class="num">${c.attempts}</td><td>${time(v, c.expiresAt)}</td></tr>`,
    );

    const body = `<h1>Clock &amp; faults</h1>
<div class="cols">${controls}${clockCard(s, false)}</div>
<section class="card" aria-labelledby="faults-h" id="faults"><h2 id="faults-h">Fault rules</h2>
<p class="muted small">Rules apply to face requests (not to the dashboard or the admin API). A rule with a merchant applies after the request is processed.</p>
${table(['ID', 'Applies to', 'Effect', 'Probability', 'Left', 'Added (UTC, real time)', ''], faultRows, { id: 'faults-table', empty: 'No faults: every request is served normally.', numCols: [3, 4] })}
<h3>Add a fault</h3>${faultForm}
</section>
<section class="card" aria-labelledby="otp-h" id="otp"><h2 id="otp-h">One-time codes sent</h2>
<p class="muted small">The codes the simulated issuer “sent” for OTP cards (the latest 50).</p>
${table(['Sent (UTC)', 'Merchant', 'Object', 'Code', 'Status', 'Attempts', 'Expires (UTC)'], otpRows, { id: 'otp-table', empty: 'No one-time codes sent yet.', numCols: [5] })}
</section>`;
    return page(v, { title: 'Clock & faults', section: 'clock', body });
  });

  const back = () => '/dashboard/clock';
  r.post('/clock/advance', back, async ({ op }, f) => {
    const unit = UNITS[f.unit ?? ''];
    if (!unit) throw new DashError('Choose minutes, hours or days.');
    const amount = num(f.amount, 'The amount', { min: 0, max: 3650 * (86_400_000 / unit) });
    if (amount === undefined) throw new DashError('Give an amount to advance by.');
    const ms = Math.round(amount * unit);
    op.engine.clock.advance(ms);
    await op.engine.clockSaved();
    return `Clock advanced by ${duration(ms)}.`;
  });
  r.post('/clock/freeze', back, async ({ op }) => {
    op.engine.clock.freeze();
    await op.engine.clockSaved();
    return 'Clock frozen.';
  });
  r.post('/clock/unfreeze', back, async ({ op }) => {
    op.engine.clock.unfreeze();
    await op.engine.clockSaved();
    return 'Clock running again.';
  });

  const faultsBack = () => '/dashboard/clock#faults';
  r.post('/faults', faultsBack, async ({ op }, f) => {
    const rule: Omit<FaultRule, 'id'> = {};
    const faceNames = op.faces.map((x) => x.name as string);
    if (f.face) {
      if (!faceNames.includes(f.face)) throw new DashError(`Unknown face ${f.face}.`);
      rule.face = f.face;
    }
    if (f.route && f.route.trim()) {
      const route = f.route.trim();
      if (!route.startsWith('/') || route.length > 300) throw new DashError('A route prefix starts with / (for example /v2/accounts).');
      rule.route = route;
    }
    if (f.merchant) {
      if (!(await op.engine.read((tx) => tx.merchants.get(f.merchant!)))) throw new DashError(`There is no merchant ${f.merchant}.`);
      rule.merchantId = f.merchant;
    }
    const probability = num(f.probability, 'Probability', { min: 0, max: 1 });
    if (probability !== undefined) rule.probability = probability;
    const remaining = num(f.remaining, 'The request count', { min: 1, int: true });
    if (remaining !== undefined) rule.remaining = remaining;
    if (f.distribution) {
      const dist = f.distribution as LatencySpec['distribution'];
      if (!DISTRIBUTIONS.includes(dist)) throw new DashError('Unknown latency distribution.');
      const ms = num(f.ms, 'Latency ms', { min: 0, max: 600_000 });
      if (ms === undefined) throw new DashError('Give the latency in ms for the distribution.');
      const maxMs = num(f.maxMs, 'Max ms', { min: 0, max: 600_000 });
      const stddevMs = num(f.stddevMs, 'Std dev ms', { min: 0, max: 600_000 });
      if (dist === 'uniform' && maxMs !== undefined && maxMs < ms) throw new DashError('Max ms must be at least the minimum.');
      rule.latency = {
        distribution: dist,
        ms,
        ...(dist === 'uniform' && maxMs !== undefined ? { maxMs } : {}),
        ...(dist === 'normal' && stddevMs !== undefined ? { stddevMs } : {}),
      };
    }
    const status = num(f.status, 'HTTP status', { min: 100, max: 599, int: true });
    if (status !== undefined) rule.status = status;
    if (f.body && f.body.trim()) rule.body = f.body.slice(0, 10_000);
    if (f.drop) rule.drop = true;
    if (f.webhookFail) rule.webhookFail = true;
    if (!rule.latency && rule.status === undefined && !rule.drop && !rule.webhookFail)
      throw new DashError('A fault needs an effect: added latency, an HTTP status, a dropped connection or failing webhooks.');
    const added = await op.faults.add(rule);
    return `Fault ${added.id} added: ${describeFault(added).effect} for ${describeFault(added).scope}.`;
  });
  r.post('/faults/:id/remove', faultsBack, async ({ op, params }) => {
    if (!(await op.faults.remove(params.id ?? ''))) throw new DashError(`There is no fault ${params.id}.`);
    return `Fault ${params.id} removed.`;
  });
}
