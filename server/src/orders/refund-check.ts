import type { Transaction } from 'kysely';
import type { OrderLine, RefundLine, RefundPayload, SalePayload } from '../../../shared/hq/ops';
import type { HqSchema } from '../db/schema';

/**
 * Whether a refund would give back more than remains of its original order: per original line (by
 * `originalLineIndex`) and in money. Locks the original order's row first (a no-op update: a row lock on
 * PostgreSQL until commit; SQLite's writer is one transaction at a time anyway), so two registers pushing
 * refunds of the same order are checked one after the other and the second sees the first.
 * `batch`: the push's sales (an original may arrive with its refund) and the refunds accepted before this one.
 * Answers the reason as a sentence, or null when the refund fits. The push defers a refund whose original HQ does not
 * know yet before asking (sync/push.service.ts); one that still finds none here cannot be checked and is let through.
 */
export async function refundExceeds(
  trx: Transaction<HqSchema>,
  refund: RefundPayload,
  batch: { sales: SalePayload[]; refunds: RefundPayload[] },
  what = 'Refund',
): Promise<string | null> {
  if (await trx.selectFrom('orders').select('id').where('id', '=', refund.id).executeTakeFirst()) return null;
  await trx.updateTable('orders').set((eb) => ({ received_at: eb.ref('received_at') })).where('id', '=', refund.originalOrderId).execute();
  const stored = await trx.selectFrom('orders').select(['number', 'kind', 'total', 'lines']).where('id', '=', refund.originalOrderId).executeTakeFirst();
  const inBatch = batch.sales.find((s) => s.id === refund.originalOrderId);
  const original = stored
    ? { number: stored.number, kind: stored.kind, total: Number(stored.total), lines: JSON.parse(stored.lines) as OrderLine[] }
    : inBatch
      ? { number: inBatch.number, kind: 'sale' as const, total: inBatch.total, lines: inBatch.lines }
      : null;
  if (!original) return null;
  if (original.kind === 'refund') return `Order ${original.number} is itself a refund; a refund cannot be refunded.`;
  const earlier = await trx.selectFrom('orders').select(['total', 'lines']).where('original_order_id', '=', refund.originalOrderId).where('kind', '=', 'refund').execute();
  // Items of the order taken back in sales (exchanges) count as given back, as refunds do.
  const returned = await trx.selectFrom('order_returns').select(['original_line_index', 'quantity', 'amount']).where('original_order_id', '=', refund.originalOrderId).execute();
  const previous = [
    ...earlier.map((r) => ({ total: Number(r.total), lines: JSON.parse(r.lines) as RefundLine[] })),
    ...returned.map((r) => ({ total: -Number(r.amount), lines: [{ originalLineIndex: Number(r.original_line_index), quantity: -Number(r.quantity) }] as RefundLine[] })),
    ...batch.refunds.filter((r) => r.originalOrderId === refund.originalOrderId),
  ];
  const refunded = new Map<number, number>();
  for (const r of [...previous, refund]) {
    for (const line of r.lines as RefundLine[]) {
      if (line.originalLineIndex === undefined) continue;
      refunded.set(line.originalLineIndex, (refunded.get(line.originalLineIndex) ?? 0) - line.quantity);
    }
  }
  for (const [index, quantity] of refunded) {
    const line = original.lines[index];
    if (!line || line.quantity < 0) return `Order ${original.number} has no line ${index + 1} sold; the ${what.toLowerCase()} names a line that was never sold.`;
    if (quantity > line.quantity) {
      const before = quantity + (refund.lines as RefundLine[]).filter((l) => l.originalLineIndex === index).reduce((sum, l) => sum + l.quantity, 0);
      return `${what} ${refund.number} gives back more ${line.name} than remains of order ${original.number}: ${line.quantity} sold, ${before} already refunded (another register may have refunded it while this one was offline). Nothing was refunded on HQ; settle the difference with the customer and discard this operation.`;
    }
  }
  const money = -[...previous, refund].reduce((sum, r) => sum + r.total, 0);
  // What the order charged for what it sold: items it took back itself (an exchange) are not its to refund.
  const charged = original.total - original.lines.reduce((sum, l) => sum + Math.min(0, l.lineTotal), 0);
  if (money > charged) return `${what} ${refund.number} would bring the refunds of order ${original.number} above what it was paid. Nothing was refunded on HQ; discard this operation once the difference is settled.`;
  return null;
}

/**
 * The items a sale takes back from earlier orders (an exchange), per original order, read as a refund of
 * that order would be: `id` and `number` are the sale's, the lines its returned ones.
 */
export function returnsOfSale(sale: SalePayload): RefundPayload[] {
  const byOrder = new Map<string, RefundPayload>();
  for (const line of sale.lines) {
    const from = line.returned;
    if (!from?.orderId || from.originalLineIndex === undefined) continue;
    let refund = byOrder.get(from.orderId);
    if (!refund) {
      refund = { id: sale.id, number: sale.number, cashierId: sale.cashierId, currency: sale.currency, createdAt: sale.createdAt, originalOrderId: from.orderId, lines: [], total: 0 };
      byOrder.set(from.orderId, refund);
    }
    refund.lines.push({ sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPrice, taxClass: line.taxClass, lineTotal: line.lineTotal, originalLineIndex: from.originalLineIndex });
    refund.total += line.lineTotal;
  }
  return [...byOrder.values()];
}
