/**
 * The fleet's connectivity for the console: each register's online and offline stretches built from the
 * transitions it uploaded, the minutes offline and the sales taken offline per UTC day, and per store the
 * registers online, offline and not reporting now. A fixed number of queries whatever the number of
 * registers: the transitions of the window, the last one before it of each register, and the sales
 * (all, and those inside an offline stretch) counted by the database.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { FleetDaySchema, FleetRegisterTimelineSchema, FleetSegmentSchema, FleetStoreSummarySchema } from '../../../shared/hq/console';
import type { DialectName } from '../db/database';
import type { HqSchema, RegisterTransitionsTable } from '../db/schema';
import { DAY_MS, isoDay } from './money';

export type FleetSegment = z.infer<typeof FleetSegmentSchema>;
export type FleetDay = z.infer<typeof FleetDaySchema>;
export type FleetRegisterTimeline = z.infer<typeof FleetRegisterTimelineSchema>;
export type FleetStoreSummary = z.infer<typeof FleetStoreSummarySchema>;

/** A register whose last report is older than this is "not reporting": it reports every minute while online. */
export const REPORT_STALE_MS = 3 * 60_000;

/** A transition as the timeline needs it. */
export type Transition = Pick<RegisterTransitionsTable, 'at' | 'to_state' | 'reasons' | 'user_name'>;

/** A stretch with its times in milliseconds, before it is answered as ISO times. */
export interface Stretch {
  from: number;
  to: number;
  state: FleetSegment['state'];
  reasons: string[];
  switchedBy: string | null;
}

/** The days of a window: UTC midnight of `days - 1` days ago up to now. */
export function fleetWindow(now: number, days: number): { start: number; end: number } {
  return { start: Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS, end: now };
}

function stateOf(t: Transition): Omit<Stretch, 'from' | 'to'> {
  if (t.to_state !== 'offline') return { state: 'online', reasons: [], switchedBy: null };
  let reasons: string[];
  try {
    const parsed: unknown = JSON.parse(t.reasons);
    reasons = Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string').sort() : [];
  } catch {
    reasons = [];
  }
  // Only a manual switch has a who; a network or service outage is nobody's doing.
  return { state: 'offline', reasons, switchedBy: reasons.includes('manual') ? (t.user_name ?? null) : null };
}

const sameState = (a: Omit<Stretch, 'from' | 'to'>, b: Omit<Stretch, 'from' | 'to'>) =>
  a.state === b.state && a.switchedBy === b.switchedBy && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => r === b.reasons[i]);

/**
 * A register's stretches over [start, end): the state before its first transition in the window is the
 * one its last transition before the window left it in (unknown when it has none); each transition starts
 * a stretch; neighbours in the same state (and reasons, and who switched) are one stretch.
 * `transitions` are those in the window, oldest first.
 */
export function buildSegments(before: Transition | null, transitions: readonly Transition[], start: number, end: number): Stretch[] {
  const stretches: Stretch[] = [];
  let current: Omit<Stretch, 'from' | 'to'> = before ? stateOf(before) : { state: 'unknown', reasons: [], switchedBy: null };
  let from = start;
  const close = (to: number) => {
    if (to <= from) return;
    const last = stretches.at(-1);
    if (last && last.to === from && sameState(last, current)) last.to = to;
    else stretches.push({ from, to, ...current });
  };
  for (const t of transitions) {
    const at = Math.min(Math.max(Number(t.at), start), end);
    close(at);
    current = stateOf(t);
    from = Math.max(from, at);
  }
  close(end);
  return stretches;
}

