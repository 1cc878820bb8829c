import type { Kysely } from 'kysely';
import type { HqSchema } from '../db/schema';
import type { Logger } from '../logger';
import { faultKey, type ActiveFault, type FaultInjector, type FaultStore } from './fault-injector';

/** How often each instance re-reads the faults: a fault injected through one instance is in force on all within this. */
export const FAULT_REFRESH_MS = 250;

/**
 * Injected faults shared by every HQ instance on one PostgreSQL database (table `hq_faults`): an operator's
 * POST or DELETE /admin/faults through the load balancer reaches one instance, which writes the table and
 * applies the change at once; the others re-read the table every FAULT_REFRESH_MS into their injector's
 * memory. Requests never wait on the database for a fault decision, and without HQ_FAULTS nothing runs.
 */
export class SharedFaults implements FaultStore {
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private reading = false;

  constructor(
    private readonly db: Kysely<HqSchema>,
    private readonly injector: FaultInjector,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async save(fault: ActiveFault): Promise<void> {
    const row = { fault_key: faultKey(fault), spec: JSON.stringify(fault), until: fault.until, created_at: this.now() };
    await this.db
      .insertInto('hq_faults')
      .values(row)
      .onConflict((oc) => oc.column('fault_key').doUpdateSet({ spec: row.spec, until: row.until, created_at: row.created_at }))
      .execute();
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('hq_faults').execute();
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
    const tick = async () => {
      if (this.reading) return;
      this.reading = true;
      try {
        await this.refresh();
        this.failing = false;
      } catch (error) {
        // Keeps the faults it last read; says so once, not four times a second.
        if (!this.failing) this.log.warn({ err: error }, 'reading the injected faults failed; keeping the last ones read');
        this.failing = true;
      } finally {
        this.reading = false;
      }
    };
    this.timer = setInterval(() => void tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
