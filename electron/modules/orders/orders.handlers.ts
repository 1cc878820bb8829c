import type { Handlers } from '../../core/handle';
import type { OrdersService } from './orders.service';

/** The orders channels: search, detail, refund, and the end of the day (declared for signed-in users). */
export function ordersHandlers({
  orders,
  locale,
}: {
  orders: OrdersService;
  /** The register's language now (the cashier may switch it while the register runs). */
  locale: () => string;
}): Pick<Handlers, 'orders.search' | 'orders.detail' | 'orders.refund' | 'day.report' | 'day.close' | 'day.reportHtml'> {
  return {
    'orders.search': (input, { user }) => orders.search(input, user),
    'orders.detail': ({ orderId, source }) => orders.detail(orderId, source),
    // The refund's operations go through the outbox, which tells sync (the pending count, the drainer).
    'orders.refund': async (request, { user }) => orders.refund(request, user),
    'day.report': () => orders.report(),
    'day.close': async ({ managerPin }, { user }) => orders.close(managerPin, user),
    'day.reportHtml': () => ({ html: orders.reportHtml(locale()) }),
  };
}
