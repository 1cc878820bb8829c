import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { expectedCash } from '../../../shared/cash';
import type { User } from '../../../shared/schemas';
import { silentLogger } from '../../core/logger';
import { Outbox } from '../../sync/outbox';
import { makeDatabase } from '../../test/factories';
import { CashRepository } from './cash.repository';
import { CashService, type CashRules } from './cash.service';

const ana: User = { id: 'u-ana', name: 'Ana', role: 'cashier' };
const closes: (() => void)[] = [];
afterEach(() => closes.splice(0).forEach((fn) => fn()));

function drawer(rules: Partial<CashRules> = {}, currency = 'EUR') {
  const { db, close } = makeDatabase();
  closes.push(close);
  const outbox = new Outbox(db);
  const repo = new CashRepository(db);
  const kicks: string[] = [];
  const approvals: string[] = [];
  let now = 1_700_000_000_000;
  const cash = new CashService({
    cash: repo,
    outbox,
    rules: () => ({ requireCountedFloat: false, payOutManagerAbove: 5000, varianceManagerAbove: 500, noSaleNeedsManager: false, ...rules }),
    currency: () => currency,
    approve: async (pin, action) => {
      if (pin !== '9999') throw new Error('wrong PIN');
      approvals.push(action);
      return { name: 'Maria' };
    },
    kick: (why) => kicks.push(why),
    newId: uuidv7,
    log: silentLogger(),
    now: () => (now += 1000),
  });
  /** A completing sale's hook, in a transaction of its own as the sale's would be. */
  const sale = (payments: { tender: string; amount: number }[], change = 0) =>
    outbox.write(() => ({ result: null, operations: cash.saleCompleting(uuidv7(), payments, change, ana.id, (now += 1000)) }));
  const ops = () => db.prepare<[], { entity: string; type: string; payload: string }>("SELECT entity, type, payload FROM outbox WHERE entity LIKE 'cash%' ORDER BY seq").all();
  return { cash, repo, db, outbox, kicks, approvals, sale, ops };
}

