import type { HqContext } from '../context';
import type { Logger } from '../logger';
import { QosBoard, QOS_SHARE_MS } from './qos-board';
import { FAULT_REFRESH_MS, SharedFaults } from './shared-faults';

export interface SharedStateOptions {
  /** How often injected faults are re-read from the database (HQ_FAULTS=1 only). */
  faultRefreshMs?: number;
  /** How often this instance's QoS windows are written and the others' read. */
  qosShareMs?: number;
}

/**
 * On PostgreSQL, where several HQ instances may serve behind one load balancer: injected faults come from
 * the shared table (only with HQ_FAULTS), and QoS windows are exchanged. SQLite is one HQ: nothing to share.
 * Answers the function that stops both at shutdown.
 */
export async function startSharedState(ctx: HqContext, log: Logger, options: SharedStateOptions = {}): Promise<() => Promise<void>> {
  if (ctx.database.dialect !== 'postgres') return async () => {};
  let faults: SharedFaults | null = null;
  if (ctx.settings.faultsEnabled) {
    faults = new SharedFaults(ctx.database.db, ctx.faults, log);
    ctx.faults.useStore(faults);
    await faults.refresh().catch((error: unknown) => log.warn({ err: error }, 'reading the injected faults failed'));
    faults.start(options.faultRefreshMs ?? FAULT_REFRESH_MS);
    if (ctx.listener) faults.follow(ctx.listener);
  }
  const board = new QosBoard(ctx.database.db, ctx.qos, ctx.instanceId, log);
  board.start(options.qosShareMs ?? QOS_SHARE_MS);
  return async () => {
    faults?.stop();
    await board.stop();
  };
}
