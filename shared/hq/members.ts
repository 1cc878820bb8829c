import { z } from 'zod';
import { IdSchema, IsoTimeSchema } from './common';

/**
 * Phone numbers are compared in one normal form: digits with an optional leading `+`, spaces, dots,
 * dashes and brackets removed. 6 to 15 digits (E.164 allows 15). A full numbering-plan library would
 * need the store's country and is more than a loyalty lookup needs.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.trim().replace(/[\s.\-()]/g, '');
  return /^\+?\d{6,15}$/.test(compact) ? compact : null;
}

export const PhoneSchema = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const phone = normalizePhone(raw);
    if (phone === null) {
      ctx.addIssue({ code: 'custom', message: 'is not a phone number: use 6 to 15 digits, optionally starting with +' });
      return z.NEVER;
    }
    return phone;
  });

/** A loyalty card number: what the card's barcode carries. */
export const MemberCardSchema = z.string().regex(/^[A-Za-z0-9]{4,32}$/, 'must be 4 to 32 letters or digits');

export const MemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  card: z.string().nullable(),
  createdAt: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const CreateMemberSchema = z
  .object({
    /** The register may choose the id (a uuid), so an enrolment retried after a lost answer is the same member. */
    id: IdSchema.optional(),
    name: z.string().trim().min(1).max(120),
    phone: PhoneSchema,
    card: MemberCardSchema.optional(),
  })
  .strict();
export type CreateMember = z.input<typeof CreateMemberSchema>;

export const MemberWithBalanceSchema = z.object({ member: MemberSchema, balance: z.number().int() });
export const MemberBalanceSchema = z.object({ memberId: z.string(), balance: z.number().int() });

export const PointReasonSchema = z.enum(['earn', 'redeem', 'adjust', 'refund']);
export const PointEntrySchema = z.object({
  id: IdSchema,
  memberId: IdSchema,
  delta: z.number().int().refine((n) => n !== 0 && Number.isSafeInteger(n), 'must be a non-zero whole number of points'),
  reason: PointReasonSchema,
  orderId: IdSchema.optional(),
  createdAt: IsoTimeSchema,
});
export type PointEntry = z.infer<typeof PointEntrySchema>;
