/**
 * Money reconciliation for the sync proofs: what HQ recorded for each sale against what the card acquirer
 * moved. Read through HQ's outside surface only (`/orders/search` with its payments, `/admin/charges`),
 * so the same check runs against any HQ.
 *
 * For every order of the given registers:
 *   - its payments add up to its total;
 *   - the acquirer's net for it (charges − refunds − voids) equals its card tender (declined stored
 *     payments excepted: the acquirer moved nothing for them, and a manager follows each one up);
 *   - no card payment is captured more than once.
 * And across the acquirer's whole ledger: no money moved for an order no register completed, and every
 * charge no order references was voided (an approval a sale never used).
 *
 * Cash, from `/admin/cash` (the registers' drawer sessions and movements as HQ holds them):
 *   - each session's float plus the sum of its movements equals its expected amount, and a closed
 *     session is reconciled;
 *   - each order's cash payments add up to the cash movements that name it (the cash taken less the
 *     change, or the cash paid out), and no movement names an order HQ does not have.
 */
import type { Tender } from '../../../shared/tender';

interface AdminHq {
  admin<T>(method: string, pathname: string, body?: unknown): Promise<T>;
}

interface HqPayment {
  tender: Tender;
  amount: number;
  last4?: string;
  status: string;
}

interface HqOrder {
  id: string;
  number: string;
  registerId: string;
  total: number;
  payments: HqPayment[];
}

interface Charge {
  kind: 'charge' | 'refund' | 'void';
  amount: number;
  last4: string;
  orderNumber: string | null;
  at: string;
}

interface CashMovement {
  kind: string;
  amount: number;
  orderId: string | null;
}

interface CashSession {
  id: string;
  registerId: string;
  float: number;
  expected: number;
  closedAt: string | null;
  reconciled: boolean | null;
  movements?: CashMovement[];
}

export interface CashReconciliation {
  sessions: number;
  movements: number;
  /** Sessions whose movements do not add up to their expected amount, or closed and not reconciled. */
  mismatchedSessions: number;
  /** Orders whose cash payments differ from the cash movements that name them. */
  mismatchedOrders: number;
  problems: string[];
}

export interface MoneyReconciliation {
  orders: number;
  cardOrders: number;
  /** Orders whose money does not add up: payments ≠ total, or the acquirer's net ≠ the card tender. */
  mismatched: number;
  /** Money taken from cards beyond what the sales recorded (minor units), and money missing. */
  overCharged: number;
  underCharged: number;
  /** Stored card payments HQ declined at settlement (not a mismatch: nothing moved; listed for the record). */
  declinedStored: number;
  /** The drawers' cash: present when HQ answered `/admin/cash`. */
  cash?: CashReconciliation;
  problems: string[];
}

/** Declined stored payments moved no money; every other card payment should have. */
const counts = (payment: HqPayment) => payment.tender === 'card' && payment.status !== 'declined';

export async function reconcileMoney(hq: AdminHq, registerIds?: readonly string[]): Promise<MoneyReconciliation> {
  const ids = registerIds ?? (await hq.admin<{ registers: { id: string }[] }>('GET', '/registers')).registers.map((r) => r.id);
  const orders: HqOrder[] = [];
  for (const id of ids) {
    const found = await hq.admin<{ orders: HqOrder[] }>('GET', `/orders/search?registerId=${encodeURIComponent(id)}&limit=10000`);
    if (found.orders.length >= 10_000) throw new Error(`register ${id} has 10,000 orders or more on HQ; the money check cannot see them all`);
    orders.push(...found.orders);
  }
  const { charges } = await hq.admin<{ charges: Charge[] }>('GET', '/admin/charges');
  const sessions: CashSession[] = [];
  for (const id of ids) sessions.push(...(await hq.admin<{ sessions: CashSession[] }>('GET', `/admin/cash?registerId=${encodeURIComponent(id)}&movements=true`)).sessions);
  const money = compareMoney(orders, charges, registerIds !== undefined);
  const cash = compareCash(orders, sessions);
  return { ...money, cash, problems: [...money.problems, ...cash.problems] };
}

