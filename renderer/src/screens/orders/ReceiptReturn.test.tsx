// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CartReturnRequestSchema, type AppInfo, type Cart } from '../../../../shared/api';
import type { OrderDetail, OrderSummary } from '../../../../shared/modules/orders.api';
import { installFakeBridge } from '../../test/fake-bridge';
import { useReceiptReturn } from './ReceiptReturn';

HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.open = false;
};

afterEach(cleanup);

const info: AppInfo = { version: '0.1.0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'hq', enrolled: true };
const sale = (overrides: Partial<OrderSummary> = {}): OrderSummary => ({
  id: 'o7',
  number: 'S01-R01-7',
  kind: 'sale',
  total: 516,
  currency: 'EUR',
  createdAt: Date.UTC(2026, 11, 6, 9),
  cashier: 'Ana',
  tenders: ['cash'],
  memberId: null,
  originalOrderId: null,
  source: 'local',
  origin: 'S01-R01',
  thisRegister: true,
  ...overrides,
});
const detail = (order = sale()): OrderDetail => ({
  order,
  lines: [
    { index: 0, sku: 'M', name: 'Milk', quantity: 2, unitPrice: 129, lineTotal: 258, refunded: 0, refundable: 2 },
    { index: 1, sku: 'B', name: 'Bread', quantity: 1, unitPrice: 258, lineTotal: 258, refunded: 0, refundable: 1 },
  ],
  payments: [],
  refunds: [],
  policy: { allowed: true, reason: null, reasonCode: null, managerAbove: 5000, offlineLimit: null, tenders: ['original', 'cash'], online: true },
});
const emptyCart = { id: 'cart', lines: [], total: 0 } as unknown as Cart;

/** The sale screen as far as the hook sees it: its messages, and what a scan answers. */
function SaleScreen() {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<string>('');
  const [cart, setCart] = useState<Cart | null>(null);
  const { tryOpen, dialog } = useReceiptReturn({ info, setNotice, setError, focusScan: () => {}, onCart: setCart });
  return (
    <>
      <input aria-label="Scan" onKeyDown={(e) => e.key === 'Enter' && void tryOpen(e.currentTarget.value).then((handled) => setAnswer(String(handled)))} />
      <output data-testid="handled">{answer}</output>
      <output data-testid="cart">{cart ? cart.id : ''}</output>
      {error ? <p role="alert">{error}</p> : null}
      {notice ? <p role="status">{notice}</p> : null}
      {dialog}
    </>
  );
}

async function scan(code: string): Promise<string> {
  const field = screen.getByLabelText('Scan');
  fireEvent.change(field, { target: { value: code } });
  await act(async () => {
    fireEvent.keyDown(field, { key: 'Enter' });
  });
  await screen.findByText(/^(true|false)$/);
  return screen.getByTestId('handled').textContent!;
}

describe('a receipt scanned on the sale screen', () => {
  it('a product barcode is not a sale number: the hook leaves it to the cart without asking the register anything', async () => {
    const fake = installFakeBridge({});
    render(<SaleScreen />);
    expect(await scan('8707682801940')).toBe('false');
    expect(fake.calls).toEqual([]);
  });

  it('a sale of this register opens its refund dialog: searched by the whole number over every day kept, then opened from where it was found', async () => {
    const fake = installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [sale({ id: 'other', number: 'S01-R01-70' }), sale()], notice: null, hqSearched: true } }),
      'orders.detail': () => ({ ok: true, value: detail() }),
    });
    render(<SaleScreen />);
    expect(await scan('S01-R01-7')).toBe('true');
    expect(await screen.findByRole('dialog', { name: 'Refund from S01-R01-7' })).toBeTruthy();
    expect(fake.calls.map((c) => c.channel)).toEqual(['orders.search', 'orders.detail']);
    expect(fake.calls[0]!.input).toMatchObject({ scope: 'all', number: 'S01-R01-7' });
    expect(fake.calls[1]!.input).toEqual({ orderId: 'o7', source: 'local' });
  });

  it('a number nobody knows says where it was looked for: this register and HQ, or this register only and why', async () => {
    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [], notice: null, hqSearched: true } }),
      'catalog.lookup': () => ({ ok: false, error: { code: 'UNKNOWN_BARCODE', message: 'unknown' } }),
    });
    render(<SaleScreen />);
    expect(await scan('S01-R09-4242')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('No sale S01-R09-4242 on this register or at HQ. Check the number on the receipt, or search for the sale in Orders (Alt+O).');
    expect(screen.queryByRole('dialog')).toBeNull();
    cleanup();

    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [], notice: 'offline', hqSearched: false } }),
      'catalog.lookup': () => ({ ok: false, error: { code: 'UNKNOWN_BARCODE', message: 'unknown' } }),
    });
    render(<SaleScreen />);
    await scan('S01-R09-4242');
    expect(screen.getByRole('alert').textContent).toBe('No sale S01-R09-4242 on this register. Sales of other registers are found through HQ, which was not asked: the till is offline.');
  });

  it('a product whose code happens to look like a sale number still goes to the cart', async () => {
    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [], notice: null, hqSearched: true } }),
      'catalog.lookup': () => ({ ok: true, value: { product: { sku: 'AB-CD-12', name: 'Odd code', price: 100, taxClass: 'standard', barcodes: [] } as never } }),
    });
    render(<SaleScreen />);
    expect(await scan('AB-CD-12')).toBe('false');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a refund’s receipt, or a sale with nothing left to refund, is refused with the reason and no dialog', async () => {
    installFakeBridge({ 'orders.search': () => ({ ok: true, value: { orders: [sale({ kind: 'refund', number: 'S01-R01-8' })], notice: null, hqSearched: false } }) });
    render(<SaleScreen />);
    await scan('S01-R01-8');
    expect(screen.getByRole('alert').textContent).toBe('S01-R01-8 is a refund’s receipt. Scan the receipt of the sale to return its items.');
    cleanup();

    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [sale()], notice: null, hqSearched: false } }),
      'orders.detail': () => ({ ok: true, value: { ...detail(), policy: { ...detail().policy, allowed: false, reasonCode: 'nothing-left', reason: 'x' } } }),
    });
    render(<SaleScreen />);
    await scan('S01-R01-7');
    expect(screen.getByRole('alert').textContent).toMatch(/refunded/);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Exchange sends the chosen lines and the picked reason to cart.addReturn as it declares them, and the cart takes the answer', async () => {
    const fake = installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [sale({ source: 'hq', thisRegister: false, origin: 'S01-R02' })], notice: null, hqSearched: true } }),
      'orders.detail': () => ({ ok: true, value: detail(sale({ source: 'hq', thisRegister: false, origin: 'S01-R02' })) }),
      'cart.addReturn': () => ({ ok: true, value: emptyCart }),
    });
    render(<SaleScreen />);
    await scan('S01-R01-7');
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText('Quantity of Bread to refund'), { target: { value: '1' } });
    fireEvent.keyDown(dialog.getByRole('radio', { name: /Damaged/ }), { key: '3' });
    await act(async () => {
      fireEvent.click(dialog.getByRole('button', { name: 'Exchange' }));
    });
    const sent = fake.calls.find((c) => c.channel === 'cart.addReturn')!.input;
    expect(sent).toEqual({ kind: 'receipt', orderId: 'o7', source: 'hq', lines: [{ index: 1, quantity: 1 }], reason: 'Changed mind' });
    expect(CartReturnRequestSchema.safeParse(sent).success).toBe(true);
    expect(screen.getByTestId('cart').textContent).toBe('cart');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('The returned items of sale S01-R01-7 are in this sale.').getAttribute('role')).toBe('status');
  });

  it('an Exchange the register refuses keeps the dialog open with its sentence', async () => {
    installFakeBridge({
      'orders.search': () => ({ ok: true, value: { orders: [sale()], notice: null, hqSearched: false } }),
      'orders.detail': () => ({ ok: true, value: detail() }),
      'cart.addReturn': () => ({ ok: false, error: { code: 'INVALID_INPUT', message: 'Returns in the cart are not available on this register yet.' } }),
    });
    render(<SaleScreen />);
    await scan('S01-R01-7');
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.click(dialog.getByRole('button', { name: 'Refund everything left' }));
    fireEvent.keyDown(dialog.getByRole('radio', { name: /Damaged/ }), { key: '1' });
    await act(async () => {
      fireEvent.click(dialog.getByRole('button', { name: 'Exchange' }));
    });
    expect(dialog.getByRole('alert').textContent).toMatch(/not available on this register yet/);
    expect(screen.getByTestId('cart').textContent).toBe('');
  });
});
