import { isLuhnValid, TEST_CARDS, type PaymentOutcome } from '../../../shared/hq/payments';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqCaller } from '../../hq/hq-client';

export interface CardAuthorization {
  status: 'approved' | 'declined';
  authCode: string | null;
  reason: string | null;
  last4: string;
}

export interface CardRequest {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  cardNumber: string;
}

/** Where a card payment is authorised: HQ's payment gateway online, or the preview's simulated terminal. */
export interface CardTerminal {
  readonly kind: 'hq' | 'simulated';
  authorize(request: CardRequest): Promise<CardAuthorization>;
  /** What became of an attempt whose answer never arrived; null when that cannot be asked now. */
  outcome(paymentId: string): Promise<PaymentOutcome | null>;
}

/**
 * The terminal of the demo store and the browser preview (CONTRACT.md): 4000000000000002 is declined,
 * any other Luhn-valid number approved.
 */
export class SimulatedTerminal implements CardTerminal {
  readonly kind = 'simulated' as const;

  async authorize(request: CardRequest): Promise<CardAuthorization> {
    const last4 = request.cardNumber.slice(-4);
    if (!isLuhnValid(request.cardNumber)) return { status: 'declined', authCode: null, reason: 'The card number is not valid.', last4 };
    if (request.cardNumber === TEST_CARDS.declined) return { status: 'declined', authCode: null, reason: 'The card was declined by the issuer.', last4 };
    return { status: 'approved', authCode: `SIM${request.paymentId.slice(-6).toUpperCase()}`, reason: null, last4 };
  }

  /** The simulated terminal always answers, so no attempt of it is ever left without one. */
  async outcome(): Promise<null> {
    return null;
  }
}

/** Online card authorisation through HQ (`POST /payments/authorize`, a whitelisted checkout call). */
export class HqCardTerminal implements CardTerminal {
  readonly kind = 'hq' as const;

  constructor(private readonly hq: HqCaller) {}

  async authorize(request: CardRequest): Promise<CardAuthorization> {
    const answer = await this.hq.call(HQ_ROUTES.authorizeCard, { body: request }, { timeoutMs: 15_000 });
    return { status: answer.status, authCode: answer.authCode, reason: answer.reason, last4: answer.last4 };
  }

  /** `GET /payments/:id`, answered quickly or not at all: the cashier is waiting at the till. */
  async outcome(paymentId: string): Promise<PaymentOutcome | null> {
    try {
      return await this.hq.call(HQ_ROUTES.cardPayment, { params: { paymentId } }, { timeoutMs: 3_000 });
    } catch {
      return null;
    }
  }
}
