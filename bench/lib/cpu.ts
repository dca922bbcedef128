// CPU accounting during a measurement: how busy the machine was, and how much of that was not the benchmark
// (its own process and every descendant: gateways, echo server, PostgreSQL). The machine may be shared; a
// measurement taken while something else used the CPU is flagged in the results.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** user + nice + system time (not interrupts, whose loopback networking work is the benchmark's own), steal, all */
function totalBusy(): { busy: number; steal: number; all: number } {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = v;
  // guest time is already counted in user
  const all = v.slice(0, 8).reduce((x, y) => x + y, 0);
  return { busy: user + nice + system, steal, all };
}

/** The fields of /proc/<pid>/stat after the command name (its first, the state, is field 3). */
function statFields(pid: number | string): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/**
 * utime + stime + cutime + cstime (clock ticks): a process's own CPU time with that of the ended children it waited
 * for (a PostgreSQL backend's, once it ends, goes to the postmaster).
 */
function ticksWithEndedChildren(rest: string[]): number {
  return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
}

/** CPU ticks (ticksWithEndedChildren) of this process and all its descendants. */
function treeTicks(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const rest = statFields(d);
      parent.set(Number(d), Number(rest[1]));
      ticks.set(Number(d), ticksWithEndedChildren(rest));
    } catch {
      /* gone */
    }
  }
  let sum = 0;
  for (const [pid, t] of ticks) {
    let p: number | undefined = pid;
    for (let depth = 0; p && depth < 20; depth++) {
      if (p === process.pid) {
        sum += t;
        break;
      }
      p = parent.get(p);
    }
  }
  return sum;
}

export interface CpuSample {
  busy: number;
  steal: number;
  all: number;
  ours: number;
}

export function cpuSample(): CpuSample | null {
  try {
    const t = totalBusy();
    return { ...t, ours: treeTicks() };
  } catch {
    return null;
  }
}

/** Shares of the machine's CPU capacity between two samples: all busy, and busy outside the benchmark. */
export function cpuShares(a: CpuSample | null, b: CpuSample | null): { busy: number; foreign: number; steal: number } | null {
  if (!a || !b) return null;
  const all = b.all - a.all;
  if (all <= 0) return null;
  const busy = (b.busy - a.busy) / all;
  const steal = (b.steal - a.steal) / all;
  // /proc/stat counts every CPU; per-process ticks are in the same unit (USER_HZ)
  const foreign = Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / all);
  void cpus;
  return { busy, foreign, steal };
}

/**
 * Waits until processes outside the benchmark use less than `threshold` of the machine over a second, or
 * `maxMs` passed (the machine may be shared). Returns the last share seen.
 */
export async function waitForQuiet(threshold: number, maxMs: number, onWait?: (foreign: number) => void): Promise<number> {
  const deadline = Date.now() + maxMs;
  let reported = 0;
  for (;;) {
    const a = cpuSample();
    await new Promise((r) => setTimeout(r, 1000));
    const s = cpuShares(a, cpuSample());
    if (!s || s.foreign < threshold || Date.now() > deadline) return s?.foreign ?? 0;
    if (onWait && Date.now() - reported > 10_000) {
      reported = Date.now();
      onWait(s.foreign);
    }
  }
}

/**
 * CPU seconds (user + system, every thread) used so far by each of these processes, with those of their children
 * that have ended and been waited for (absent when gone). A PostgreSQL backend that ends hands its time to the
 * postmaster this way, so the sum over a process tree counts every second once, whichever processes came and went.
 */
export function processCpuSeconds(pids: number[]): Map<number, number> {
  const hz = 100; // USER_HZ on Linux
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, ticksWithEndedChildren(statFields(pid)) / hz);
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU seconds a process tree used between two readings, each reading taken over the tree's processes at its time
 * (found again for the second): a process started in between counts all its time, and one that ended counts
 * through its parent's share of ended children (processCpuSeconds), less what it had used before the first.
 */
export function cpuSecondsBetween(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  for (const v of b.values()) sum += v;
  for (const v of a.values()) sum -= v;
  return sum;
}

/** Pids of this process's descendants whose command name matches. */
export function descendantPids(match: RegExp): number[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      comm.set(Number(d), s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')));
      parent.set(Number(d), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  for (const [pid, name] of comm) {
    if (!match.test(name)) continue;
    for (let p: number | undefined = parent.get(pid), depth = 0; p && depth < 20; p = parent.get(p), depth++) {
      if (p === process.pid) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}
