import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT } from './support/web-host';

interface DemoProduct {
  barcodes: string[];
  name: string;
  price: number;
}
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: DemoProduct[] };
const [milk, bread] = catalog.products as [DemoProduct, DemoProduct];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
/** 80 mm in PDF points (1/72 inch). */
const PAPER_WIDTH_PT = (80 / 25.4) * 72;

/**
 * Calls the register's API from the signed-in page, over the same authenticated WebSocket the renderer
 * uses. A string, because this runs in the browser and e2e/ is typed for Node.
 */
const PAGE_CALL = `({ channel, input }) => new Promise((resolve, reject) => {
  const socket = new WebSocket('ws://' + location.host + '/api');
  socket.addEventListener('open', () => socket.send(JSON.stringify({ id: 1, channel, input })));
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data));
    if (data.id !== 1 || !data.result) return;
    socket.close();
    resolve(data.result);
  });
  socket.addEventListener('error', () => reject(new Error('the API socket failed on ' + channel)));
})`;

async function callApi<T>(page: Page, channel: string, input: unknown): Promise<T> {
  const result = (await page.evaluate(`(${PAGE_CALL})(${JSON.stringify({ channel, input })})`)) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!result.ok) throw new Error(`${channel}: ${result.error?.message}`);
  return result.value as T;
}

/** Scans two demo products in the UI, then pays 10.00 cash and completes the sale through the API. */
async function completeCashSale(till: Page): Promise<{ saleId: string; number: string; total: number; change: number }> {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await scan(till, bread.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));
  const state = await callApi<{ saleId: string }>(till, 'checkout.state', {});
  await callApi(till, 'checkout.addCash', { saleId: state.saleId, tendered: 1000 });
  return callApi(till, 'checkout.complete', { saleId: state.saleId });
}

test('the receipt of a completed cash sale renders to an 80 mm PDF in headless Chromium', async ({ till, browser }) => {
  const sale = await completeCashSale(till);
  expect(sale.number).toBe('S01-R01-1');
  const { html } = await callApi<{ html: string }>(till, 'sales.receipt', { saleId: sale.saleId });
  // The browser preview has no printer of its own: sales.print hands back the same receipt to print.
  expect(await callApi(till, 'sales.print', { saleId: sale.saleId })).toEqual({ printed: false, html });

  const paper = await browser.newPage();
  try {
    await paper.setContent(html);
    await expect(paper.locator('[data-receipt="number"]')).toHaveText('S01-R01-1');
    const receipt = paper.locator('.receipt');
    for (const text of [milk.name, bread.name, euros(milk.price + bread.price), euros(1000), euros(sale.change), 'Cashier']) await expect(receipt).toContainText(text);
    await expect(receipt).toHaveCSS('font-family', /mono/i);

    const pdf = await paper.pdf({ width: '80mm', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const mediaBox = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    expect(mediaBox, 'the PDF names its page size').not.toBeNull();
    expect(Number(mediaBox![1])).toBeCloseTo(PAPER_WIDTH_PT, 0);
  } finally {
    await paper.close();
  }
});

test("the receipt's stylesheet is allowed by the register's CSP inside a sandboxed frame", async ({ till }) => {
  const sale = await completeCashSale(till);
  const { html } = await callApi<{ html: string }>(till, 'sales.receipt', { saleId: sale.saleId });
  // What ReceiptView renders: a sandboxed srcdoc frame in the register's own page, under its CSP.
  await till.evaluate(`(() => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', '');
    frame.title = 'Receipt';
    frame.srcdoc = ${JSON.stringify(html)};
    frame.style.width = '360px';
    frame.style.height = '600px';
    document.body.append(frame);
  })()`);
  const receipt = till.frameLocator('iframe[title="Receipt"]').locator('.receipt');
  await expect(receipt.locator('[data-receipt="number"]')).toHaveText(sale.number);
  // 72 mm wide only if the receipt's <style> was applied (a blocked stylesheet leaves it full width).
  const box = await receipt.boundingBox();
  expect(box?.width).toBeCloseTo((72 / 25.4) * 96, 0);
});