/** The drawers' cash against itself and against the orders' cash payments (exported for its own tests). */
export function compareCash(orders: readonly HqOrder[], sessions: readonly CashSession[]): CashReconciliation {
  const problems: string[] = [];
  const byOrder = new Map<string, number>();
  let movements = 0;
  let mismatchedSessions = 0;
  for (const session of sessions) {
    const own = session.movements ?? [];
    movements += own.length;
    const sum = own.reduce((total, m) => total + m.amount, session.float);
    const wrong = sum !== session.expected || (session.closedAt !== null && session.reconciled !== true);
    if (sum !== session.expected) problems.push(`drawer session ${session.id}: float + movements = ${sum}, expected ${session.expected}`);
    else if (wrong) problems.push(`drawer session ${session.id}: closed and not reconciled`);
    if (wrong) mismatchedSessions++;
    for (const m of own) if (m.orderId !== null) byOrder.set(m.orderId, (byOrder.get(m.orderId) ?? 0) + m.amount);
  }
  let mismatchedOrders = 0;
  const known = new Set<string>();
  for (const order of orders) {
    known.add(order.id);
    const cash = order.payments.filter((p) => p.tender === 'cash').reduce((sum, p) => sum + p.amount, 0);
    const moved = byOrder.get(order.id) ?? 0;
    if (cash !== moved) {
      mismatchedOrders++;
      problems.push(`${order.number}: cash payments add up to ${cash}, the drawer's movements for it to ${moved}`);
    }
  }
  for (const [orderId, moved] of byOrder) if (!known.has(orderId)) problems.push(`the drawer moved ${moved} for order ${orderId}, which HQ does not have`);
  return { sessions: sessions.length, movements, mismatchedSessions, mismatchedOrders, problems };
}

/** The comparison itself, on what HQ answered (exported for its own tests). */
export function compareMoney(orders: readonly HqOrder[], charges: readonly Charge[], scoped = false): MoneyReconciliation {
  const problems: string[] = [];
  const net = new Map<string | null, number>();
  const chargeCount = new Map<string | null, number>();
  for (const c of charges) {
    net.set(c.orderNumber, (net.get(c.orderNumber) ?? 0) + (c.kind === 'charge' ? c.amount : -c.amount));
    if (c.kind === 'charge') chargeCount.set(c.orderNumber, (chargeCount.get(c.orderNumber) ?? 0) + 1);
  }
  let mismatched = 0;
  let overCharged = 0;
  let underCharged = 0;
  let cardOrders = 0;
  let declinedStored = 0;
  const known = new Set<string>();
  for (const order of orders) {
    known.add(order.number);
    let wrong = false;
    const paid = order.payments.reduce((sum, p) => sum + p.amount, 0);
    if (paid !== order.total) {
      wrong = true;
      problems.push(`${order.number}: payments add up to ${paid}, the total is ${order.total}`);
    }
    const cards = order.payments.filter((p) => p.tender === 'card');
    declinedStored += cards.filter((p) => p.status === 'declined').length;
    const tender = cards.filter(counts).reduce((sum, p) => sum + p.amount, 0);
    if (cards.length > 0 || net.has(order.number)) cardOrders++;
    const moved = net.get(order.number) ?? 0;
    if (moved !== tender) {
      wrong = true;
      if (moved > tender) overCharged += moved - tender;
      else underCharged += tender - moved;
      problems.push(`${order.number}: the acquirer's net is ${moved}, the card tender ${tender}`);
    }
    const captured = chargeCount.get(order.number) ?? 0;
    if (captured > cards.filter((p) => p.amount > 0).length) {
      wrong = true;
      problems.push(`${order.number}: ${captured} charges for ${cards.filter((p) => p.amount > 0).length} card payments`);
    }
    if (wrong) mismatched++;
  }
  const unclaimed = net.get(null) ?? 0;
  if (unclaimed !== 0) {
    overCharged += Math.max(0, unclaimed);
    problems.push(`the acquirer holds ${unclaimed} net for charges no order references (approvals never used and never voided)`);
  }
  if (!scoped) {
    for (const [number, moved] of net) {
      if (number === null || known.has(number) || moved === 0) continue;
      overCharged += Math.max(0, moved);
      problems.push(`the acquirer moved ${moved} for order ${number}, which no register completed`);
    }
  }
  return { orders: orders.length, cardOrders, mismatched, overCharged, underCharged, declinedStored, problems };
}
