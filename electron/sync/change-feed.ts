import { CHANGE_KINDS, type Change, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import type { Logger } from '../core/logger';
import type { KassaDatabase } from '../db/open';
import { HQ_EPOCH_KEY, RESYNC_DUE_KEY } from './hq-epoch';
import type { SyncState } from './sync-state';

export interface FeedTransport {
  changes(since: number, limit: number): Promise<ChangesResponse>;
  snapshot(): Promise<Snapshot>;
}

/**
 * A module keeping its own copy of some of HQ's data (catalog, pricing rules, card settlements, members,
 * points): applies its kinds of change and its part of a snapshot, inside the feed's transactions.
 */
export interface FeedApplier {
  /** Applies the change if it is of this module's kinds; false leaves it to the next one. */
  applyChange(change: Change, now: number): boolean;
  /** Loads what the swap needs before it, outside its transaction (a large catalog, in chunks). */
  stageSnapshot?(snapshot: Snapshot, now: number): Promise<void>;
  applySnapshot(snapshot: Snapshot, now: number): void;
}

/** Told after each applied page, event or snapshot: how many changes, and of which kinds (a snapshot: every kind). */
export type AppliedListener = (applied: number, kinds: ReadonlySet<Change['kind']>) => void;

export const LAST_SEQ_KEY = 'lastSeq';
const PAGE = 500;

/**
 * Brings HQ's authoritative data (catalog, tax classes, promotions) to the register: pages of the change
 * feed, each applied with its `lastSeq` in one transaction, or — when HQ no longer keeps the history the
 * register needs — a snapshot loaded into staging tables and swapped in by one short transaction, so a
 * register in the middle of a sale keeps working throughout.
 */
export class ChangeFeed {
  private running: Promise<{ applied: number; snapshot: boolean }> | null = null;
  private readonly listeners = new Set<AppliedListener>();

  constructor(
    private readonly db: KassaDatabase,
    private readonly state: SyncState,
    private readonly transport: FeedTransport,
    private readonly log: Logger,
    private readonly appliers: readonly FeedApplier[] = [],
  ) {}

  lastSeq(): number {
    return this.state.get<number>(LAST_SEQ_KEY) ?? 0;
  }

  /** Told after every applied page or event, with how many changes it held and their kinds (what was cached of them is stale). */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pulls until HQ has nothing more (single-flight). */
  pull(): Promise<{ applied: number; snapshot: boolean }> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Applies changes that follow `prevSeq` directly (a realtime event). Returns false when `prevSeq` is
   * not where the register is: a gap, to be closed by a pull.
   */
  applyFollowing(prevSeq: number, changes: readonly Change[], nextSeq: number): boolean {
    // HQ was restored: its sequence numbers may mean other changes now; a pull loads a snapshot first.
    if (this.resyncDue()) return false;
    if (prevSeq !== this.lastSeq()) return prevSeq < this.lastSeq() && nextSeq <= this.lastSeq();
    this.applyPage(changes, nextSeq);
    return true;
  }

  private async run(): Promise<{ applied: number; snapshot: boolean }> {
    let applied = 0;
    let snapshot = false;
    for (;;) {
      const page = await this.transport.changes(this.lastSeq(), PAGE);
      // resyncDue: HQ's epoch changed (it was restored from a backup; the transport told the epoch watch
      // before returning this page), so its history may have been rewritten below lastSeq.
      if (page.snapshotRequired || this.resyncDue()) {
        await this.loadSnapshot(await this.transport.snapshot());
        snapshot = true;
        continue;
      }
      this.applyPage(page.changes, page.nextSeq);
      applied += page.changes.length;
      if (!page.hasMore) return { applied, snapshot };
    }
  }

  private resyncDue(): boolean {
    return this.state.get<boolean>(RESYNC_DUE_KEY) === true;
  }

  private applyPage(changes: readonly Change[], nextSeq: number): void {
    const now = Date.now();
    const kinds = new Set<Change['kind']>();
    this.db.transaction(() => {
      // The realtime stream may have got ahead of a pull's page while it was on its way: what is at or
      // below lastSeq is here already, and applying it again would bring back older values.
      const from = this.lastSeq();
      for (const change of changes) {
        if (change.seq <= from) continue;
        this.applyChange(change, now);
        kinds.add(change.kind);
      }
      this.state.set(LAST_SEQ_KEY, Math.max(nextSeq, from));
    })();
    for (const listener of this.listeners) listener(changes.length, kinds);
  }

  private applyChange(change: Change, now: number): void {
    for (const applier of this.appliers) if (applier.applyChange(change, now)) return;
    // Orders of other registers are stored by their module once it keeps local copies; until then the
    // register only moves past them.
  }

  /** Loads a full snapshot: each module stages what it needs (yielding between chunks), then all swap in at once. */
  async loadSnapshot(snapshot: Snapshot): Promise<void> {
    const started = Date.now();
    for (const applier of this.appliers) await applier.stageSnapshot?.(snapshot, started);
    this.db.transaction(() => {
      for (const applier of this.appliers) applier.applySnapshot(snapshot, started);
      this.state.set(LAST_SEQ_KEY, snapshot.seq);
      // A snapshot of HQ's current epoch ends the resync an epoch change asked for (one of an older epoch,
      // fetched before the change was noticed, does not).
      if (snapshot.epoch === undefined || snapshot.epoch === this.state.get<string>(HQ_EPOCH_KEY)) this.state.set(RESYNC_DUE_KEY, null);
    })();
    this.log.info({ products: snapshot.products.length, seq: snapshot.seq, ms: Date.now() - started }, 'catalog snapshot applied');
    const everything = new Set(CHANGE_KINDS);
    for (const listener of this.listeners) listener(snapshot.products.length, everything);
  }
}
