import type { ConnectivityLogEntry, ConnectivityReason } from '../../../../shared/api';

/** One stretch of time in one state, for the timeline chart. */
export interface Band {
  from: number;
  to: number;
  state: 'online' | 'offline';
  reasons: ConnectivityReason[];
}

/**
 * The window [start, end] cut into online and offline stretches from the transition log (oldest first;
 * the first entry may lie before `start` and gives the state at `start`). Before the first known entry
 * the state is unknown and no band is drawn.
 */
export function bandsOf(entries: readonly ConnectivityLogEntry[], start: number, end: number): Band[] {
  const bands: Band[] = [];
  const sorted = [...entries].sort((a, b) => a.at - b.at || a.id - b.id);
  sorted.forEach((entry, i) => {
    const from = Math.max(start, entry.at);
    const to = Math.min(end, sorted[i + 1]?.at ?? end);
    if (to <= from) return;
    const last = bands[bands.length - 1];
    if (last && last.to === from && last.state === entry.to && sameReasons(last.reasons, entry.reasons)) last.to = to;
    else bands.push({ from, to, state: entry.to, reasons: entry.reasons });
  });
  return bands;
}

/** Median, 90th percentile and the last value of the probes that answered. */
export function latencySummary(latencies: readonly number[]): { median: number; p90: number } | null {
  if (!latencies.length) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p90: at(0.9) };
}

function sameReasons(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
