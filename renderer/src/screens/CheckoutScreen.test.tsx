// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, Cart } from '../../../shared/api';
import type { AttachedMember } from '../../../shared/modules/membership.api';
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
    'cart.voidLine': () => ({ ok: true, value: { ...cart, lines: cart.lines.slice(0, 1), total: 129, itemCount: 1 } }),
    'cart.restoreLine': () => ({ ok: true, value: cart }),
    'cart.scan': () => ({ ok: true, value: cart }),
  });
  render(<CheckoutScreen info={info} onPay={() => {}} />);
  return fake;
}

const cartCalls = (fake: ReturnType<typeof installFakeBridge>) => fake.calls.filter((c) => c.channel.startsWith('cart.') && c.channel !== 'cart.get' && c.channel !== 'cart.held');
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

  it('+ raises the selected line; "12 *" makes the next scan 12 of the item, not the selected line', async () => {
    const fake = setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.keyDown(field, { key: '+' });
    fireEvent.change(field, { target: { value: '12' } });
    fireEvent.keyDown(field, { key: '*' });
    await waitFor(() => expect(field.value).toBe(''));
    expect(screen.getByTestId('next-quantity').textContent).toMatch(/× 12/);
    fireEvent.change(field, { target: { value: '4006381333931' } });
    fireEvent.submit(field.closest('form')!);
    await waitFor(() =>
      expect(cartCalls(fake)).toEqual([
        { channel: 'cart.setQuantity', input: { lineId: 'l2', quantity: 2 } },
        { channel: 'cart.scan', input: { code: '4006381333931', quantity: 12 } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId('next-quantity')).toBeNull());
  });

  it('Delete alone voids nothing and says so; Shift+Delete voids, and Undo brings the line back', async () => {
    const fake = setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.keyDown(field, { key: 'Delete' });
    await waitFor(() => expect(screen.getByTestId('messages').textContent).toMatch(/Shift\+Delete voids Bread/));
    expect(cartCalls(fake)).toEqual([]);
    fireEvent.keyDown(field, { key: 'Delete', shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('undo-void').textContent).toMatch(/Voided Bread/));
    fireEvent.click(screen.getByRole('button', { name: /Undo/ }));
    await waitFor(() =>
      expect(cartCalls(fake)).toEqual([
        { channel: 'cart.voidLine', input: { lineId: 'l2' } },
        { channel: 'cart.restoreLine', input: { lineId: 'l2' } },
      ]),
    );
    await waitFor(() => expect(screen.getByTestId('messages').textContent).toMatch(/Bread is back/));
  });

  it('Enter on the empty scan field pays once the cart has items, and so does F12', async () => {
    let paid = 0;
    installFakeBridge({
      'cart.get': () => ({ ok: true, value: cart }),
      'cart.held': () => ({ ok: true, value: { carts: [] } }),
    });
    render(<CheckoutScreen info={info} onPay={() => (paid += 1)} />);
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.submit(field.closest('form')!);
    expect(paid).toBe(1);
    fireEvent.keyDown(window, { key: 'F12' });
    expect(paid).toBe(2);
  });

  it('Enter on the empty scan field of an empty cart does not pay', async () => {
    let paid = 0;
    const fake = installFakeBridge({
      'cart.get': () => ({ ok: true, value: { id: null, currency: 'EUR', total: 0, itemCount: 0, lines: [] } }),
      'cart.held': () => ({ ok: true, value: { carts: [] } }),
    });
    render(<CheckoutScreen info={info} onPay={() => (paid += 1)} />);
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'cart.get')).toBe(true));
    fireEvent.submit(screen.getByTestId('scan-input').closest('form')!);
    fireEvent.keyDown(window, { key: 'F12' });
    expect(paid).toBe(0);
  });

  it('F5 checks a price without adding the item', async () => {
    const fake = installFakeBridge({
      'cart.get': () => ({ ok: true, value: cart }),
      'cart.held': () => ({ ok: true, value: { carts: [] } }),
      'catalog.priceCheck': () => ({
        ok: true,
        value: { product: { sku: 'C', name: 'Gouda', price: 1890, taxClass: 'reduced', barcodes: [] }, promotions: [{ id: 'p1', name: 'Cheese week 10 %' }] },
      }),
    });
    render(<CheckoutScreen info={info} onPay={() => {}} />);
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    fireEvent.keyDown(window, { key: 'F5' });
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.change(field, { target: { value: '8712345678906' } });
    fireEvent.submit(field.closest('form')!);
    await waitFor(() => expect(screen.getByTestId('price-check').textContent).toMatch(/Gouda.*18\.90.*Cheese week/));
    expect(fake.calls.map((c) => c.channel)).not.toContain('cart.scan');
  });

  it('shows a refused quantity as an alert', async () => {
    setup();
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    fireEvent.keyDown(screen.getByTestId('scan-input'), { key: '-' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/at least 1/));
  });
});

describe('one call per scan', () => {
  const lena: AttachedMember = {
    saleId: 's1',
    member: { id: 'm1', name: 'Lena Fischer', phone: '+4915112345678', card: 'LENA2026', pending: false, balance: 120, source: 'cache', asOf: null },
    redeemable: 120,
    tendered: 0,
    pointValue: 1,
    mode: 'offline',
    offlineCap: 5000,
  };
  const scan = (code: string) => {
    const field = screen.getByTestId<HTMLInputElement>('scan-input');
    fireEvent.change(field, { target: { value: code } });
    fireEvent.submit(field.closest('form')!);
  };
  const base = {
    'cart.get': () => ({ ok: true as const, value: cart }),
    'cart.held': () => ({ ok: true as const, value: { carts: [] } }),
    'membership.attached': () => ({ ok: true as const, value: { ...lena, member: null } }),
  };

  it('a member’s loyalty card: attached in the scan’s own answer, with no second call', async () => {
    const fake = installFakeBridge({ ...base, 'cart.scan': () => ({ ok: true, value: { ...cart, member: lena } }) });
    render(<CheckoutScreen info={info} onPay={() => {}} />);
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    scan('LENA2026');
    await waitFor(() => expect(screen.getByTestId('messages').textContent).toMatch(/Member card: Lena Fischer attached to the sale\./));
    expect(screen.getByTestId('member-name').textContent).toBe('Lena Fischer');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fake.calls.map((c) => c.channel)).not.toContain('membership.scanCard');
  });

  it('a code that is neither: the register’s sentence as an alert, with no second call', async () => {
    const message = 'No product with SKU "NOPE2026" in this store\'s catalog. The cart is unchanged.';
    const fake = installFakeBridge({ ...base, 'cart.scan': () => ({ ok: false, error: { code: 'UNKNOWN_BARCODE', message } }) });
    render(<CheckoutScreen info={info} onPay={() => {}} />);
    await waitFor(() => expect(selectedName()).toBe('Bread'));
    scan('NOPE2026');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(message));
    expect(fake.calls.map((c) => c.channel)).not.toContain('membership.scanCard');
  });
});
