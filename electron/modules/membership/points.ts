/** The store's points rule, from settings `membership.*`. */
export interface PointsRule {
  /** Points earned per whole currency unit paid (not paid with points). */
  pointsPerUnit: number;
  /** What one point pays when redeemed, in minor units. */
  pointValueMinor: number;
  /** The most points one sale may redeem while offline. */
  offlineRedeemCap: number;
}

/** Minor units in one whole unit of the currency (100 for EUR, 1 for JPY), as Intl knows it. */
export function minorPerUnit(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return 10 ** digits;
}

/** Points earned on a sale: whole currency units paid with money (points paying points earn nothing), times the rate. */
export function pointsEarned(paidWithMoney: number, currency: string, rule: Pick<PointsRule, 'pointsPerUnit'>): number {
  if (paidWithMoney <= 0) return 0;
  return Math.floor(paidWithMoney / minorPerUnit(currency)) * rule.pointsPerUnit;
}

/**
 * Points that may pay on this sale: what the member has, less this register's redemptions HQ has not
 * seen yet and what this sale already tendered (earnings still on their way are not spendable);
 * offline also at most the cap per sale.
 */
export function redeemablePoints(
  balance: { balance: number; pendingEarned: number },
  tenderedOnSale: number,
  online: boolean,
  rule: Pick<PointsRule, 'offlineRedeemCap'>,
): number {
  const spendable = balance.balance - balance.pendingEarned - tenderedOnSale;
  const limit = online ? spendable : Math.min(spendable, rule.offlineRedeemCap - tenderedOnSale);
  return Math.max(0, limit);
}
