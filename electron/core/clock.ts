import fs from 'node:fs';
import os from 'node:os';

/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC on Linux: time since boot, the same for
 * every process, never set back or forward with the wall clock). Timers, backoffs, idle time and the drain
 * lease use it; the wall clock (`Date.now()`) is only for what a person reads, such as a sale's time.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

let bootId: string | null = null;

/**
 * This boot of the machine: the kernel's boot id on Linux, else the boot time rounded to a minute. A
 * monotonic time is only comparable with one taken during the same boot.
 */
export function currentBoot(): string {
  if (bootId) return bootId;
  try {
    bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    bootId = `uptime:${Math.round((Date.now() - os.uptime() * 1000) / 60_000)}`;
  }
  return bootId;
}
