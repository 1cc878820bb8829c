import type { Channel } from '../../shared/channels';
import type { KassaError } from '../../shared/errors';
import type { DiskSpaceMonitor } from './disk-space';

/** What a call that could not be saved was, and what stays as it was (the cashier reads it in the DISK_FULL error). */
export const DISK_FULL_WORDS: Partial<Record<Channel, [string, string]>> = {
  'cart.scan': ['this scan', 'the cart is as it was'],
  'cart.setQuantity': ['this change', 'the cart is as it was'],
  'cart.voidLine': ['this change', 'the cart is as it was'],
  'cart.restoreLine': ['bringing the line back', 'the cart is as it was'],
  'cart.void': ['voiding the sale', 'the cart is as it was'],
  'cart.overridePrice': ['this price', 'the cart is as it was'],
  'cart.discount': ['this discount', 'the cart is as it was'],
  'cart.hold': ['holding the sale', 'the cart is as it was'],
  'cart.recall': ['recalling the sale', 'the cart is as it was'],
  'cart.addReturn': ['this return', 'the cart is as it was'],
  'checkout.addCash': ['this payment', 'the sale and its payments are as they were'],
  'checkout.complete': ['the sale', 'it is still open with its payments, as it was'],
};

/** A write the full disk refused, in the cashier's words for the call it was (handle()'s `translate`). */
export function diskFullError(disk: Pick<DiskSpaceMonitor, 'failed'>): (error: unknown, channel: Channel) => KassaError | null {
  return (error, channel) => {
    const [what, outcome] = DISK_FULL_WORDS[channel] ?? ['this', 'nothing was half-done, try again once there is space'];
    return disk.failed(error, what, outcome);
  };
}
