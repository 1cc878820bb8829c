import crypto from 'node:crypto';
import { TEST_CARDS, isLuhnValid } from '../../../shared/hq/payments';
import type { CardGateway, GatewayAnswer } from './gateway';

/**
 * A card acquirer for demos and tests (documented in the README):
 * 4000000000000002 declined, 4000000000009995 declined for insufficient funds, 4000000000000119 never
 * answers (HQ times out), any other Luhn-valid number approved; refunds are approved. Settlement of an offline payment treats
 * its card token as the card number and answers the same way.
 */
export class CardSimulator implements CardGateway {
  constructor(private readonly latencyMs = 0) {}

  authorize(request: { cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    return this.answer(request.cardNumber, signal);
  }

  settle(request: { cardToken: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    return this.answer(request.cardToken, signal);
  }

  /** Refunds are always approved by the simulator (the original payment was checked by HQ). */
  async refund(_request: { reference: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (signal.aborted) return { status: 'declined', reason: 'The acquirer did not answer.' };
    return { status: 'approved', authCode: `R${crypto.randomBytes(3).toString('hex').toUpperCase()}` };
  }

  private async answer(card: string, signal: AbortSignal): Promise<GatewayAnswer> {
    if (card === TEST_CARDS.timeout) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return { status: 'declined', reason: 'The acquirer did not answer.' };
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (!isLuhnValid(card)) return { status: 'declined', reason: 'The card number is not valid.' };
    if (card === TEST_CARDS.declined) return { status: 'declined', reason: 'The card was declined by its bank.' };
    if (card === TEST_CARDS.insufficientFunds) return { status: 'declined', reason: 'Insufficient funds.' };
    return { status: 'approved', authCode: crypto.randomBytes(3).toString('hex').toUpperCase() };
  }
}
