import { describe, expect, it } from 'vitest';
import { allocateProportionally, applyBasisPoints, mulDivRoundHalfUp, roundCash } from './rounding';

describe('rounding rules', () => {
  it('half-up: 2.5 rounds to 3, 2.49 to 2, and −2.5 to −3 (away from zero, so refunds mirror sales)', () => {
    expect(mulDivRoundHalfUp(5, 1, 2)).toBe(3);
    expect(mulDivRoundHalfUp(249, 1, 100)).toBe(2);
    expect(mulDivRoundHalfUp(-5, 1, 2)).toBe(-3);
  });

  it('10 % of 0.25 is 0.03 (0.025 rounds half up), 20 % of 1.29 is 0.26 (0.258)', () => {
    expect(applyBasisPoints(25, 1000)).toBe(3);
    expect(applyBasisPoints(129, 2000)).toBe(26);
  });

  it('a product beyond 2^53 (90 trillion minor units × 10000 bp) is still exact', () => {
    expect(mulDivRoundHalfUp(9_000_000_000_000_000 / 1000, 10_000, 10_000)).toBe(9_000_000_000_000);
  });

  it('1.00 over three 1.00 lines is 34 / 33 / 33; 0.10 over 1.00 and 3.00 is 3 / 7 (2.5 and 7.5 leave equal remainders, so the earlier line takes the cent)', () => {
    expect(allocateProportionally(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(allocateProportionally(10, [100, 300])).toEqual([3, 7]);
    expect(allocateProportionally(0, [5, 0])).toEqual([0, 0]);
  });

  it('a discount larger than what it spreads over is refused', () => {
    expect(() => allocateProportionally(11, [5, 5])).toThrow(RangeError);
  });

  it('cash: −1.03 rounds to −1.05 at 0.05, mirroring 1.03 → 1.05', () => {
    expect(roundCash(-103, 5)).toBe(-105);
    expect(roundCash(103, 5)).toBe(105);
  });
});
