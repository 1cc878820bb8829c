// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, User } from '../../../../shared/api';
import type { CashState, DrawerReport } from '../../../../shared/modules/cash.api';
import { installFakeBridge } from '../../test/fake-bridge';
import { CashScreen } from './CashScreen';

afterEach(cleanup);

const info: AppInfo = { version: '0.1.0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'hq', enrolled: true };
const ana: User = { id: 'u-ana', name: 'Ana', role: 'cashier' };
const EUR = [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
const session = { id: 's1', currency: 'EUR', openedAt: Date.now(), openedBy: 'u-ana', float: 15_000, openedAtFirstSale: false, countedAt: null };
const report: DrawerReport = {
  session: { ...session, countedAt: Date.now() },
  movements: [{ id: 'm1', kind: 'paid-out', amount: -1250, at: Date.now(), userId: 'u-ana', reason: 'supplier', note: 'milk', approvedBy: null, saleId: null }],
  totals: { sale: 0, change: 0, refund: 0, 'paid-in': 0, 'paid-out': -1250, drop: 0, 'no-sale': 0 },
  expected: 13_750,
  counted: 13_000,
  variance: -750,
  closed: null,
};

describe('the cash screen', () => {
  it('opens the drawer with a float counted by note and coin, the total adding up as typed', async () => {
    let state: CashState = { session: null, denominations: EUR, currency: 'EUR', requireCountedFloat: false };
    const fake = installFakeBridge({
      'cash.state': () => ({ ok: true, value: state }),
      'cash.open': (input) => {
        state = { ...state, session: { ...session, float: input.amount ?? 0 } };
        return { ok: true, value: state.session! };
      },
    });
    render(<CashScreen info={info} user={ana} />);
    fireEvent.change(await screen.findByLabelText('Number of €20.00'), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('Number of €0.50'), { target: { value: '1x0' } });
    expect(screen.getByTestId('count-sum').textContent).toBe('Total: €105.00');
    await act(async () => fireEvent.click(screen.getByTestId('cash-open')));
    expect(fake.calls.find((c) => c.channel === 'cash.open')?.input).toEqual({ amount: 10_500, counts: { '2000': 5, '50': 10 } });
    expect(await screen.findByText('Drawer opened with a float of €105.00.')).toBeTruthy();
  });

  it('asks for a manager’s PIN when a paid-out is over the limit, and sends it with the reason', async () => {
    const fake = installFakeBridge({
      'cash.state': () => ({ ok: true, value: { session, denominations: EUR, currency: 'EUR', requireCountedFloat: false } }),
      'cash.move': (input) =>
        input.managerPin
          ? { ok: true, value: { id: 'm2', kind: 'paid-out', amount: -input.amount, at: 1, userId: 'u-ana', reason: input.reason ?? null, note: null, approvedBy: 'Maria', saleId: null } }
          : { ok: false, error: { code: 'NOT_ALLOWED', message: 'A paid-out of this amount needs a manager: a manager enters their PIN.' } },
    });
    render(<CashScreen info={info} user={ana} />);
    fireEvent.click(await screen.findByTestId('cash-paid-out'));
    fireEvent.change(screen.getByTestId('cash-amount'), { target: { value: '80' } });
    fireEvent.change(screen.getByTestId('cash-reason'), { target: { value: 'supplier' } });
    await act(async () => fireEvent.submit(screen.getByTestId('cash-amount').closest('form')!));
    expect(await screen.findByRole('alert')).toBeTruthy();
    fireEvent.change(screen.getByTestId('cash-manager-pin'), { target: { value: '9999' } });
    await act(async () => fireEvent.submit(screen.getByTestId('cash-amount').closest('form')!));
    expect(fake.calls.filter((c) => c.channel === 'cash.move').at(-1)?.input).toEqual({ kind: 'paid-out', amount: 8000, reason: 'supplier', managerPin: '9999' });
    expect(await screen.findByText('€80.00 paid out.')).toBeTruthy();
  });

  it('counts blind: no expected amount until the count is in, then expected, counted and short; a cashier has no X report', async () => {
    installFakeBridge({
      'cash.state': () => ({ ok: true, value: { session, denominations: [], currency: 'EUR', requireCountedFloat: false } }),
      'cash.count': () => ({ ok: true, value: report }),
    });
    render(<CashScreen info={info} user={ana} />);
    expect(screen.queryByTestId('cash-x')).toBeNull();
    fireEvent.click(await screen.findByTestId('cash-count'));
    expect(screen.queryByTestId('cash-expected')).toBeNull();
    fireEvent.change(screen.getByTestId('count-total'), { target: { value: '130' } });
    await act(async () => fireEvent.click(screen.getByTestId('cash-count-submit')));
    expect((await screen.findByTestId('cash-expected')).textContent).toBe('€137.50');
    expect(screen.getByTestId('cash-counted').textContent).toBe('€130.00');
    expect(screen.getByTestId('cash-variance').textContent).toBe('-€7.50');
    expect(screen.getByText('Short')).toBeTruthy();
    expect(screen.getByTestId('cash-report').textContent).toContain('Supplier · milk');
  });
});
