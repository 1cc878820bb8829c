import type { Transaction } from 'kysely';
import type { CardAttemptPayload } from '../../../shared/hq/ops';
import type { HqSchema } from '../db/schema';
import type { AuthenticatedRegister } from '../registers/registers.repository';

/**
 * Card attempts a register gave up (no completed sale uses them), inside the push's transaction: an
 * approval is marked for a void, and an id HQ never saw is claimed as voided so the attempt, should it
 * still arrive, is refused instead of charged. Returns how many voids the acquirer must now be asked for.
 */
export async function abandonCardAttempts(trx: Transaction<HqSchema>, register: AuthenticatedRegister, attempts: readonly CardAttemptPayload[], now: number): Promise<number> {
  let voids = 0;
  for (const attempt of attempts) {
    const claimed = await trx
      .insertInto('card_authorizations')
      .values({
        payment_id: attempt.id,
        register_id: register.id,
        order_id: attempt.orderId,
        amount: attempt.amount,
        currency: attempt.currency,
        last4: '',
        status: 'voided',
        auth_code: null,
        reason: 'The register gave up this card payment before HQ received it.',
        created_at: now,
        void_requested_at: now,
        voided_at: now,
      })
      .onConflict((oc) => oc.column('payment_id').doNothing())
      .returning('payment_id')
      .execute();
    if (claimed.length === 1) continue;
    voids += await requestVoids(trx, now, 'The register gave up this card payment; HQ reversed it.', (q) => q.where('payment_id', '=', attempt.id).where('register_id', '=', register.id));
  }
  return voids;
}

async function requestVoids(trx: Transaction<HqSchema>, now: number, reason: string, narrow: (query: ReturnType<typeof baseVoid>) => ReturnType<typeof baseVoid>): Promise<number> {
  const rows = await narrow(baseVoid(trx, now, reason)).returning('payment_id').execute();
  return rows.length;
}

/** Approved (or still pending) authorisations not voided yet and not used by any uploaded payment. */
function baseVoid(trx: Transaction<HqSchema>, now: number, reason: string) {
  return trx
    .updateTable('card_authorizations')
    .set({ void_requested_at: now, reason })
    .where('status', 'in', ['approved', 'pending'])
    .where('void_requested_at', 'is', null)
    .where('amount', '>', 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('payments').select('payments.id').whereRef('payments.id', '=', 'card_authorizations.payment_id'))));
}

