// One load measurement with autocannon: a warm-up that is thrown away, then a bounded measurement at N
// connections, on the same connections (they are opened during the warm-up). Latencies are taken from every response (sub-millisecond resolution, which autocannon's own
// histogram does not keep); errors are connection errors, timeouts, non-2xx answers and bodies that fail the
// scenario's check (CloudPayments answers failures with HTTP 200 and "Success":false).
import autocannon, { type Client, type Request } from 'autocannon';
import { progress } from './progress.js';
import { rssMb } from './proc.js';
import { cpuSample, cpuSecondsBetween, cpuShares, processCpuSeconds, waitForQuiet } from './cpu.js';

export interface LoadSpec {
  /** one URL, or several (connections are spread over them round-robin) */
  url: string | string[];
  /** the request sequence of the connection with this index (0 … connections-1) */
  requests: (clientIndex: number) => Request[];
  /** a body that fails this check counts as an error */
  verifyBody?: (body: string) => boolean;
  /** requests per operation (2 for an auth-then-confirm pair) */
  requestsPerOp?: number;
  /** a fixed overall request rate (requests/s) instead of as fast as the connections go */
  rate?: number;
}

export interface LoadOptions {
  connections: number;
  warmupS: number;
  durationS: number;
  /** processes whose resident memory is sampled during the measurement */
  rssPids?: number[];
  /** the server processes whose CPU time is counted (the gateways and PostgreSQL, or the echo server) */
  cpuPids?: () => number[];
  /** before measuring, wait up to this long for other processes to leave the CPU (shared machines) */
  waitIdleS?: number;
}

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  /** operations per second (rps / requestsPerOp) */
  ops: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  errorDetail: { connection: number; timeouts: number; non2xx: number; mismatches: number };
  statusCodes: Record<string, number>;
  /** peak resident memory (MB) of the sampled processes, summed */
  rssMb: number | null;
  /** a sample of failing bodies, for the report */
  failures: string[];
  /** shares of the machine's CPU during the measurement: busy, and busy outside the benchmark's processes */
  cpu: { busy: number; foreign: number; steal: number } | null;
  /** CPU time of the server processes during the measurement: requests per CPU-second is robust to other load */
  serverCpu: { seconds: number; msPerRequest: number; requestsPerCpuS: number } | null;
  /** the measurement window, epoch ms */
  window: { start: number; end: number };
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The result of a measurement from its latencies (ms, one per answered request) and counters. */
export function resultOf(m: {
  latencies: Float64Array;
  durationS: number;
  requestsPerOp: number;
  detail: LoadResult['errorDetail'];
  codes: Record<string, number>;
  rssMb: number | null;
  failures: string[];
  cpu: LoadResult['cpu'];
  serverS: number;
  window: LoadResult['window'];
}): LoadResult {
  const sorted = Float64Array.from(m.latencies).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const { detail } = m;
  return {
    requests: n,
    durationS: m.durationS,
    rps: n / m.durationS,
    ops: n / m.durationS / m.requestsPerOp,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: n ? sorted[n - 1]! : NaN,
      mean: n ? sum / n : NaN,
    },
    errors: detail.connection + detail.non2xx + detail.mismatches,
    errorDetail: detail,
    statusCodes: m.codes,
    rssMb: m.rssMb,
    failures: m.failures,
    cpu: m.cpu,
    serverCpu: m.serverS > 0 && n > 0 ? { seconds: m.serverS, msPerRequest: (m.serverS * 1000) / n, requestsPerCpuS: n / m.serverS } : null,
    window: m.window,
  };
}

/**
 * One autocannon run on the same connections: a warm-up, then the measurement. The warm-up lasts at least
 * `warmupS` and until every connection has had an answer: a saturated Node server accepts new connections
 * slowly (a connection's first request may wait seconds), which would otherwise land in the measurement.
 */
