import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter';

describe('FailureLimiter', () => {
  it('refuses the 4th attempt after 3 failures in the window, and allows again once the oldest ages out', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ failures: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(() => limiter.check('r1', 'PINs')).not.toThrow();
      limiter.fail('r1');
      now += 10_000;
    }
    // failures at 0 s, 10 s, 20 s; now 30 s: the first ages out at 60 s → 30 s to wait
    expect(() => limiter.check('r1', 'PINs')).toThrow(/Too many wrong PINs from here\. Try again in 30 s/);
    expect(() => limiter.check('r2', 'PINs')).not.toThrow(); // other keys are not affected
    now += 30_001;
    expect(() => limiter.check('r1', 'PINs')).not.toThrow();
  });

  it('only failures count: a success clears the key', () => {
    const limiter = new FailureLimiter({ failures: 2, windowMs: 60_000 }, () => 0);
    limiter.fail('r1');
    limiter.succeed('r1');
    limiter.fail('r1');
    expect(limiter.retryAfterMs('r1')).toBe(0);
    limiter.fail('r1');
    expect(limiter.retryAfterMs('r1')).toBe(60_000);
  });

  it('keeps at most 10,000 keys, forgetting the least recently failed', () => {
    const limiter = new FailureLimiter({ failures: 1, windowMs: 60_000 }, () => 0);
    for (let i = 0; i <= 10_000; i++) limiter.fail(`k${i}`);
    expect(limiter.retryAfterMs('k0')).toBe(0);
    expect(limiter.retryAfterMs('k10000')).toBe(60_000);
  });
});
