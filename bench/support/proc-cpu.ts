/**
 * CPU time of processes from /proc (Linux), for benches that share one machine between a load generator,
 * a balancer, HQ instances and PostgreSQL: each group's CPU seconds over a phase, as a share of the machine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const CLK_TCK = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime + stime of a process in seconds, or null when it is gone (or this is not Linux). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The pids of every process whose command name is `name` (e.g. every postgres process of the machine). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Busy and total CPU seconds of the whole machine so far (every core, every process). */
export function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * CPU seconds of named groups of processes over a phase. `sample()` reads every pid the group has now
 * (call it about once a second: a process that ends between two samples loses at most that much);
 * `phase()` gives each group's seconds since the previous `phase()` and starts the next one. A process
 * first seen during a phase counts from its start (a restarted HQ instance, a new database backend).
 */
export class CpuMeter {
  private readonly last = new Map<string, Map<number, number>>();
  private readonly base = new Map<string, Map<number, number>>();
  private machineBase = machineCpuSeconds();
  private phaseStarted = performance.now();

  constructor(private readonly groups: Record<string, () => number[]>) {
    for (const name of Object.keys(groups)) {
      this.last.set(name, new Map());
      this.base.set(name, new Map());
    }
    this.sample();
    this.phase();
  }

  sample(): void {
    for (const [name, pidsOf] of Object.entries(this.groups)) {
      const last = this.last.get(name)!;
      for (const pid of pidsOf()) {
        const seconds = processCpuSeconds(pid);
        if (seconds !== null) last.set(pid, seconds);
      }
    }
  }

  /** Each group's CPU seconds and share of the machine (100 % = every core busy) since the last call. */
  phase(): { seconds: number; groups: Record<string, { cpuSeconds: number; machinePercent: number }>; machineBusyPercent: number } {
    this.sample();
    const wall = (performance.now() - this.phaseStarted) / 1000;
    const cores = os.cpus().length;
    const groups: Record<string, { cpuSeconds: number; machinePercent: number }> = {};
    for (const [name, last] of this.last) {
      const base = this.base.get(name)!;
      let sum = 0;
      for (const [pid, seconds] of last) sum += seconds - (base.get(pid) ?? 0);
      groups[name] = { cpuSeconds: +sum.toFixed(2), machinePercent: wall > 0 ? +((sum / (wall * cores)) * 100).toFixed(1) : 0 };
      this.base.set(name, new Map(last));
    }
    const machine = machineCpuSeconds();
    const busy = machine.total - this.machineBase.total > 0 ? ((machine.busy - this.machineBase.busy) / (machine.total - this.machineBase.total)) * 100 : 0;
    this.machineBase = machine;
    this.phaseStarted = performance.now();
    return { seconds: +wall.toFixed(1), groups, machineBusyPercent: +busy.toFixed(1) };
  }
}
