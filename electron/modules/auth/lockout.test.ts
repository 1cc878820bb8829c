import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/factories';
import { PinLockout, WRONG_PIN_WINDOW_MS } from './lockout';

let dir: ReturnType<typeof makeTempDir>;
let clock: number;
const LOCK_MS = 10 * 60_000;
const lockout = () => new PinLockout(dir.dir, () => ({ maxAttempts: 3, lockoutMinutes: 10 }), () => clock);

/** Three wrong PINs, each taken before its check as the session does. */
function threeWrong(pins: PinLockout): number | null {
  let until: number | null = null;
  for (let i = 0; i < 3; i++) {
    expect(pins.take('login')).toBeNull();
    until = pins.failed('login');
  }
  return until;
}

beforeEach(() => {
  dir = makeTempDir();
  clock = Date.UTC(2026, 11, 6, 12);
});
afterEach(() => dir.cleanup());

describe('the PIN lockout at its boundaries', () => {
  it('a lock lasts until its end and not a millisecond longer; once over, the count starts from zero', () => {
    const pins = lockout();
    const until = threeWrong(pins);
    expect(until).toBe(clock + LOCK_MS);
    clock = until! - 1;
    expect(pins.lockedUntil('login')).toBe(until);
    expect(pins.take('login')).toBe(until);
    clock = until!;
    expect(pins.lockedUntil('login')).toBeNull();
    expect(pins.failures('login')).toBe(0);
    expect(pins.take('login')).toBeNull();
    expect(pins.failed('login')).toBeNull();
  });

  it('a wrong PIN counts for exactly the window: one millisecond before its end it still counts, at its end it does not', () => {
    const pins = lockout();
    expect(pins.take('login')).toBeNull();
    pins.failed('login');
    const first = clock;
    clock = first + WRONG_PIN_WINDOW_MS - 1;
    expect(pins.failures('login')).toBe(1);
    clock = first + WRONG_PIN_WINDOW_MS;
    expect(pins.failures('login')).toBe(0);
  });

  it('the count survives a restart of the register (it is kept in the data folder)', () => {
    const pins = lockout();
    expect(pins.take('login')).toBeNull();
    pins.failed('login');
    expect(lockout().failures('login')).toBe(1);
  });
});
