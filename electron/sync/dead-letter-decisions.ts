import { KassaError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import type { SyncService } from './sync.service';

/** A manager's decision on an operation HQ refused for good: send it again, or drop it (logged with their name). */
export function decideDeadLetter(sync: SyncService, log: Logger, decision: 'retry' | 'discard', id: string, manager: { name: string }, now = Date.now()): void {
  if (!sync.deadLetters.get(id)) throw new KassaError('NOT_FOUND', 'That operation is no longer in the list.');
  if (decision === 'retry') {
    sync.deadLetters.retry(id, manager.name, now);
    log.info({ op: id, manager: manager.name }, 'dead letter put back in the outbox');
    sync.changed();
    void sync.drain();
    return;
  }
  sync.deadLetters.discard(id, manager.name, now);
  log.warn({ op: id, manager: manager.name }, 'dead letter discarded by a manager');
  sync.changed();
}
