import { formatMoney } from '../../../../shared/money';
import type { Tender } from '../../../../shared/tender';
import { receiptBarcode } from './receipt-barcode';
import { escapeHtml as escape, printedDocument } from './receipt-style';

export interface ReceiptAdjustment {
  /** What the cashier or the promotion calls it: "Manager discount", "3 for 2 on soups". */
  label: string;
  /** The saving, as a positive amount of minor units. */
  amount: number;
}

export interface ReceiptLine {
  name: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** A weighed item: the unit price is then per kilogram. */
  weightGrams: number | null;
  /** The catalog price when a manager overrode it. */
  originalPrice: number | null;
  adjustments: ReceiptAdjustment[];
  /** A returned item (an exchange, or a return without a receipt): why, and the sale it came from. */
  returned?: { reason: string; orderNumber: string | null } | null;
}

export interface ReceiptTax {
  label: string;
  amount: number;
}

export interface ReceiptPayment {
  tender: Tender;
  amount: number;
  /** Cash handed over, when more than the amount applied. */
  tendered: number | null;
  /** `stored`: a card payment taken offline, still to be sent to HQ. */
  status: 'approved' | 'stored' | 'declined';
  last4: string | null;
  reference: string | null;
}

/** Everything a printed receipt says about one completed sale. */
export interface Receipt {
  store: { name: string; code: string };
  registerCode: string;
  number: string;
  completedAt: number;
  cashier: string;
  currency: string;
  lines: ReceiptLine[];
  /** Tax included in (or added to) the total, one line per rate; empty when the sale records none. */
  taxes: ReceiptTax[];
  pricesIncludeTax: boolean;
  total: number;
  /** A spend-threshold promotion on the whole sale; its amount is already out of `total`. */
  saleDiscount?: ReceiptAdjustment | null;
  /** Cash rounding the final cash payment settled (negative when rounded down); 0 or absent when none. */
  cashRounding?: number;
  change: number;
  payments: ReceiptPayment[];
  /** A refund is its own order referencing the sale it gives money back for; its amounts are negative. */
  refund?: { originalNumber: string | null; reason: string | null } | null;
}

/** The receipt's words in each language a register speaks; English is the fallback for any other. */
const TEXT = {
  en: {
    sale: 'Sale',
    refund: 'Refund',
    refundOf: 'Refund of sale',
    reason: 'Reason',
    date: 'Date',
    cashier: 'Cashier',
    storeRegister: (store: string, register: string) => `Store ${store} · Register ${register}`,
    priceChanged: (from: string) => `Price changed from ${from}`,
    returned: (reason: string, from: string | null) => `Returned: ${reason}${from ? ` (sale ${from})` : ''}`,
    subtotal: 'Subtotal',
    cashRounding: 'Cash rounding',
    incl: 'incl. ',
    total: 'TOTAL',
    change: 'Change',
    auth: 'Auth',
    tenders: { cash: 'Cash', card: 'Card', points: 'Points' },
    storedCard: 'card payment stored — will be sent when online',
    thanks: 'Thank you for shopping with us',
    title: 'Receipt',
  },
  'zh-CN': {
    sale: '交易',
    refund: '退款',
    refundOf: '原交易',
    reason: '原因',
    date: '日期',
    cashier: '收银员',
    storeRegister: (store: string, register: string) => `门店 ${store} · 收银机 ${register}`,
    priceChanged: (from: string) => `原价 ${from}`,
    returned: (reason: string, from: string | null) => `退货：${reason}${from ? `（原交易 ${from}）` : ''}`,
    subtotal: '小计',
    cashRounding: '现金抹零',
    incl: '含',
    total: '合计',
    change: '找零',
    auth: '授权号',
    tenders: { cash: '现金', card: '银行卡', points: '积分' },
    storedCard: '离线银行卡付款已保存，联网后上传',
    thanks: '谢谢惠顾',
    title: '小票',
  },
} as const;
type ReceiptText = (typeof TEXT)[keyof typeof TEXT];

export const STORED_CARD_NOTE = TEXT.en.storedCard;

/** The receipt's words in a language (English for any the receipt does not speak). */
export function receiptText(locale: string): ReceiptText {
  return locale in TEXT ? TEXT[locale as keyof typeof TEXT] : TEXT.en;
}

/** The date and time a receipt shows, in its language. */
export function receiptTime(completedAt: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(completedAt);
}

/**
 * The receipt as one self-contained HTML document for 80 mm paper: no scripts, no external assets, its
 * only stylesheet allowed by hash, every piece of text escaped.
 */
