import type { Kysely } from 'kysely';
import { SERVICE_DOMAINS, type ServiceDomain } from '../../../shared/api';
import { PeriodicTask } from '../db/periodic-task';
import type { HqSchema } from '../db/schema';
import type { Logger } from '../logger';
import { PEER_FRESH_MS, type QosMonitor } from './qos-monitor';

/** How often an instance writes its windows and reads the others'. */
export const QOS_SHARE_MS = 1000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Shares QoS windows between HQ instances on one PostgreSQL database (table `hq_qos_windows`). Every
 * QOS_SHARE_MS each instance writes a summary of its own window per domain (samples, failures, p90) while
 * it has samples, removes the rows of domains whose window emptied, and reads the other instances' rows
 * written within PEER_FRESH_MS into its monitor. So a register told by instance A that a call failed hears
 * "degraded" from instance B too, while /qos itself never waits on the database. Each instance runs one
 * read a second, plus one write while it has samples (and one delete when a domain's window empties).
 *
 * Why windows and not only faults: injected faults are the operator's word and must be the same everywhere
 * (qos/shared-faults.ts); real outcomes belong to the instance that served them, but a register may ask
 * any instance. Each instance still counts its own live window first, so one cut off from the database
 * reports its own trouble; the others' rows are summaries of at most 30 s and count while fresh (3 s).
 */
export class QosBoard {
  private readonly written = new Set<ServiceDomain>();
  private lastSweep = 0;
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Kysely<HqSchema>,
    private readonly qos: QosMonitor,
    private readonly instanceId: string,
    log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.task = new PeriodicTask(() => this.share(), log, 'sharing QoS windows with the other HQ instances failed; /qos answers from this instance alone');
  }

  async share(): Promise<void> {
    const at = this.now();
    const rows = SERVICE_DOMAINS.map((domain) => ({ domain, ...this.qos.summary(domain) })).filter((r) => r.samples > 0);
    const emptied = [...this.written].filter((domain) => !rows.some((r) => r.domain === domain));
    if (rows.length > 0) {
      await this.db
        .insertInto('hq_qos_windows')
        .values(rows.map((r) => ({ instance_id: this.instanceId, domain: r.domain, samples: r.samples, failures: r.failures, p90_ms: Math.round(r.p90Ms), at })))
        .onConflict((oc) =>
          oc.columns(['instance_id', 'domain']).doUpdateSet((eb) => ({
            samples: eb.ref('excluded.samples'),
            failures: eb.ref('excluded.failures'),
            p90_ms: eb.ref('excluded.p90_ms'),
            at: eb.ref('excluded.at'),
          })),
        )
        .execute();
    }
    if (emptied.length > 0) await this.db.deleteFrom('hq_qos_windows').where('instance_id', '=', this.instanceId).where('domain', 'in', emptied).execute();
    this.written.clear();
    for (const r of rows) this.written.add(r.domain);
    if (at - this.lastSweep >= SWEEP_EVERY_MS) {
      // Rows of instances that stopped without taking theirs away (a crash, a kill).
      this.lastSweep = at;
      await this.db.deleteFrom('hq_qos_windows').where('at', '<', at - SWEEP_EVERY_MS).execute();
    }
    const peers = await this.db
      .selectFrom('hq_qos_windows')
      .selectAll()
      .where('instance_id', '<>', this.instanceId)
      .where('at', '>=', at - PEER_FRESH_MS)
      .execute();
    this.qos.setPeers(peers.map((p) => ({ instanceId: p.instance_id, domain: p.domain as ServiceDomain, samples: p.samples, failures: p.failures, p90Ms: p.p90_ms, at: p.at })));
  }

  start(everyMs = QOS_SHARE_MS): void {
    this.task.start(everyMs);
  }

  /** Takes this instance's rows away at shutdown, so the others stop counting them at once. */
  async stop(): Promise<void> {
    this.task.stop();
    await this.db.deleteFrom('hq_qos_windows').where('instance_id', '=', this.instanceId).execute().catch(() => {});
  }
}
