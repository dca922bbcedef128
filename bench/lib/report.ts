// Results: rows, the issue's targets, the table printed at the end and kept in BENCHMARKS.md.
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import type { CryptoCeilings } from './crypto-ceilings.js';
import type { LoadResult } from './load.js';
import type { LagStats } from './webhooks.js';

export interface Row {
  key: string;
  title: string;
  group: 'ceiling' | 'scenario' | 'webhooks' | 'populated';
  /** requests per second (for webhook backlogs: deliveries per second) */
  rps: number;
  /** operations per second when an operation is several requests */
  ops?: number;
  p50: number | null;
  p99: number | null;
  errors: number;
  ceiling: string | null;
  ceilingRps: number | null;
  ratio: number | null;
  /** req/s over the store ceiling's charges/s (the token charge rows) */
  storeRatio?: number | null;
  /** server CPU time per request (gateway processes, and PostgreSQL's) */
  cpuMsPerReq?: number | null;
  /** the ratio per CPU-second: requests per server CPU-second over the ceiling's (robust to other load) */
  cpuRatio?: number | null;
  /** peak resident memory of the gateway process(es) during the measurement, MB */
  rssMb: number | null;
  notes: string;
  load?: LoadResult;
  lag?: LagStats;
  deliveriesPerS?: number;
}

export interface Target {
  name: string;
  want: string;
  got: string;
  met: boolean | null;
  /** the same target judged per CPU-second (when the machine was shared) */
  metPerCpu?: boolean;
  /** for a target not met: why, from the run's own figures (target-floors.ts) */
  why?: string;
}

export interface RunResults {
  meta: {
    date: string;
    tag: string;
    machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
    config: {
      store: 'sqlite' | 'postgres';
      processes: number;
      connections: number;
      warmupS: number;
      durationS: number;
      smoke: boolean;
      populate: number[];
      backlog: number;
    };
    commit: string;
  };
  crypto: CryptoCeilings | null;
  rows: Row[];
  targets: Target[];
  populatedNote: string;
  problems: string[];
}

export function machine(): RunResults['meta']['machine'] {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const f0 = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US');
const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);

/** A Markdown table of the rows (also readable in a terminal). */
export function table(rows: Row[]): string {
  const head = [
    'Scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'ceiling',
    'ratio',
    'ratio to store',
    'CPU ms/req',
    'ratio/CPU',
    'RSS MB',
    'notes',
  ];
  const body = rows.map((r) => [
    r.title,
    f0(r.rps) + (r.ops !== undefined && r.ops !== r.rps ? ` (${f0(r.ops)} ops/s)` : ''),
    f2(r.p50),
    f2(r.p99),
    String(r.errors),
    r.ceiling ? `${r.ceiling} ${f0(r.ceilingRps)}/s` : '–',
    r.ratio === null ? '–' : r.ratio.toFixed(2),
    r.storeRatio === null || r.storeRatio === undefined ? '–' : r.storeRatio.toFixed(2),
    r.cpuMsPerReq === null || r.cpuMsPerReq === undefined ? '–' : r.cpuMsPerReq.toFixed(3),
    r.cpuRatio === null || r.cpuRatio === undefined ? '–' : r.cpuRatio.toFixed(2),
    f0(r.rssMb),
    r.notes,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const leftAligned = (i: number) => i === 0 || i === 5 || i === head.length - 1;
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (leftAligned(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  return [
    line(head),
    '|' + widths.map((w, i) => (leftAligned(i) ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|',
    ...body.map(line),
  ].join('\n');
}

export function targetsTable(t: Target[]): string {
  const lines = ['| Target | Wanted | Measured | Met |', '|:--|:--|:--|:--|'];
  const yn = (m: boolean | null | undefined) => (m === null || m === undefined ? 'n/a' : m ? 'yes' : '**no**');
  for (const x of t)
    lines.push(
      `| ${x.name} | ${x.want} | ${x.got} | ${yn(x.met)}${x.metPerCpu !== undefined && x.metPerCpu !== x.met ? ` (per CPU-second: ${yn(x.metPerCpu)})` : ''} |`,
    );
  const why = t.filter((x) => x.met === false && x.why);
  if (why.length) lines.push('', "Why, from this run's own figures:", ...why.map((x) => `- ${x.name}: ${x.why}`));
  return lines.join('\n');
}

export function cryptoTable(c: CryptoCeilings): string {
  const names: Array<[keyof CryptoCeilings, string]> = [
    ['rsaSignSha1', 'RSA-2048 sign, SHA-1'],
    ['rsaSignSha256', 'RSA-2048 sign, SHA-256'],
    ['rsaVerifySha1', 'RSA-2048 verify, SHA-1'],
    ['rsaVerifySha256', 'RSA-2048 verify, SHA-256'],
    ['rsaDecryptRaw', 'RSA-2048 raw decryption (RSA_NO_PADDING)'],
    ['hmacSha256', 'HMAC-SHA256 (~320 B)'],
    ['hmacSha512', 'HMAC-SHA512 (~320 B)'],
  ];
  return ['| Operation (one core) | ops/s |', '|:--|--:|', ...names.map(([k, n]) => `| ${n} | ${f0(c[k])} |`)].join('\n');
}
