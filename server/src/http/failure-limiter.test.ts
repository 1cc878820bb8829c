import { describe, expect, it } from 'vitest';
import { FailureLimiter, KeyedQueue } from './failure-limiter';

describe('FailureLimiter', () => {
  it('refuses the 4th attempt after 3 failures in the window, and allows again once the oldest ages out', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ failures: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(() => limiter.take(['r1'], 'PINs')).not.toThrow();
      now += 10_000;
    }
    // attempts at 0 s, 10 s, 20 s; now 30 s: the first ages out at 60 s → 30 s to wait
    expect(() => limiter.take(['r1'], 'PINs')).toThrow(/Too many wrong PINs from here\. Try again in 30 s/);
    expect(() => limiter.take(['r2'], 'PINs')).not.toThrow(); // other keys are not affected
    now += 30_001;
    expect(() => limiter.take(['r1'], 'PINs')).not.toThrow();
  });

  it('counts an attempt when it is taken, before its answer is known, so attempts in flight together stop at the limit', () => {
    const limiter = new FailureLimiter({ failures: 3, windowMs: 60_000 }, () => 0);
    const outcomes = Array.from({ length: 10 }, () => {
      try {
        limiter.take(['r1'], 'PINs');
        return 'taken';
      } catch {
        return 'refused';
      }
    });
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(3);
  });

  it('a right answer gives back only its own attempt: earlier wrong ones still count until they age out', () => {
    const limiter = new FailureLimiter({ failures: 2, windowMs: 60_000 }, () => 0);
    limiter.take(['r1'], 'PINs'); // wrong
    limiter.take(['r1'], 'PINs');
    limiter.giveBack(['r1']); // right
    expect(limiter.retryAfterMs('r1')).toBe(0);
    limiter.take(['r1'], 'PINs'); // wrong
    expect(limiter.retryAfterMs('r1')).toBe(60_000);
  });

  it('takes on every key or none: a key at its limit refuses the attempt for all', () => {
    const limiter = new FailureLimiter({ failures: 1, windowMs: 60_000 }, () => 0);
    limiter.take(['user:u1'], 'PINs');
    expect(() => limiter.take(['register:r1', 'user:u1'], 'PINs')).toThrow(/Too many/);
    expect(limiter.retryAfterMs('register:r1')).toBe(0);
  });

  it('keeps at most 10,000 keys, forgetting the least recently failed', () => {
    const limiter = new FailureLimiter({ failures: 1, windowMs: 60_000 }, () => 0);
    for (let i = 0; i <= 10_000; i++) limiter.fail(`k${i}`);
    expect(limiter.retryAfterMs('k0')).toBe(0);
    expect(limiter.retryAfterMs('k10000')).toBe(60_000);
  });
});

describe('KeyedQueue', () => {
  it('runs work sharing a key one at a time, and work on other keys alongside', async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let most = 0;
    const work = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all([queue.run(['a'], work), queue.run(['a', 'u'], work), queue.run(['u'], work)]);
    expect(most).toBe(1);
    const order: string[] = [];
    await Promise.all([queue.run(['a'], async () => { await new Promise((r) => setTimeout(r, 10)); order.push('a'); }), queue.run(['b'], async () => order.push('b'))]);
    expect(order).toEqual(['b', 'a']);
  });

  it('goes on after a failed task', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run(['a'], () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(queue.run(['a'], async () => 'yes')).resolves.toBe('yes');
  });
});
