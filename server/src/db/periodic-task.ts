import type { Logger } from '../logger';

/**
 * Work an HQ instance repeats on a timer (sharing QoS windows, re-reading injected faults): never two runs
 * at once (a run due while one is still going is skipped, not queued), nothing before `start` or after
 * `stop`, and a failing run is logged once until a run succeeds again, so a database that is down for a
 * minute leaves one warning, not four a second.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private failing = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly log: Pick<Logger, 'warn'>,
    /** Said once when runs start failing: what the instance does meanwhile. */
    private readonly failureMessage: string,
  ) {}

  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.run(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs now (between the timer's runs too, e.g. when another instance announces a change), unless stopped or already running. */
  async run(): Promise<void> {
    if (this.busy || !this.timer) return;
    this.busy = true;
    try {
      await this.work();
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, this.failureMessage);
      this.failing = true;
    } finally {
      this.busy = false;
    }
  }
}
