import type { Kysely } from 'kysely';
import { PeriodicTask } from '../db/periodic-task';
import { notify, type PgListener } from '../db/pg-listener';
import type { HqSchema } from '../db/schema';
import type { Logger } from '../logger';
import { faultKey, type ActiveFault, type FaultInjector, type FaultStore } from './fault-injector';

/** How often each instance re-reads the faults: a fault injected through one instance is in force on all within this. */
export const FAULT_REFRESH_MS = 250;
/** Sent after each change, so the other instances re-read at once instead of at their next refresh. */
export const FAULTS_CHANNEL = 'kassa_faults';

/**
 * Injected faults shared by every HQ instance on one PostgreSQL database (table `hq_faults`): an operator's
 * POST or DELETE /admin/faults through the load balancer reaches one instance, which writes the table and
 * applies the change at once, then NOTIFYs `kassa_faults`; the others re-read the table into their
 * injector's memory when they hear it, and every FAULT_REFRESH_MS in any case (a NOTIFY lost with a
 * connection is not waited for). Requests never wait on the database for a fault decision, and without HQ_FAULTS nothing runs.
 */
export class SharedFaults implements FaultStore {
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Kysely<HqSchema>,
    private readonly injector: FaultInjector,
    log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Keeps the faults it last read while reading fails.
    this.task = new PeriodicTask(() => this.refresh(), log, 'reading the injected faults failed; keeping the last ones read');
  }

  async save(fault: ActiveFault): Promise<void> {
    const row = { fault_key: faultKey(fault), spec: JSON.stringify(fault), until: fault.until, created_at: this.now() };
    await this.db
      .insertInto('hq_faults')
      .values(row)
      .onConflict((oc) => oc.column('fault_key').doUpdateSet({ spec: row.spec, until: row.until, created_at: row.created_at }))
      .execute();
    await this.announce();
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('hq_faults').execute();
    await this.announce();
  }

  /** Re-reads whenever another instance announces a change (and after the LISTEN connection comes back). */
  follow(listener: PgListener): void {
    const reread = () => void this.task.run();
    listener.listen(FAULTS_CHANNEL, { notify: reread, missed: reread });
  }

  private async announce(): Promise<void> {
    // The change is stored: a lost NOTIFY only means the others see it at their next refresh.
    await notify(this.db, FAULTS_CHANNEL, '').catch(() => {});
  }

  async refresh(): Promise<void> {
    const version = this.injector.version;
    const now = this.now();
    const rows = await this.db
      .selectFrom('hq_faults')
      .select(['spec', 'until'])
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', now)]))
      .orderBy('created_at')
      .execute();
    this.injector.replace(rows.map((r) => ({ ...(JSON.parse(r.spec) as ActiveFault), until: r.until })), version);
  }

  start(everyMs = FAULT_REFRESH_MS): void {
    this.task.start(everyMs);
  }

  stop(): void {
    this.task.stop();
  }
}
