/**
 * When a downloaded update may restart the register. Host-agnostic (no Electron): the Electron wiring asks
 * it each time something changes and installs only on a yes.
 *
 * Never during an open sale (a cart with lines or a sale with payments taken — a card authorisation only
 * runs inside one), and never while an upload may be in flight (online with operations pending: the drainer
 * is sending a sale or a stored card payment, or is about to). Operations pending while offline are safe —
 * the outbox is on disk and nothing is being sent. The safe moments are when no cashier
 * is at the till: signed out (after a shift or the day close) or the screen auto-locked after idle time.
 */
export interface RegisterActivity {
  /** Lines in the open cart (0: no sale open). */
  cartLines: number;
  /** Payments already taken on the open sale. */
  salePayments: number;
  /** Connected to an HQ (a register in demo mode has none, so nothing of it is ever in flight). */
  online: boolean;
  /** Outbox operations waiting to upload. */
  pendingUploads: number;
  signedIn: boolean;
  /** The screen auto-locked after the cashier's idle time. */
  locked: boolean;
}

export type UpdateDecision =
  | { install: true; reason: 'signed-out' | 'locked' }
  | { install: false; reason: 'open-sale' | 'upload-in-flight' | 'cashier-at-till' };

export function mayInstallUpdate(activity: RegisterActivity): UpdateDecision {
  if (activity.cartLines > 0 || activity.salePayments > 0) return { install: false, reason: 'open-sale' };
  if (activity.online && activity.pendingUploads > 0) return { install: false, reason: 'upload-in-flight' };
  if (!activity.signedIn) return { install: true, reason: 'signed-out' };
  if (activity.locked) return { install: true, reason: 'locked' };
  return { install: false, reason: 'cashier-at-till' };
}
