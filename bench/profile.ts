// CPU profile of the gateway under load: `node --cpu-prof dist/server/cli.js start ...` on a fresh SQLite
// store (or PostgreSQL with --pg), a scenario's load (the token charge by default) for a bounded time, then a
// summary of the .cpuprofile: top functions by self time, files and packages by self time, and the
// gateway's own functions by inclusive time.
//
//   node --import tsx bench/profile.ts [--scenario cp-token-charge] [--duration 15] [--connections 64] [--pg]
//                                      [--no-build] [--analyze file.cpuprofile]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure } from './lib/load.js';
import { cleanupAll, installExitHandlers, ROOT, startGateway, startPostgres, tempDir, type GatewayTarget } from './lib/proc.js';
import { progress } from './lib/progress.js';
import { SCENARIOS } from './lib/scenarios.js';
import { benchSeed } from './lib/seed.js';

const { values: a } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'cp-token-charge' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    pg: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    analyze: { type: 'string' },
    top: { type: 'string', default: '30' },
    out: { type: 'string' },
  },
});

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(cf: CallFrame): string {
  const url = cf.url.replace(/^file:\/\//, '').replace(ROOT, '');
  return url ? `${url}:${cf.lineNumber + 1}` : '(native)';
}

function fileGroup(url: string): string {
  const u = url.replace(/^file:\/\//, '').replace(ROOT, '');
  if (!u) return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return `npm: ${nm[1]}`;
  if (u.startsWith('node:')) return u;
  return u;
}

/** A text summary of a .cpuprofile. */
export function analyze(file: string, top: number): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((x, y) => x + y, 0);
  const idle = [...self.entries()].filter(([id]) =>
    ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName),
  );
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  const msOf = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

  // self time by function
  const fn = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const k = `${cf.functionName || '(anonymous)'}  ${where(cf)}`;
    fn.set(k, (fn.get(k) ?? 0) + us);
  }
  // self time by file or package
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const k = fileGroup(byId.get(id)!.callFrame.url);
    files.set(k, (files.get(k) ?? 0) + us);
  }
  // inclusive time of the gateway's own functions (dist/ or src/), each counted once per stack
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!/\/(dist|src)\//.test(cf.url) || cf.url.includes('node_modules')) continue;
      const k = `${cf.functionName || '(anonymous)'}  ${where(cf)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)} ${msOf(us)}  ${k}`);
  return [
    `profile ${file}`,
    `sampled ${(total / 1e6).toFixed(1)} s; idle/program/GC: ${idle.map(([id, us]) => `${byId.get(id)!.callFrame.functionName} ${pct(us).trim()}`).join(', ')}`,
    '',
    `Top ${top} functions by self time:`,
    ...list(fn, top),
    '',
    'Files and packages by self time:',
    ...list(files, 25),
    '',
    `The gateway's own functions by inclusive time (top ${top}):`,
    ...list(incl, top),
    '',
  ].join('\n');
}

async function profile(): Promise<string> {
  const s = SCENARIOS.find((x) => x.key === a.scenario);
  if (!s) throw new Error(`unknown scenario ${a.scenario}; one of ${SCENARIOS.map((x) => x.key).join(', ')}`);
  if (!a['no-build']) {
    progress.phase('building the gateway: npx tsc -p tsconfig.build.json');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}${r.stderr}`);
  }
  const connections = Number(a.connections);
  const dir = tempDir('polypay-profile-');
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(benchSeed(connections)));
  let target: GatewayTarget = { dataDir: join(dir, 'data') };
  if (a.pg) {
    progress.phase('starting PostgreSQL');
    const pg = await startPostgres();
    target = { databaseUrl: await pg.createDatabase(`profile_${process.pid}`) };
  }
  const profDir = join(ROOT, 'bench/results/profile');
  mkdirSync(profDir, { recursive: true });
  const before = new Set(readdirSync(profDir));
  progress.phase(`starting the gateway with --cpu-prof (profiles in ${profDir})`);
  const gw = await startGateway(target, seedFile, { cpuProf: profDir });
  progress.phase(`${s.title}: preparing`);
  const spec = await s.prepare({ urls: [gw.url], connections, poolSize: 512 });
  progress.phase(`${s.title}: ${a.warmup} s warm-up, ${a.duration} s at ${connections} connections`);
  const r = await measure(spec, { connections, warmupS: Number(a.warmup), durationS: Number(a.duration), rssPids: [gw.pid] });
  progress.phase(
    `  ${Math.round(r.rps)} req/s, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, errors ${r.errors}`,
  );
  progress.phase('stopping the gateway (the profile is written on exit)');
  await gw.stop();
  const fresh = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!fresh.length) throw new Error('no .cpuprofile was written');
  return join(profDir, fresh.sort().pop()!);
}

installExitHandlers();
let code = 0;
try {
  let file = a.analyze;
  if (!file) {
    try {
      file = await profile();
    } finally {
      await cleanupAll();
    }
  }
  const text = analyze(file, Number(a.top));
  const out = a.out ?? file.replace(/\.cpuprofile$/, '.txt');
  writeFileSync(out, text);
  process.stdout.write(text);
  progress.phase(`wrote ${out}`);
} catch (e) {
  process.stderr.write(`\nprofile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  code = 1;
}
process.exit(code);
