import { KassaError } from '../../../shared/errors';
import type { Outbox } from '../../sync/outbox';
import type { CartRepository } from './cart.repository';
import type { SaleRepository } from './sale.repository';

export interface CompletedSale {
  saleId: string;
  number: string;
  total: number;
  currency: string;
}

/**
 * Completes the open sale: its lines, its payment and its operations for HQ commit in one transaction,
 * under the register's next gap-free number (`<store>-<register>-<sequence>`).
 */
export class SaleService {
  constructor(
    private readonly carts: CartRepository,
    private readonly sales: SaleRepository,
    private readonly outbox: Outbox,
    private readonly numberPrefix: () => string,
    private readonly currency: () => string,
    private readonly newId: () => string,
  ) {}

  completeWithCash(tendered: number | null, now = Date.now()): CompletedSale & { change: number } {
    const cart = this.carts.get(this.currency());
    if (!cart.id || cart.lines.length === 0) throw new KassaError('INVALID_INPUT', 'The cart is empty: scan an item first.');
    const received = tendered ?? cart.total;
    if (received < cart.total) throw new KassaError('INVALID_INPUT', 'The cash received is less than the amount due.');
    const saleId = cart.id;
    const result = this.outbox.write(() => {
      const done = this.sales.completeOpenSale(saleId, this.numberPrefix(), { id: this.newId(), tender: 'cash', amount: cart.total, status: 'approved', reference: null }, now);
      return {
        result: done,
        operations: [
          { entity: 'sale', entityId: saleId, type: 'completed', payload: done.sale },
          { entity: 'payment', entityId: done.payment.id, type: 'recorded', payload: done.payment },
        ],
      };
    }, now);
    return { saleId, number: result.number, total: cart.total, currency: cart.currency, change: received - cart.total };
  }
}
