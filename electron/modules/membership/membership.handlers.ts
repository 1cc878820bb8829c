import type { Handlers } from '../../core/handle';
import type { MembershipService } from './membership.service';

type MembershipChannels = 'membership.lookup' | 'membership.enrol' | 'membership.attached' | 'membership.attach' | 'membership.detach' | 'membership.redeem';

/** The membership channels; every one needs a signed-in cashier. */
export function membershipHandlers(membership: MembershipService, requireUser: () => unknown, afterRedeem: () => void): Pick<Handlers, MembershipChannels> {
  return {
    'membership.lookup': async ({ query }) => {
      requireUser();
      return { member: await membership.lookup(query) };
    },
    'membership.enrol': async (input) => {
      requireUser();
      return membership.enrol(input);
    },
    'membership.attached': () => {
      requireUser();
      return membership.attached(true);
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
      afterRedeem();
      return state;
    },
  };
}
