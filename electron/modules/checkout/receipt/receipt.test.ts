import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KassaError } from '../../../../shared/errors';
import { formatMoney } from '../../../../shared/money';
import { CONTENT_SECURITY_POLICY } from '../../../host/csp';
import { makeDatabase, makeProduct, makeSaleService } from '../../../test/factories';
import { UsersRepository } from '../../auth/users.repository';
import { CatalogRepository } from '../../catalog/catalog.repository';
import { CartPricing } from '../cart-pricing';
import { CartRepository } from '../cart.repository';
import { CartService } from '../cart.service';
import { SaleService } from '../sale.service';
import { renderReceiptHtml, STORED_CARD_NOTE, type Receipt } from './receipt';
import { RECEIPT_STYLE_SOURCE } from './receipt-style';
import { ReceiptRepository, type ReceiptIssuer } from './receipt.repository';
import { startPrinterSimulator, type PrinterSimulator } from '../../../../e2e/support/printer-simulator';
import { EscPosPrinter, SystemPrinter, TcpTransport } from '../../../hardware/printer';
import { receiptDocument } from './receipt-document';
import { ReceiptService, type ReceiptPrinter } from './receipt.service';

const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
const issuer: ReceiptIssuer = { storeName: 'Corner Shop & Co', storeCode: 'S01', registerCode: 'R01', pricesIncludeTax: true };

let setup: ReturnType<typeof makeDatabase>;
let cart: CartService;
let sales: SaleService;
let online: boolean;
const milk = makeProduct({ name: 'Milk 1L', price: 129 });
const wine = makeProduct({ name: 'Rioja 0.75L', price: 8999 });
const sneaky = makeProduct({ name: '<script>alert("x")</script> & <b>Bold</b>', price: 250 });

beforeEach(() => {
  setup = makeDatabase();
  online = true;
  new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana <Till 1>', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany([milk, wine, sneaky]);
  const carts = new CartRepository(setup.db);
  cart = new CartService(carts, catalog, 'EUR', { newId: uuidv7 });
  sales = makeSaleService(setup.db, {
    carts,
    cardOnline: () => (online ? { available: true, reason: null } : { available: false, reason: 'offline' }),
    offlineLimits: () => ({ perPaymentLimit: 50_000, totalLimit: 100_000, uploadDeadlineHours: 24 }),
  });
});
afterEach(() => setup.close());

const receipts = (printer: ReceiptPrinter | null = null) =>
  new ReceiptService({ receipts: new ReceiptRepository(setup.db), issuer: () => issuer, locale: 'en', printer: printer ? new SystemPrinter(printer, 'EPSON TM-T20III') : null });
