// A load at a steady rate: requests are sent evenly spaced (every 1000/rate ms, on a 1-ms timer) over keep-alive
// connections, instead of as fast as the connections go. autocannon's own rate limit releases each second's
// requests in a burst, which would measure the queue of the burst rather than the gateway. Latency is counted
// from each request's scheduled time, so that a late send is not hidden (no coordinated omission).
import { Pool } from 'undici';
import { cpuSample, cpuSecondsBetween, cpuShares, processCpuSeconds } from './cpu.js';
import { resultOf, type LoadOptions, type LoadResult, type LoadSpec } from './load.js';
import { rssMb } from './proc.js';
import { progress } from './progress.js';

export async function measurePaced(spec: LoadSpec, rate: number, o: LoadOptions): Promise<LoadResult> {
  const [req, ...rest] = spec.requests(0);
  if (!req || rest.length || req.setupRequest) throw new Error('a paced load sends one fixed request');
  const urls = Array.isArray(spec.url) ? spec.url : [spec.url];
  const pools = urls.map(
    (u) => new Pool(u, { connections: Math.max(1, Math.ceil(o.connections / urls.length)), keepAliveTimeout: 60_000 }),
  );
  const lat: number[] = [];
  const codes: Record<string, number> = {};
  const detail = { connection: 0, timeouts: 0, non2xx: 0, mismatches: 0 };
  const failures: string[] = [];
  let sent = 0;
  let measuring = false;
  const inflight = new Set<Promise<void>>();
  const send = (due: number) => {
    const counted = measuring;
    const pool = pools[sent++ % pools.length]!;
    const p = (async () => {
      try {
        const res = await pool.request({
          method: (req.method ?? 'GET') as 'GET',
          path: req.path ?? '/',
          headers: req.headers ?? {},
          ...(req.body ? { body: req.body } : {}),
        });
        const body = await res.body.text();
        if (!counted) return;
        lat.push(performance.now() - due);
        codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
        if (res.statusCode < 200 || res.statusCode >= 300) detail.non2xx++;
        else if (spec.verifyBody && !spec.verifyBody(body)) {
          detail.mismatches++;
          if (failures.length < 5) failures.push(body.slice(0, 300));
        }
      } catch (e) {
        if (counted) {
          detail.connection++;
          if (failures.length < 5) failures.push(String(e));
        }
      }
    })();
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const phase = async (seconds: number, label: string) => {
    const start = performance.now();
    const interval = 1000 / rate;
    let next = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        while (start + next * interval <= now && next * interval < seconds * 1000) send(start + next++ * interval);
        const second = Math.floor((now - start) / 1000);
        progress.bar(label, Math.min(second, seconds), seconds, next);
        if (next * interval >= seconds * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    progress.endBar();
  };
  let peak: number | null = null;
  const sampler = setInterval(() => {
    if (!measuring || !o.rssPids?.length) return;
    const v = o.rssPids.map(rssMb);
    if (v.every((x) => x !== null))
      peak = Math.max(
        peak ?? 0,
        (v as number[]).reduce((a, b) => a + b, 0),
      );
  }, 250);
  try {
    if (o.warmupS > 0) await phase(o.warmupS, 'warm-up');
    await Promise.all([...inflight]);
    measuring = true;
    const cpuPids = o.cpuPids?.() ?? [];
    const server0 = cpuPids.length ? processCpuSeconds(cpuPids) : null;
    const cpu0 = cpuSample();
    const window = { start: Date.now(), end: 0 };
    const t0 = performance.now();
    await phase(o.durationS, 'measure');
    const t1 = performance.now();
    window.end = Date.now();
    measuring = false;
    const cpu = cpuShares(cpu0, cpuSample());
    const serverS = server0 ? cpuSecondsBetween(server0, processCpuSeconds(o.cpuPids?.() ?? cpuPids)) : 0;
    await Promise.all([...inflight]);
    return resultOf({
      latencies: Float64Array.from(lat),
      durationS: (t1 - t0) / 1000,
      requestsPerOp: spec.requestsPerOp ?? 1,
      detail,
      codes,
      rssMb: peak,
      failures,
      cpu,
      serverS,
      window,
    });
  } finally {
    clearInterval(sampler);
    await Promise.all(pools.map((p) => p.close()));
  }
}
