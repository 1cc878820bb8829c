/**
 * Watches a stream that HQ keeps alive with a heartbeat every `intervalMs`: every byte that arrives is a
 * beat; when nothing has arrived for `intervalMs + graceMs` the beat is missed, reported once, and the
 * watch re-arms for the next interval. The timer functions are injected so the connectivity simulation
 * runs the same watch on simulated time.
 */
export interface HeartbeatWatchOptions {
  intervalMs: number;
  /** How late a heartbeat may be before it counts as missed; a late one costs a probe, never a verdict. */
  graceMs?: number;
  /** A beat, and the time within which the next one comes or a miss is reported. */
  onBeat: (nextWithinMs: number) => void;
  onMissed: (silentForMs: number) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

/** A heartbeat later than this counts as missed: small against the interval, so detection stays within interval + T1 + probe timeout. */
export const HEARTBEAT_GRACE_MS = 100;

export class HeartbeatWatch {
  private timer: unknown = null;
  private lastBeat = 0;
  private running = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: HeartbeatWatchOptions) {
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const handle = setTimeout(fn, ms);
        handle.unref?.();
        return handle;
      });
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
    this.now = options.now ?? Date.now;
  }

  /** The stream is open: from now on, silence longer than the interval is a missed heartbeat. */
  start(intervalMs = this.options.intervalMs): void {
    this.options.intervalMs = intervalMs;
    this.running = true;
    this.lastBeat = this.now();
    this.arm();
  }

  /** Something arrived on the stream (a heartbeat, a change, a position). */
  beat(): void {
    if (!this.running) return;
    this.lastBeat = this.now();
    this.options.onBeat(this.options.intervalMs + (this.options.graceMs ?? HEARTBEAT_GRACE_MS));
    this.arm();
  }

  /** The stream is closed on purpose (the till went offline): silence is expected. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      if (!this.running) return;
      this.options.onMissed(this.now() - this.lastBeat);
      this.arm();
    }, this.options.intervalMs + (this.options.graceMs ?? HEARTBEAT_GRACE_MS));
  }
}
