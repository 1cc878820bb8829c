import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDatabase } from '../../test/factories';
import { LedgerRepository, type NewRefund } from './ledger.repository';

let setup: ReturnType<typeof makeDatabase>;
let ledger: LedgerRepository;
beforeEach(() => {
  setup = makeDatabase();
  ledger = new LedgerRepository(setup.db);
  setup.db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
});
afterEach(() => setup.close());

function openSale(id: string): void {
  setup.db.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at) VALUES (?, 'open', 'u1', 'EUR', 1)").run(id);
}

function paidInCash(id: string, amount: number): void {
  openSale(id);
  ledger.addPayment({ id: `${id}:cash`, saleId: id, tender: 'cash', amount, tendered: amount, status: 'approved', reference: null, cardLast4: null, cardToken: null, uploadDeadline: null }, 2);
}

const refundOf = (id: string, originalOrderId: string, payments: NewRefund['payments'] = []): NewRefund => ({
  id,
  cashierId: 'u1',
  currency: 'EUR',
  total: -199,
  originalOrderId,
  originalNumber: 'S01-R01-1',
  reason: 'damaged',
  approvedBy: null,
  memberId: null,
  lines: [{ sku: 'SKU-1', name: 'Milk', quantity: -1, unitPrice: 199, taxClass: 'reduced', lineTotal: -199, originalLineIndex: 0 }],
  payments,
});

describe('the ledger', () => {
  it('numbers sales and refunds from one gap-free sequence: sale 1, its refund 2, the next sale 3', () => {
    paidInCash('s1', 199);
    expect(ledger.completeOpenSale('s1', 'S01-R01', 199, 3).number).toBe('S01-R01-1');
    expect(ledger.insertRefund(refundOf('r1', 's1', [{ id: 'r1:cash', tender: 'cash', amount: -199, status: 'approved', reference: null, last4: null, refundOf: null, uploadDeadline: null }]), 'S01-R01', 4)).toEqual({
      number: 'S01-R01-2',
      sequence: 2,
    });
    paidInCash('s2', 99);
    expect(ledger.completeOpenSale('s2', 'S01-R01', 99, 5)).toMatchObject({ number: 'S01-R01-3', sequence: 3 });
    const refund = setup.db.prepare<[], { kind: string; status: string; total: number; original_order_id: string }>("SELECT kind, status, total, original_order_id FROM sales WHERE id = 'r1'").get();
    expect(refund).toEqual({ kind: 'refund', status: 'completed', total: -199, original_order_id: 's1' });
    expect(setup.db.prepare("SELECT id, quantity, line_total FROM sale_lines WHERE sale_id = 'r1'").all()).toEqual([{ id: 'r1:0', quantity: -1, line_total: -199 }]);
    expect(ledger.paymentsOf('r1').map((p) => [p.tender, p.amount])).toEqual([['cash', -199]]);
    expect(ledger.saleCounts()).toEqual({ completed: 3, open: 0, voided: 0 });
  });

  it('settles a card refund stored offline once; a second answer changes nothing', () => {
    paidInCash('s1', 199);
    ledger.completeOpenSale('s1', 'S01-R01', 199, 3);
    ledger.insertRefund(refundOf('r1', 's1', [{ id: 'r1:card', tender: 'card', amount: -199, status: 'stored', reference: null, last4: '4242', refundOf: 's1:cash', uploadDeadline: null }]), 'S01-R01', 4);
    expect(ledger.settleCardRefund('r1:card', 'settled', null, 'acq-1')).toBe(true);
    expect(ledger.settleCardRefund('r1:card', 'declined', 'late', null)).toBe(false);
    expect(setup.db.prepare("SELECT settlement, reference FROM payments WHERE id = 'r1:card'").get()).toEqual({ settlement: 'settled', reference: 'acq-1' });
  });

  it('records HQ’s verdict on a card payment stored offline, never on one approved online', () => {
    openSale('s1');
    ledger.addPayment({ id: 'p-stored', saleId: 's1', tender: 'card', amount: 100, tendered: null, status: 'stored', reference: null, cardLast4: '0002', cardToken: 'sealed-token', uploadDeadline: null }, 2);
    ledger.addPayment({ id: 'p-online', saleId: 's1', tender: 'card', amount: 99, tendered: null, status: 'approved', reference: 'auth', cardLast4: '4242', cardToken: null, uploadDeadline: null }, 2);
    expect(ledger.storedCardTokens()).toEqual(['sealed-token']);
    ledger.settleStoredCard('p-stored', 'declined', 'insufficient funds');
    ledger.settleStoredCard('p-online', 'declined', 'not for this one');
    expect(setup.db.prepare('SELECT id, settlement, settlement_reason AS reason FROM payments ORDER BY id').all()).toEqual([
      { id: 'p-online', settlement: null, reason: null },
      { id: 'p-stored', settlement: 'declined', reason: 'insufficient funds' },
    ]);
    expect(ledger.declinedStoredCardCount()).toBe(1);
  });

  it('attaches a member to the open sale only, and moves the sales of a member HQ merged into another', () => {
    setup.db.prepare("INSERT INTO members (id, name, phone, pending, created_at, updated_at) VALUES ('local', 'Lena', '0170', 1, 1, 1), ('hq', 'Lena', '0170', 0, 1, 1)").run();
    paidInCash('s1', 199);
    expect(ledger.attachMember('s1', 'local')).toBe(true);
    ledger.completeOpenSale('s1', 'S01-R01', 199, 3);
    expect(ledger.attachMember('s1', null)).toBe(false);
    ledger.moveMemberSales('local', 'hq');
    expect(setup.db.prepare("SELECT member_id FROM sales WHERE id = 's1'").get()).toEqual({ member_id: 'hq' });
  });
});
