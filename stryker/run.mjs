// `npm run mutate [-- area ...] [-- --table]`: runs Stryker over each area of stryker/areas.mjs in turn (all areas
// when none is named), then writes the score table and the surviving mutants into docs/test-strength.md, between
// its "mutation:begin" and "mutation:end" markers. The figures come from the incremental files
// (stryker/incremental/<area>.json), which hold every mutant's last result; `--table` only rewrites the table.
// Extra Stryker options may follow `--`, e.g. `npm run mutate -- core -- --concurrency 2`. With
// `--retest-survivors`, the survivors of each named area are dropped from its incremental file first, so that they
// are tested again against every test that now covers them (an incremental run reuses a survivor's result while the
// tests that covered it are unchanged, even when a new test covers it too).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AREAS } from './areas.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const ours = dashes < 0 ? args : args.slice(0, dashes);
const strykerArgs = dashes < 0 ? [] : args.slice(dashes + 1);
const tableOnly = ours.includes('--table');
const retestSurvivors = ours.includes('--retest-survivors');
const named = ours.filter((a) => !a.startsWith('--'));
for (const n of named) if (!AREAS[n]) throw new Error(`unknown area ${n}; areas: ${Object.keys(AREAS).join(', ')}`);
const areas = named.length ? named : Object.keys(AREAS);

if (!tableOnly) {
  for (const name of areas) {
    console.log(`\n=== mutation testing: ${name} ===`);
    if (retestSurvivors) dropSurvivors(`${root}stryker/incremental/${name}.json`);
    const r = spawnSync('npx', ['stryker', 'run', 'stryker/stryker.config.mjs', ...strykerArgs], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, POLYPAY_MUTATION_AREA: name },
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

/** Removes the Survived and NoCoverage mutants from an incremental file: the next run tests them as new. */
function dropSurvivors(path) {
  if (!existsSync(path)) return;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  let dropped = 0;
  for (const f of Object.values(report.files)) {
    const kept = f.mutants.filter((m) => m.status !== 'Survived' && m.status !== 'NoCoverage');
    dropped += f.mutants.length - kept.length;
    f.mutants = kept;
  }
  writeFileSync(path, JSON.stringify(report));
  console.log(`${dropped} survivors to test again`);
}

// ---- the table

/** Module groups the targets are set for. */
function groupOf(file) {
  if (file.startsWith('src/core/')) return 'src/core';
  if (file.startsWith('src/store/')) return 'src/store money paths';
  if (/\/wire(\.ts$|\/)/.test(file)) return 'wire tables';
  // the request plumbing (bodies, error answers) has no target of its own; authentication lives in auth.ts
  if (/\/http\.ts$/.test(file)) return 'request plumbing';
  // signing.ts, auth.ts and the card-data cryptography (CloudPayments' cryptogram.ts, Mbill's sealing.ts)
  return 'signing and auth';
}

const rows = [];
const survivors = [];
for (const name of Object.keys(AREAS)) {
  const path = `${root}stryker/incremental/${name}.json`;
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, f] of Object.entries(report.files)) {
    const rel = file.replace(root, '');
    const count = (s) => f.mutants.filter((m) => m.status === s).length;
    rows.push({
      file: rel,
      group: groupOf(rel),
      killed: count('Killed'),
      survived: count('Survived'),
      timeout: count('Timeout'),
      noCoverage: count('NoCoverage'),
    });
    const lines = f.source.split('\n');
    for (const m of f.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
      const { start, end } = m.location;
      const original =
        start.line === end.line
          ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
          : lines[start.line - 1].slice(start.column - 1) + ' …';
      survivors.push({ file: rel, line: start.line, status: m.status, mutator: m.mutatorName, original, replacement: m.replacement });
    }
  }
}
rows.sort((a, b) => a.group.localeCompare(b.group) || a.file.localeCompare(b.file));

const total = (rs) => ({
  killed: rs.reduce((s, r) => s + r.killed, 0),
  survived: rs.reduce((s, r) => s + r.survived, 0),
  timeout: rs.reduce((s, r) => s + r.timeout, 0),
  noCoverage: rs.reduce((s, r) => s + r.noCoverage, 0),
});
const score = (t) => {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid ? `${((100 * (t.killed + t.timeout)) / valid).toFixed(1)} %` : '–';
};
const line = (name, t) =>
  `| ${name} | ${t.killed + t.timeout + t.survived + t.noCoverage} | ${t.killed} | ${t.survived} | ${t.timeout} | ${t.noCoverage} | ${score(t)} |`;

const out = [];
out.push('| module | mutants | killed | survived | timeout | no coverage | score |', '|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) out.push(line(`\`${r.file}\``, r));
const groups = [...new Set(rows.map((r) => r.group))];
for (const g of groups) out.push(line(`**${g}**`, total(rows.filter((r) => r.group === g))));
out.push(line('**overall**', total(rows)));
out.push('');
out.push(`Surviving mutants (${survivors.length}; "no coverage": no test of the area runs that code):`, '');
out.push('| module | line | status | mutator | original → mutant |', '|---|---:|---|---|---|');
const cell = (s) => '`' + s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'").slice(0, 70) + '`';
for (const s of survivors) out.push(`| \`${s.file}\` | ${s.line} | ${s.status} | ${s.mutator} | ${cell(s.original)} → ${cell(s.replacement)} |`);
const table = out.join('\n');
console.log('\n' + table);

const doc = `${root}docs/test-strength.md`;
const text = readFileSync(doc, 'utf8');
const begin = '<!-- mutation:begin (written by npm run mutate) -->';
const endMark = '<!-- mutation:end -->';
const a = text.indexOf(begin);
const b = text.indexOf(endMark);
if (a < 0 || b < a) {
  console.error(`docs/test-strength.md has no ${begin} … ${endMark} block: the table was not written`);
  process.exit(1);
}
writeFileSync(doc, text.slice(0, a + begin.length) + '\n' + table + '\n' + text.slice(b));
console.log('\nwritten into docs/test-strength.md');
