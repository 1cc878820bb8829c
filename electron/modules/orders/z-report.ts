import type { ZReport } from '../../../shared/modules/orders.api';
import { formatMoney } from '../../../shared/money';
import { RECEIPT_CSS, RECEIPT_STYLE_SOURCE } from '../checkout/receipt/receipt-style';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const TENDER_NAMES = { cash: 'Cash', card: 'Card', points: 'Points' } as const;

/** The Z-report as a self-contained HTML document for the receipt printer (same paper and style as a receipt). */
export function renderZReport(report: ZReport, issuer: { storeName: string; register: string; locale: string }): string {
  const money = (amount: number) => escape(formatMoney(amount, report.currency, issuer.locale));
  const when = (ms: number) => escape(new Intl.DateTimeFormat(issuer.locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms)));
  const row = (left: string, right: string, className = 'row') => `<div class="${className}"><span>${left}</span><span>${right}</span></div>`;
  const body = [
    '<main class="receipt">',
    `<h1>Z-report</h1>`,
    `<p class="center">${escape(issuer.storeName)} · ${escape(issuer.register)}</p>`,
    '<hr>',
    row('From', report.from === null ? '—' : when(report.from)),
    row('To', when(report.closed?.at ?? report.to)),
    '<hr>',
    row(`Sales (${report.salesCount})`, money(report.salesTotal)),
    row(`Refunds (${report.refundsCount})`, money(report.refundsTotal)),
    row('NET', money(report.net), 'row total'),
    '<hr>',
    ...report.tenders.flatMap((t) => [row(escape(TENDER_NAMES[t.tender]), money(t.net)), row('<span class="detail">in / out</span>', `${money(t.in)} / ${money(t.out)}`)]),
    '<hr>',
    row('Offline card payments outstanding', money(report.offlineCardOutstanding)),
    row('Operations waiting to upload', String(report.pendingSync)),
    row('Rejected by HQ (dead letters)', String(report.deadLetters)),
    '<hr>',
    report.closed
      ? `<p class="center">Day closed by ${escape(report.closed.by)}${report.closed.unsyncedOperations > 0 ? ` with ${report.closed.unsyncedOperations} unsynced operations (manager confirmed; all kept)` : ''}</p>`
      : '<p class="center">Day still open</p>',
    '</main>',
  ].join('\n');
  return [
    '<!doctype html>',
    `<html lang="${escape(issuer.locale)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${RECEIPT_STYLE_SOURCE}">`,
    '<title>Z-report</title>',
    `<style>${RECEIPT_CSS}</style>`,
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}