const textOf = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the receipt of a completed sale', () => {
  it('a cash sale of 2 × Milk 1.29 and a Rioja 89.99 paid with 100.00 shows number, lines, total 92.57, cash and 7.43 change', () => {
    cart.scan(milk.sku, 'ana');
    cart.scan(milk.sku, 'ana');
    cart.scan(wine.sku, 'ana');
    const done = sales.completeWithCash(10_000);
    const html = receipts().html(done.saleId);
    const text = textOf(html);

    expect(done.number).toBe('S01-R01-1');
    expect(html).toContain('<span data-receipt="number">S01-R01-1</span>');
    expect(text).toContain('Corner Shop &#38; Co');
    expect(text).toContain('Store S01 · Register R01');
    expect(text).toContain('Cashier Ana &#60;Till 1&#62;');
    expect(text).toContain(`Milk 1L ${euros(258)} 2 × ${euros(129)}`);
    expect(text).toContain(`Rioja 0.75L ${euros(8999)} 1 × ${euros(8999)}`);
    expect(text).toContain(`TOTAL ${euros(9257)}`);
    expect(text).toContain(`Cash ${euros(10_000)}`);
    expect(text).toContain(`Change ${euros(743)}`);
    expect(text).not.toContain(STORED_CARD_NOTE);
  });

  it('shows the date and time the sale was completed', () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(null);
    const completedAt = setup.db.prepare('SELECT completed_at FROM sales WHERE id = ?').pluck().get(done.saleId) as number;
    const expected = new Intl.DateTimeFormat('en', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(completedAt);
    expect(textOf(receipts().html(done.saleId))).toContain(`Date ${expected}`);
  });

  it('a split sale shows each tender, the card with its last four digits and authorisation, and no change', async () => {
    cart.scan(wine.sku, 'ana');
    const saleId = sales.state().saleId!;
    sales.addCash(saleId, 2000);
    await sales.addCard(saleId, { cardNumber: '4111111111111111' });
    sales.complete(saleId);
    const text = textOf(receipts().html(saleId));
    expect(text).toContain(`Cash ${euros(2000)}`);
    expect(text).toMatch(new RegExp(`Card •••• 1111 ${euros(6999).replace(/[.$]/g, '\\$&')} Auth \\S+`));
    expect(text).not.toContain('Change');
  });

  it('an offline card payment carries the note that it is stored and will be sent when online', async () => {
    online = false;
    cart.scan(milk.sku, 'ana');
    const saleId = sales.state().saleId!;
    await sales.addCard(saleId, { cardNumber: '4111111111111111' });
    sales.complete(saleId);
    const text = textOf(receipts().html(saleId));
    expect(text).toContain(`Card •••• 1111 ${euros(129)}`);
    expect(text).toContain('card payment stored — will be sent when online');
  });

  it('renders a product called <script> as text: no element from the name reaches the document', () => {
    cart.scan(sneaky.sku, 'ana');
    const done = sales.completeWithCash(null);
    const html = receipts().html(done.saleId);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;b&#62;Bold&#60;/b&#62;');
  });

  it('is a self-contained document for 80 mm paper: its own CSP, one inline stylesheet, no external assets, no script', () => {
    cart.scan(milk.sku, 'ana');
    const html = receipts().html(sales.completeWithCash(null).saleId);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('@page { size: 80mm auto; margin: 0; }');
    expect(html).toContain("content=\"default-src 'none'; style-src 'sha256-");
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('has no receipt for an open sale or an unknown id', () => {
    cart.scan(milk.sku, 'ana');
    const open = sales.state().saleId!;
    for (const id of [open, 'no-such-sale']) {
      expect(() => receipts().html(id)).toThrow(KassaError);
      expect(() => receipts().html(id)).toThrow(/no completed sale/);
    }
  });
});

describe('printing a receipt', () => {
  it('with a printer (Electron), sends the receipt to the configured device and says so', async () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(null);
    const printer = vi.fn<ReceiptPrinter>(async () => {});
    expect(await receipts(printer).print(done.saleId)).toEqual({ printed: true, printer: 'EPSON TM-T20III' });
    expect(printer).toHaveBeenCalledWith(receipts().html(done.saleId), 'EPSON TM-T20III');
  });

  it('without a printer (the browser preview), hands the HTML back for the browser to print', async () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(null);
    expect(await receipts().print(done.saleId)).toEqual({ printed: false, html: receipts().html(done.saleId) });
  });

  it('a printer failure becomes a sentence the cashier can act on', async () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(null);
    const jammed = receipts(async () => Promise.reject(new Error('Printer out of paper')));
    await expect(jammed.print(done.saleId)).rejects.toMatchObject({ code: 'PRINT_FAILED', message: expect.stringContaining('(Printer out of paper)') });
  });
});

describe('printing a receipt on an ESC/POS receipt printer (the printer simulator)', () => {
  let sim: PrinterSimulator;
  beforeEach(async () => {
    sim = await startPrinterSimulator();
  });
  afterEach(() => sim.close());
  const escpos = (locale: string) =>
    new ReceiptService({
      receipts: new ReceiptRepository(setup.db),
      issuer: () => issuer,
      locale,
      printer: new EscPosPrinter(new TcpTransport(sim.address, { connectTimeoutMs: 500, writeTimeoutMs: 500, replyTimeoutMs: 300 }), { paperWidthMm: 58, encoding: 'gb18030' }),
    });

  it('prints the sale in Chinese, as the HTML says it, with the sale number as a barcode', async () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(500);
    expect(await escpos('zh-CN').print(done.saleId)).toEqual({ printed: true, printer: sim.address });
    const printed = sim.printedText();
    for (const words of ['Corner Shop & Co', '门店 S01 · 收银机 R01', '交易', '收银员', 'Milk 1L', '合计', '现金', '找零', '谢谢惠顾']) expect(printed).toContain(words);
    expect(sim.jobs()[0]!.barcodes).toEqual([done.number]);
    expect(sim.kicks()).toBe(0);
  });

  it('out of paper: PRINT_FAILED with what to do, and the sale stays completed for a reprint', async () => {
    cart.scan(milk.sku, 'ana');
    const done = sales.completeWithCash(null);
    await sim.set('paperOut');
    await expect(escpos('en').print(done.saleId)).rejects.toMatchObject({ code: 'PRINT_FAILED', message: expect.stringMatching(/out of paper\. Load a new roll/) });
    await sim.set('online');
    expect(await escpos('en').print(done.saleId)).toMatchObject({ printed: true });
    expect(sim.printedText()).toContain(done.number);
  });

  it('the document is the HTML receipt and its lines, rendered from the same receipt', () => {
    cart.scan(wine.sku, 'ana');
    const done = sales.completeWithCash(10_000);
    const receipt = new ReceiptRepository(setup.db).find(done.saleId, issuer)!;
    const document = receiptDocument(receipt, 'en');
    expect(document.html).toBe(renderReceiptHtml(receipt, 'en'));
    expect(document.title).toBe(`Receipt ${done.number}`);
    expect(document.lines).toContainEqual({ kind: 'row', left: 'TOTAL', right: euros(8999), bold: true, large: true });
    expect(document.lines).toContainEqual({ kind: 'row', left: 'Change', right: euros(1001) });
    expect(document.lines.at(-1)).toEqual({ kind: 'barcode', value: done.number });
  });
});

