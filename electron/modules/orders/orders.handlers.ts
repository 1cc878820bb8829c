import type { User } from '../../../shared/api';
import type { Handlers } from '../../core/handle';
import type { OrdersService } from './orders.service';

/** The orders channels: search, detail, refund, and the end of the day. */
export function ordersHandlers({
  orders,
  session,
  synced,
  locale,
}: {
  orders: OrdersService;
  session: { require(): User };
  /** Tells sync that operations were written (the pending count and the drainer). */
  synced: () => void;
  /** The register's language now (the cashier may switch it while the register runs). */
  locale: () => string;
}): Pick<Handlers, 'orders.search' | 'orders.detail' | 'orders.refund' | 'day.report' | 'day.close' | 'day.reportHtml'> {
  return {
    'orders.search': (input) => orders.search(input, session.require()),
    'orders.detail': ({ orderId, source }) => {
      session.require();
      return orders.detail(orderId, source);
    },
    'orders.refund': async (request) => {
      const done = await orders.refund(request, session.require());
      synced();
      return done;
    },
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