async function run(spec: LoadSpec, o: LoadOptions): Promise<LoadResult> {
  let lat = new Float64Array(1 << 16);
  let n = 0;
  let measuring = false;
  const failures: string[] = [];
  const codes: Record<string, number> = {};
  const detail = { connection: 0, timeouts: 0, non2xx: 0, mismatches: 0 };
  let nextClient = 0;
  const answered = new Set<number>();
  const verify = spec.verifyBody;
  const maxWarmupS = o.warmupS + 60;
  const inst = autocannon({
    url: spec.url,
    connections: o.connections,
    // stopped once the measurement is over; this bounds the whole run
    duration: maxWarmupS + o.durationS + 5,
    timeout: 30,
    requests: spec.requests(0),
    ...(spec.rate ? { overallRate: spec.rate } : {}),
    setupClient: (client: Client) => {
      const id = nextClient++;
      client.setRequests(spec.requests(id));
      client.on('response', () => answered.add(id));
    },
    ...(verify
      ? {
          verifyBody: (body: string) => {
            const ok = verify(body);
            if (!ok && measuring) {
              detail.mismatches++;
              if (failures.length < 5) failures.push(body.slice(0, 300));
            }
            return ok;
          },
        }
      : {}),
  });
  inst.on('response', (_client: Client, status: number, _bytes: number, ms: number) => {
    if (!measuring) return;
    if (n === lat.length) {
      const bigger = new Float64Array(lat.length * 2);
      bigger.set(lat);
      lat = bigger;
    }
    lat[n++] = ms;
    codes[status] = (codes[status] ?? 0) + 1;
    if (status < 200 || status >= 300) detail.non2xx++;
  });
  inst.on('reqError', (e: Error) => {
    if (!measuring) return;
    detail.connection++;
    if (/timed out/.test(e.message)) detail.timeouts++;
  });
  let peak: number | null = null;
  const sample = () => {
    if (!measuring || !o.rssPids?.length) return;
    const v = o.rssPids.map(rssMb);
    if (v.some((x) => x === null)) return;
    const sum = (v as number[]).reduce((a, b) => a + b, 0);
    peak = Math.max(peak ?? 0, sum);
  };
  const sampler = setInterval(sample, 250);
  let cpu0: ReturnType<typeof cpuSample> = null;
  let cpuPids: number[] = [];
  let server0: Map<number, number> | null = null;
  let startedAt = 0;
  let endedAt = 0;
  const window = { start: 0, end: 0 };
  let ticks = 0;
  let measuredTicks = 0;
  const begin = () => {
    measuring = true;
    startedAt = performance.now();
    window.start = Date.now();
    cpu0 = cpuSample();
    cpuPids = o.cpuPids?.() ?? [];
    server0 = cpuPids.length ? processCpuSeconds(cpuPids) : null;
  };
  let snapshot: { cpu: ReturnType<typeof cpuShares>; server1: Map<number, number> | null } | null = null;
  let finished = false;
  inst.on('tick', (t: { counter: number }) => {
    if (finished) return;
    ticks++;
    if (!measuring) {
      progress.bar('warm-up', ticks, o.warmupS, t.counter);
      if ((ticks >= o.warmupS && answered.size >= o.connections) || ticks >= maxWarmupS) {
        progress.endBar();
        begin();
      }
      return;
    }
    measuredTicks++;
    sample();
    progress.bar('measure', measuredTicks, o.durationS, t.counter);
    if (measuredTicks >= o.durationS) {
      endedAt = performance.now();
      window.end = Date.now();
      measuring = false;
      finished = true;
      snapshot = { cpu: cpuShares(cpu0, cpuSample()), server1: cpuPids.length ? processCpuSeconds(o.cpuPids?.() ?? cpuPids) : null };
      inst.stop();
    }
  });
  try {
    await inst;
    progress.endBar();
    if (!snapshot) throw new Error('the load generator stopped before the measurement ended');
    const { cpu, server1 } = snapshot as { cpu: ReturnType<typeof cpuShares>; server1: Map<number, number> | null };
    const serverS = server0 && server1 ? cpuSecondsBetween(server0, server1) : 0;
    return resultOf({
      latencies: lat.subarray(0, n),
      durationS: (endedAt - startedAt) / 1000,
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
  }
}

/** Waits for a quiet machine if asked, then warm-up (discarded) and measurement on the same connections. */
export async function measure(spec: LoadSpec, o: LoadOptions): Promise<LoadResult> {
  if (o.waitIdleS) {
    await waitForQuiet(0.1, o.waitIdleS * 1000, (f) =>
      progress.phase(`  waiting for a quiet machine: other processes use ${Math.round(f * 100)} % of the CPU`),
    );
  }
  return run(spec, { ...o, cpuPids: o.cpuPids ?? (() => o.rssPids ?? []) });
}