describe('renderReceiptHtml', () => {
  const receipt = (overrides: Partial<Receipt> = {}): Receipt => ({
    store: { name: 'Kassa Demo Store', code: 'S01' },
    registerCode: 'R02',
    number: 'S01-R02-17',
    completedAt: Date.UTC(2026, 10, 23, 12, 0),
    cashier: 'Ana',
    currency: 'EUR',
    lines: [{ name: 'Tomato soup', sku: 'SOUP', quantity: 3, unitPrice: 199, lineTotal: 398, weightGrams: null, originalPrice: null, adjustments: [{ label: '3 for 2 <soups>', amount: 199 }] }],
    taxes: [{ label: 'VAT 10%', amount: 36 }],
    pricesIncludeTax: true,
    total: 398,
    change: 0,
    payments: [{ tender: 'card', amount: 398, tendered: null, status: 'approved', last4: '4242', reference: 'A1B2C3' }],
    ...overrides,
  });

  it('a 3-for-2 promotion shows its name and saving under the line, and the tax included in the total', () => {
    const text = textOf(renderReceiptHtml(receipt()));
    expect(text).toContain(`Tomato soup ${euros(398)} 3 × ${euros(199)} 3 for 2 &#60;soups&#62; -${euros(199)}`);
    expect(text).toContain(`incl. VAT 10% ${euros(36)} TOTAL ${euros(398)}`);
  });

  it('tax added on top of the price is shown without "incl."', () => {
    const text = textOf(renderReceiptHtml(receipt({ pricesIncludeTax: false })));
    expect(text).toContain(`VAT 10% ${euros(36)}`);
    expect(text).not.toContain('incl.');
  });
});

describe('ReceiptRepository', () => {
  // The columns cart operations add (migration 9); added here where this schema does not have them yet.
  beforeEach(() => {
    const have = new Set(setup.db.prepare("SELECT name FROM pragma_table_info('sale_lines')").pluck().all());
    for (const [name, type] of [['original_price', 'INTEGER'], ['discount', 'INTEGER NOT NULL DEFAULT 0'], ['discount_percent', 'INTEGER'], ['weight_grams', 'INTEGER']]) {
      if (!have.has(name)) setup.db.exec(`ALTER TABLE sale_lines ADD COLUMN ${name} ${type}`);
    }
  });

  it('reads a manager discount of 10% and a price override from the sale line', () => {
    cart.scan(wine.sku, 'ana');
    const saleId = sales.state().saleId!;
    setup.db.prepare('UPDATE sale_lines SET original_price = 9999, discount = 900, discount_percent = 10, line_total = 8099 WHERE sale_id = ?').run(saleId);
    setup.db.prepare('UPDATE sales SET total = 8099 WHERE id = ?').run(saleId);
    sales.completeWithCash(null);
    const found = new ReceiptRepository(setup.db).find(saleId, issuer);
    expect(found?.lines[0]).toMatchObject({ originalPrice: 9999, adjustments: [{ label: 'Discount 10%', amount: 900 }] });
    const text = textOf(renderReceiptHtml(found!));
    expect(text).toContain(`Rioja 0.75L ${euros(8099)} 1 × ${euros(8999)} Price changed from ${euros(9999)} Discount 10% -${euros(900)}`);
  });

  it('shows the tax per class that the pricing recorded when the sale completed', () => {
    cart.scan(wine.sku, 'ana');
    const saleId = sales.state().saleId!;
    sales.completeWithCash(null);
    setup.db.prepare('UPDATE sales SET taxes = ? WHERE id = ?').run(JSON.stringify([{ taxClass: 'standard', rateBasisPoints: 2000, net: 7499, tax: 1500, gross: 8999 }]), saleId);
    const found = new ReceiptRepository(setup.db).find(saleId, issuer);
    expect(found?.taxes).toEqual([{ label: 'Tax standard 20%', amount: 1500 }]);
  });

  it('a weighed line shows its weight and the price per kilogram', () => {
    cart.scan(milk.sku, 'ana');
    const saleId = sales.state().saleId!;
    setup.db.prepare('UPDATE sale_lines SET weight_grams = 512 WHERE sale_id = ?').run(saleId);
    sales.completeWithCash(null);
    expect(textOf(receipts().html(saleId))).toContain(`0.512 kg × ${euros(129)}/kg`);
  });
});

