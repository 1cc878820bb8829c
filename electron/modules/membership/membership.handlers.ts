import type { Handlers } from '../../core/handle';
import type { MembershipService } from './membership.service';

type MembershipChannels = 'membership.lookup' | 'membership.enrol' | 'membership.attached' | 'membership.attach' | 'membership.detach' | 'membership.redeem' | 'membership.scanCard';

/** The membership channels; every one needs a signed-in cashier. */
/** `saleChanged`: tells every window the sale changed (a points payment, a member attached). */
export function membershipHandlers(membership: MembershipService, requireUser: () => unknown, saleChanged: () => void): Pick<Handlers, MembershipChannels> {
  return {
    'membership.lookup': async ({ query }) => {
      requireUser();
      return { member: await membership.lookup(query) };
    },
    'membership.enrol': async (input) => {
      requireUser();
      return membership.enrol(input);
    },
    'membership.attached': ({ refresh }) => {
      requireUser();
      return membership.attached(refresh ?? false);
    },
    'membership.attach': ({ memberId }) => {
      requireUser();
      return membership.attach(memberId);
    },
    'membership.detach': () => {
      requireUser();
      return membership.detach();
    },
    'membership.redeem': async ({ saleId, points }) => {
      requireUser();
      const state = await membership.redeem(saleId, points);
      saleChanged();
      return state;
    },
    'membership.scanCard': async ({ code }) => {
      requireUser();
      const attached = await membership.attachByCard(code);
      if (attached) saleChanged();
      return { attached };
    },
  };
}
