// The operator commands of the CLI: they talk to a running gateway through its admin API.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

interface Conn {
  url: string;
  token: string;
  json: boolean;
}

function conn(cmd: Command): Conn {
  const o = cmd.optsWithGlobals() as { url?: string; token?: string; json?: boolean };
  const url = (o.url ?? process.env.POLYPAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const token = o.token ?? process.env.POLYPAY_ADMIN_TOKEN ?? '';
  if (!token) throw new Error('an admin token is needed: --token or POLYPAY_ADMIN_TOKEN (printed by `polypay start`)');
  return { url, token, json: Boolean(o.json) };
}

async function call(c: Conn, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${c.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data?.error ?? text}`);
  return data;
}

function out(c: Conn, data: unknown, human: () => string): void {
  process.stdout.write((c.json ? JSON.stringify(data, null, 2) : human()) + '\n');
}

function table(rows: Array<Record<string, unknown>>, cols: string[]): string {
  if (rows.length === 0) return '(none)';
  const w = cols.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k] ?? '').length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((k) => String(r[k] ?? ''))))].join('\n');
}

/** A progress bar on stderr (only on a terminal, or when forced). */
export function progress(total: number, label: string): { tick(n?: number): void; done(): void } {
  let n = 0;
  const width = 30;
  const draw = () => {
    const frac = total ? n / total : 1;
    const filled = Math.round(frac * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total}`);
  };
  return {
    tick(k = 1) {
      n += k;
      draw();
    },
    done() {
      draw();
      process.stderr.write('\n');
    },
  };
}

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (e.g. 90s, 15m, 2h, 30d)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(n * unit);
}