describe("the register's Content Security Policy", () => {
  it("allows the receipt's stylesheet by its hash, in the hosts' header and in the page's own meta policy", () => {
    const index = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(index)?.[1] ?? '';
    for (const policy of [CONTENT_SECURITY_POLICY, meta]) expect(policy).toMatch(new RegExp(`style-src 'self' ${RECEIPT_STYLE_SOURCE.replace(/[+/=]/g, '\\$&')}`));
  });
});

describe('the receipt adds up', () => {
  it('a spend-threshold discount (Spend 2, save 0.08) shows its name and -0.08 under a subtotal of 3.87, and lines − discount = total 3.79, paid in cash rounded to 3.80', () => {
    setup.db
      .prepare('INSERT INTO promotions (id, data) VALUES (?, ?)')
      .run('spend-2', JSON.stringify({ id: 'spend-2', name: 'Spend 2, save 0.08', kind: 'threshold', minSpend: 200, amountOff: 8, active: true }));
    const catalog = new CatalogRepository(setup.db);
    const carts = new CartRepository(setup.db, new CartPricing(setup.db, () => ({ pricesIncludeTax: true, cashRoundingMinor: 5 })));
    const pricedCart = new CartService(carts, catalog, 'EUR', { newId: uuidv7 });
    const roundingSales = makeSaleService(setup.db, {
      carts,
      offlineLimits: () => ({ perPaymentLimit: 50_000, totalLimit: 100_000, uploadDeadlineHours: 24 }),
      cashRounding: () => 5,
    });
    for (let i = 0; i < 3; i++) pricedCart.scan(milk.sku, 'ana');
    const state = roundingSales.state();
    expect(state).toMatchObject({ due: 379, cashDue: 380 });
    roundingSales.addCash(state.saleId!, 500);
    roundingSales.complete(state.saleId!);

    const receipt = new ReceiptRepository(setup.db).find(state.saleId!, issuer)!;
    expect(receipt.saleDiscount).toEqual({ label: 'Spend 2, save 0.08', amount: 8 });
    expect(receipt.cashRounding).toBe(1);
    const lines = receipt.lines.reduce((sum, line) => sum + line.lineTotal, 0);
    expect(lines - receipt.saleDiscount!.amount).toBe(receipt.total);
    expect(receipt.total + receipt.cashRounding!).toBe(receipt.payments.reduce((sum, p) => sum + p.amount, 0));
    expect(receipt.change).toBe(120);

    const text = textOf(renderReceiptHtml(receipt));
    expect(text).toContain(`Subtotal ${euros(387)} Spend 2, save 0.08 -${euros(8)}`);
    expect(text).toContain(`TOTAL ${euros(379)} Cash rounding +${euros(1)}`);
    expect(text).toContain(`Cash ${euros(500)} Change ${euros(120)}`);
  });

  it('a sale without a sale-wide discount or rounding has neither line', () => {
    cart.scan(milk.sku, 'ana');
    const text = textOf(receipts().html(sales.completeWithCash(null).saleId));
    expect(text).not.toContain('Subtotal');
    expect(text).not.toContain('Cash rounding');
  });
});
