import { formatMoney } from '../../../../shared/money';
import type { PrintDocument, PrintLine } from '../../../hardware/printer';
import { receiptText, receiptTime, renderReceiptHtml, type Receipt } from './receipt';

/**
 * The receipt rendered once for every printer: the HTML the system printer and the browser print, and the
 * same receipt as lines for a receipt printer's own fonts, from the same data, words and order.
 */
export function receiptDocument(receipt: Receipt, locale = 'en'): PrintDocument {
  const text = receiptText(locale);
  const money = (amount: number) => formatMoney(amount, receipt.currency, locale);
  const row = (left: string, right: string, extra: Partial<Extract<PrintLine, { kind: 'row' }>> = {}): PrintLine => ({ kind: 'row', left, right, ...extra });
  const note = (value: string): PrintLine => ({ kind: 'text', text: `  ${value}` });
  const rule: PrintLine = { kind: 'rule' };

  const lines: PrintLine[] = [
    { kind: 'text', text: receipt.store.name, align: 'center', bold: true, large: true },
    { kind: 'text', text: text.storeRegister(receipt.store.code, receipt.registerCode), align: 'center' },
    rule,
  ];
  if (receipt.refund) lines.push({ kind: 'text', text: text.refund, align: 'center', bold: true, large: true });
  lines.push(row(receipt.refund ? text.refund : text.sale, receipt.number));
  if (receipt.refund?.originalNumber) lines.push(row(text.refundOf, receipt.refund.originalNumber));
  if (receipt.refund?.reason) lines.push(row(text.reason, receipt.refund.reason));
  lines.push(row(text.date, receiptTime(receipt.completedAt, locale)), row(text.cashier, receipt.cashier), rule);

  for (const line of receipt.lines) {
    lines.push(row(line.name, money(line.lineTotal)));
    lines.push(note(line.weightGrams !== null ? `${(line.weightGrams / 1000).toFixed(3)} kg × ${money(line.unitPrice)}/kg` : `${line.quantity} × ${money(line.unitPrice)}`));
    if (line.originalPrice !== null) lines.push(note(text.priceChanged(money(line.originalPrice))));
    if (line.returned) lines.push(note(text.returned(line.returned.reason, line.returned.orderNumber)));
    for (const adjustment of line.adjustments) lines.push(row(`  ${adjustment.label}`, `-${money(adjustment.amount)}`));
  }
  lines.push(rule);

  // As on the HTML receipt: the lines add up to the subtotal, the sale-wide discount takes it to the total.
  if (receipt.saleDiscount && receipt.saleDiscount.amount > 0) {
    const subtotal = receipt.lines.reduce((sum, line) => sum + line.lineTotal, 0);
    lines.push(row(text.subtotal, money(subtotal)), row(receipt.saleDiscount.label, `-${money(receipt.saleDiscount.amount)}`));
  }
  for (const tax of receipt.taxes) lines.push(row(`${receipt.pricesIncludeTax ? text.incl : ''}${tax.label}`, money(tax.amount)));
  lines.push(row(text.total, money(receipt.total), { bold: true, large: true }));
  if (receipt.cashRounding) lines.push(row(text.cashRounding, `${receipt.cashRounding > 0 ? '+' : ''}${money(receipt.cashRounding)}`));
  lines.push(rule);

  for (const payment of receipt.payments) {
    lines.push(row(`${text.tenders[payment.tender]}${payment.last4 ? ` **** ${payment.last4}` : ''}`, money(payment.tendered ?? payment.amount)));
    if (payment.reference) lines.push(note(`${text.auth} ${payment.reference}`));
    if (payment.tender === 'card' && payment.status === 'stored') lines.push(note(text.storedCard));
  }
  if (receipt.change > 0) lines.push(row(text.change, money(receipt.change)));
  lines.push(rule, { kind: 'text', text: text.thanks, align: 'center' });
  // The sale's number as bars for the till's scanner to open its refund; a refund's receipt has none.
  if (!receipt.refund) lines.push(rule, { kind: 'barcode', value: receipt.number });

  return { title: `${text.title} ${receipt.number}`, html: renderReceiptHtml(receipt, locale), lines };
}
