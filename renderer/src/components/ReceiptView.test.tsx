// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBridge } from '../test/fake-bridge';
import { ReceiptView } from './ReceiptView';

afterEach(cleanup);

const RECEIPT = '<!doctype html><html><head><style>.receipt { width: 72mm; }</style></head><body><main class="receipt"><span data-receipt="number">S01-R01-7</span></main></body></html>';

describe('the receipt view', () => {
  it('shows the receipt in a sandboxed frame that may run nothing', async () => {
    installFakeBridge({ 'sales.receipt': () => ({ ok: true, value: { html: RECEIPT } }) });
    render(<ReceiptView saleId="sale-7" />);
    const frame = await screen.findByTitle('Receipt');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe(RECEIPT);
  });

  it('in Electron, Print receipt sends it to the printer and says where', async () => {
    const fake = installFakeBridge({
      'sales.receipt': () => ({ ok: true, value: { html: RECEIPT } }),
      'sales.print': () => ({ ok: true, value: { printed: true, printer: 'EPSON TM-T20III' } }),
    });
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    render(<ReceiptView saleId="sale-7" />);
    fireEvent.click(await printButtonWhenReady());
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Receipt sent to EPSON TM-T20III.'));
    expect(fake.calls.at(-1)).toEqual({ channel: 'sales.print', input: { saleId: 'sale-7' } });
    expect(print).not.toHaveBeenCalled();
  });

  it('in the browser, Print receipt opens the print dialog on a print-only copy of the receipt, removed afterwards', async () => {
    installFakeBridge({
      'sales.receipt': () => ({ ok: true, value: { html: RECEIPT } }),
      'sales.print': () => ({ ok: true, value: { printed: false, html: RECEIPT } }),
    });
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      const copy = screen.getByTestId('receipt-print');
      expect(copy.querySelector('.receipt [data-receipt="number"]')?.textContent).toBe('S01-R01-7');
      expect(copy.querySelector('style')?.textContent).toBe('.receipt { width: 72mm; }');
    });
    render(<ReceiptView saleId="sale-7" />);
    fireEvent.click(await printButtonWhenReady());
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    window.dispatchEvent(new Event('afterprint'));
    await waitFor(() => expect(screen.queryByTestId('receipt-print')).toBeNull());
  });

  it('shows a printer failure as an alert: the receipt did not print, then what the printer says to do', async () => {
    installFakeBridge({
      'sales.receipt': () => ({ ok: true, value: { html: RECEIPT } }),
      'sales.print': () => ({ ok: false, error: { code: 'PRINT_FAILED', message: "The receipt printer's cover is open. Close it, then print the receipt again." } }),
    });
    render(<ReceiptView saleId="sale-7" />);
    fireEvent.click(await printButtonWhenReady());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe("The receipt did not print. The receipt printer's cover is open. Close it, then print the receipt again."));
  });

  it('shows any other refusal as it is', async () => {
    installFakeBridge({
      'sales.receipt': () => ({ ok: true, value: { html: RECEIPT } }),
      'sales.print': () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no completed sale with that id on this register.' } }),
    });
    render(<ReceiptView saleId="sale-7" />);
    fireEvent.click(await printButtonWhenReady());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('There is no completed sale with that id on this register.'));
  });
});

/** The Print receipt button once the receipt has loaded (it is disabled until then; a click before does nothing). */
async function printButtonWhenReady(): Promise<HTMLButtonElement> {
  const button = await screen.findByRole<HTMLButtonElement>('button', { name: 'Print receipt' });
  await waitFor(() => expect(button.disabled).toBe(false));
  return button;
}
