import { v7 as uuidv7 } from 'uuid';
import type { Handlers } from '../../core/handle';
import type { KassaModule } from '../../core/module';
import { registerCodes, type Platform } from '../../core/platform';
import { storeProfileOf } from '../../core/store-profile';
import type { Outbox } from '../../sync/outbox';
import type { SyncService } from '../../sync/sync.service';
import type { AuthModule } from '../auth';
import type { CashModule } from '../cash';
import type { CheckoutModule } from '../checkout';
import type { MembershipModule } from '../membership';
import { ordersHandlers } from './orders.handlers';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

type OrdersChannels = 'orders.search' | 'orders.detail' | 'orders.refund' | 'day.report' | 'day.close' | 'day.reportHtml' | 'cart.addReturn';

export type OrdersModule = KassaModule<OrdersChannels> & { orders: OrdersService };

export interface OrdersDeps {
  platform: Platform;
  auth: AuthModule;
  checkout: CheckoutModule;
  membership: MembershipModule;
  outbox: Outbox;
  sync: SyncService;
  locale: { readonly current: string };
  /** Cash management's drawer sessions, for the Z-report. */
  cash?: Pick<CashModule['cash'], 'drawers'>;
}

/** Past orders (here and at HQ), refunds and returns against them, and the end of the day. */
export function createOrdersModule({ platform, auth, checkout, membership, outbox, sync, locale, cash }: OrdersDeps): OrdersModule {
  const { db, hq, identity, connectivity, settings, log } = platform;
  const orders = new OrdersService({
    orders: new OrdersRepository(db),
    ...(cash ? { drawers: (from: number) => cash.drawers(from) } : {}),
    ledger: checkout.saleRecords,
    outbox,
    hq,
    // Asked of connectivity, never of the network.
    online: () => identity.get() !== null && connectivity.isAvailable('orders'),
    registerId: () => identity.get()?.registerId ?? null,
    numberPrefix: () => registerCodes(platform).prefix,
    currency: () => storeProfileOf(platform).currency,
    storeName: () => storeProfileOf(platform).storeName,
    newId: uuidv7,
    settings: () => settings.orders,
    offlineCard: () => settings.offlineCard,
    approve: (pin, action, detail) => auth.policy.requireManager(pin, action, detail),
    pendingSync: () => outbox.pending().count,
    deadLetters: () => sync.deadLetters.count(),
    hqTimeoutMs: settings.connectivity.probeTimeoutMs * 2,
    refunding: (refund) => membership.membership.refunding(refund),
    log,
  });
  // Card refunds stored offline go to HQ's acquirer once the orders service is available again (and after each upload, for those a failed call stored).
  const forwardCardRefunds = () => void orders.forwardCardRefunds().catch((error: unknown) => log.warn({ err: error }, 'forwarding stored card refunds failed'));
  connectivity.subscribe(forwardCardRefunds);
  sync.onChange(forwardCardRefunds);
  const { cart, carts, cartChanged } = checkout;
  const handlers: Pick<Handlers, OrdersChannels> = {
    ...ordersHandlers({ orders, locale: () => locale.current }),
    // A return against an order enters the cart as negative lines: the order's rules decide what may come back.
    'cart.addReturn': async (request, { user }) => {
      if (request.kind === 'noReceipt') return cartChanged(await cart.addReturnWithoutReceipt(request, user.id));
      await orders.returnToCart(request, user, {
        noPaymentYet: () => cart.noPaymentYet(),
        add: (lines) => carts.addReturns(lines, { sale: uuidv7, line: uuidv7 }, user.id, storeProfileOf(platform).currency),
      });
      return cartChanged(cart.get());
    },
  };
  return { name: 'orders', orders, handlers };
}
