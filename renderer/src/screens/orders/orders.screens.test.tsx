// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../../shared/api';
import type { OrderDetail, OrderSummary, ZReport } from '../../../../shared/modules/orders.api';
import { installFakeBridge } from '../../test/fake-bridge';
import { DayScreen } from './DayScreen';
import { OrderDetailView } from './OrderDetail';
import { OrdersScreen } from './OrdersScreen';

// jsdom has no modal dialogs: the component's <dialog> is shown without them.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.open = false;
};

afterEach(cleanup);

const info: AppInfo = { version: '0.1.0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'hq', enrolled: true };
const summary = (overrides: Partial<OrderSummary> = {}): OrderSummary => ({
  id: 'o1',
  number: 'S01-R01-7',
  kind: 'sale',
  total: 8999,
  currency: 'EUR',
  createdAt: Date.UTC(2026, 10, 23, 9),
  cashier: 'Ana',
  tenders: ['cash'],
  memberId: null,
  originalOrderId: null,
  source: 'local',
  origin: 'S01-R01',
  thisRegister: true,
  ...overrides,
});
const detail = (overrides: Partial<OrderDetail> = {}): OrderDetail => ({
  order: summary(),
  lines: [
    { index: 0, sku: 'W', name: 'Red wine', quantity: 1, unitPrice: 8999, lineTotal: 8999, refunded: 0, refundable: 1 },
    { index: 1, sku: 'M', name: 'Milk', quantity: 3, unitPrice: 129, lineTotal: 387, refunded: 1, refundable: 2 },
  ],
  payments: [{ id: 'p1', tender: 'cash', amount: 9386, status: 'approved', last4: null }],
  refunds: [],
  policy: { allowed: true, reason: null, reasonCode: null, managerAbove: 5000, offlineLimit: null, tenders: ['original', 'cash'], online: true },
  ...overrides,
});

describe('the refund dialog and what the order gave back already', () => {
  it('asks for the manager’s PIN when this refund and the earlier ones of the order together pass the limit', async () => {
    installFakeBridge({ 'orders.detail': () => ({ ok: true, value: detail({ policy: { ...detail().policy, refundedAmount: 4900 } }) }) });
    render(<OrderDetailView info={info} orderId="o1" source="local" onBack={() => {}} onOpen={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Refund' }));
    const dialog = within(screen.getByRole('dialog'));
    // One milk (1.29) alone is far under 50.00, but the order already gave back 49.00.
    fireEvent.change(dialog.getByLabelText('Quantity of Milk to refund'), { target: { value: '1' } });
    expect(dialog.getByLabelText('Manager PIN')).toBeTruthy();
    expect(dialog.getByText(/Refunds of one order above .*50\.00 in all need a manager’s PIN/)).toBeTruthy();
  });
});

describe('the refund preview of a sale with a sale-wide discount', () => {
  it('shows what the register refunds (the line’s share after the discount) and asks for the manager exactly when the register would', async () => {
    // The order the orders service test refunds: 2 × 89.99 + 1.29, less 20.00 sale-wide; managers approve above 85.00.
    const discounted = detail({
      order: summary({ total: 16127 }),
      lines: [
        { index: 0, sku: 'W', name: 'Red wine', quantity: 2, unitPrice: 8999, lineTotal: 17998, refunded: 0, refundable: 2 },
        { index: 1, sku: 'M', name: 'Milk', quantity: 1, unitPrice: 129, lineTotal: 129, refunded: 0, refundable: 1 },
      ],
      policy: { ...detail().policy, managerAbove: 8500 },
    });
    installFakeBridge({ 'orders.detail': () => ({ ok: true, value: discounted }) });
    render(<OrderDetailView info={info} orderId="o1" source="local" onBack={() => {}} onOpen={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Refund' }));
    const dialog = within(screen.getByRole('dialog'));
    fireEvent.change(dialog.getByLabelText('Quantity of Red wine to refund'), { target: { value: '1' } });
    expect(dialog.getByTestId('refund-amount').textContent).toContain('€80.06');
    expect(dialog.queryByLabelText('Manager PIN')).toBeNull();
    fireEvent.change(dialog.getByLabelText('Quantity of Red wine to refund'), { target: { value: '2' } });
    expect(dialog.getByTestId('refund-amount').textContent).toContain('€160.12');
    expect(dialog.getByLabelText('Manager PIN')).toBeTruthy();
  });
});

describe('the orders screen', () => {
  it('offline, says only this register was searched; online, HQ’s orders are marked by register', async () => {
    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [summary()], notice: 'offline', hqSearched: false } }),
    });
    render(<OrdersScreen info={info} />);
    expect((await screen.findByTestId('orders-notice')).textContent).toContain('only this register’s orders are searched');
    cleanup();
    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [summary(), summary({ id: 'o2', number: 'S01-R02-3', source: 'hq', origin: 'S01-R02', thisRegister: false, tenders: [] })], notice: null, hqSearched: true } }),
    });
    render(<OrdersScreen info={info} />);
    const rows = await screen.findAllByTestId('order-row');
    expect(rows.map((r) => r.getAttribute('data-source'))).toEqual(['local', 'hq']);
    expect(rows[1]!.textContent).toContain('HQ · register S01-R02');
    expect(screen.queryByTestId('orders-notice')).toBeNull();
  });

  it('searches by amount in minor units and refuses an amount that is not a number', async () => {
    const fake = installFakeBridge({ 'orders.search': () => ({ ok: true, value: { orders: [], notice: null, hqSearched: false } }) });
    render(<OrdersScreen info={info} />);
    fireEvent.change(screen.getByLabelText('Amount'), { target: { value: '12,50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(fake.calls.at(-1)).toEqual({ channel: 'orders.search', input: { scope: 'day', amount: 1250 } }));
    fireEvent.change(screen.getByLabelText('Amount'), { target: { value: 'ten' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Enter the amount as a number');
  });
});

describe('an order and its refund', () => {
  it('offline, another register’s order shows why it cannot be refunded and Refund is disabled', async () => {
    installFakeBridge({
      'orders.detail': () => ({
        ok: true,
        value: detail({
          order: summary({ source: 'hq', thisRegister: false, origin: 'S01-R02' }),
          policy: { allowed: false, reason: 'x', reasonCode: 'cross-register-offline', managerAbove: 5000, offlineLimit: 10000, tenders: ['cash'], online: false },
        }),
      }),
    });
    render(<OrderDetailView info={info} orderId="o1" source="hq" onBack={() => {}} onOpen={() => {}} />);
    expect((await screen.findByTestId('refund-blocked')).textContent).toContain('orders of other registers can be refunded only online');
    expect((screen.getByRole('button', { name: 'Refund' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Reprint' })).toBeNull();
  });

  it('asks for a manager’s PIN once the refund is above the limit and sends the lines, tender, reason and PIN', async () => {
    const fake = installFakeBridge({
      'orders.detail': () => ({ ok: true, value: detail() }),
      'orders.refund': () => ({ ok: true, value: { refund: summary({ id: 'r1', number: 'S01-R01-8', kind: 'refund', total: -8999 }), payments: [] } }),
    });
    render(<OrderDetailView info={info} orderId="o1" source="local" onBack={() => {}} onOpen={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Refund' }));
    const dialog = within(screen.getByRole('dialog'));
    fireEvent.change(dialog.getByLabelText('Quantity of Milk to refund'), { target: { value: '5' } });
    expect((dialog.getByLabelText('Quantity of Milk to refund') as HTMLInputElement).value).toBe('2');
    expect(dialog.queryByLabelText('Manager PIN')).toBeNull();
    fireEvent.change(dialog.getByLabelText('Quantity of Red wine to refund'), { target: { value: '1' } });
    expect(dialog.getByLabelText('Manager PIN')).toBeTruthy();
    fireEvent.change(dialog.getByLabelText('Reason'), { target: { value: 'Corked' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Refund' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('needs a manager’s PIN');
    fireEvent.change(dialog.getByLabelText('Manager PIN'), { target: { value: '9999' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Refund' }));
    await waitFor(() =>
      expect(fake.calls.find((c) => c.channel === 'orders.refund')?.input).toEqual({
        orderId: 'o1',
        source: 'local',
        lines: [
          { index: 0, quantity: 1 },
          { index: 1, quantity: 2 },
        ],
        tender: 'original',
        reason: 'Corked',
        managerPin: '9999',
      }),
    );
    expect((await screen.findByRole('status')).textContent).toBe('Refund S01-R01-8 recorded.');
  });
});

describe('end of day', () => {
  const report: ZReport = {
    from: Date.UTC(2026, 10, 23, 8),
    to: Date.UTC(2026, 10, 23, 18),
    currency: 'EUR',
    salesCount: 2,
    salesTotal: 1000,
    refundsCount: 1,
    refundsTotal: -200,
    net: 800,
    tenders: [{ tender: 'cash', in: 1000, out: -200, net: 800 }],
    offlineCardOutstanding: 0,
    pendingSync: 3,
    deadLetters: 0,
    closed: null,
  };

  it('a close refused while operations are unsynced asks for a manager’s PIN, then says the day was closed with them', async () => {
    let attempts = 0;
    const fake = installFakeBridge({
      'day.report': () => ({ ok: true, value: report }),
      'day.close': () =>
        ++attempts === 1
          ? { ok: false, error: { code: 'NOT_ALLOWED', message: '3 operations have not reached HQ yet.' } }
          : { ok: true, value: { ...report, closed: { at: report.to, by: 'Max', unsyncedOperations: 3, managerConfirmed: true } } },
    });
    render(<DayScreen info={info} />);
    expect((await screen.findByTestId('z-pending')).textContent).toBe('3');
    fireEvent.click(screen.getByRole('button', { name: 'Close day' }));
    expect((await screen.findByRole('alert')).textContent).toBe('3 operations have not reached HQ yet.');
    fireEvent.change(screen.getByLabelText('Manager PIN'), { target: { value: '9999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close day with manager PIN' }));
    expect((await screen.findByTestId('day-closed')).textContent).toMatch(/Day closed by Max .* with 3 unsynced operations/);
    expect(fake.calls.filter((c) => c.channel === 'day.close').map((c) => c.input)).toEqual([{}, { managerPin: '9999' }]);
  });

  it('once everything has reached HQ after a refused close, the cashier may close alone again (no manager PIN asked)', async () => {
    let current = report;
    const fake = installFakeBridge({
      'day.report': () => ({ ok: true, value: current }),
      'day.close': () =>
        current.pendingSync > 0
          ? { ok: false, error: { code: 'NOT_ALLOWED', message: '3 operations have not reached HQ yet.' } }
          : { ok: true, value: { ...current, closed: { at: report.to, by: 'Ana', unsyncedOperations: 0, managerConfirmed: false } } },
    });
    render(<DayScreen info={info} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Close day' }));
    expect(await screen.findByLabelText('Manager PIN')).toBeTruthy();
    current = { ...report, pendingSync: 0 };
    fake.emit({ name: 'sync.changed', payload: { pending: 0 } as never });
    fireEvent.click(await screen.findByRole('button', { name: 'Close day' }));
    expect((await screen.findByTestId('day-closed')).textContent).toMatch(/Day closed by Ana/);
    expect(screen.queryByLabelText('Manager PIN')).toBeNull();
    expect(fake.calls.filter((c) => c.channel === 'day.close').map((c) => c.input)).toEqual([{}, {}]);
  });
});
