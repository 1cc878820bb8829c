import type { ConnectivityState } from '../../shared/api';
import type { RegisterStatusReport } from '../../shared/hq/console';
import { HQ_ROUTES } from '../../shared/hq/routes';
import type { Logger } from '../core/logger';
import type { HqCaller } from '../hq/hq-client';
import type { Connectivity } from './connectivity';

/** How often a register that is online tells HQ its state. */
export const STATUS_EVERY_MS = 60_000;
/** A parting notice gets this long: the till is going offline, nothing waits for it. */
export const PARTING_TIMEOUT_MS = 1_500;

/** The upload figures a report carries: what waits (telemetry aside), since when, and the dead letters. */
export interface StatusFigures {
  backlog: number;
  oldestPendingAt: number | null;
  deadLetters: number;
}

export interface StatusReporterOptions {
  hq: HqCaller;
  connectivity: Pick<Connectivity, 'current' | 'subscribe'>;
  /** Whether HQ takes reports from this register now: enrolled, and not revoked. */
  enrolled: () => boolean;
  figures: () => StatusFigures;
  version: string;
  log: Logger;
  everyMs?: number;
  timeoutMs?: number;
  partingTimeoutMs?: number;
}

/**
 * Tells HQ this register's connectivity state for the console's fleet view (`POST /registers/status`): every
 * minute while online, right after each return online, and, when a cashier switches the till offline, a
 * parting notice sent at the switch so HQ hears it was deliberate (and who pressed it) rather than seeing the
 * register go quiet. Reports are best-effort and never go through the outbox: a lost one is replaced by the
 * next, and the transitions themselves reach HQ's timeline through the outbox. Nothing here waits on HQ: a
 * report is started and left to finish (or time out) on its own.
 */
export class StatusReporter {
  private readonly everyMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private last: ConnectivityState | null = null;
  private readonly inFlight = new Set<AbortController>();
  private periodicRunning = false;

  constructor(private readonly options: StatusReporterOptions) {
    this.everyMs = options.everyMs ?? STATUS_EVERY_MS;
  }

  start(): void {
    if (this.timer) return;
    this.last = this.options.connectivity.current();
    this.unsubscribe = this.options.connectivity.subscribe((state) => this.changed(state));
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  /** Sends the state now; resolves once HQ answered or the report was given up (never rejects). */
  async send(state: ConnectivityState, timeoutMs = this.options.timeoutMs): Promise<boolean> {
    if (!this.options.enrolled()) return false;
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const report = this.report(state);
      await this.options.hq.call(HQ_ROUTES.registerStatus, { body: report }, { timeoutMs, signal: controller.signal });
      return true;
    } catch (error) {
      this.options.log.debug({ err: error }, 'a status report did not reach HQ; the next one replaces it');
      return false;
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private report(state: ConnectivityState): RegisterStatusReport {
    const figures = this.options.figures();
    const manual = state.reasons.includes('manual');
    return {
      state: state.state,
      reasons: [...state.reasons],
      switchedBy: manual && state.manualBy ? state.manualBy.slice(0, 80) : null,
      since: new Date(state.since).toISOString(),
      version: this.options.version,
      backlog: figures.backlog,
      oldestPendingAt: figures.oldestPendingAt === null ? null : new Date(figures.oldestPendingAt).toISOString(),
      deadLetters: figures.deadLetters,
    };
  }

  private changed(state: ConnectivityState): void {
    const before = this.last;
    this.last = state;
    if (!before) return;
    // The cashier's switch: the parting notice, started here and never awaited, so the switch goes on at once.
    if (state.reasons.includes('manual') && !before.reasons.includes('manual')) {
      void this.send(state, this.options.partingTimeoutMs ?? PARTING_TIMEOUT_MS);
      return;
    }
    if (state.state === 'online' && before.state !== 'online') void this.send(state, this.options.timeoutMs);
  }

  /** Reports now if online (the register has just enrolled): the periodic report, brought forward. */
  reportNow(): void {
    this.tick();
  }

  private tick(): void {
    const state = this.options.connectivity.current();
    // One periodic report at a time: a slow HQ does not pile them up.
    if (state.state !== 'online' || this.periodicRunning) return;
    this.periodicRunning = true;
    void this.send(state, this.options.timeoutMs).finally(() => (this.periodicRunning = false));
  }
}
