import crypto from 'node:crypto';
import { TEST_CARDS, isLuhnValid } from '../../../shared/hq/payments';
import { MemoryLedger, type LedgerStore } from './acquirer-ledger';
import type { AcquirerMovement, CardGateway, GatewayAnswer } from './gateway';

/**
 * A card acquirer for demos and tests (documented in the README):
 * 4000000000000002 declined, 4000000000009995 declined for insufficient funds, 4000000000000119 never
 * answers (HQ times out), any other Luhn-valid number approved; refunds and voids are approved. A
 * settlement of an offline payment answers like an authorisation of its card.
 *
 * Like a real acquirer it is idempotent by reference and keeps a ledger of every movement of money:
 * an approval charges the card once per reference, a void reverses that charge once, a refund gives
 * back at most once per refund reference.
 */
export class CardSimulator implements CardGateway {
  private readonly latencyMs: number;
  readonly ledger: LedgerStore;
  private readonly now: () => number;

  constructor(options: { latencyMs?: number; ledger?: LedgerStore; now?: () => number } = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.ledger = options.ledger ?? new MemoryLedger();
    this.now = options.now ?? Date.now;
  }

  authorize(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    return this.charge(request, signal);
  }

  settle(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    return this.charge(request, signal);
  }

  async refund(request: { reference: string; originalReference: string; amount: number; currency: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    await this.delay(signal);
    if (signal.aborted) return { status: 'declined', reason: 'The acquirer did not answer.' };
    const original = await this.ledger.find(request.originalReference, 'charge');
    await this.ledger.record({ kind: 'refund', reference: request.reference, originalReference: request.originalReference, amount: request.amount, currency: request.currency, last4: original?.last4 ?? '', at: this.now() });
    return { status: 'approved', authCode: `R${authCodeOf(request.reference)}` };
  }

  async void(request: { reference: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    await this.delay(signal);
    if (signal.aborted) return { status: 'declined', reason: 'The acquirer did not answer.' };
    const charge = await this.ledger.find(request.reference, 'charge');
    if (charge) await this.ledger.record({ ...charge, kind: 'void', at: this.now() });
    return { status: 'approved', authCode: `V${authCodeOf(request.reference)}` };
  }

  movements(filter?: { last4?: string | undefined; references?: readonly string[] | undefined }): Promise<AcquirerMovement[]> {
    return this.ledger.list(filter);
  }

  private async charge(request: { reference: string; amount: number; currency: string; cardNumber: string }, signal: AbortSignal): Promise<GatewayAnswer> {
    const card = request.cardNumber;
    if (card === TEST_CARDS.timeout) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return { status: 'declined', reason: 'The acquirer did not answer.' };
    }
    await this.delay(signal);
    if (signal.aborted) return { status: 'declined', reason: 'The acquirer did not answer.' };
    if (!isLuhnValid(card)) return { status: 'declined', reason: 'The card number is not valid.' };
    if (card === TEST_CARDS.declined) return { status: 'declined', reason: 'The card was declined by its bank.' };
    if (card === TEST_CARDS.insufficientFunds) return { status: 'declined', reason: 'Insufficient funds.' };
    // A reference already voided is never charged again (a late retry of an abandoned attempt).
    if (await this.ledger.find(request.reference, 'void')) return { status: 'declined', reason: 'This payment was reversed already.' };
    await this.ledger.record({ kind: 'charge', reference: request.reference, originalReference: null, amount: request.amount, currency: request.currency, last4: card.slice(-4), at: this.now() });
    return { status: 'approved', authCode: authCodeOf(request.reference) };
  }

  private async delay(signal: AbortSignal): Promise<void> {
    if (this.latencyMs <= 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.latencyMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

/** The same reference always gets the same authorisation code, as an acquirer's idempotent answer does. */
function authCodeOf(reference: string): string {
  return crypto.createHash('sha256').update(reference).digest('hex').slice(0, 6).toUpperCase();
}
