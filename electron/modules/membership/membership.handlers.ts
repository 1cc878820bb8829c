import type { Handlers } from '../../core/handle';
import type { MembershipService } from './membership.service';

export type MembershipChannels = 'membership.lookup' | 'membership.enrol' | 'membership.attached' | 'membership.attach' | 'membership.detach' | 'membership.redeem' | 'membership.scanCard';

/** The membership channels; every one is declared for a signed-in cashier. */
/** `saleChanged`: tells every window the sale changed (a points payment, a member attached). */
export function membershipHandlers(membership: MembershipService, saleChanged: () => void): Pick<Handlers, MembershipChannels> {
  return {
    'membership.lookup': async ({ query }) => ({ member: await membership.lookup(query) }),
    'membership.enrol': async (input) => membership.enrol(input),
    'membership.attached': ({ refresh }) => membership.attached(refresh ?? false),
    'membership.attach': async ({ memberId }, { user }) => {
      const attached = await membership.attach(memberId, user.id);
      // On an empty cart the attach opened the sale: every window shows it.
      saleChanged();
      return attached;
    },
    'membership.detach': () => membership.detach(),
    'membership.redeem': async ({ saleId, points }) => {
      const state = await membership.redeem(saleId, points);
      saleChanged();
      return state;
    },
    'membership.scanCard': async ({ code }, { user }) => {
      const attached = await membership.attachByCard(code, user.id);
      if (attached) saleChanged();
      return { attached };
    },
  };
}
