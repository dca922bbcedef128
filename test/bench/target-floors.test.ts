// The benchmark's explanations of a target not met: the arithmetic on a run's own figures, with figures and
// expected values worked out by hand here.
import { describe, expect, it } from 'vitest';
import { chargeCpuWhy, p99Why, processesWhy, statusCpuWhy, storeRatioWhy, type RunFigures } from '../../bench/lib/target-floors.js';

const sqlite: RunFigures = { store: 'sqlite', connections: 64, cores: 2, echoCpuMs: 0.032, ceilingCpuMs: 0.169, ceilingRps: 3000 };
const pg: RunFigures = { store: 'postgres', connections: 64, cores: 2, echoCpuMs: 0.032, ceilingCpuMs: 4.129, ceilingRps: 400 };

describe('why a target is not met', () => {
  it('gives what the floors leave of a CPU target, and what the gateway spends above them', () => {
    // 0.3 − (0.169 + 0.032) = 0.099 left; 0.817 − 0.201 = 0.616 above the floors
    const why = chargeCpuWhy(sqlite, 0.817, 0.3)!;
    expect(why).toContain('leave 0.099 ms under the target');
    expect(why).toContain('it spends 0.616 ms above the floors');
    expect(why).toContain('npm run bench:profile -- --scenario cp-token-charge');
    expect(why).not.toContain('--pg');
  });

  it('says when the floors alone are over the target', () => {
    // 4.129 + 0.032 = 4.161 > 1.5
    const why = chargeCpuWhy(pg, 4.5, 1.5)!;
    expect(why).toMatch(/^the floors measured in this run already make 4\.161 ms, over the 1\.5 ms wanted/);
    expect(chargeCpuWhy({ ...pg, ceilingCpuMs: null }, 4.5, 1.5)).toBeUndefined();
  });

  it('derives the throughput a p99 needs at the measured spread, against the store or the gateway thread', () => {
    // 64 in flight at 1,000/s: a mean of 64.0 ms; p99 100 → 40 needs 1,000 × 100 / 40 = 2,500/s
    const gateway = p99Why(sqlite, 1000, 100, 40, 0.8);
    expect(gateway).toContain('(64.0 ms at 1,000/s)');
    expect(gateway).toContain('needs about 2,500/s: at most 0.400 ms of the gateway');
    expect(gateway).toContain('where it spends 0.800 ms');
    // over a store ceiling of 2,000/s the store is the bound
    expect(p99Why({ ...sqlite, ceilingRps: 2000 }, 1000, 100, 40, 0.8)).toContain(
      'needs about 2,500/s, more than the store ceiling writes in this run (2,000/s)',
    );
    // PostgreSQL at 400/s, p99 300 → 100 needs 1,200/s, over its 400/s ceiling
    expect(p99Why(pg, 400, 300, 100, 4)).toContain('(160.0 ms at 400/s)');
    expect(p99Why(pg, 400, 300, 100, 4)).toContain('needs about 1,200/s, more than the store ceiling writes in this run (400/s)');
  });

  it('turns half the store ceiling into the CPU per charge one thread could afford', () => {
    // 0.5 × 3,000 = 1,500/s → 1000 / 1,500 = 0.667 ms
    const why = storeRatioWhy(sqlite, 1200, 0.5, 0.817)!;
    expect(why).toContain("0.5 of the store ceiling's 3,000/s is 1,500/s, against 1,200/s");
    expect(why).toContain('at most 0.667 ms of CPU per charge, where it spends 0.817 ms');
    expect(storeRatioWhy(pg, 200, 0.5, 4)).not.toContain('one thread');
  });

  it("gives a status read's work above the echo", () => {
    // 0.1 − 0.032 = 0.068 left; 0.235 − 0.032 = 0.203 above
    const why = statusCpuWhy(sqlite, 0.235, 0.1)!;
    expect(why).toContain("the echo's 0.032 ms leaves 0.068 ms under the target");
    expect(why).toContain('the read spends 0.203 ms above the echo;');
    expect(statusCpuWhy(pg, 0.6, 0.3)).toContain("(PostgreSQL's processes counted in it)");
    expect(statusCpuWhy(pg, 0.6, 0.3)).toContain('--scenario numopay-status --pg');
  });

  it('compares how busy the machine was with one process and with several', () => {
    const why = processesWhy(pg, { busy: 0.97, cpuMs: 5.649 }, { busy: 0.8328, cpuMs: 3.953 });
    expect(why).toContain('were 97 % busy in this run and 83 % in the one-process run');
    expect(why).toContain('5.649 ms against 3.953 ms');
    expect(processesWhy(pg, { busy: null, cpuMs: null }, { busy: 0.5, cpuMs: 1 })).toContain('were – busy');
  });
});
