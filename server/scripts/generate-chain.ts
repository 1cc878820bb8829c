/**
 * A chain at scale on PostgreSQL, for the console's bench: 1,000 stores with 5 registers each, `orders`
 * orders (10 million by default) over the last 90 days with their payments (cash, card online, card taken
 * offline with its settlement, points), refunds, and 8 days of the registers' connectivity transitions
 * with their latest status reports, and the console's takings per store and day. Everything is generated inside PostgreSQL (generate_series, one
 * INSERT … SELECT per million rows) with the secondary indexes dropped while loading and built again
 * after, which is several times faster than inserting through HQ.
 *
 *   DATABASE_URL=postgres://… KASSA_BENCH_ORDERS=1000000 npx tsx server/scripts/generate-chain.ts
 *
 * The data is deterministic (ids and amounts are functions of the row number), so two runs at the same
 * scale produce the same chain. It replaces whatever the database held in HQ's tables.
 */
import pg from 'pg';
import { openHqDatabase } from '../src/db/database';

export interface ChainScale {
  stores: number;
  registersPerStore: number;
  orders: number;
  days: number;
}

export const DEFAULT_SCALE: ChainScale = { stores: 1_000, registersPerStore: 5, orders: 10_000_000, days: 90 };
const DAY = 86_400_000;
const CHUNK = 1_000_000;
/** HQ's tables the generator fills (and empties first). */
const TABLES = ['stores', 'registers', 'orders', 'payments', 'card_authorizations', 'offline_card_payments', 'register_transitions', 'register_status', 'cash_sessions', 'cash_movements', 'users', 'takings_daily'];

/** Ids as HQ's tests and bench address them. */
export const storeId = (i: number) => `st-${String(i).padStart(5, '0')}`;
export const registerId = (i: number) => `rg-${String(i).padStart(6, '0')}`;

