import { describe, expect, it } from 'vitest';
import { refundAmounts, refundChecks, remainingQuantity } from './refund';

const order = { total: 16127, lines: [{ quantity: 3, lineTotal: 26997 - 10000 }, { quantity: 1, lineTotal: 129 }] };

describe('the refund computation', () => {
  it('refunds in parts add up to the line’s share of the discounted total, never more', () => {
    const one = refundAmounts(order, () => 0, [{ index: 0, quantity: 1 }]).amount;
    const two = refundAmounts(order, () => 1, [{ index: 0, quantity: 2 }]).amount;
    const whole = refundAmounts(order, () => 0, [{ index: 0, quantity: 3 }]).amount;
    expect(one + two).toBe(whole);
    expect(whole + refundAmounts(order, () => 0, [{ index: 1, quantity: 1 }]).amount).toBe(order.total);
  });

  it('a line the sale took back gives nothing back, and what remains is never negative', () => {
    expect(refundAmounts({ total: 100, lines: [{ quantity: 1, lineTotal: 300 }, { quantity: -1, lineTotal: -200 }] }, () => 0, [{ index: 1, quantity: 1 }]).amount).toBe(0);
    expect(remainingQuantity({ quantity: 2 }, 3)).toBe(0);
    expect(remainingQuantity({ quantity: 5 }, 3)).toBe(2);
  });

  it('asks for a manager and applies the offline limit on what the order gives back in all, earlier refunds included', () => {
    expect(refundChecks(4900, 100, { managerAbove: 5000, offlineLimit: null })).toEqual({ managerNeeded: false, overOfflineLimit: false });
    expect(refundChecks(4900, 101, { managerAbove: 5000, offlineLimit: null })).toEqual({ managerNeeded: true, overOfflineLimit: false });
    expect(refundChecks(2900, 101, { managerAbove: 5000, offlineLimit: 3000 })).toEqual({ managerNeeded: false, overOfflineLimit: true });
  });
});
