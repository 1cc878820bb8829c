import type { Logger } from '../core/logger';
import type { KassaDatabase } from '../db/open';
import type { Outbox } from './outbox';
import type { SyncState } from './sync-state';

/** The epoch of HQ's database this register last saw (sync_state). */
export const HQ_EPOCH_KEY = 'hqEpoch';
/** Set when HQ's epoch changed: the change feed loads a snapshot before it applies anything else. */
export const RESYNC_DUE_KEY = 'resyncDue';

/**
 * Notices HQ restored from a backup. HQ sends its epoch (a random id of its database, renewed by the
 * restore procedure, docs/hq-restore.md) with every push answer, feed page and snapshot. A new one means
 * HQ may have forgotten what this register uploaded after the backup, and its change feed may have been
 * rewritten under the same sequence numbers. So, in one transaction: every operation HQ acknowledged
 * within the retention goes back into the outbox (same ids: HQ applies what it lost and answers
 * `duplicate` for the rest), and a snapshot is due. The register's own sale numbers are never touched.
 */
export class HqEpochWatch {
  constructor(
    private readonly db: KassaDatabase,
    private readonly state: SyncState,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  current(): string | null {
    return this.state.get<string>(HQ_EPOCH_KEY);
  }

  /** True when `epoch` is a new one (HQ was restored); the first epoch a register sees is only remembered. */
  observe(epoch: string | undefined): boolean {
    if (!epoch || epoch === this.current()) return false;
    const outcome = this.db
      .transaction(() => {
        const known = this.current();
        if (known === epoch) return null;
        this.state.set(HQ_EPOCH_KEY, epoch);
        if (known === null) return null;
        this.state.set(RESYNC_DUE_KEY, true);
        return { known, requeued: this.outbox.requeueArchived() };
      })
      .immediate();
    if (!outcome) return false;
    this.log.warn(
      { previous: outcome.known, epoch, requeued: outcome.requeued },
      'HQ was restored from a backup: reloading its data and uploading again what it acknowledged since',
    );
    return true;
  }

  /** Whether a snapshot must be loaded before the feed goes on (HQ's epoch changed). */
  resyncDue(): boolean {
    return this.state.get<boolean>(RESYNC_DUE_KEY) === true;
  }
}