describe('the cash drawer', () => {
  it('opens with a float counted by denomination, journals every movement and opens the drawer for each', async () => {
    const { cash, kicks, ops } = drawer();
    const session = cash.open({ counts: { '2000': 5, '1000': 5, '200': 10, '50': 20 } }, ana);
    expect(session.float).toBe(2000 * 5 + 1000 * 5 + 200 * 10 + 50 * 20);
    await cash.move({ kind: 'paid-in', amount: 2000, reason: 'change-float' }, ana);
    await cash.move({ kind: 'paid-out', amount: 1250, reason: 'supplier', note: 'milk' }, ana);
    await cash.move({ kind: 'drop', amount: 5000 }, ana);
    await cash.move({ kind: 'no-sale', amount: 0 }, ana);
    const x = cash.xReport();
    expect(x.expected).toBe(18_000 + 2000 - 1250 - 5000);
    expect(x.movements.map((m) => [m.kind, m.amount])).toEqual([['paid-in', 2000], ['paid-out', -1250], ['drop', -5000], ['no-sale', 0]]);
    expect(kicks).toEqual(['float', 'paid-in', 'paid-out', 'drop', 'no-sale']);
    expect(ops().map((o) => `${o.entity}.${o.type}`)).toEqual(['cashSession.opened', ...Array(4).fill('cashMovement.recorded')]);
  });

  it('refuses a second open session, a count in a currency’s missing denomination, and a paid-out without a reason', async () => {
    const { cash } = drawer();
    cash.open({ amount: 10_000 }, ana);
    expect(() => cash.open({ amount: 0 }, ana)).toThrow(/already open/);
    await expect(cash.count({ counts: { '300': 1 } }, ana)).rejects.toThrow(/EUR has no 300/);
    await expect(cash.move({ kind: 'paid-out', amount: 100 }, ana)).rejects.toThrow(/reason/);
    await expect(cash.move({ kind: 'drop', amount: 0 }, ana)).rejects.toThrow(/more than 0/);
  });

  it('needs a manager above the paid-out limit and, when the rules say so, for a no-sale', async () => {
    const { cash, approvals } = drawer({ noSaleNeedsManager: true });
    cash.open({ amount: 20_000 }, ana);
    await cash.move({ kind: 'paid-out', amount: 5000, reason: 'supplier' }, ana);
    await expect(cash.move({ kind: 'paid-out', amount: 5001, reason: 'supplier' }, ana)).rejects.toThrow(/needs a manager/);
    await expect(cash.move({ kind: 'no-sale', amount: 0 }, ana)).rejects.toThrow(/needs a manager/);
    const approved = await cash.move({ kind: 'paid-out', amount: 5001, reason: 'supplier', managerPin: '9999' }, ana);
    expect(approved.approvedBy).toBe('Maria');
    expect(approvals).toEqual(['cash.paidOut']);
  });

  it('counts blind, then shows expected, counted and over/short; a variance above the rule needs a manager and a note to close', async () => {
    const { cash, sale, ops } = drawer();
    cash.open({ amount: 10_000 }, ana);
    sale([{ tender: 'cash', amount: 1850 }], 150); // €20 handed over for €18.50
    sale([{ tender: 'card', amount: 999 }]);
    expect(cash.state().session).not.toHaveProperty('expected');
    const report = await cash.count({ amount: 11_000 }, ana);
    expect(report).toMatchObject({ expected: 11_850, counted: 11_000, variance: -850 });
    expect(report.totals).toMatchObject({ sale: 2000, change: -150 });
    await expect(cash.close({}, ana)).rejects.toThrow(/manager enters their PIN and a note/);
    await expect(cash.close({ managerPin: '9999' }, ana)).rejects.toThrow(/a note/);
    const closed = await cash.close({ managerPin: '9999', note: 'a €10 note missing; checked the floor' }, ana);
    expect(closed.closed).toMatchObject({ approvedBy: 'Maria', note: 'a €10 note missing; checked the floor' });
    const close = ops().find((o) => o.entity === 'cashClose')!;
    expect(JSON.parse(close.payload)).toMatchObject({ expected: 11_850, counted: 11_000 });
    expect(cash.state().session).toBeNull();
  });

  it('refuses to close an uncounted drawer, and a count made stale by cash that moved after it', async () => {
    const { cash, repo } = drawer();
    cash.open({ amount: 5000 }, ana);
    await expect(cash.close({}, ana)).rejects.toThrow(/Count the drawer first/);
    await cash.count({ amount: 5000 }, ana);
    await expect(cash.move({ kind: 'paid-in', amount: 100, reason: 'other' }, ana)).rejects.toThrow(/counted for the close/);
    // A movement that slipped in after the count (written directly, as a racing writer would).
    repo.addMovement({ id: uuidv7(), sessionId: cash.state().session!.id, kind: 'sale', amount: 300, saleId: 's', reason: null, note: null, userId: ana.id, approvedBy: null, at: Date.now() });
    await expect(cash.close({}, ana)).rejects.toThrow(/Cash moved after the count/);
    await expect(cash.count({ amount: 5300 }, ana)).rejects.toThrow(/needs a manager/);
    await cash.count({ amount: 5300 }, ana, '9999');
    expect((await cash.close({}, ana)).variance).toBe(0);
  });

  it('opens a session at 0 with the first cash sale, flagged; or refuses when the float must be counted first', async () => {
    const first = drawer();
    first.sale([{ tender: 'cash', amount: 500 }]);
    expect(first.cash.state().session).toMatchObject({ float: 0, openedAtFirstSale: true });
    expect(first.ops().map((o) => o.entity)).toEqual(['cashSession', 'cashMovement']);
    const strict = drawer({ requireCountedFloat: true });
    expect(() => strict.sale([{ tender: 'cash', amount: 500 }])).toThrow(/Count the float/);
    expect(strict.ops()).toEqual([]);
    strict.sale([{ tender: 'card', amount: 500 }]);
    expect(strict.cash.state().session).toBeNull();
  });

  it('opens the drawer for a cash sale and a cash payout once they are committed, never for a card-only sale or a sale that rolled back', async () => {
    const { cash, sale, kicks, outbox } = drawer();
    cash.open({ amount: 1000 }, ana);
    kicks.length = 0;
    sale([{ tender: 'card', amount: 999 }]);
    sale([{ tender: 'cash', amount: 500 }, { tender: 'card', amount: 300 }]);
    sale([{ tender: 'cash', amount: -200 }]);
    expect(() =>
      outbox.write(() => {
        cash.saleCompleting('s-rolled-back', [{ tender: 'cash', amount: 700 }], 0, ana.id, Date.now());
        throw new Error('the sale failed after its cash was journalled');
      }),
    ).toThrow(/sale failed/);
    sale([{ tender: 'card', amount: 100 }]);
    expect(kicks).toEqual(['sale', 'refund']);
    expect(cash.xReport().expected).toBe(1000 + 500 - 200);
  });

  it('gives the day’s Z-report its drawer sessions: a closed one with its figures, the open one blind', async () => {
    const { cash, sale } = drawer();
    cash.open({ amount: 10_000 }, ana);
    sale([{ tender: 'cash', amount: 2500 }]);
    await cash.count({ amount: 12_400 }, ana);
    await cash.close({}, ana);
    sale([{ tender: 'cash', amount: 700 }]);
    const [closed, open] = cash.drawers(0);
    expect(closed).toMatchObject({ float: 10_000, expected: 12_500, counted: 12_400, variance: -100, openedAtFirstSale: false });
    expect(open).toMatchObject({ float: 0, openedAtFirstSale: true, closedAt: null, expected: null, counted: null, variance: null });
    expect(cash.drawers(Date.now() * 2)).toHaveLength(1);
  });

  it('keeps the books: for any sales, refunds and movements, expected = float + cash in − change − cash out, and the operations for HQ add up to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 50_000 }),
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('cash-sale' as const), amount: fc.integer({ min: 1, max: 20_000 }), change: fc.nat({ max: 5000 }) }),
            fc.record({ t: fc.constant('card-sale' as const), amount: fc.integer({ min: 1, max: 20_000 }) }),
            fc.record({ t: fc.constant('payout' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
            fc.record({ t: fc.constant('paid-in' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
            fc.record({ t: fc.constant('paid-out' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
            fc.record({ t: fc.constant('drop' as const), amount: fc.integer({ min: 1, max: 10_000 }) }),
          ),
          { maxLength: 25 },
        ),
        async (float, steps) => {
          const { cash, sale, ops } = drawer();
          cash.open({ amount: float }, ana);
          let cashIn = 0;
          let changeOut = 0;
          let cashOut = 0;
          for (const step of steps) {
            if (step.t === 'cash-sale') {
              sale([{ tender: 'cash', amount: step.amount }], step.change);
              cashIn += step.amount + step.change;
              changeOut += step.change;
            } else if (step.t === 'card-sale') sale([{ tender: 'card', amount: step.amount }]);
            // The drawer cannot pay out more than it holds.
            else if (step.t !== 'paid-in' && float + cashIn - changeOut - cashOut < step.amount) continue;
            else if (step.t === 'payout') {
              sale([{ tender: 'cash', amount: -step.amount }]);
              cashOut += step.amount;
            } else {
              await cash.move({ kind: step.t, amount: step.amount, reason: step.t === 'drop' ? undefined : 'other' }, ana);
              if (step.t === 'paid-in') cashIn += step.amount;
              else cashOut += step.amount;
            }
          }
          const x = cash.xReport();
          expect(x.expected).toBe(float + cashIn - changeOut - cashOut);
          expect(Object.values(x.totals).reduce((a, b) => a + b, 0)).toBe(x.expected - float);
          const sent = ops().filter((o) => o.entity === 'cashMovement').map((o) => JSON.parse(o.payload) as { amount: number });
          expect(expectedCash(float, sent)).toBe(x.expected);
          const z = await cash.count({ amount: x.expected }, ana);
          expect(z.variance).toBe(0);
          await cash.close({}, ana);
        },
      ),
      { numRuns: 40 },
    );
  });
});
