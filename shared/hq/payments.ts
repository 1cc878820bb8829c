import { z } from 'zod';
import { CurrencySchema, IdSchema } from './common';

/** The Luhn check every card number passes (ISO/IEC 7812). */
export function isLuhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Test card numbers of HQ's card simulator (the same as the register's simulated terminal where they
 * overlap). Any other Luhn-valid number is approved.
 */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  /** The simulated acquirer never answers: HQ answers 504 after its gateway timeout. */
  timeout: '4000000000000119',
} as const;

export const CardNumberSchema = z.string().refine(isLuhnValid, 'is not a valid card number (12 to 19 digits passing the Luhn check)');

export const AuthorizeRequestSchema = z
  .object({
    /** The register's payment id: a retry with the same id returns the first answer and charges once. */
    paymentId: IdSchema,
    orderId: IdSchema.optional(),
    amount: z.number().int().positive('must be a positive whole number of minor units'),
    currency: CurrencySchema,
    cardNumber: CardNumberSchema,
  })
  .strict();
export type AuthorizeRequest = z.infer<typeof AuthorizeRequestSchema>;

export const AuthorizeResponseSchema = z.object({
  paymentId: z.string(),
  status: z.enum(['approved', 'declined']),
  authCode: z.string().nullable(),
  reason: z.string().nullable(),
  last4: z.string(),
});
export type AuthorizeResponse = z.infer<typeof AuthorizeResponseSchema>;

/** `POST /payments/refund`: money back to the card of an earlier approved payment, at most what it charged. */
export const CardRefundRequestSchema = z
  .object({
    /** The register's refund payment id: a retry with the same id returns the first answer and refunds once. */
    refundId: IdSchema,
    /** The original card payment (authorised live, or taken offline and settled). */
    paymentId: IdSchema,
    amount: z.number().int().positive('must be a positive whole number of minor units'),
    currency: CurrencySchema,
  })
  .strict();
export type CardRefundRequest = z.infer<typeof CardRefundRequestSchema>;

export const CardRefundResponseSchema = z.object({
  refundId: z.string(),
  status: z.enum(['approved', 'declined']),
  reference: z.string().nullable(),
  reason: z.string().nullable(),
  last4: z.string(),
});
export type CardRefundResponse = z.infer<typeof CardRefundResponseSchema>;

/**
 * `GET /payments/:paymentId`: what HQ knows of a card attempt, asked by a register whose authorisation
 * got no answer. `unknown`: HQ never saw this id (nothing was sent to the acquirer for it); `pending`: HQ
 * is asking the acquirer now; `voided`: it was approved or abandoned and is reversed, so it pays nothing.
 */
export const PaymentOutcomeSchema = z.object({
  paymentId: z.string(),
  status: z.enum(['approved', 'declined', 'pending', 'voided', 'unknown']),
  amount: z.number().int().nullable(),
  authCode: z.string().nullable(),
  reason: z.string().nullable(),
  last4: z.string().nullable(),
});
export type PaymentOutcome = z.infer<typeof PaymentOutcomeSchema>;

/** `GET /admin/charges`: both filters optional; `orderNumber` is a sale or refund number as printed. */
export const ChargesQuerySchema = z
  .object({
    last4: z.string().regex(/^\d{4}$/, 'must be the last 4 digits of the card').optional(),
    orderNumber: z.string().min(1).max(64).optional(),
  })
  .strict();
export type ChargesQuery = z.infer<typeof ChargesQuerySchema>;

/**
 * One movement of money at the card acquirer: `amount` positive in minor units, its direction is its kind.
 * `orderNumber`: the HQ order one of whose payments is this movement's reference; null while none is.
 */
export const ChargeSchema = z.object({
  kind: z.enum(['charge', 'refund', 'void']),
  amount: z.number().int().positive(),
  last4: z.string(),
  orderNumber: z.string().nullable(),
  at: z.string(),
});
export type Charge = z.infer<typeof ChargeSchema>;

export const ChargesResponseSchema = z.object({ charges: z.array(ChargeSchema) });
export type ChargesResponse = z.infer<typeof ChargesResponseSchema>;

/** `GET /payments/card-key`: HQ's public key for sealing card numbers kept offline (base64 of its X25519 SPKI DER). */
export const CardKeyResponseSchema = z.object({ cardKey: z.string().min(1).max(200) });
export type CardKeyResponse = z.infer<typeof CardKeyResponseSchema>;
