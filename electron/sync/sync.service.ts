import type { SyncStatus } from '../../shared/api';
import { OPT_IN_KINDS } from '../../shared/hq/feed';
import { HQ_ROUTES } from '../../shared/hq/routes';
import type { Connectivity } from '../connectivity/connectivity';
import type { TrafficEvidence } from '../connectivity/probe-result';
import type { Logger } from '../core/logger';
import type { KassaDatabase } from '../db/open';
import { REVOKED_MESSAGE, type HqClient } from '../hq/hq-client';
import type { IdentityStore } from '../hq/identity';
import { ChangeFeed, type FeedApplier } from './change-feed';
import { DeadLetters } from './dead-letters';
import { Drainer, type DrainerOptions } from './drainer';
import { HqEpochWatch } from './hq-epoch';
import { HqSyncTransport } from './hq-transport';
import type { Outbox } from './outbox';
import { RealtimeStream } from './realtime';
import { SyncState } from './sync-state';

export interface SyncServiceOptions {
  db: KassaDatabase;
  outbox: Outbox;
  hq: HqClient | null;
  identity: IdentityStore;
  connectivity: Pick<Connectivity, 'current' | 'subscribe'>;
  log: Logger;
  pullEveryMs?: number;
  /** The earliest upload deadline of a card payment taken offline (shown as a countdown). */
  nearestCardDeadline?: () => number | null;
  declinedCardPayments?: () => number;
  /** Modules keeping their own copy of HQ data (catalog, checkout, membership), applied with the feed in this order. */
  feedAppliers?: () => readonly FeedApplier[];
  /** Told of each operation HQ accepted, inside the transaction that removes it from the outbox. */
  onAcknowledged?: DrainerOptions['onAcknowledged'];
  /** Days acknowledged operations are kept, to upload again if HQ is restored from a backup (settings sync.ackRetentionDays). */
  ackRetentionDays?: () => number;
  /** Told what the realtime stream says about the link to HQ (heartbeats that came or did not), as connectivity evidence. */
  onTraffic?: (evidence: TrafficEvidence) => void;
  /** Told when the realtime stream, closed on purpose, stops standing in for probes (see RealtimeOptions.onWatchEnded). */
  onStreamWatchEnded?: () => void;
}

/**
 * The register's sync engine: the outbox drainer, the change feed and the realtime stream, all gated by
 * connectivity, plus what a manager needs to see and decide (pending work, errors, dead letters).
 */
export class SyncService {
  readonly state: SyncState;
  readonly deadLetters: DeadLetters;
  readonly drainer: Drainer;
  readonly feed: ChangeFeed | null;
  /** HQ's epoch: a new one (HQ restored from a backup) re-sends acknowledged operations and reloads a snapshot. */
  readonly epoch: HqEpochWatch;
  private readonly realtime: RealtimeStream | null;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly feedAppliers: FeedApplier[] = [];
  private readonly acknowledged: NonNullable<DrainerOptions['onAcknowledged']>[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private puller: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: SyncServiceOptions) {
    this.state = new SyncState(options.db);
    this.deadLetters = new DeadLetters(options.db);
    this.epoch = new HqEpochWatch(options.db, this.state, options.outbox, options.log);
    const transport = options.hq ? new HqSyncTransport(options.hq, (epoch) => this.epochSeen(epoch), () => this.epoch.current()) : null;
    this.drainer = new Drainer({
      db: options.db,
      outbox: options.outbox,
      deadLetters: this.deadLetters,
      state: this.state,
      transport: transport ?? { push: () => Promise.reject(new Error('this register has no HQ')) },
      connectivity: options.connectivity,
      // A revoked register sends nothing (no retries against a door that stays shut); its outbox waits intact.
      registerId: () => (options.hq && !this.revoked() ? (options.identity.get()?.registerId ?? null) : null),
      log: options.log,
      onAcknowledged: (op, result) => {
        options.onAcknowledged?.(op, result);
        for (const listener of this.acknowledged) listener(op, result);
      },
      archiveRetentionMs: () => (options.ackRetentionDays?.() ?? 14) * 86_400_000,
      // The drainer uploads on its own (after each write, every 30 s): whoever shows the pending count hears of each batch HQ took.
      onSettled: () => this.changed(),
    });
    const appliers: FeedApplier[] = [
      {
        applyChange: (change, now) => this.appliers().some((a) => a.applyChange(change, now)),
        stageSnapshot: async (snapshot, now) => {
          for (const a of this.appliers()) await a.stageSnapshot?.(snapshot, now);
        },
        applySnapshot: (snapshot, now) => this.appliers().forEach((a) => a.applySnapshot(snapshot, now)),
      },
    ];
    this.feed = transport ? new ChangeFeed(options.db, this.state, transport, options.log, appliers) : null;
    const hq = options.hq;
    const feed = this.feed;
    this.realtime =
      hq && feed
        ? new RealtimeStream({
            // This register knows every kind HQ keeps from older ones (OPT_IN_KINDS): it asks for them.
            url: () => hq.urlOf(HQ_ROUTES.stream, { query: { kinds: OPT_IN_KINDS.join(',') } }),
            token: () => options.identity.get()?.deviceToken ?? null,
            lastSeq: () => feed.lastSeq(),
            apply: (prevSeq, changes, nextSeq) => feed.applyFollowing(prevSeq, changes, nextSeq),
            onGap: () => void this.pull(),
            log: options.log,
            onTraffic: options.onTraffic,
            onWatchEnded: options.onStreamWatchEnded,
          })
        : null;
  }