/** Minutes offline per UTC day of [start, end) (keyed by the day's first millisecond). */
export function offlineMinutesByDay(stretches: readonly Stretch[], start: number, end: number): Map<number, number> {
  const minutes = new Map<number, number>();
  for (let day = start; day < end; day += DAY_MS) minutes.set(day, 0);
  for (const s of stretches) {
    if (s.state !== 'offline') continue;
    for (let day = Math.floor(s.from / DAY_MS) * DAY_MS; day < s.to; day += DAY_MS) {
      const overlap = Math.min(s.to, day + DAY_MS) - Math.max(s.from, day);
      if (overlap > 0 && minutes.has(day)) minutes.set(day, minutes.get(day)! + overlap / 60_000);
    }
  }
  return minutes;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export interface FleetScope {
  dialect: DialectName;
  stores: string[] | null;
  registerId?: string | undefined;
}

function storeFilter(column: string, stores: string[] | null): RawBuilder<unknown> {
  if (stores === null) return sql`1 = 1`;
  if (stores.length === 0) return sql`1 = 0`;
  return sql`${sql.ref(column)} IN (${sql.join(stores)})`;
}

function registerFilter(column: string, registerId: string | undefined): RawBuilder<unknown> {
  return registerId === undefined ? sql`1 = 1` : sql`${sql.ref(column)} = ${registerId}`;
}

type TransitionRow = Transition & { register_id: string };

/**
 * The registers in scope joined with the last transition of each before `start`: one probe of
 * register_transitions_by_register_time per register. PostgreSQL says so with LATERAL (its planner
 * would otherwise hash every transition ever logged); SQLite runs the correlated lookup per register.
 */
function lastBeforeJoin(scope: FleetScope, start: number): RawBuilder<unknown> {
  const registers = sql`r.revoked_at IS NULL AND ${storeFilter('r.store_id', scope.stores)} AND ${registerFilter('r.id', scope.registerId)}`;
  if (scope.dialect === 'postgres') {
    return sql`registers r CROSS JOIN LATERAL (
      SELECT x.register_id, x.at, x.to_state, x.reasons, x.user_name FROM register_transitions x
      WHERE x.register_id = r.id AND x.at < ${start} ORDER BY x.at DESC, x.id DESC LIMIT 1) t
    WHERE ${registers}`;
  }
  return sql`registers r JOIN register_transitions t ON t.id = (
      SELECT x.id FROM register_transitions x WHERE x.register_id = r.id AND x.at < ${start} ORDER BY x.at DESC, x.id DESC LIMIT 1)
    WHERE ${registers}`;
}

/** The registers in scope (enrolled, not revoked), with their store. */
async function registersOf(db: Kysely<HqSchema>, scope: FleetScope) {
  const { rows } = await sql<{ id: string; store_id: string; code: string; name: string }>`
    SELECT r.id, r.store_id, r.code, r.name FROM registers r
    WHERE r.revoked_at IS NULL AND ${storeFilter('r.store_id', scope.stores)} AND ${registerFilter('r.id', scope.registerId)}
    ORDER BY r.store_id, r.code, r.id`.execute(db);
  return rows;
}

/**
 * Each register's stretches over [start, end), in two queries: the last transition before the window of
 * every register in scope (an index probe each, by register and time), and every transition inside it
 * (by time: the window's slice of register_transitions_by_time or _by_store_time, not every register's history).
 */
async function stretchesOf(db: Kysely<HqSchema>, scope: FleetScope, start: number, end: number): Promise<Map<string, Stretch[]>> {
  const before = await sql<TransitionRow>`
    SELECT t.register_id, t.at, t.to_state, t.reasons, t.user_name FROM ${lastBeforeJoin(scope, start)}`.execute(db);
  const inside = await sql<TransitionRow>`
    SELECT t.register_id, t.at, t.to_state, t.reasons, t.user_name FROM register_transitions t
    WHERE t.at >= ${start} AND t.at < ${end} AND ${storeFilter('t.store_id', scope.stores)} AND ${registerFilter('t.register_id', scope.registerId)}
    ORDER BY t.at, t.id`.execute(db);
  const lastBefore = new Map(before.rows.map((t) => [t.register_id, t]));
  const byRegister = new Map<string, TransitionRow[]>();
  for (const t of inside.rows) {
    const list = byRegister.get(t.register_id);
    if (list) list.push(t);
    else byRegister.set(t.register_id, [t]);
  }
  const registers = new Set([...lastBefore.keys(), ...byRegister.keys()]);
  return new Map([...registers].map((id) => [id, buildSegments(lastBefore.get(id) ?? null, byRegister.get(id) ?? [], start, end)]));
}

/**
 * Sales taken offline per register and UTC day: sale orders created inside an offline stretch of their
 * register. The database builds the stretches the same way as buildSegments (the last transition before
 * the window, then each one inside it, each lasting until the next) and counts each stretch's orders
 * through orders_by_register.
 */
async function offlineSales(db: Kysely<HqSchema>, scope: FleetScope, start: number, end: number): Promise<{ register_id: string; store_id: string; day: number; n: number }[]> {
  const { rows } = await sql<{ register_id: string; store_id: string; day: number; n: number }>`
    WITH marks AS (
      SELECT t.register_id, CAST(${start} AS BIGINT) AS at, t.to_state AS state, '' AS id FROM ${lastBeforeJoin(scope, start)}
      UNION ALL
      SELECT t.register_id, t.at, t.to_state, t.id FROM register_transitions t
      WHERE t.at >= ${start} AND t.at < ${end} AND ${storeFilter('t.store_id', scope.stores)} AND ${registerFilter('t.register_id', scope.registerId)}
    ), stretches AS (
      SELECT register_id, state, at, COALESCE(LEAD(at) OVER (PARTITION BY register_id ORDER BY at, id), CAST(${end} AS BIGINT)) AS until FROM marks
    )
    SELECT o.register_id, o.store_id, o.created_at / ${sql.lit(DAY_MS)} AS day, COUNT(*) AS n
    FROM stretches s JOIN orders o ON o.register_id = s.register_id AND o.created_at >= s.at AND o.created_at < s.until
    WHERE s.state = 'offline' AND o.kind = 'sale'
    GROUP BY o.register_id, o.store_id, o.created_at / ${sql.lit(DAY_MS)}`.execute(db);
  return rows.map((r) => ({ ...r, day: Number(r.day), n: Number(r.n) }));
}

/** Sale orders per register and UTC day over [start, end). */
async function salesByDay(db: Kysely<HqSchema>, scope: FleetScope, start: number, end: number) {
  const { rows } = await sql<{ register_id: string; day: number; n: number }>`
    SELECT o.register_id, o.created_at / ${sql.lit(DAY_MS)} AS day, COUNT(*) AS n FROM orders o
    WHERE o.created_at >= ${start} AND o.created_at < ${end} AND o.kind = 'sale'
      AND ${storeFilter('o.store_id', scope.stores)} AND ${registerFilter('o.register_id', scope.registerId)}
    GROUP BY o.register_id, o.created_at / ${sql.lit(DAY_MS)}`.execute(db);
  return rows.map((r) => ({ register_id: r.register_id, day: Number(r.day), n: Number(r.n) }));
}

const dayKey = (registerId: string, day: number) => `${registerId} ${day}`;

/** Each register's timeline over [start, end): its stretches, and per UTC day its minutes offline, sales and sales taken offline. */
export async function fleetTimeline(db: Kysely<HqSchema>, scope: FleetScope, start: number, end: number): Promise<FleetRegisterTimeline[]> {
  const [registers, stretches, sales, offline] = await Promise.all([registersOf(db, scope), stretchesOf(db, scope, start, end), salesByDay(db, scope, start, end), offlineSales(db, scope, start, end)]);
  const salesOf = new Map(sales.map((s) => [dayKey(s.register_id, s.day), s.n]));
  const offlineOf = new Map(offline.map((s) => [dayKey(s.register_id, s.day), s.n]));
  return registers.map((r) => {
    const own = stretches.get(r.id) ?? buildSegments(null, [], start, end);
    const minutes = offlineMinutesByDay(own, Math.floor(start / DAY_MS) * DAY_MS, end);
    return {
      registerId: r.id,
      storeId: r.store_id,
      code: r.code,
      name: r.name,
      segments: own.map((s) => ({ from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString(), state: s.state, reasons: s.reasons, switchedBy: s.switchedBy })),
      days: [...minutes].map(([day, m]) => ({ day: isoDay(day), offlineMinutes: round1(m), sales: salesOf.get(dayKey(r.id, day / DAY_MS)) ?? 0, offlineSales: offlineOf.get(dayKey(r.id, day / DAY_MS)) ?? 0 })),
    };
  });
}

/** Per register, over [start, end): minutes offline and sales taken offline. */
export type RegisterWeek = Map<string, { minutes: number; sales: number }>;

export async function registerWeek(db: Kysely<HqSchema>, scope: FleetScope, start: number, end: number): Promise<RegisterWeek> {
  const [stretches, offline] = await Promise.all([stretchesOf(db, scope, start, end), offlineSales(db, scope, start, end)]);
  const week: RegisterWeek = new Map();
  for (const [registerId, own] of stretches) {
    let minutes = 0;
    for (const stretch of own) if (stretch.state === 'offline') minutes += (stretch.to - stretch.from) / 60_000;
    week.set(registerId, { minutes, sales: 0 });
  }
  for (const row of offline) {
    const entry = week.get(row.register_id) ?? { minutes: 0, sales: 0 };
    entry.sales += row.n;
    week.set(row.register_id, entry);
  }
  return week;
}

/** Up to this many stores, the 7 days are read for the request itself (a few registers: milliseconds). */
const DIRECT_STORES = 50;
/** The chain's 7 days are read again when older than this, in the background while the last reading answers. */
const WEEK_FRESH_MS = 15_000;
/** …and never answered when older than this: the request then waits for a new reading. */
const WEEK_MAX_AGE_MS = 120_000;

/**
 * The whole chain's 7 days per register, for owners and large areas: at thousands of registers reading
 * them takes the database most of a second, so one reading serves every such request for WEEK_FRESH_MS
 * and is renewed in the background (minutes offline over 7 days hardly move in 15 seconds). The state of
 * each register now is never cached.
 */
export class FleetWeekCache {
  private reading: { at: number; week: RegisterWeek } | null = null;
  private renewing: Promise<{ at: number; week: RegisterWeek }> | null = null;

  constructor(
    private readonly db: Kysely<HqSchema>,
    private readonly dialect: DialectName,
    private readonly clock: () => number = Date.now,
  ) {}

  async week(stores: string[] | null): Promise<RegisterWeek> {
    const now = this.clock();
    if (stores !== null && stores.length <= DIRECT_STORES) {
      const { start, end } = fleetWindow(now, 7);
      return registerWeek(this.db, { dialect: this.dialect, stores }, start, end);
    }
    const reading = this.reading;
    if (reading && now - reading.at < WEEK_MAX_AGE_MS) {
      if (now - reading.at >= WEEK_FRESH_MS) void this.renew().catch(() => {});
      return reading.week;
    }
    return (await this.renew()).week;
  }

  private renew(): Promise<{ at: number; week: RegisterWeek }> {
    this.renewing ??= (async () => {
      const at = this.clock();
      const { start, end } = fleetWindow(at, 7);
      try {
        this.reading = { at, week: await registerWeek(this.db, { dialect: this.dialect, stores: null }, start, end) };
        return this.reading;
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }
}

/**
 * Per store in scope: its registers online, offline and not reporting now (no report yet, or none for
 * REPORT_STALE_MS), and from `week` its minutes offline and its sales taken offline over 7 days.
 */
export async function fleetSummary(db: Kysely<HqSchema>, stores: string[] | null, week: RegisterWeek, now: number): Promise<FleetStoreSummary[]> {
  const [storeRows, status] = await Promise.all([
    sql<{ id: string; code: string; name: string }>`SELECT s.id, s.code, s.name FROM stores s WHERE ${storeFilter('s.id', stores)} ORDER BY s.code`.execute(db),
    sql<{ id: string; store_id: string; state: string | null; reported_at: number | null }>`
      SELECT r.id, r.store_id, st.state, st.reported_at FROM registers r LEFT JOIN register_status st ON st.register_id = r.id
      WHERE r.revoked_at IS NULL AND ${storeFilter('r.store_id', stores)}`.execute(db),
  ]);
  const summary = new Map<string, FleetStoreSummary>(storeRows.rows.map((s) => [s.id, { storeId: s.id, code: s.code, name: s.name, registers: 0, online: 0, offline: 0, unknown: 0, offlineMinutes7d: 0, offlineSales7d: 0 }]));
  // Registers enrolled now only: a revoked register's history is not the store's fleet any more.
  for (const r of status.rows) {
    const s = summary.get(r.store_id);
    if (!s) continue;
    s.registers += 1;
    const fresh = r.reported_at !== null && now - Number(r.reported_at) <= REPORT_STALE_MS;
    if (!fresh || (r.state !== 'online' && r.state !== 'offline')) s.unknown += 1;
    else s[r.state] += 1;
    const own = week.get(r.id);
    if (own) {
      s.offlineMinutes7d += own.minutes;
      s.offlineSales7d += own.sales;
    }
  }
  return [...summary.values()].map((s) => ({ ...s, offlineMinutes7d: round1(s.offlineMinutes7d) }));
}
