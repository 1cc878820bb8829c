/**
 * Locks the screen after `autoLockMs` without cashier activity. Activity is a call the cashier caused
 * (see `isCashierActivity`); the renderer's own polling (status, state reads) never keeps a register
 * unlocked. Armed only while someone is signed in and the screen is unlocked.
 */
export class AutoLock {
  private last = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly o: {
      /** 0 turns auto-lock off. */
      autoLockMs: () => number;
      onIdle: () => void;
      now?: () => number;
    },
  ) {}

  /** Starts counting from now (after sign-in or unlock). */
  start(): void {
    this.running = true;
    this.touch();
  }

  /** Stops counting (signed out or locked). */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The cashier did something: the idle time starts again. */
  touch(): void {
    if (!this.running) return;
    this.last = this.now();
    if (!this.timer) this.arm(this.o.autoLockMs());
  }

  private arm(delay: number): void {
    if (this.o.autoLockMs() <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      const idle = this.now() - this.last;
      const limit = this.o.autoLockMs();
      if (idle >= limit) {
        this.stop();
        this.o.onIdle();
      } else this.arm(limit - idle);
    }, delay);
    this.timer.unref?.();
  }

  /** Idle time is counted on the monotonic clock: the wall clock set forward a day does not lock, nor one set back an hour delay the lock. */
  private now(): number {
    return this.o.now?.() ?? performance.now();
  }
}

/** Which calls a locked register answers and which count as the cashier at work: declared per channel in `shared/`, enforced by `handle()`. */
export { allowedWhileLocked, isCashierActivity } from '../../core/handle';