  /** A module keeping its own copy of HQ data (membership, catalog) registers how it applies the feed. */
  addFeedApplier(applier: FeedApplier): void {
    this.feedAppliers.push(applier);
  }

  /** Told of each operation HQ accepted, inside the transaction that removes it from the outbox. */
  onAcknowledged(listener: NonNullable<DrainerOptions['onAcknowledged']>): void {
    this.acknowledged.push(listener);
  }

  private appliers(): readonly FeedApplier[] {
    return [...(this.options.feedAppliers?.() ?? []), ...this.feedAppliers];
  }

  start(): void {
    if (this.unsubscribers.length) return;
    if (this.options.hq) this.unsubscribers.push(this.options.hq.onRevoked((hqMessage) => this.revokedByHq(hqMessage)));
    this.drainer.start();
    this.unsubscribers.push(
      this.options.outbox.onWrite(() => this.changed()),
      this.options.connectivity.subscribe((state) => (state.state === 'online' ? this.goOnline() : this.goOffline())),
    );
    if (this.feed) this.unsubscribers.push(this.feed.onApplied(() => this.changed()));
    if (this.options.connectivity.current().state === 'online') this.goOnline();
  }

  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.drainer.stop();
    this.goOffline();
  }

  /** When HQ revoked this register's device token, or null; kept across restarts until the register enrols again. */
  revoked(): { at: number } | null {
    return this.state.get<{ at: number }>('revokedAt') === null ? null : { at: this.state.get<number>('revokedAt')! };
  }

  /** HQ refused the device token as revoked: stop uploading and pulling, and say so until the register is enrolled again. */
  private revokedByHq(hqMessage: string): void {
    if (this.revoked()) return;
    const at = Date.now();
    this.state.set('revokedAt', at);
    this.state.set('lastError', { at, message: REVOKED_MESSAGE });
    this.options.log.warn({ hqMessage }, 'HQ revoked this register; syncing stops until it is enrolled again');
    this.goOffline();
    this.changed();
  }

  /** Starts pulling and draining at once (after enrolment, which also lifts a revocation: the new token is HQ's). */
  kick(): void {
    if (this.revoked()) {
      this.state.set('revokedAt', null);
      this.state.set('lastError', null);
    }
    if (this.options.connectivity.current().state === 'online') this.goOnline();
    void this.drain();
  }

  /** HQ answered with its epoch: a new one (HQ restored) has requeued the archive; reload HQ's data now. */
  private epochSeen(epoch: string): void {
    if (!this.epoch.observe(epoch)) return;
    queueMicrotask(() => {
      if (this.stopped) return;
      this.changed();
      void this.pull();
    });
  }

  /** Pulls HQ's changes now (when online and enrolled). */
  async pull(): Promise<void> {
    if (!this.feed || !this.options.identity.get() || this.revoked() || this.options.connectivity.current().state !== 'online') return;
    try {
      await this.feed.pull();
    } catch (error) {
      // A pull cut short by shutdown is simply done again on the next start.
      if (this.stopped || this.revoked()) return;
      this.state.set('lastError', { at: Date.now(), message: `Pulling HQ's changes failed: ${(error as Error).message}` });
      this.changed();
    }
  }

  /** Drains the outbox now; resolves when HQ has answered (or the drain was skipped). */
  async drain(): Promise<void> {
    try {
      await this.drainer.drain();
    } catch (error) {
      this.options.log.warn({ err: error }, 'a drain failed on this register; it is retried');
    }
    if (!this.stopped) this.changed();
  }

  status(): SyncStatus {
    const pending = this.options.outbox.pending();
    const lastError = this.state.get<{ at: number; message: string }>('lastError');
    return {
      pending: pending.count,
      oldestPendingAt: pending.oldestAt,
      lastSyncAt: this.state.get<number>('lastSyncAt'),
      lastError,
      deadLetters: this.deadLetters.count(),
      lastSeq: this.feed?.lastSeq() ?? 0,
      realtime: this.realtime?.isOpen() ?? false,
      hq: this.options.hq !== null,
      nearestCardDeadline: this.options.nearestCardDeadline?.() ?? null,
      declinedCardPayments: this.options.declinedCardPayments?.() ?? 0,
      revokedAt: this.revoked()?.at ?? null,
    };
  }

  onChange(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }

  private goOnline(): void {
    if (this.stopped || !this.options.identity.get() || this.revoked()) return;
    void this.pull().then(() => {
      // Checked again after the pull: HQ may have revoked the register (or it went offline) meanwhile.
      if (!this.stopped && !this.revoked() && this.options.connectivity.current().state === 'online') this.realtime?.open();
    });
    this.puller ??= setInterval(() => void this.pull(), this.options.pullEveryMs ?? 60_000);
    this.puller.unref();
  }

  private goOffline(): void {
    this.realtime?.close();
    if (this.puller) clearInterval(this.puller);
    this.puller = null;
  }
}