export async function generateChain(connectionString: string, scale: ChainScale = DEFAULT_SCALE, log: (line: string) => void = () => {}, now = Date.now()): Promise<{ seconds: number; end: number }> {
  const started = performance.now();
  // HQ's own migrations make the tables and indexes exactly as HQ has them.
  await (await openHqDatabase({ kind: 'postgres', connectionString })).close();
  const client = new pg.Client({ connectionString });
  await client.connect();
  const q = async (text: string, values: unknown[] = []) => {
    const t = performance.now();
    const result = await client.query(text, values);
    return { result, ms: Math.round(performance.now() - t) };
  };
  try {
    await q(`SET synchronous_commit = off`);
    await q(`SET maintenance_work_mem = '512MB'`);
    await q(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
    const { result: indexes } = await q(
      // Only plain indexes: those behind a key or a unique constraint stay (they also check the data).
      `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [TABLES],
    );
    for (const row of indexes.rows as { indexname: string }[]) await q(`DROP INDEX ${row.indexname}`);

    // The window ends at the start of the next UTC day, so every day of it is whole.
    const end = Math.floor(now / DAY) * DAY + DAY;
    const start = end - scale.days * DAY;
    const registers = scale.stores * scale.registersPerStore;
    await q(
      `INSERT INTO stores SELECT 'st-' || lpad(i::text, 5, '0'), 'S' || i, 'Store ' || i, 'EUR', 1, NULL, $1::bigint FROM generate_series(1, $2::int) i`,
      [start, scale.stores],
    );
    await q(
      `INSERT INTO registers SELECT 'rg-' || lpad(i::text, 6, '0'), 'st-' || lpad(((i - 1) / $3::int + 1)::text, 5, '0'), 'R' || ((i - 1) % $3::int + 1), 'Till ' || ((i - 1) % $3::int + 1), md5(i::text), $1::bigint, $2::bigint, NULL FROM generate_series(1, $4::int) i`,
      [start, now, scale.registersPerStore, registers],
    );
    log(`stores and registers: ${scale.stores} and ${registers}`);

    // Order g: its register is spread by a multiplicative hash; its time grows with g (as pushes arrive),
    // with every 50th a refund (of the order numbered before it).
    for (let from = 1; from <= scale.orders; from += CHUNK) {
      const to = Math.min(scale.orders, from + CHUNK - 1);
      const { ms } = await q(
        `INSERT INTO orders (id, kind, number, store_id, register_id, total, currency, created_at, lines, original_order_id, member_id, cashier_id, received_at)
         SELECT 'or-' || lpad(g::text, 9, '0'), CASE WHEN g % 50 = 0 THEN 'refund' ELSE 'sale' END, 'N' || g,
                'st-' || lpad(((r - 1) / $4::int + 1)::text, 5, '0'), 'rg-' || lpad(r::text, 6, '0'),
                CASE WHEN g % 50 = 0 THEN -(100 + (g * 7919) % 5000) ELSE 100 + (g * 7919) % 5000 END, 'EUR', t, '[]',
                CASE WHEN g % 50 = 0 THEN 'or-' || lpad((g - 1)::text, 9, '0') ELSE NULL END, NULL, 'cashier-' || (g % 7), t
         FROM (SELECT g, 1 + ((g * 2654435761) % $5::bigint) AS r, $1::bigint + (g * ($2::bigint - $1::bigint - 1)) / $3::bigint AS t
               FROM generate_series($6::bigint, $7::bigint) g) s`,
        [start, end - DAY / 2, scale.orders, scale.registersPerStore, registers, from, to],
      );
      log(`orders ${to.toLocaleString('en')} of ${scale.orders.toLocaleString('en')} (${ms} ms)`);
    }

    // One payment per order: 45% cash, 45% card online, 5% card taken offline, 5% points; 1 in 200 declined.
    const { ms: paymentsMs } = await q(
      `INSERT INTO payments (id, order_id, register_id, tender, amount, status, reference, created_at)
       SELECT 'py' || substr(id, 3), id, register_id,
              CASE WHEN h < 45 THEN 'cash' WHEN h < 95 THEN 'card' ELSE 'points' END, total,
              CASE WHEN h % 200 = 7 THEN 'declined' WHEN h >= 90 AND h < 95 THEN 'stored' ELSE 'approved' END, NULL, created_at
       FROM (SELECT *, (substr(id, 4)::bigint * 40503) % 100 AS h FROM orders) o`,
    );
    log(`payments (${paymentsMs} ms)`);
    const { ms: cardsMs } = await q(
      `INSERT INTO card_authorizations (payment_id, register_id, order_id, amount, currency, last4, status, auth_code, reason, created_at, void_requested_at, voided_at)
       SELECT p.id, p.register_id, p.order_id, p.amount, 'EUR', '4242', CASE WHEN p.status = 'declined' THEN 'declined' WHEN substr(p.id, 4)::bigint % 100 = 3 THEN 'voided' ELSE 'approved' END,
              NULL, NULL, p.created_at, NULL, NULL
       FROM payments p WHERE p.tender = 'card' AND p.status <> 'stored'`,
    );
    const { ms: offlineMs } = await q(
      `INSERT INTO offline_card_payments (id, order_id, register_id, store_id, amount, currency, card_token, last4, status, reason, attempts, captured_at, upload_deadline, claimed_at, updated_at)
       SELECT p.id, p.order_id, p.register_id, o.store_id, p.amount, 'EUR', NULL, '0005',
              CASE WHEN substr(p.id, 4)::bigint % 10 = 1 THEN 'declined' WHEN p.created_at > $1::bigint THEN 'pending' ELSE 'settled' END,
              CASE WHEN substr(p.id, 4)::bigint % 10 = 1 THEN 'Insufficient funds' ELSE NULL END, 1, p.created_at, NULL, NULL, p.created_at
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.status = 'stored'`,
      [now - 3_600_000],
    );
    log(`card authorisations (${cardsMs} ms), offline card payments (${offlineMs} ms)`);

    // Each register goes offline once a day for the last 8 days, 5 to 124 minutes, for a network fault
    // (60%), a cashier's switch (20%, with who) or a service outage (20%).
    const { ms: transitionsMs } = await q(
      `INSERT INTO register_transitions (id, register_id, store_id, at, from_state, to_state, reasons, trigger, user_name, received_at)
       SELECT 'tr-' || r || '-' || d || '-' || e, 'rg-' || lpad(r::text, 6, '0'), 'st-' || lpad(((r - 1) / $3::int + 1)::text, 5, '0'),
              CASE WHEN e = 0 THEN off_at ELSE off_at + mins * 60000 END,
              CASE WHEN e = 0 THEN 'online' ELSE 'offline' END, CASE WHEN e = 0 THEN 'offline' ELSE 'online' END,
              CASE WHEN e = 1 THEN '[]' WHEN kind < 6 THEN '["network"]' WHEN kind < 8 THEN '["manual"]' ELSE '["service:payments"]' END,
              CASE WHEN e = 1 THEN 'recovered' WHEN kind BETWEEN 6 AND 7 THEN 'cashier' ELSE 'probe' END,
              CASE WHEN e = 0 AND kind BETWEEN 6 AND 7 THEN 'Cashier ' || (r % 7) ELSE NULL END,
              CASE WHEN e = 0 THEN off_at ELSE off_at + mins * 60000 END
       FROM (SELECT r, d, e, $1::bigint - d * ${DAY}::bigint + ((r * 7919 + d * 104729) % 1200) * 60000 AS off_at,
                    5 + (r * 31 + d * 17) % 120 AS mins, (r + d) % 10 AS kind
             FROM generate_series(1, $2::int) r, generate_series(1, 8) d, generate_series(0, 1) e) s
       WHERE CASE WHEN e = 0 THEN off_at ELSE off_at + mins * 60000 END < $4::bigint`,
      [end, registers, scale.registersPerStore, now],
    );
    // The latest report of each register: its state after its last transition; one in 20 has not
    // reported for 10 minutes, and one in 50 never reported.
    await q(
      `INSERT INTO register_status (register_id, store_id, state, reasons, user_name, since, version, backlog, oldest_pending_at, dead_letters, reported_at)
       SELECT DISTINCT ON (t.register_id) t.register_id, t.store_id, t.to_state, t.reasons, t.user_name, t.at, '1.0.0', 0, NULL, 0,
              CASE WHEN substr(t.register_id, 4)::int % 20 = 0 THEN $1::bigint - 600000 ELSE $1::bigint - 20000 END
       FROM register_transitions t WHERE substr(t.register_id, 4)::int % 50 <> 0 ORDER BY t.register_id, t.at DESC`,
      [now],
    );
    log(`register transitions and status (${transitionsMs} ms)`);
    // The console's takings per store and day, as HQ keeps them when payments arrive (console/takings-rollup.ts).
    const { ms: takingsMs } = await q(
      `INSERT INTO takings_daily (store_id, day, register_id, tender, currency, sales, refunds, orders)
       SELECT o.store_id, o.created_at / ${DAY}, o.register_id, p.tender, o.currency,
              SUM(CASE WHEN o.kind = 'sale' THEN p.amount ELSE 0 END), SUM(CASE WHEN o.kind = 'refund' THEN -p.amount ELSE 0 END), COUNT(DISTINCT o.id)
       FROM orders o JOIN payments p ON p.order_id = o.id
       LEFT JOIN card_authorizations ca ON ca.payment_id = p.id
       LEFT JOIN offline_card_payments oc ON oc.id = p.id
       WHERE p.status IN ('approved', 'stored')
         AND (ca.status IS NULL OR (ca.status NOT IN ('declined', 'voided') AND ca.void_requested_at IS NULL))
         AND (oc.status IS NULL OR oc.status <> 'declined')
       GROUP BY o.store_id, o.created_at / ${DAY}, o.register_id, p.tender, o.currency`,
    );
    log(`takings per store and day (${takingsMs} ms)`);

    for (const row of indexes.rows as { indexname: string; indexdef: string }[]) {
      const { ms } = await q(row.indexdef);
      log(`index ${row.indexname} (${ms} ms)`);
    }
    const { ms: analyzeMs } = await q(`VACUUM ANALYZE`);
    log(`vacuum analyze (${analyzeMs} ms)`);
    return { seconds: Math.round((performance.now() - started) / 100) / 10, end };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://kassa_ci:kassa_ci@127.0.0.1:5432/kassa_bench_console';
  const orders = Number(process.env.KASSA_BENCH_ORDERS ?? DEFAULT_SCALE.orders);
  if (!Number.isInteger(orders) || orders < 1_000) throw new Error(`KASSA_BENCH_ORDERS must be a whole number of at least 1000, got ${process.env.KASSA_BENCH_ORDERS}`);
  const { seconds } = await generateChain(url, { ...DEFAULT_SCALE, orders }, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`Generated the chain (${orders.toLocaleString('en')} orders) in ${seconds} s\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