export function registerAdminCommands(program: Command): void {
  program
    .option('--url <url>', 'gateway URL for operator commands (env POLYPAY_URL)')
    .option('--token <token>', 'admin token (env POLYPAY_ADMIN_TOKEN)')
    .option('--json', 'machine-readable output');

  const merchant = program.command('merchant').description('merchants and their credentials');
  merchant
    .command('list')
    .description('list merchants with credentials per face')
    .action(async (_o, cmd: Command) => {
      const c = conn(cmd);
      const list = await call(c, 'GET', '/merchants');
      out(c, list, () =>
        list
          .map((m: any) =>
            [
              `${m.merchant.id}  ${m.merchant.name}`,
              ...Object.entries(m.faces).map(
                ([f, v]) =>
                  `  ${f}: ${Object.entries(v as object)
                    .map(([k, x]) => `${k}=${x}`)
                    .join(' ')}`,
              ),
            ].join('\n'),
          )
          .join('\n'),
      );
    });
  merchant
    .command('create')
    .description('create a merchant (credentials are generated)')
    .requiredOption('--name <name>', 'merchant name')
    .option('--id <id>', 'merchant id')
    .option('--currency <codes>', 'comma-separated currencies', 'RUB')
    .action(async (o: { name: string; id?: string; currency: string }, cmd: Command) => {
      const c = conn(cmd);
      const m = await call(c, 'POST', '/merchants', { name: o.name, ...(o.id ? { id: o.id } : {}), currencies: o.currency.split(',') });
      out(c, m, () =>
        [
          `created ${m.merchant.id} (${m.merchant.name})`,
          ...Object.entries(m.faces).map(
            ([f, v]) =>
              `  ${f}: ${Object.entries(v as object)
                .map(([k, x]) => `${k}=${x}`)
                .join(' ')}`,
          ),
        ].join('\n'),
      );
    });

  program
    .command('payments')
    .description('payments')
    .command('list')
    .option('--merchant <id>')
    .option('--status <statuses>', 'comma-separated core statuses')
    .option('--face <face>')
    .option('--search <id>', 'any id a face uses')
    .option('--limit <n>', 'rows', '20')
    .action(async (o: { merchant?: string; status?: string; face?: string; search?: string; limit: string }, cmd: Command) => {
      const c = conn(cmd);
      const q = new URLSearchParams({
        limit: o.limit,
        ...(o.merchant ? { merchant: o.merchant } : {}),
        ...(o.status ? { status: o.status } : {}),
        ...(o.face ? { face: o.face } : {}),
        ...(o.search ? { q: o.search } : {}),
      });
      const r = await call(c, 'GET', `/payments?${q}`);
      out(c, r, () =>
        table(
          r.items.map((p: any) => ({
            id: p.id,
            merchant: p.merchantId,
            face: p.face,
            status: p.status,
            amount: `${p.amountDecimal} ${p.currency}`,
            card: p.card ? `${p.card.first6}…${p.card.last4}` : '',
            created: new Date(p.createdAt).toISOString(),
          })),
          ['id', 'merchant', 'face', 'status', 'amount', 'card', 'created'],
        ),
      );
    });

  program
    .command('webhooks')
    .description('webhook deliveries')
    .command('tail')
    .description('follow webhook deliveries live')
    .option('--merchant <id>')
    .option('--interval <ms>', 'poll interval', '500')
    .option('--count <n>', 'stop after n deliveries')
    .action(async (o: { merchant?: string; interval: string; count?: string }, cmd: Command) => {
      const c = conn(cmd);
      const seen = new Map<number, number>();
      let shown = 0;
      const max = o.count ? Number(o.count) : Infinity;
      let first = true;
      for (;;) {
        const r = await call(c, 'GET', `/webhooks/deliveries?limit=100${o.merchant ? `&merchant=${encodeURIComponent(o.merchant)}` : ''}`);
        for (const d of [...r.items].reverse()) {
          const prev = seen.get(d.id);
          seen.set(d.id, d.attempts);
          if (first || prev === d.attempts || d.attempts === 0) continue;
          shown++;
          const row = {
            id: d.id,
            face: d.face,
            kind: d.kind,
            status: d.status,
            attempts: d.attempts,
            lastStatus: d.lastStatus,
            url: d.url,
            eventId: d.eventId,
          };
          process.stdout.write(
            (c.json
              ? JSON.stringify(row)
              : `${new Date().toISOString()}  #${d.id} ${d.face} ${d.kind} ${d.method} ${d.url} → ${d.lastStatus ?? d.lastError} (${d.status}, attempt ${d.attempts})`) +
              '\n',
          );
          if (shown >= max) return;
        }
        if (first) process.stderr.write(`following webhook deliveries at ${c.url} (Ctrl-C to stop)\n`);
        first = false;
        await new Promise((res) => setTimeout(res, Number(o.interval)));
      }
    });

  program
    .command('trigger')
    .description('trigger event X for object Y: capture, void, refund, expire, decline, resend')
    .argument('<action>')
    .argument('<id>', 'payment (or payout) id')
    .option('--type <type>', 'payment or payout', 'payment')
    .option('--amount <minor>', 'amount in minor units (capture, refund)')
    .action(async (action: string, id: string, o: { type: string; amount?: string }, cmd: Command) => {
      const c = conn(cmd);
      const r = await call(c, 'POST', '/trigger', { type: o.type, id: Number(id), action, ...(o.amount ? { amount: o.amount } : {}) });
      out(c, r, () => `${o.type} ${r.id}: ${r.status}`);
    });

  program
    .command('clock')
    .description('the sandbox clock')
    .command('advance')
    .argument('<duration>', 'e.g. 90s, 15m, 2h, 30d')
    .action(async (duration: string, _o, cmd: Command) => {
      const c = conn(cmd);
      const r = await call(c, 'POST', '/clock/advance', { ms: parseDuration(duration) });
      out(c, r, () => `clock: ${r.iso} (offset ${Math.round(r.offsetMs / 1000)} s${r.frozen ? ', frozen' : ''})`);
    });

  program
    .command('reset')
    .description('delete all data (or one merchant) and apply the seed again')
    .option('--merchant <id>')
    .action(async (o: { merchant?: string }, cmd: Command) => {
      const c = conn(cmd);
      const r = await call(c, 'POST', '/reset', o.merchant ? { merchant: o.merchant } : {});
      out(c, r, () => (o.merchant ? `merchant ${o.merchant} reset` : 'all data reset'));
    });

  program
    .command('import')
    .description('import a seed file (JSON or YAML) into a running gateway')
    .argument('<file>')
    .option('--batch <n>', 'merchants per request', '50')
    .action(async (file: string, o: { batch: string }, cmd: Command) => {
      const c = conn(cmd);
      const text = readFileSync(file, 'utf8');
      const seed = (file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as { merchants: unknown[] };
      if (!Array.isArray(seed?.merchants)) throw new Error('a seed needs a "merchants" list');
      const bar = c.json ? { tick() {}, done() {} } : progress(seed.merchants.length, 'importing');
      const size = Math.max(1, Number(o.batch));
      const ids: string[] = [];
      for (let i = 0; i < seed.merchants.length; i += size) {
        const chunk = seed.merchants.slice(i, i + size);
        const r = await call(c, 'POST', '/import', { merchants: chunk });
        ids.push(...r.merchants);
        bar.tick(chunk.length);
      }
      bar.done();
      out(c, { imported: ids.length, merchants: ids }, () => `imported ${ids.length} merchants`);
    });

  program
    .command('export')
    .description('print the merchants and credentials of a running gateway as a seed (YAML, or JSON with --json)')
    .action(async (_o, cmd: Command) => {
      const c = conn(cmd);
      const r = await call(c, 'GET', '/export');
      process.stdout.write(c.json ? JSON.stringify(r, null, 2) + '\n' : YAML.stringify(r));
    });
}
