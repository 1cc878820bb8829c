// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo, TenderState } from '../../../shared/api';
import { installFakeBridge } from '../test/fake-bridge';
import { TenderScreen } from './TenderScreen';

afterEach(cleanup);

const info: AppInfo = { version: '0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'demo', enrolled: false };
const open: TenderState = { saleId: 's1', due: 1214, paid: 0, remaining: 1214, currency: 'EUR', payments: [] };
const options = { cash: { available: true as const }, card: { mode: 'online' as const, reason: null, perPaymentLimit: 50000, totalLimit: 100000, outstanding: 0, uploadDeadlineHours: 72 } };

function till() {
  return installFakeBridge({
    'checkout.state': () => ({ ok: true, value: open }),
    'checkout.options': () => ({ ok: true, value: options }),
    'membership.attached': () => ({ ok: true, value: { saleId: 's1', member: null, redeemable: 0, tendered: 0, pointValue: 1, mode: 'online', offlineCap: null } }),
    'checkout.addCash': ({ tendered }) => ({ ok: true, value: { ...open, paid: 1214, remaining: 0, payments: [{ id: 'p1', tender: 'cash', amount: 1214, tendered, status: 'approved', last4: null }] } }),
    'checkout.complete': () => ({ ok: true, value: { saleId: 's1', number: 'S01-R01-1', total: 1214, change: 3786 } as never }),
  });
}

async function cashField() {
  const field = await screen.findByLabelText<HTMLInputElement>('Cash received');
  await waitFor(() => expect(document.activeElement).toBe(field));
  return field;
}

describe('the cash field on the tender screen', () => {
  it('opens with the amount due selected, so 50 typed replaces it; the change shows and 50.00 is tendered', async () => {
    const fake = till();
    const onCompleted = vi.fn();
    render(<TenderScreen info={info} onBack={() => {}} onCompleted={onCompleted} />);
    const field = await cashField();
    expect(field.value).toBe('12.14');
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, 5]);
    fireEvent.change(field, { target: { value: '50' } });
    expect(screen.getByTestId('tender-change').textContent).toBe('Change €37.86');
    fireEvent.submit(field.form!);
    await waitFor(() => expect(onCompleted).toHaveBeenCalled());
    expect(fake.calls.find((c) => c.channel === 'checkout.addCash')?.input).toEqual({ saleId: 's1', tendered: 5000 });
  });

  it('adds quick amounts up (20 then 5 is 25), Exact puts the amount due back, Clear on the pad starts from nothing', async () => {
    till();
    render(<TenderScreen info={info} onBack={() => {}} onCompleted={() => {}} />);
    const field = await cashField();
    const quick = within(screen.getByRole('group', { name: 'Quick amounts' }));
    fireEvent.click(quick.getByRole('button', { name: '+€20.00' }));
    fireEvent.click(quick.getByRole('button', { name: '+€5.00' }));
    expect(field.value).toBe('25.00');
    // What the till put in the field is selected, so the cashier's next keystroke replaces it.
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, 5]);
    fireEvent.click(quick.getByRole('button', { name: 'Exact €12.14' }));
    expect(field.value).toBe('12.14');
    fireEvent.click(quick.getByRole('button', { name: '+€10.00' }));
    expect(field.value).toBe('10.00');
    fireEvent.click(within(screen.getByRole('group', { name: 'Number pad' })).getByRole('button', { name: 'Clear' }));
    expect(field.value).toBe('');
    fireEvent.click(quick.getByRole('button', { name: '+€5.00' }));
    expect(field.value).toBe('5.00');
  });
});

describe('a card payment a manager must approve', () => {
  it('asks for the manager’s PIN in the register’s PIN field: hidden, never autofilled, digits only', async () => {
    installFakeBridge({
      'checkout.state': () => ({ ok: true, value: open }),
      'checkout.options': () => ({ ok: true, value: options }),
      'membership.attached': () => ({ ok: true, value: { saleId: 's1', member: null, redeemable: 0, tendered: 0, pointValue: 1, mode: 'online', offlineCap: null } }),
      'checkout.addCard': () => ({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: 'This card payment is above the offline limit; a manager approves it with their PIN.' } }),
    });
    render(<TenderScreen info={info} onBack={() => {}} onCompleted={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Card' }));
    fireEvent.submit((await screen.findByLabelText<HTMLInputElement>('Card number')).form!);
    const pin = await screen.findByLabelText<HTMLInputElement>('Manager PIN');
    expect(pin.type).toBe('password');
    expect(pin.getAttribute('autocomplete')).toBe('off');
    fireEvent.change(pin, { target: { value: '9a99 9' } });
    expect(pin.value).toBe('9999');
  });
});
