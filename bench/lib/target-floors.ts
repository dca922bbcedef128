// Why a target of the round-trip work is not met, said from the run's own figures: the floors measured in the same
// run (the store ceiling: the charge's rows written by the store alone; the echo: an HTTP request and its JSON answer
// with nothing behind it), what they leave under the target for the gateway's own work, and what the latency and
// throughput targets would need. Each line names the profile that shows where the rest of the time goes.

/** Figures of one run that the explanations use (CPU in ms per request, rates per second). */
export interface RunFigures {
  store: 'sqlite' | 'postgres';
  connections: number;
  cores: number;
  echoCpuMs: number | null;
  /** CPU per charge of the store ceiling (SQLite: the writing process; PostgreSQL: its processes) */
  ceilingCpuMs: number | null;
  ceilingRps: number | null;
}

const ms3 = (x: number) => `${x.toFixed(3)} ms`;
const rate = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;

export function profileHint(scenario: string, store: RunFigures['store']): string {
  return `where the gateway's time goes: npm run bench:profile -- --scenario ${scenario}${store === 'postgres' ? ' --pg' : ''}`;
}

/**
 * CPU per token charge over its target. The floors are the store ceiling's CPU per charge (the same rows, written by
 * the cheapest means of the store) and the echo's CPU per request; the target minus both is what is left for the
 * gateway's own work (authentication, the vault, validation, the ledger, rendering, the request log).
 */
export function chargeCpuWhy(f: RunFigures, cpuMs: number, max: number): string | undefined {
  if (f.ceilingCpuMs === null || f.echoCpuMs === null) return undefined;
  const store =
    f.store === 'postgres'
      ? "PostgreSQL's processes writing the charge's rows, one round trip per charge"
      : "better-sqlite3 alone writing the charge's rows";
  const floor = f.ceilingCpuMs + f.echoCpuMs;
  const floors = `the store ceiling's ${ms3(f.ceilingCpuMs)} (${store}) and the echo's ${ms3(f.echoCpuMs)} (an HTTP request and its JSON answer)`;
  if (floor >= max) return `the floors measured in this run already make ${ms3(floor)}, over the ${max} ms wanted: ${floors}`;
  return (
    `${floors} leave ${ms3(max - floor)} under the target for all of the gateway's own work; ` +
    `it spends ${ms3(cpuMs - floor)} above the floors; ${profileHint('cp-token-charge', f.store)}`
  );
}

/**
 * The p99 at a fixed number of connections follows from the throughput (Little's law: the mean latency is the
 * requests in flight over the throughput). At the latencies' measured spread, a p99 of `max` needs the throughput
 * scaled by p99 ÷ max; that is compared with the store ceiling, and on SQLite with what the gateway's one thread can
 * carry at its CPU per charge.
 */
export function p99Why(f: RunFigures, rps: number, p99: number, max: number, cpuMs: number | null): string {
  const mean = (f.connections / rps) * 1000;
  const needed = rps * (p99 / max);
  let bound = '';
  if (f.ceilingRps !== null && needed > f.ceilingRps) bound = `, more than the store ceiling writes in this run (${rate(f.ceilingRps)})`;
  else if (f.store === 'sqlite' && cpuMs !== null)
    bound = `: at most ${ms3(1000 / needed)} of the gateway's one thread per charge, where it spends ${ms3(cpuMs)}`;
  return (
    `with ${f.connections} requests in flight the mean latency is ${f.connections} ÷ throughput (${mean.toFixed(1)} ms at ${rate(rps)}); ` +
    `at this run's spread (p99 ${p99.toFixed(1)} ms) a p99 of ${max} ms needs about ${rate(needed)}${bound}`
  );
}

/** Token charge against the store ceiling: the throughput wanted, and the CPU per charge that would carry it. */
export function storeRatioWhy(f: RunFigures, rps: number, min: number, cpuMs: number | null): string | undefined {
  if (f.ceilingRps === null) return undefined;
  const wanted = f.ceilingRps * min;
  const parts = [`${min} of the store ceiling's ${rate(f.ceilingRps)} is ${rate(wanted)}, against ${rate(rps)}`];
  if (f.store === 'sqlite' && cpuMs !== null)
    parts.push(
      `the gateway runs on one thread, so that needs at most ${ms3(1000 / wanted)} of CPU per charge, where it spends ${ms3(cpuMs)}`,
    );
  parts.push(profileHint('cp-token-charge', f.store));
  return parts.join('; ');
}

/** A status read over its target: the echo's floor and what the read spends above it. */
export function statusCpuWhy(f: RunFigures, cpuMs: number, max: number): string | undefined {
  if (f.echoCpuMs === null) return undefined;
  return (
    `the echo's ${ms3(f.echoCpuMs)} leaves ${ms3(Math.max(0, max - f.echoCpuMs))} under the target for authentication (an HMAC and the ` +
    `credential's read), the payment's reads, rendering and the request log; the read spends ${ms3(cpuMs - f.echoCpuMs)} above the echo` +
    `${f.store === 'postgres' ? " (PostgreSQL's processes counted in it)" : ''}; ${profileHint('numopay-status', f.store)}`
  );
}

/** N processes against one: how busy the machine was in each run, and the CPU per charge in each. */
export function processesWhy(
  f: RunFigures,
  many: { busy: number | null; cpuMs: number | null },
  one: { busy: number | null; cpuMs: number | null },
): string {
  const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)} %`);
  const cpu = (x: number | null) => (x === null ? '–' : ms3(x));
  return (
    `the machine's ${f.cores} cores, shared by the gateways, PostgreSQL and the load generator, were ${pct(many.busy)} busy ` +
    `in this run and ${pct(one.busy)} in the one-process run; CPU per charge (gateways and PostgreSQL) ${cpu(many.cpuMs)} against ` +
    `${cpu(one.cpuMs)}: a second process adds a core's worth of gateway only where a core is free`
  );
}
