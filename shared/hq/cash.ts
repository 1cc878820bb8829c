/**
 * `GET /admin/cash`: the registers' drawer sessions as HQ holds them, with what each should hold, what was
 * counted, and whether the movements HQ received add up to what the register closed with.
 */
import { z } from 'zod';
import { CASH_MOVEMENT_KINDS } from '../cash';
import { IdSchema } from './common';

const isoTime = z.iso.datetime({ message: 'must be an ISO 8601 UTC time' });

/** Sessions opened in [from, to); storeId and registerId narrow them; `movements=true` lists each session's movements. */
export const CashQuerySchema = z
  .object({
    storeId: IdSchema.optional(),
    registerId: IdSchema.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    movements: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type CashQuery = z.infer<typeof CashQuerySchema>;

/** One movement of cash, signed (into the drawer positive), in minor units. */
export const CashMovementSchema = z.object({
  id: z.string(),
  kind: z.enum(CASH_MOVEMENT_KINDS),
  amount: z.number().int(),
  orderId: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  userId: z.string(),
  approvedBy: z.string().nullable(),
  at: z.string(),
});
export type CashMovement = z.infer<typeof CashMovementSchema>;

const totalsShape = Object.fromEntries(CASH_MOVEMENT_KINDS.map((k) => [k, z.number().int()])) as Record<(typeof CASH_MOVEMENT_KINDS)[number], z.ZodNumber>;

/**
 * One drawer session. `expected`: what the register closed with (float + its movements at the count);
 * while open, the float plus the movements HQ holds. `fromMovements`: the float plus the movements HQ
 * holds. `variance`: counted − expected (null before the count). `reconciled`: at the close, whether
 * fromMovements equals expected (null while open).
 */
export const CashSessionReportSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  registerId: z.string(),
  registerCode: z.string().nullable(),
  currency: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  openedAtFirstSale: z.boolean(),
  float: z.number().int(),
  totals: z.object(totalsShape),
  movementCount: z.number().int(),
  fromMovements: z.number().int(),
  expected: z.number().int(),
  countedAt: z.string().nullable(),
  countedBy: z.string().nullable(),
  counted: z.number().int().nullable(),
  variance: z.number().int().nullable(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  note: z.string().nullable(),
  approvedBy: z.string().nullable(),
  reconciled: z.boolean().nullable(),
  movements: z.array(CashMovementSchema).optional(),
});
export type CashSessionReport = z.infer<typeof CashSessionReportSchema>;

export const CashResponseSchema = z.object({ sessions: z.array(CashSessionReportSchema) });
export type CashResponse = z.infer<typeof CashResponseSchema>;
