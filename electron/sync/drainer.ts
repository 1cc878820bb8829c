import type { Operation, OpResult } from '../../shared/hq/ops';
import { MAX_PUSH_BYTES, MAX_PUSH_OPS } from '../../shared/hq/ops';
import type { Connectivity } from '../connectivity/connectivity';
import { currentBoot, monotonicMs } from '../core/clock';
import type { Logger } from '../core/logger';
import type { KassaDatabase } from '../db/open';
import { backoffDelay } from './backoff';
import type { DeadLetters } from './dead-letters';
import { isTelemetry, type Outbox, type OutboxOperation } from './outbox';
import type { SyncState } from './sync-state';

export interface PushTransport {
  /** `signal` aborts the upload (the till went offline): its operations stay in the outbox and go again. */
  push(registerId: string, ops: Operation[], signal?: AbortSignal): Promise<OpResult[]>;
}

export interface DrainOutcome {
  sent: number;
  applied: number;
  duplicates: number;
  rejected: number;
  remaining: number;
  /** Operations HQ deferred (the order they name is not on HQ yet): still in the outbox, sent again after their own backoff. */
  held?: number;
  skipped?: 'offline' | 'not-enrolled' | 'lease-held' | 'backoff';
  error?: string;
}

/**
 * Who drains: a process, until a time on the machine's monotonic clock during one boot (a wall clock set
 * forward cannot expire a live lease, nor one set back keep a dead one).
 */
interface Lease {
  owner: string;
  pid: number;
  /** Monotonic milliseconds (absent in a lease written before leases were monotonic: then only `pid` counts). */
  untilMono?: number;
  boot?: string;
  /** Wall-clock time of a lease written before leases were monotonic; not used to decide. */
  until?: number;
}

export interface DrainerOptions {
  db: KassaDatabase;
  outbox: Outbox;
  deadLetters: DeadLetters;
  state: SyncState;
  transport: PushTransport;
  connectivity: Pick<Connectivity, 'current' | 'subscribe'>;
  registerId: () => string | null;
  log: Logger;
  /** The wall clock, for what a manager reads (last sync, last error). */
  now?: () => number;
  /** The monotonic clock, for backoff and the lease (see clock.ts). */
  monotonic?: () => number;
  /** This boot of the machine (see clock.ts): a lease of another boot is stale. */
  boot?: () => string;
  random?: () => number;
  maxOps?: number;
  maxBytes?: number;
  /** How soon after a new operation the drainer runs, so a burst of scans goes in one batch. */
  debounceMs?: number;
  /** Told once HQ's answers to a batch are settled (committed): fewer operations wait now. */
  onSettled?: () => void;
  periodMs?: number;
  /** Whether the process holding a drain lease still runs (a crashed one leaves its lease behind). */
  isAlive?: (pid: number) => boolean;
  /** Told of each operation HQ accepted, inside the transaction that removes it (an enrolment learns HQ's member id). */
  onAcknowledged?: (op: OutboxOperation, result: OpResult) => void;
  /** How long acknowledged operations stay in the outbox archive, to send again after HQ is restored from a backup (default 14 days). */
  archiveRetentionMs?: () => number;
}

const DEFAULT_ARCHIVE_RETENTION_MS = 14 * 86_400_000;

const LEASE_KEY = 'drainLease';
const LEASE_MS = 120_000;

/**
 * Uploads the outbox to HQ: single-flight (also across processes and restarts, by a lease in the
 * database), in batches, removing an operation only once HQ acknowledged it, moving rejected ones to the
 * dead-letter list, backing off with full jitter after a failure. It never sends while the till is
 * offline, for whatever reason.
 */
export class Drainer {
  private running: Promise<DrainOutcome> | null = null;
  private attempt = 0;
  private nextAttemptAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private periodic: NodeJS.Timeout | null = null;
  private readonly unsubscribers: (() => void)[] = [];
  /** The upload waiting for HQ's answer; going offline cancels it rather than waiting for its timeout. */
  private inFlight: AbortController | null = null;
  private readonly owner = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  private readonly now: () => number;
  private readonly mono: () => number;
  private readonly boot: () => string;
  private readonly random: () => number;
  /**
   * Operations HQ deferred, by id: each waits in the outbox until its own time (monotonic) and is then sent
   * again, while the operations after it go on uploading.
   */
  private readonly held = new Map<string, { attempt: number; untilMono: number }>();

  constructor(private readonly options: DrainerOptions) {
    this.now = options.now ?? Date.now;
    this.mono = options.monotonic ?? monotonicMs;
    this.boot = options.boot ?? currentBoot;
    this.random = options.random ?? Math.random;
  }

