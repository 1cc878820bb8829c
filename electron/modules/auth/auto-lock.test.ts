import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoLock, allowedWhileLocked, isCashierActivity } from './auto-lock';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('auto-lock after inactivity', () => {
  it('locks 60 s after the last cashier activity, not 60 s after sign-in', () => {
    const onIdle = vi.fn();
    const lock = new AutoLock({ autoLockMs: () => 60_000, onIdle });
    lock.start();
    vi.advanceTimersByTime(50_000);
    lock.touch();
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('counts idle time on the monotonic clock: the wall clock set forward a day does not lock at once, nor one set back an hour delay the lock', () => {
    const onIdle = vi.fn();
    const lock = new AutoLock({ autoLockMs: () => 60_000, onIdle });
    lock.start();
    vi.advanceTimersByTime(30_000);
    vi.setSystemTime(Date.now() + 86_400_000);
    lock.touch();
    vi.advanceTimersByTime(30_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.setSystemTime(Date.now() - 3_600_000);
    vi.advanceTimersByTime(30_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('does nothing after stop (signed out or already locked), nor with auto-lock off (0)', () => {
    const onIdle = vi.fn();
    const lock = new AutoLock({ autoLockMs: () => 1000, onIdle });
    lock.start();
    lock.stop();
    lock.touch();
    vi.advanceTimersByTime(5000);
    const off = new AutoLock({ autoLockMs: () => 0, onIdle });
    off.start();
    vi.advanceTimersByTime(60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('the renderer’s own reads are not activity; what the cashier does is', () => {
    for (const channel of ['sync.status', 'connectivity.get', 'session.get', 'cart.get', 'checkout.state', 'app.info', 'diagnostics.overview']) expect(isCashierActivity(channel), channel).toBe(false);
    for (const channel of ['cart.scan', 'cart.setQuantity', 'checkout.addCash', 'orders.search', 'session.login']) expect(isCashierActivity(channel), channel).toBe(true);
  });

  it('a locked register answers the status bar, the lock screen and sign-out only (not the offline switch)', () => {
    for (const channel of ['session.unlock', 'session.logout', 'connectivity.get', 'sync.status']) expect(allowedWhileLocked(channel), channel).toBe(true);
    for (const channel of ['cart.scan', 'cart.get', 'checkout.complete', 'sync.discard', 'orders.search', 'connectivity.goOffline', 'connectivity.goOnline']) expect(allowedWhileLocked(channel), channel).toBe(false);
  });
});
