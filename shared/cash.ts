/**
 * Cash in the drawer: the denominations of the store's currency, counts by denomination, and the
 * arithmetic every report and check shares (one source: the register, HQ and the screens use it).
 * Amounts are integers in minor units.
 */

/** Notes and coins by currency, largest first, in minor units. A currency not listed is counted as a total. */
export const DENOMINATIONS: Readonly<Record<string, readonly number[]>> = {
  EUR: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  CNY: [10000, 5000, 2000, 1000, 500, 100, 50, 10],
};

export function denominationsOf(currency: string): readonly number[] {
  return DENOMINATIONS[currency] ?? [];
}

/** A count of the drawer: how many of each denomination (minor units as keys). */
export type DenominationCounts = Readonly<Record<string, number>>;

/** The amount a count comes to; a denomination the currency does not have is an error, never ignored. */
export function countedAmount(currency: string, counts: DenominationCounts): number {
  const known = new Set(denominationsOf(currency).map(String));
  let total = 0;
  for (const [denomination, count] of Object.entries(counts)) {
    if (!known.has(denomination)) throw new RangeError(`${currency} has no ${denomination} (minor units) note or coin`);
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`the count of ${denomination} must be a whole number, 0 or more`);
    total += Number(denomination) * count;
  }
  return total;
}

/** What moves cash in or out of the drawer. Amounts are signed: into the drawer positive, out negative. */
export const CASH_MOVEMENT_KINDS = ['sale', 'change', 'refund', 'paid-in', 'paid-out', 'drop', 'no-sale'] as const;
export type CashMovementKind = (typeof CASH_MOVEMENT_KINDS)[number];

/** The sign each kind carries: a sale's cash and a paid-in come in; change, refunds, paid-outs and drops go out; a no-sale moves nothing. */
export const MOVEMENT_SIGN: Readonly<Record<CashMovementKind, 1 | -1 | 0>> = {
  sale: 1,
  change: -1,
  refund: -1,
  'paid-in': 1,
  'paid-out': -1,
  drop: -1,
  'no-sale': 0,
};

/** Why cash is paid in or out, picked from a list (plus free text). */
export const PAY_REASONS = {
  'paid-in': ['change-float', 'correction', 'other'],
  'paid-out': ['supplier', 'petty-cash', 'wages', 'correction', 'other'],
} as const;

/** The cash the drawer should hold: the float plus every movement. */
export function expectedCash(float: number, movements: readonly { amount: number }[]): number {
  return movements.reduce((sum, m) => sum + m.amount, float);
}

/** Totals by kind, for the X and Z reports (every kind present, 0 when none). */
export function totalsByKind(movements: readonly { kind: CashMovementKind; amount: number }[]): Record<CashMovementKind, number> {
  const totals = Object.fromEntries(CASH_MOVEMENT_KINDS.map((k) => [k, 0])) as Record<CashMovementKind, number>;
  for (const m of movements) totals[m.kind] += m.amount;
  return totals;
}