  /** Starts the triggers: coming online, a new operation while online (debounced), and a period. */
  start(): void {
    let wasOnline = this.options.connectivity.current().state === 'online';
    this.unsubscribers.push(
      this.options.connectivity.subscribe((state) => {
        const online = state.state === 'online';
        if (online && !wasOnline) {
          this.attempt = 0;
          this.nextAttemptAt = 0;
          this.schedule(0);
        }
        if (!online && wasOnline) this.inFlight?.abort();
        wasOnline = online;
      }),
      this.options.outbox.onWrite(() => this.schedule(this.options.debounceMs ?? 250)),
    );
    this.periodic = setInterval(() => this.schedule(0), this.options.periodMs ?? 30_000);
    this.periodic.unref();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    this.timer = null;
    this.periodic = null;
  }

  /** Drains now unless a drain is running (then joins it). */
  drain(): Promise<DrainOutcome> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The next attempt after a failure, as a wall-clock time for the screen (kept on the monotonic clock). */
  status(): { attempt: number; nextAttemptAt: number | null } {
    const waitMs = this.nextAttemptAt - this.mono();
    return { attempt: this.attempt, nextAttemptAt: waitMs > 0 ? this.now() + waitMs : null };
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return;
    const wait = Math.max(delayMs, this.nextAttemptAt - this.mono());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain().then(
        (outcome) => {
          // More left after a full batch: go on at once; only held operations left: when the first is due.
          if (!outcome.skipped && !outcome.error && outcome.remaining > (outcome.held ?? 0)) this.schedule(0);
          else if (!outcome.skipped && !outcome.error && outcome.held) this.schedule(this.heldWaitMs());
        },
        // A local failure (the database busy past its timeout): back off and try again, never crash — also
        // when recording the failure fails in turn (the database closed under a register shutting down).
        (error: unknown) => {
          try {
            this.failed(error, { sent: 0, applied: 0, duplicates: 0, rejected: 0, remaining: 0 });
          } catch (inner) {
            this.options.log.warn({ err: inner }, 'an upload failed and its failure could not be recorded; trying again later');
            this.schedule(backoffDelay(this.attempt++, this.random));
          }
        },
      );
    }, wait);
    this.timer.unref();
  }

  private async run(): Promise<DrainOutcome> {
    const outcome: DrainOutcome = { sent: 0, applied: 0, duplicates: 0, rejected: 0, remaining: this.options.outbox.pending().count };
    if (this.options.connectivity.current().state !== 'online') return { ...outcome, skipped: 'offline' };
    const registerId = this.options.registerId();
    if (!registerId) return { ...outcome, skipped: 'not-enrolled' };
    if (this.mono() < this.nextAttemptAt) return { ...outcome, skipped: 'backoff' };
    if (!this.acquireLease()) return { ...outcome, skipped: 'lease-held' };
    try {
      while (this.options.connectivity.current().state === 'online') {
        const batch = this.options.outbox.batch(this.options.maxOps ?? MAX_PUSH_OPS, this.options.maxBytes ?? MAX_PUSH_BYTES - 64 * 1024, this.waiting());
        if (batch.length === 0) break;
        let results: OpResult[];
        const upload = new AbortController();
        this.inFlight = upload;
        try {
          results = await this.options.transport.push(registerId, batch.map(toWire), upload.signal);
        } catch (error) {
          if (this.stopped || upload.signal.aborted) return { ...outcome, skipped: 'offline', remaining: this.options.outbox.pending().count };
          return { ...this.failed(error, outcome), remaining: this.options.outbox.pending().count };
        } finally {
          this.inFlight = null;
        }
        // Shut down while HQ was answering: the operations stay in the outbox and go again (HQ applies each id once).
        if (this.stopped) return { ...outcome, skipped: 'offline' };
        this.settle(batch, results, outcome);
        this.renewLease();
      }
      this.attempt = 0;
      this.nextAttemptAt = 0;
      const held = this.waiting().size;
      return { ...outcome, remaining: this.options.outbox.pending().count, ...(held > 0 ? { held } : {}) };
    } finally {
      if (!this.stopped) this.releaseLease();
    }
  }

  /** HQ's answers, applied in one transaction: acknowledged operations move to the archive, rejected ones become dead letters. */
  private settle(batch: readonly OutboxOperation[], results: readonly OpResult[], outcome: DrainOutcome): void {
    const byId = new Map(batch.map((op) => [op.id, op]));
    const now = this.now();
    this.options.db.transaction(() => {
      const acknowledged: string[] = [];
      const accepted: string[] = [];
      for (const result of results) {
        const op = byId.get(result.id);
        if (!op) continue;
        if (result.status === 'deferred') {
          // Not applied and not refused: it stays in the outbox and goes again after a backoff of its own.
          const attempt = this.held.get(op.id)?.attempt ?? 0;
          this.held.set(op.id, { attempt: attempt + 1, untilMono: this.mono() + Math.max(1_000, backoffDelay(attempt, this.random)) });
          outcome.held = (outcome.held ?? 0) + 1;
          this.options.log.info({ op: op.id, entity: op.entity, code: result.code }, `HQ deferred an operation; it stays in the outbox: ${result.message}`);
          continue;
        }
        this.held.delete(op.id);
        if (result.status === 'rejected' && isTelemetry(op.entity)) {
          // Telemetry HQ refuses (an older HQ that does not know it) is dropped, never a dead letter: it would
          // ask a manager's decision and hold the day close for what the register's own log still keeps.
          acknowledged.push(op.id);
          outcome.rejected++;
          this.options.log.info({ op: op.id, entity: op.entity, code: result.code }, `HQ refused a telemetry operation; dropped: ${result.message}`);
        } else if (result.status === 'rejected') {
          this.options.deadLetters.add(op, result.code, result.message, now);
          acknowledged.push(op.id);
          outcome.rejected++;
          this.options.log.warn({ op: op.id, entity: op.entity, code: result.code }, `HQ rejected an operation: ${result.message}`);
        } else {
          acknowledged.push(op.id);
          accepted.push(op.id);
          this.options.onAcknowledged?.(op, result);
          if (result.status === 'applied') outcome.applied++;
          else outcome.duplicates++;
        }
      }
      // HQ holds these now; kept a while in case HQ goes back to a backup taken before it had them.
      this.options.outbox.archive(accepted, now);
      this.options.outbox.pruneArchive(now - (this.options.archiveRetentionMs?.() ?? DEFAULT_ARCHIVE_RETENTION_MS));
      this.options.outbox.acknowledge(acknowledged);
      this.options.state.set('lastSyncAt', now);
      this.options.state.set('lastError', null);
    })();
    outcome.sent += batch.length;
    this.options.onSettled?.();
  }

  /** The held operations not due yet. */
  private waiting(): Set<string> {
    const now = this.mono();
    return new Set([...this.held].filter(([, h]) => h.untilMono > now).map(([id]) => id));
  }

  private heldWaitMs(): number {
    const now = this.mono();
    return Math.max(0, Math.min(...[...this.held.values()].map((h) => h.untilMono - now)));
  }

  private failed(error: unknown, outcome: DrainOutcome): DrainOutcome {
    const message = error instanceof Error ? error.message : String(error);
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt++;
    this.nextAttemptAt = this.mono() + delay;
    this.options.state.set('lastError', { at: this.now(), message });
    this.options.log.warn({ attempt: this.attempt, retryInMs: delay }, `upload to HQ failed: ${message}`);
    this.schedule(delay);
    return { ...outcome, error: message };
  }

  private acquireLease(): boolean {
    const isAlive = this.options.isAlive ?? processIsAlive;
    return this.options.db.transaction(() => {
      const lease = this.options.state.get<Lease>(LEASE_KEY);
      if (lease && lease.owner !== this.owner && this.leaseHeld(lease) && isAlive(lease.pid)) return false;
      this.renewLease();
      return true;
    }).immediate();
  }

  /** Whether another process's lease still runs: same boot and not past its monotonic end (an old-style lease: until its process ends). */
  private leaseHeld(lease: Lease): boolean {
    if (lease.untilMono === undefined || lease.boot === undefined) return true;
    return lease.boot === this.boot() && lease.untilMono > this.mono();
  }

  private renewLease(): void {
    const lease: Lease = { owner: this.owner, pid: process.pid, untilMono: this.mono() + LEASE_MS, boot: this.boot() };
    this.options.state.set(LEASE_KEY, lease);
  }

  private releaseLease(): void {
    this.options.db.transaction(() => {
      if (this.options.state.get<Lease>(LEASE_KEY)?.owner === this.owner) this.options.state.set(LEASE_KEY, null);
    }).immediate();
  }
}

function toWire(op: OutboxOperation): Operation {
  return { id: op.id, entity: op.entity, entityId: op.entityId, type: op.type, payload: JSON.parse(op.payload) as Record<string, unknown>, createdAt: new Date(op.createdAt).toISOString() };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
