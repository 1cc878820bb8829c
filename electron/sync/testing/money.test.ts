import { describe, expect, it } from 'vitest';
import { compareCash } from './money';

const order = (id: string, cash: number[], card: number[] = []) => ({
  id,
  number: `S01-R01-${id}`,
  registerId: 'r1',
  total: [...cash, ...card].reduce((a, b) => a + b, 0),
  payments: [...cash.map((amount) => ({ tender: 'cash' as const, amount, status: 'approved' })), ...card.map((amount) => ({ tender: 'card' as const, amount, status: 'approved' }))],
});
const session = (movements: { kind: string; amount: number; orderId?: string }[], overrides: Record<string, unknown> = {}) => {
  const list = movements.map((m) => ({ kind: m.kind, amount: m.amount, orderId: m.orderId ?? null }));
  return { id: 'cs1', registerId: 'r1', float: 1_000, expected: list.reduce((sum, m) => sum + m.amount, 1_000), closedAt: null, reconciled: null, movements: list, ...overrides };
};

/** The cash part of the money reconciliation the sync proofs run against HQ. */
describe('compareCash', () => {
  it('finds nothing wrong when each session adds up and each order’s cash is what the drawer moved for it', () => {
    const orders = [order('1', [500], [200]), order('2', [-300]), order('3', [], [900])];
    const drawer = session([
      { kind: 'sale', amount: 1_000, orderId: '1' },
      { kind: 'change', amount: -500, orderId: '1' },
      { kind: 'refund', amount: -300, orderId: '2' },
      { kind: 'paid-in', amount: 50 },
    ]);
    expect(compareCash(orders, [{ ...drawer, closedAt: '2025-03-01T18:00:00.000Z', reconciled: true }])).toEqual({ sessions: 1, movements: 4, mismatchedSessions: 0, mismatchedOrders: 0, problems: [] });
  });

  it('names a session whose movements do not add up, a closed one HQ flagged, an order whose cash the drawer does not show, and a movement of an unknown order', () => {
    const result = compareCash(
      [order('1', [500]), order('2', [700])],
      [
        session([{ kind: 'sale', amount: 500, orderId: '1' }], { expected: 2_000 }),
        session([{ kind: 'sale', amount: 80, orderId: '9' }], { id: 'cs2', closedAt: '2025-03-01T18:00:00.000Z', reconciled: false }),
      ],
    );
    expect(result).toMatchObject({ sessions: 2, mismatchedSessions: 2, mismatchedOrders: 1 });
    expect(result.problems).toEqual([
      'drawer session cs1: float + movements = 1500, expected 2000',
      'drawer session cs2: closed and not reconciled',
      "S01-R01-2: cash payments add up to 700, the drawer's movements for it to 0",
      'the drawer moved 80 for order 9, which HQ does not have',
    ]);
  });
});
