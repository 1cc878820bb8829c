import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { Logger } from '../../core/logger';
import type { PinLockout } from './lockout';

/**
 * What a manager approves. Checkout: price overrides, line discounts, offline card payments above the
 * limits; sync: putting a failed operation back or discarding it; orders: refunds above the limit, closing
 * the day with operations still unsynced.
 */
export type ManagerAction =
  | 'cart.overridePrice'
  | 'cart.discount'
  | 'checkout.storeAndForwardOverLimit'
  | 'sync.retry'
  | 'sync.discard'
  | 'orders.refund'
  | 'day.close'
  | (string & {});

export interface ManagerApproval {
  action: string;
  manager: string | null;
  approved: boolean;
  at: number;
}

/** Approvals remembered for the diagnostics page (the log keeps them all). */
const RECENT = 50;

/**
 * The one place that decides whether a manager approves something. Every approval goes through
 * `requireManager`: the PIN must be a manager's (one HQ verified on this register within the offline
 * window), PINs are checked one at a time and counted before the check towards the approval lockout (so
 * guessing through approval dialogs locks just as sign-in does), and each decision is logged with its action.
 */
export class Policy {
  private readonly recentDecisions: ManagerApproval[] = [];

  constructor(
    private readonly o: {
      managerByPin: (pin: string) => Promise<User>;
      lockout: PinLockout;
      log: Pick<Logger, 'info' | 'warn'>;
      now?: () => number;
    },
  ) {}

  /** One manager PIN check at a time on this register, counted before the PIN is compared (`PinLockout`, scope `approval`). */
  requireManager(pin: string, action: ManagerAction, detail: Record<string, unknown> = {}): Promise<User> {
    return this.o.lockout.serially(() => this.check(pin, action, detail));
  }

  /** The latest approval decisions, newest first. */
  recent(): ManagerApproval[] {
    return [...this.recentDecisions].reverse();
  }

  private async check(pin: string, action: ManagerAction, detail: Record<string, unknown>): Promise<User> {
    const now = this.o.now?.() ?? Date.now();
    const lockedUntil = this.o.lockout.take('approval');
    if (lockedUntil !== null) {
      this.decided({ action, manager: null, approved: false, at: now }, { ...detail, reason: 'approvals locked' });
      throw this.o.lockout.lockedError('approval', lockedUntil);
    }
    let manager: User;
    try {
      manager = await this.o.managerByPin(pin);
    } catch (error) {
      const until = this.o.lockout.failed('approval');
      if (!(error instanceof KassaError) || error.code !== 'NOT_A_MANAGER') throw error;
      this.decided({ action, manager: null, approved: false, at: now }, { ...detail, reason: 'not a manager PIN' });
      throw until !== null ? this.o.lockout.lockedError('approval', until) : error;
    }
    this.o.lockout.succeeded('approval');
    this.decided({ action, manager: manager.name, approved: true, at: now }, detail);
    return manager;
  }

  private decided(decision: ManagerApproval, detail: Record<string, unknown>): void {
    this.recentDecisions.push(decision);
    if (this.recentDecisions.length > RECENT) this.recentDecisions.shift();
    const entry = { ...detail, action: decision.action, manager: decision.manager, approved: decision.approved };
    if (decision.approved) this.o.log.info(entry, 'manager approval granted');
    else this.o.log.warn(entry, 'manager approval refused');
  }
}
