/**
 * Kassa's rounding rules, all in this one file. Every amount is an integer of minor units; rates are
 * basis points (1 % = 100 bp); no floating point touches money.
 *
 * 1. Percentage discounts: half-up (half away from zero) on the line's total, not per unit —
 *    it is what a customer checking the shelf label with a calculator gets.
 * 2. Tax: half-up (half away from zero), once per tax class per sale on the class's total, not per line —
 *    commercial rounding is what tax authorities (e.g. EU VAT) expect, and rounding once per class keeps
 *    the error at most half a minor unit per class instead of growing with the number of lines.
 *    Inclusive prices: tax = gross × rate / (10000 + rate), net = gross − tax (so net + tax = gross exactly).
 *    Exclusive prices: tax = net × rate / 10000, added to the amount due.
 * 3. A sale-wide discount (threshold promotion) is spread over the lines in proportion to their totals
 *    by the largest-remainder method: each line gets the floor of its exact share and the minor units left
 *    over go one each to the lines with the largest fractional parts, ties to the earlier line — the shares
 *    add up to the discount exactly, and no line's share is off by a whole minor unit.
 * 4. Cash rounding (`store.cashRoundingMinor` 5 or 10): the cash amount due goes to the nearest multiple
 *    of the step, half-up (away from zero) — as the Swiss and Nordic 0.05/0.10 rules do; it moves the
 *    amount by at most half the step. Card payments are never rounded.
 */

/** `a × b / d` rounded half away from zero, computed exactly (BigInt, so the product cannot overflow). */
export function mulDivRoundHalfUp(a: number, b: number, d: number): number {
  assertInteger(a, 'amount');
  assertInteger(b, 'factor');
  assertInteger(d, 'divisor');
  if (d <= 0) throw new RangeError(`divisor must be positive, got ${d}`);
  const n = BigInt(a) * BigInt(b);
  const magnitude = ((n < 0n ? -n : n) * 2n + BigInt(d)) / (2n * BigInt(d));
  return Number(n < 0n ? -magnitude : magnitude);
}

/** `amount × basisPoints / 10000`, rounded half-up: a percentage of an amount. */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  return mulDivRoundHalfUp(amount, basisPoints, 10_000);
}

/**
 * Splits `total` over `weights` in proportion (rule 3). Weights must be non-negative and `total` between
 * 0 and their sum, so no share exceeds its weight.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  assertInteger(total, 'total');
  const sum = weights.reduce((s, w) => s + assertInteger(w, 'weight'), 0);
  if (weights.some((w) => w < 0)) throw new RangeError('weights must not be negative');
  if (total < 0 || total > sum) throw new RangeError(`cannot spread ${total} over weights summing to ${sum}`);
  if (total === 0) return weights.map(() => 0);
  const T = BigInt(total);
  const S = BigInt(sum);
  const exact = weights.map((w) => BigInt(w) * T);
  const shares = exact.map((e) => Number(e / S));
  const remainders = exact.map((e, index) => ({ index, rest: e % S }));
  let left = total - shares.reduce((s, x) => s + x, 0);
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

export const CASH_ROUNDING_STEPS = [0, 5, 10] as const;
export type CashRoundingStep = (typeof CASH_ROUNDING_STEPS)[number];

/** The cash amount due for `amount` under a cash-rounding step (rule 4); step 0 leaves it as it is. */
export function roundCash(amount: number, step: CashRoundingStep): number {
  assertInteger(amount, 'amount');
  if (step === 0) return amount;
  return mulDivRoundHalfUp(amount, 1, step) * step;
}

function assertInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer number of minor units, got ${value}`);
  return value;
}
