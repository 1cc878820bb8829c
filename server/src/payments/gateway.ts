/** What HQ needs from a card acquirer: authorise a card present now, settle one taken offline earlier. */
export interface CardGateway {
  authorize(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /** Settles a store-and-forward payment; `cardToken` is what the terminal stored instead of the card. */
  settle(request: { reference: string; amount: number; currency: string; cardToken: string }, signal: AbortSignal): Promise<GatewayAnswer>;
  /** Gives money back to the card of an earlier payment (`originalReference`: that payment's reference). */
  refund(request: { reference: string; originalReference: string; amount: number; currency: string }, signal: AbortSignal): Promise<GatewayAnswer>;
}

export type GatewayAnswer = { status: 'approved'; authCode: string } | { status: 'declined'; reason: string };

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
