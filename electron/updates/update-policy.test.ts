import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayInstallUpdate, type RegisterActivity } from './update-policy';

const quietTill: RegisterActivity = { cartLines: 0, salePayments: 0, online: true, pendingUploads: 0, signedIn: false, locked: false };
const activity = fc.record({
  cartLines: fc.nat(20),
  salePayments: fc.nat(3),
  online: fc.boolean(),
  pendingUploads: fc.nat(50),
  signedIn: fc.boolean(),
  locked: fc.boolean(),
});

describe('when an update may restart the register', () => {
  it('installs after sign-out with an empty cart and nothing left to upload', () => {
    expect(mayInstallUpdate(quietTill)).toEqual({ install: true, reason: 'signed-out' });
  });

  it('installs on a screen auto-locked after idle time, cart empty', () => {
    expect(mayInstallUpdate({ ...quietTill, signedIn: true, locked: true })).toEqual({ install: true, reason: 'locked' });
  });

  it('waits while a cashier is signed in at the till, even with an empty cart', () => {
    expect(mayInstallUpdate({ ...quietTill, signedIn: true })).toEqual({ install: false, reason: 'cashier-at-till' });
  });

  it('never during an open sale: lines in the cart, or payments taken on the sale — signed out or locked alike', () => {
    expect(mayInstallUpdate({ ...quietTill, cartLines: 1 })).toEqual({ install: false, reason: 'open-sale' });
    expect(mayInstallUpdate({ ...quietTill, signedIn: true, locked: true, salePayments: 1 })).toEqual({ install: false, reason: 'open-sale' });
  });

  it('never while online with uploads pending (a sale or a stored card payment may be on its way to HQ)', () => {
    expect(mayInstallUpdate({ ...quietTill, pendingUploads: 2 })).toEqual({ install: false, reason: 'upload-in-flight' });
  });

  it('offline with uploads pending is safe: they are on disk and nothing is being sent', () => {
    expect(mayInstallUpdate({ ...quietTill, online: false, pendingUploads: 7 })).toEqual({ install: true, reason: 'signed-out' });
  });

  it('for every state: installs only with no open sale, no upload in flight and no cashier active at the till', () => {
    fc.assert(
      fc.property(activity, (a) => {
        const safe = a.cartLines === 0 && a.salePayments === 0 && !(a.online && a.pendingUploads > 0) && (!a.signedIn || a.locked);
        expect(mayInstallUpdate(a).install).toBe(safe);
      }),
    );
  });
});
