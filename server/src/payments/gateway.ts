/**
 * What HQ needs from a card acquirer. Every call names a `reference` (the register's payment id, or a
 * refund id) by which the acquirer is idempotent: the same reference never moves money twice.
 */
export interface CardGateway {
  /** Authorises and captures a card present now. */
  authorize(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /** Settles a store-and-forward payment with the card number HQ unsealed for it. */
  settle(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /** Gives money back to the card of an earlier payment (`originalReference`: that payment's reference). */
  refund(request: { reference: string; originalReference: string; amount: number; currency: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /**
   * Reverses the whole charge made under `reference` (no sale uses it, or its answer was lost). A
   * reference that never charged, or was voided already, answers approved and moves nothing.
   */
  void(request: { reference: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /** The acquirer's record of every money movement, oldest first (declined attempts move nothing). */
  movements(filter?: { last4?: string | undefined; references?: readonly string[] | undefined }): Promise<AcquirerMovement[]>;
}

export type GatewayAnswer = { status: 'approved'; authCode: string } | { status: 'declined'; reason: string };

/** One movement of money at the acquirer; `amount` is positive, its direction is its kind. */
export interface AcquirerMovement {
  kind: 'charge' | 'refund' | 'void';
  /** The payment id (charge, void) or refund id (refund) HQ gave the acquirer. */
  reference: string;
  /** A refund's original payment reference; null otherwise. */
  originalReference: string | null;
  amount: number;
  currency: string;
  last4: string;
  at: number;
}

export class GatewayTimeoutError extends Error {
  constructor(ms: number) {
    super(`The card acquirer did not answer within ${ms} ms.`);
    this.name = 'GatewayTimeoutError';
  }
}

/** Runs a gateway call with a deadline; the call's signal is aborted when the deadline passes. */
export async function withGatewayTimeout<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, rejectDeadline) => {
    timer = setTimeout(() => {
      controller.abort();
      rejectDeadline(new GatewayTimeoutError(ms));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
