import { describe, expect, it } from 'vitest';
import { HEARTBEAT_GRACE_MS, HeartbeatWatch } from './heartbeat-watch';

/** Timers on a clock the test moves by hand. */
function manualClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (handle: unknown) => void timers.delete(handle as number),
    pending: () => timers.size,
    /** Moves the clock on by `ms`, firing every timer that falls due on the way, in order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

function watchOn(clock: ReturnType<typeof manualClock>, intervalMs = 1000, graceMs?: number) {
  const beats: number[] = [];
  const missed: { at: number; silentForMs: number }[] = [];
  const watch = new HeartbeatWatch({
    intervalMs,
    graceMs,
    onBeat: () => beats.push(clock.now()),
    onMissed: (silentForMs) => missed.push({ at: clock.now(), silentForMs }),
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    now: clock.now,
  });
  return { watch, beats, missed };
}

describe('HeartbeatWatch', () => {
  it('is quiet while beats come within the interval and its grace', () => {
    const clock = manualClock();
    const { watch, beats, missed } = watchOn(clock);
    watch.start();
    for (let i = 0; i < 10; i++) {
      clock.advance(1000 + HEARTBEAT_GRACE_MS - 1);
      watch.beat();
    }
    expect(missed).toEqual([]);
    expect(beats).toHaveLength(10);
  });

  it('reports a missed heartbeat once the interval plus grace passes in silence, with how long it was silent', () => {
    const clock = manualClock();
    const { watch, missed } = watchOn(clock, 1000, 200);
    watch.start();
    clock.advance(1199);
    expect(missed).toEqual([]);
    clock.advance(1);
    expect(missed).toEqual([{ at: 1200, silentForMs: 1200 }]);
  });

  it('re-arms after a miss: a silence that goes on is reported once per interval, never in a burst', () => {
    const clock = manualClock();
    const { watch, missed } = watchOn(clock, 1000, 100);
    watch.start();
    clock.advance(3500);
    expect(missed.map((m) => m.silentForMs)).toEqual([1100, 2200, 3300]);
    // A beat ends the silence: the count starts over from it.
    watch.beat();
    clock.advance(1099);
    expect(missed).toHaveLength(3);
    clock.advance(1);
    expect(missed.at(-1)).toEqual({ at: 4600, silentForMs: 1100 });
  });

  it('start() takes a new interval (the one HQ announced) and restarts the count', () => {
    const clock = manualClock();
    const { watch, missed } = watchOn(clock, 15_000, 0);
    watch.start();
    clock.advance(400);
    watch.start(500);
    clock.advance(499);
    expect(missed).toEqual([]);
    clock.advance(1);
    expect(missed).toEqual([{ at: 900, silentForMs: 500 }]);
    // Beats keep the new interval.
    watch.beat();
    clock.advance(500);
    expect(missed).toHaveLength(2);
  });

  it('stop() silences it: no miss, no beat, no timer left behind', () => {
    const clock = manualClock();
    const { watch, beats, missed } = watchOn(clock);
    watch.start();
    watch.beat();
    watch.stop();
    expect(clock.pending()).toBe(0);
    watch.beat();
    clock.advance(60_000);
    expect(beats).toHaveLength(1);
    expect(missed).toEqual([]);
  });

  it('a beat before start() counts for nothing', () => {
    const clock = manualClock();
    const { watch, beats } = watchOn(clock);
    watch.beat();
    expect(beats).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('runs on real timers when none are injected (unref’d, so it never holds the process open)', async () => {
    const missed: number[] = [];
    const watch = new HeartbeatWatch({ intervalMs: 30, graceMs: 10, onBeat: () => {}, onMissed: (ms) => missed.push(ms) });
    watch.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    watch.stop();
    expect(missed.length).toBeGreaterThanOrEqual(1);
    expect(missed[0]).toBeGreaterThanOrEqual(35);
  });
});
