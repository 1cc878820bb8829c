// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, Cart } from '../../../shared/api';
import { installFakeBridge } from '../test/fake-bridge';
import { CheckoutScreen } from './CheckoutScreen';

afterEach(cleanup);

const info: AppInfo = { version: '0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'demo', enrolled: false };
const cart: Cart = {
  id: 's1',
  currency: 'EUR',
  total: 318,
  itemCount: 2,
  lines: [
    { id: 'l1', sku: 'A', name: 'Milk', quantity: 1, unitPrice: 129, lineTotal: 129 },
    { id: 'l2', sku: 'B', name: 'Bread', quantity: 1, unitPrice: 189, lineTotal: 189 },
  ],
};

function setup() {
  const fake = installFakeBridge({
    'cart.get': () => ({ ok: true, value: cart }),
    'cart.held': () => ({ ok: true, value: { carts: [] } }),
    'cart.setQuantity': ({ quantity }) =>
      quantity < 1 ? { ok: false, error: { code: 'INVALID_INPUT', message: 'A quantity must be at least 1. To take the item off, use Void line.' } } : { ok: true, value: cart },
    'cart.voidLine': () => ({ ok: true, value: { ...cart, lines: cart.lines.slice(1), total: 189, itemCount: 1 } }),
  });
  render(<CheckoutScreen info={info} onPay={() => {}} />);
  return fake;
}

const selectedName = () => document.querySelector('tr[aria-current="true"] .cart__name')?.textContent;

describe('the cart’s keyboard', () => {
  it('selects the last line, moves with the arrows and keeps the scan field focused', async () => {
    setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    const field = screen.getByTestId('scan-input');
    expect(document.activeElement).toBe(field);
    fireEvent.keyDown(field, { key: 'ArrowUp' });
    expect(selectedName()).toBe('Milk');
    fireEvent.keyDown(field, { key: 'ArrowUp' });
    expect(selectedName()).toBe('Milk');
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(selectedName()).toBe('Bread');
  });

  it('+ raises, a number then * sets the quantity of the selected line, and Delete voids it', async () => {
    const fake = setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.keyDown(field, { key: '+' });
    fireEvent.change(field, { target: { value: '12' } });
    fireEvent.keyDown(field, { key: '*' });
    await waitFor(() => expect(field.value).toBe(''));
    fireEvent.keyDown(field, { key: 'Delete' });
    await waitFor(() => expect(fake.calls.filter((c) => c.channel.startsWith('cart.') && c.channel !== 'cart.get' && c.channel !== 'cart.held')).toEqual([
      { channel: 'cart.setQuantity', input: { lineId: 'l2', quantity: 2 } },
      { channel: 'cart.setQuantity', input: { lineId: 'l2', quantity: 12 } },
      { channel: 'cart.voidLine', input: { lineId: 'l2' } },
    ]));
  });

  it('shows a refused quantity as an alert', async () => {
    setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    fireEvent.keyDown(screen.getByTestId('scan-input'), { key: '-' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/at least 1/));
  });
});
