import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchInterfaces } from './interface-watch';

afterEach(() => vi.useRealTimers());

describe('watching network interfaces', () => {
  it('reports a change only when a usable interface appears or disappears', () => {
    vi.useFakeTimers();
    const answers = [true, true, false, false, true];
    let i = 0;
    const seen: boolean[] = [];
    const stop = watchInterfaces((usable) => seen.push(usable), 1000, () => answers[Math.min(i++, answers.length - 1)]!);
    vi.advanceTimersByTime(4000);
    stop();
    vi.advanceTimersByTime(4000);
    expect(seen).toEqual([false, true]);
  });
});