export function renderReceiptHtml(receipt: Receipt, locale = 'en'): string {
  const text = receiptText(locale);
  const money = (amount: number) => escape(formatMoney(amount, receipt.currency, locale));
  const row = (left: string, right: string, className = 'row') => `<div class="${className}"><span>${left}</span><span>${right}</span></div>`;
  const when = receiptTime(receipt.completedAt, locale);

  const lines = receipt.lines.map((line) => {
    const adjustments = line.adjustments.map((a) => row(`<span class="detail">${escape(a.label)}</span>`, `-${money(a.amount)}`));
    return [
      `<div class="item">`,
      row(escape(line.name), money(line.lineTotal)),
      line.weightGrams !== null
        ? `<div class="detail">${(line.weightGrams / 1000).toFixed(3)} kg × ${money(line.unitPrice)}/kg</div>`
        : `<div class="detail">${line.quantity} × ${money(line.unitPrice)}</div>`,
      line.originalPrice !== null ? `<div class="detail">${escape(text.priceChanged(formatMoney(line.originalPrice, receipt.currency, locale)))}</div>` : '',
      line.returned ? `<div class="detail">${escape(text.returned(line.returned.reason, line.returned.orderNumber))}</div>` : '',
      ...adjustments,
      `</div>`,
    ].join('');
  });
  // The lines add up to the subtotal; the sale-wide discount takes the subtotal to the total (plus tax when prices exclude it).
  const subtotal = receipt.lines.reduce((sum, line) => sum + line.lineTotal, 0);
  const saleDiscount = receipt.saleDiscount && receipt.saleDiscount.amount > 0
    ? [row(text.subtotal, money(subtotal)), row(escape(receipt.saleDiscount.label), `-${money(receipt.saleDiscount.amount)}`)]
    : [];
  const cashRounding = receipt.cashRounding ? [row(text.cashRounding, `${receipt.cashRounding > 0 ? '+' : ''}${money(receipt.cashRounding)}`)] : [];
  const taxes = receipt.taxes.map((t) => row(`${receipt.pricesIncludeTax ? text.incl : ''}${escape(t.label)}`, money(t.amount)));
  const payments = receipt.payments.map((p) => {
    const card = p.last4 ? ` •••• ${escape(p.last4)}` : '';
    const parts = [row(`${text.tenders[p.tender]}${card}`, money(p.tendered ?? p.amount))];
    if (p.reference) parts.push(row(`<span class="detail">${text.auth} ${escape(p.reference)}</span>`, ''));
    if (p.tender === 'card' && p.status === 'stored') parts.push(`<p class="note">${escape(text.storedCard)}</p>`);
    return parts.join('');
  });

  // A sale's number as bars, read back by the till's scanner to open its refund; a refund's receipt has none.
  const barcode = receipt.refund ? null : receiptBarcode(receipt.number);
  const body = [
    `<main class="receipt">`,
    `<h1>${escape(receipt.store.name)}</h1>`,
    `<p class="center">${escape(text.storeRegister(receipt.store.code, receipt.registerCode))}</p>`,
    `<hr>`,
    ...(receipt.refund ? [`<p class="center total">${text.refund}</p>`] : []),
    row(receipt.refund ? text.refund : text.sale, `<span data-receipt="number">${escape(receipt.number)}</span>`),
    ...(receipt.refund?.originalNumber ? [row(text.refundOf, `<span data-receipt="original">${escape(receipt.refund.originalNumber)}</span>`)] : []),
    ...(receipt.refund?.reason ? [row(text.reason, escape(receipt.refund.reason))] : []),
    row(text.date, escape(when)),
    row(text.cashier, escape(receipt.cashier)),
    `<hr>`,
    ...lines,
    `<hr>`,
    ...saleDiscount,
    ...taxes,
    row(text.total, money(receipt.total), 'row total'),
    ...cashRounding,
    `<hr>`,
    ...payments,
    receipt.change > 0 ? row(text.change, money(receipt.change)) : '',
    `<hr>`,
    `<p class="center">${text.thanks}</p>`,
    ...(barcode
      ? [
          `<hr>`,
          // Centred by the existing .center rule: a new rule would change the stylesheet's hash in every CSP.
          `<div class="center" data-testid="receipt-barcode" data-value="${escape(barcode.value)}">${barcode.svg}`,
          `<p class="center" data-receipt="barcode-text">${escape(barcode.value)}</p></div>`,
        ]
      : []),
    `</main>`,
  ].join('\n');

  return printedDocument(locale, `${text.title} ${escape(receipt.number)}`, body);
}
