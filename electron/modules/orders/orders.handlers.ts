import type { User } from '../../../shared/api';
import type { Handlers } from '../../core/handle';
import type { OrdersService } from './orders.service';

/** The orders channels: search, detail, refund, and the end of the day. */
export function ordersHandlers({
  orders,
  session,
  locale,
}: {
  orders: OrdersService;
  session: { require(): User };
  /** The register's language now (the cashier may switch it while the register runs). */
  locale: () => string;
}): Pick<Handlers, 'orders.search' | 'orders.detail' | 'orders.refund' | 'day.report' | 'day.close' | 'day.reportHtml'> {
  return {
    'orders.search': (input) => orders.search(input, session.require()),
    'orders.detail': ({ orderId, source }) => {
      session.require();
      return orders.detail(orderId, source);
    },
    // The refund's operations go through the outbox, which tells sync (the pending count, the drainer).
    'orders.refund': async (request) => orders.refund(request, session.require()),
    'day.report': () => {
      session.require();
      return orders.report();
    },
    'day.close': async ({ managerPin }) => orders.close(managerPin, session.require()),
    'day.reportHtml': () => {
      session.require();
      return { html: orders.reportHtml(locale()) };
    },
  };
}
