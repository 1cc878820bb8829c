import type { SimulatedClock } from 'xstate';

/**
 * Moves a simulated clock on by `ms` in 10 ms steps, letting promises settle after each (a probe's answer,
 * a service's listener), so what a test sees matches what real time would have done.
 */
export async function advanceInSteps(clock: SimulatedClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.increment(10);
    for (let i = 0; i < 4; i++) await Promise.resolve();
  }
}
