/**
 * What a refund gives back, computed the same way by the refund dialog (its preview and whether it asks
 * for a manager) and by the orders service (what it refunds and what it demands).
 */

/** A line of the original order as the refund sees it: units sold (negative when the sale took items back) and what the line charged. */
export interface RefundOrderLine {
  quantity: number;
  lineTotal: number;
}

/** The original order: what it charged in all (after a sale-wide discount) and its lines, by index. */
export interface RefundOrder {
  total: number;
  lines: readonly RefundOrderLine[];
}

/** Units of one line asked back. */
export interface WantedLine {
  index: number;
  quantity: number;
}

/**
 * Each line's share of what the order actually charged (a sale-wide discount spread over the lines sold).
 * Items the sale took back (negative lines, an exchange) keep their own amount and take no share.
 */
export function effectiveLineTotals(lines: readonly { lineTotal: number }[], orderTotal: number): number[] {
  const returned = lines.reduce((s, l) => s + Math.min(0, l.lineTotal), 0);
  const charged = orderTotal - returned;
  const sold = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.lineTotal >= 0);
  const sum = sold.reduce((s, { l }) => s + l.lineTotal, 0);
  if (sum === charged || sum === 0) return lines.map((l) => l.lineTotal);
  const shares = lines.map((l) => l.lineTotal);
  let given = 0;
  sold.forEach(({ l, i }, n) => {
    const share = n === sold.length - 1 ? charged - given : Math.round((l.lineTotal * charged) / sum);
    given += share;
    shares[i] = share;
  });
  return shares;
}

/** Units of a line that can still be refunded once `refunded` of them were. */
export function remainingQuantity(line: { quantity: number }, refunded: number): number {
  return Math.max(0, line.quantity - refunded);
}

/**
 * What `quantity` more units of a line give back after `refunded` were: its part of the line's share
 * (`effective`), rounded so that refunds in parts add up to the share exactly.
 */
export function lineRefundAmount(line: { quantity: number }, effective: number, refunded: number, quantity: number): number {
  if (line.quantity <= 0) return 0;
  return Math.round((effective * (refunded + quantity)) / line.quantity) - Math.round((effective * refunded) / line.quantity);
}

/** What refunding `wanted` gives back, per line and in all, given what each line had refunded before. */
export function refundAmounts(order: RefundOrder, refunded: (index: number) => number, wanted: readonly WantedLine[]): { lines: (WantedLine & { amount: number })[]; amount: number } {
  const effective = effectiveLineTotals(order.lines, order.total);
  const lines = wanted.map((want) => {
    const line = order.lines[want.index];
    const amount = line ? lineRefundAmount(line, effective[want.index]!, refunded(want.index), want.quantity) : 0;
    return { ...want, amount };
  });
  return { lines, amount: lines.reduce((sum, l) => sum + l.amount, 0) };
}

/** The limits on what one order gives back in all (earlier refunds included). */
export interface RefundLimits {
  /** Above this many minor units a manager approves with their PIN. */
  managerAbove: number;
  /** Offline, the most an order gives back; null online. */
  offlineLimit: number | null;
}

/** Whether a refund of `amount`, after `before` already given back on the order, needs a manager, and whether it passes the offline limit. */
export function refundChecks(before: number, amount: number, limits: RefundLimits): { managerNeeded: boolean; overOfflineLimit: boolean } {
  const total = before + amount;
  return { managerNeeded: total > limits.managerAbove, overOfflineLimit: limits.offlineLimit !== null && total > limits.offlineLimit };
}
