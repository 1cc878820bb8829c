import { v7 as uuidv7 } from 'uuid';
import type { KassaModule } from '../../core/module';
import type { Platform } from '../../core/platform';
import { storeProfileOf } from '../../core/store-profile';
import type { Outbox } from '../../sync/outbox';
import type { CheckoutModule } from '../checkout';
import { membershipHandlers, type MembershipChannels } from './membership.handlers';
import { MemberRepository } from './member.repository';
import { MembershipService } from './membership.service';

export type MembershipModule = KassaModule<MembershipChannels> & { membership: MembershipService };

/** Members, their points on each sale, and points as a tender; its copy of HQ's members follows the change feed. */
export function createMembershipModule({ platform, checkout, outbox }: { platform: Platform; checkout: CheckoutModule; outbox: Outbox }): MembershipModule {
  const { db, hq, identity, connectivity, settings, log } = platform;
  const { cart, carts, sales, saleRecords } = checkout;
  const membership = new MembershipService({
    members: new MemberRepository(db, saleRecords),
    outbox,
    hq,
    // Asked of connectivity, never of the network.
    online: () => identity.get() !== null && connectivity.isAvailable('membership'),
    rule: () => settings.membership,
    currency: () => storeProfileOf(platform).currency,
    sales: {
      openSaleId: () => carts.openId(),
      openSale: (cashierId, within) => cart.open(cashierId, within),
      state: () => sales.state(),
      addPointsPayment: ({ id, saleId, amount, points }, now) =>
        saleRecords.addPayment({ id, saleId, tender: 'points', amount, tendered: null, status: 'approved', reference: String(points), cardLast4: null, cardToken: null, uploadDeadline: null }, now),
    },
    newId: uuidv7,
    log,
    timeoutMs: settings.connectivity.probeTimeoutMs * 2,
  });
  // A loyalty card scanned in the cart's field attaches its member in the scan's own call.
  checkout.acceptMemberCards((code, cashierId) => membership.attachByCard(code, cashierId));
  return {
    name: 'membership',
    membership,
    handlers: membershipHandlers(membership, () => checkout.cartChanged()),
    contributes: {
      feedAppliers: [membership],
      saleCompleting: membership,
      acknowledged: (op, result) => membership.acknowledged(op, result),
      tenders: [{ tender: 'points' }],
    },
  };
}
