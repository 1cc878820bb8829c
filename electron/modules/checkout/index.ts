import type { LedgerRepository } from './ledger.repository';

export { LedgerRepository, type NewRefund, type PaymentRow, type SaleLineRow } from './ledger.repository';
export type { NewReturnLine } from './cart.repository';
export { checkoutFeed } from './checkout.feed';
export { PricingRulesRepository } from './pricing/pricing-rules.repository';
export { escapeHtml, printedDocument, RECEIPT_STYLE_SOURCE } from './receipt/receipt-style';

/** What orders write through the ledger: refunds under the register's next number, and card refunds' settlements. */
export type RefundLedger = Pick<LedgerRepository, 'insertRefund' | 'settleCardRefund'>;

/** What membership writes through the ledger: the member a sale belongs to. */
export type MemberSales = Pick<LedgerRepository, 'attachMember' | 'moveMemberSales'>;
