import type { ZReport } from '../../../shared/modules/orders.api';
import { formatMoney } from '../../../shared/money';
import { escapeHtml as escape, printedDocument } from '../checkout';

/** The printout's words in each language a register speaks; English for any other. */
const TEXT = {
  en: {
    title: 'Z-report',
    from: 'From',
    to: 'To',
    sales: (n: number) => `Sales (${n})`,
    refunds: (n: number) => `Refunds (${n})`,
    net: 'NET',
    tenders: { cash: 'Cash', card: 'Card', points: 'Points' },
    inOut: 'in / out',
    offlineCards: 'Offline card payments outstanding',
    pending: 'Operations waiting to upload',
    deadLetters: 'Rejected by HQ (dead letters)',
    closedBy: (by: string) => `Day closed by ${by}`,
    unsynced: (n: number) => ` with ${n} unsynced operations (manager confirmed; all kept)`,
    open: 'Day still open',
    drawer: (at: string) => `Drawer from ${at}`,
    drawerOpen: 'open, not yet counted',
    drawerFigures: (expected: string, counted: string, variance: string) => `expected ${expected}, counted ${counted}, over/short ${variance}`,
  },
  'zh-CN': {
    title: '日结报表（Z 报表）',
    from: '开始',
    to: '结束',
    sales: (n: number) => `销售（${n} 笔）`,
    refunds: (n: number) => `退款（${n} 笔）`,
    net: '净额',
    tenders: { cash: '现金', card: '银行卡', points: '积分' },
    inOut: '收入 / 支出',
    offlineCards: '待上传的离线银行卡付款',
    pending: '等待上传的操作',
    deadLetters: '总部拒收的操作',
    closedBy: (by: string) => `日结人：${by}`,
    unsynced: (n: number) => `，尚有 ${n} 个操作未上传（经理已确认，全部保留）`,
    open: '本日尚未日结',
    drawer: (at: string) => `钱箱（${at} 起）`,
    drawerOpen: '未结班，尚未清点',
    drawerFigures: (expected: string, counted: string, variance: string) => `应有 ${expected}，清点 ${counted}，长短款 ${variance}`,
  },
} as const;

/** The Z-report as a self-contained HTML document for the receipt printer (same paper and style as a receipt). */
export function renderZReport(report: ZReport, issuer: { storeName: string; register: string; locale: string }): string {
  const text = issuer.locale in TEXT ? TEXT[issuer.locale as keyof typeof TEXT] : TEXT.en;
  const money = (amount: number) => escape(formatMoney(amount, report.currency, issuer.locale));
  const when = (ms: number) => escape(new Intl.DateTimeFormat(issuer.locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms)));
  const row = (left: string, right: string, className = 'row') => `<div class="${className}"><span>${left}</span><span>${right}</span></div>`;
  const body = [
    '<main class="receipt">',
    `<h1>${text.title}</h1>`,
    `<p class="center">${escape(issuer.storeName)} · ${escape(issuer.register)}</p>`,
    '<hr>',
    row(text.from, report.from === null ? '—' : when(report.from)),
    row(text.to, when(report.closed?.at ?? report.to)),
    '<hr>',
    row(text.sales(report.salesCount), money(report.salesTotal)),
    row(text.refunds(report.refundsCount), money(report.refundsTotal)),
    row(text.net, money(report.net), 'row total'),
    '<hr>',
    ...report.tenders.flatMap((t) => [row(escape(text.tenders[t.tender]), money(t.net)), row(`<span class="detail">${text.inOut}</span>`, `${money(t.in)} / ${money(t.out)}`)]),
    '<hr>',
    row(text.offlineCards, money(report.offlineCardOutstanding)),
    row(text.pending, String(report.pendingSync)),
    row(text.deadLetters, String(report.deadLetters)),
    ...(report.drawers ?? []).map((d) =>
      row(escape(text.drawer(when(d.openedAt))), d.closedAt === null ? text.drawerOpen : text.drawerFigures(money(d.expected!), money(d.counted!), money(d.variance!))),
    ),
    '<hr>',
    report.closed
      ? `<p class="center">${escape(text.closedBy(report.closed.by))}${report.closed.unsyncedOperations > 0 ? escape(text.unsynced(report.closed.unsyncedOperations)) : ''}</p>`
      : `<p class="center">${text.open}</p>`,
    '</main>',
  ].join('\n');
  return printedDocument(issuer.locale, text.title, body);
}
