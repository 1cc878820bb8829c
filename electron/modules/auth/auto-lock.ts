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

/** Calls a locked register still answers: the status bar, the lock screen and sign-out (not the offline switch: that needs the cashier). */
const ALLOWED_WHILE_LOCKED = new Set<string>([
  'app.info',
  'session.get',
  'session.login',
  'session.logout',
  'session.unlock',
  'connectivity.get',
  'connectivity.log',
  'sync.status',
  'storage.status',
  'register.enrol',
]);

export function allowedWhileLocked(channel: string): boolean {
  return ALLOWED_WHILE_LOCKED.has(channel);
}

/** Reads the renderer makes on its own (status bar, screen refreshes, polling) are not the cashier at work. */
const PASSIVE = new Set<string>(['app.info', 'session.get', 'cart.get', 'checkout.state', 'checkout.options', 'checkout.declinedCardPayments', 'sales.receipt']);

export function isCashierActivity(channel: string): boolean {
  return !PASSIVE.has(channel) && !/\.(get|status|log|overview|list)$/.test(channel);
}
