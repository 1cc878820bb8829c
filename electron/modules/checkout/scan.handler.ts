import type { Cart, ScanResult } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { AttachedMember } from '../../../shared/modules/membership.api';
import type { CallContext, Handlers } from '../../core/handle';
import type { CartService } from './cart.service';

/** A code the catalog does not know may be a member's loyalty card; the membership module answers through this. */
export type MemberCardPort = (code: string, cashierId: string) => Promise<AttachedMember | null>;

export interface ScanHandlerOptions {
  cart: Pick<CartService, 'scan' | 'get'>;
  /** Attaches the member whose card this is to the open sale (opening it on an empty cart); null when no member has it. */
  memberCard?: MemberCardPort;
  /** Tells the other windows the cart changed; `answered` is the caller, whose answer carries the cart. */
  cartChanged: (cart: Cart, answered: CallContext['origin']) => void;
}

/** Codes a product scan refuses that a loyalty card may still be (a card number need not be a valid EAN). */
const MAYBE_A_CARD = new Set<string>(['UNKNOWN_BARCODE', 'INVALID_BARCODE']);

/**
 * `cart.scan`: one call per scan. A product goes on its line; a code no product has is tried as a member's
 * loyalty card, which attaches the member to the sale; anything else keeps the scan's own error. The caller
 * gets the cart once, in the answer (with the member when a card attached one); the other windows hear `cart.changed`.
 */
export function scanHandler({ cart, memberCard, cartChanged }: ScanHandlerOptions): Handlers['cart.scan'] {
  return ({ code, quantity }, context) => {
    const { user } = context;
    let updated: Cart;
    try {
      updated = cart.scan(code, user.id, quantity);
    } catch (error) {
      if (!memberCard || !(error instanceof KassaError) || !MAYBE_A_CARD.has(error.code)) throw error;
      return memberCard(code, user.id).then((member): ScanResult => {
        const now = cart.get();
        if (member?.member) {
          cartChanged(now, context.origin);
          return { ...now, member };
        }
        // No member has this card: the cashier reads the scan's own error ("unknown barcode"). A sale the
        // attempt opened all the same is shown by every window, this one included.
        if (member) cartChanged(now, undefined);
        throw error;
      });
    }
    cartChanged(updated, context.origin);
    return updated;
  };
}
