// The chart: an SVG page (ratio of each scenario to the ceiling that bounds it, one bar per run, the issue's
// target marked) screenshotted to PNG with playwright-core driving Debian's chromium, since no image library
// is installed.
import { writeFileSync } from 'node:fs';
import type { RunResults } from './report.js';

const COLORS = ['#2f6fbf', '#e07b24', '#3a9a5b', '#8a4fbf'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The label of a run: store and processes. */
export function runLabel(r: RunResults): string {
  return r.meta.config.store === 'sqlite'
    ? 'SQLite'
    : r.meta.config.processes > 1
      ? `PostgreSQL, ${r.meta.config.processes} processes`
      : 'PostgreSQL';
}

export function chartHtml(runs: RunResults[]): string {
  // the rows of every run, in the order of first appearance
  const keys: Array<{ key: string; title: string }> = [];
  for (const r of runs)
    for (const row of r.rows)
      if (row.group !== 'ceiling' && !keys.some((k) => k.key === row.key)) keys.push({ key: row.key, title: row.title });
  const targetOf: Record<string, number> = {
    'cp-token-charge': 0.5,
    'numopay-status': 0.7,
    'cp-cryptogram-charge': 0.7,
    'novapay-session': 0.7,
    'webhooks-backlog': 1,
    'webhooks-live': 1,
    'webhooks-paced': 1,
  };
  const barH = 14;
  const gap = 5;
  const groupH = runs.length * (barH + 2) + gap * 2;
  const left = 400;
  const plotW = 430;
  const cpuLeft = left + plotW + 90;
  const cpuW = 330;
  const top = 128;
  const maxV = 1.2;
  const height = top + keys.length * groupH + 56;
  const width = cpuLeft + cpuW + 30;
  const x = (v: number) => left + (Math.min(v, maxV) / maxV) * plotW;
  // CPU ms per request on a log scale, 0.01 … 100 ms
  const lx = (msv: number) => cpuLeft + ((Math.log10(Math.min(100, Math.max(0.01, msv))) + 2) / 4) * cpuW;
  const parts: string[] = [];
  const m = runs[0]!.meta;
  parts.push(`<text x="20" y="30" font-size="20" font-weight="600">Polypay benchmark</text>`);
  parts.push(
    `<text x="20" y="52" font-size="13" fill="#555">${esc(`${m.machine.cpu}, ${m.machine.cores} cores, Node ${m.machine.node}; ${m.config.connections} connections, ${m.config.durationS} s measured after a ${m.config.warmupS} s warm-up; ${m.date.slice(0, 10)}`)}</text>`,
  );
  runs.forEach((r, i) => {
    parts.push(
      `<rect x="${20 + i * 230}" y="64" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${38 + i * 230}" y="75" font-size="12">${esc(runLabel(r))}</text>`,
    );
  });
  parts.push(`<text x="${left}" y="${top - 26}" font-size="13" font-weight="600">Share of the ceiling that bounds the scenario</text>`);
  parts.push(
    `<text x="${left}" y="${top - 11}" font-size="11" fill="#555">req/s ÷ Fastify echo or node:crypto RSA (one core); webhooks ÷ 5,000/s; red: target</text>`,
  );
  parts.push(`<text x="${cpuLeft}" y="${top - 26}" font-size="13" font-weight="600">Server CPU per request (ms, log scale)</text>`);
  parts.push(
    `<text x="${cpuLeft}" y="${top - 11}" font-size="11" fill="#555">gateway processes (and PostgreSQL); grey: the echo server</text>`,
  );
  for (let v = 0; v <= maxV + 1e-9; v += 0.2) {
    parts.push(
      `<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 44}" stroke="#e3e3e3"/><text x="${x(v)}" y="${height - 28}" font-size="11" text-anchor="middle" fill="#555">${v.toFixed(1)}</text>`,
    );
  }
  for (const v of [0.01, 0.1, 1, 10, 100]) {
    parts.push(
      `<line x1="${lx(v)}" y1="${top - 4}" x2="${lx(v)}" y2="${height - 44}" stroke="#e3e3e3"/><text x="${lx(v)}" y="${height - 28}" font-size="11" text-anchor="middle" fill="#555">${v}</text>`,
    );
  }
  runs.forEach((r, ri) => {
    const echo = r.rows.find((row) => row.key === 'echo');
    if (echo?.cpuMsPerReq)
      parts.push(
        `<line x1="${lx(echo.cpuMsPerReq)}" y1="${top - 4}" x2="${lx(echo.cpuMsPerReq)}" y2="${height - 44}" stroke="#999" stroke-width="${ri === 0 ? 2 : 1}" stroke-dasharray="4,3"/>`,
      );
  });
  keys.forEach((k, gi) => {
    const y0 = top + gi * groupH;
    if (gi % 2 === 0) parts.push(`<rect x="10" y="${y0}" width="${width - 20}" height="${groupH}" fill="#f7f7f7"/>`);
    parts.push(`<text x="${left - 10}" y="${y0 + groupH / 2 + 4}" font-size="12" text-anchor="end">${esc(k.title)}</text>`);
    runs.forEach((r, ri) => {
      const row = r.rows.find((x) => x.key === k.key);
      if (!row) return;
      const y = y0 + gap + ri * (barH + 2);
      const color = COLORS[ri % COLORS.length];
      const value = row.ratio ?? (row.deliveriesPerS !== undefined ? row.deliveriesPerS / 5000 : null);
      if (value !== null) {
        parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1.5, x(value) - left)}" height="${barH}" fill="${color}"/>`);
        const label =
          row.deliveriesPerS !== undefined
            ? `${fmt(row.deliveriesPerS)} deliveries/s${row.lag ? `, lag p99 ${fmt(row.lag.p99)} ms` : ''}`
            : `${value.toFixed(2)} · ${fmt(row.ops ?? row.rps)} ${row.ops !== undefined && row.ops !== row.rps ? 'ops' : 'req'}/s · p99 ${row.p99 === null ? '–' : row.p99 < 10 ? row.p99.toFixed(1) : fmt(row.p99)} ms`;
        parts.push(`<text x="${x(value) + 5}" y="${y + barH - 3}" font-size="11" fill="#222">${esc(label)}</text>`);
      }
      if (row.cpuMsPerReq) {
        parts.push(
          `<rect x="${cpuLeft}" y="${y}" width="${Math.max(1.5, lx(row.cpuMsPerReq) - cpuLeft)}" height="${barH}" fill="${color}" opacity="0.85"/>`,
        );
        parts.push(
          `<text x="${lx(row.cpuMsPerReq) + 5}" y="${y + barH - 3}" font-size="11" fill="#222">${row.cpuMsPerReq.toFixed(2)}</text>`,
        );
      }
    });
    const t = targetOf[k.key];
    if (t !== undefined)
      parts.push(`<line x1="${x(t)}" y1="${y0 + 2}" x2="${x(t)}" y2="${y0 + groupH - 2}" stroke="#c00" stroke-width="2"/>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}</style></head><body>${svg}</body></html>`;
}

/** Writes the HTML page and its PNG screenshot. */
export async function renderChart(runs: RunResults[], pngFile: string, htmlFile: string): Promise<void> {
  const html = chartHtml(runs);
  writeFileSync(htmlFile, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await page.setContent(html);
    const svg = await page.$('svg');
    await (svg ?? page).screenshot({ path: pngFile });
  } finally {
    await browser.close();
  }
}
