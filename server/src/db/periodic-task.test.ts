import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  afterEach(() => vi.useRealTimers());

  it('runs on its timer and on demand, never two runs at once, and nothing before start or after stop', async () => {
    vi.useFakeTimers();
    let running = 0;
    let most = 0;
    let runs = 0;
    let release: () => void = () => {};
    const task = new PeriodicTask(
      async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
      },
      { warn: () => {} },
      'failed',
    );
    await task.run();
    expect(runs).toBe(0); // not started
    task.start(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(300); // due three more times while the first still runs
    void task.run();
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    release();
    task.stop();
    await vi.advanceTimersByTimeAsync(1000);
    await task.run();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('warns once while runs keep failing, and again after a success', async () => {
    const warn = vi.fn();
    let fail = true;
    const task = new PeriodicTask(
      async () => {
        if (fail) throw new Error('database down');
      },
      { warn },
      'sharing failed; answering alone',
    );
    task.start(60_000);
    await task.run();
    await task.run();
    await task.run();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toBe('sharing failed; answering alone');
    fail = false;
    await task.run();
    fail = true;
    await task.run();
    expect(warn).toHaveBeenCalledTimes(2);
    task.stop();
  });
});
