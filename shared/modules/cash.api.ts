/**
 * The cash module's channels (the drawer session: float, paid in and out, drops, no-sale, X report, blind
 * count and close): input and output schemas. Joined into `api` in `shared/api.ts`; the channel names are
 * listed in `shared/channels.ts`.
 */
import { z } from 'zod';
import { CASH_MOVEMENT_KINDS, PAY_REASONS } from '../cash';
import type { ChannelSpec } from '../channel-spec';
import { PinSchema } from '../pin';

const minor = z.number().int('must be whole minor units').refine(Number.isSafeInteger, 'is too large');
/** Counts by denomination (minor units as keys): how many of each note and coin. */
const CountsSchema = z.record(z.string().regex(/^[1-9]\d{0,6}$/, 'must be a denomination in minor units'), z.number().int('must be a whole number').min(0).max(100_000));
const CountSchema = z
  .object({ amount: minor.min(0, 'must not be negative').optional(), counts: CountsSchema.optional() })
  .strict()
  .refine((c) => c.amount !== undefined || c.counts !== undefined, 'enter the amount counted or the count of each note and coin');

export const SessionViewSchema = z.object({
  id: z.string(),
  currency: z.string(),
  openedAt: z.number().int(),
  openedBy: z.string(),
  float: minor,
  /** Opened by the first cash sale with a float of 0 (the manager sees it flagged). */
  openedAtFirstSale: z.boolean(),
  countedAt: z.number().int().nullable(),
});

export const CashStateSchema = z.object({
  /** The open session, without what the drawer should hold: the count is blind. */
  session: SessionViewSchema.nullable(),
  denominations: z.array(z.number().int()),
  currency: z.string(),
  requireCountedFloat: z.boolean(),
});
export type CashState = z.infer<typeof CashStateSchema>;

const MovementKindSchema = z.enum(CASH_MOVEMENT_KINDS);
export const CashMovementSchema = z.object({
  id: z.string(),
  kind: MovementKindSchema,
  amount: minor,
  at: z.number().int(),
  userId: z.string(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  approvedBy: z.string().nullable(),
  saleId: z.string().nullable(),
});

export const DrawerReportSchema = z.object({
  session: SessionViewSchema,
  movements: z.array(CashMovementSchema),
  totals: z.record(MovementKindSchema, minor),
  expected: minor,
  counted: minor.nullable(),
  variance: minor.nullable(),
  closed: z.object({ at: z.number().int(), by: z.string(), note: z.string().nullable(), approvedBy: z.string().nullable() }).nullable(),
});
export type DrawerReport = z.infer<typeof DrawerReportSchema>;

const reasons = [...new Set([...PAY_REASONS['paid-in'], ...PAY_REASONS['paid-out']])] as [string, ...string[]];
export const ManualMovementSchema = z
  .object({
    kind: z.enum(['paid-in', 'paid-out', 'drop', 'no-sale']),
    amount: minor.min(0, 'must not be negative'),
    reason: z.enum(reasons).optional(),
    note: z.string().trim().max(500).optional(),
    managerPin: PinSchema.optional(),
  })
  .strict();

export const cashApi = {
  'cash.state': { input: z.object({}).strict(), output: CashStateSchema, access: 'signedIn', passive: true },
  'cash.open': { input: CountSchema, output: SessionViewSchema, access: 'signedIn' },
  'cash.move': { input: ManualMovementSchema, output: CashMovementSchema, access: 'signedIn' },
  // What the drawer should hold is for managers: a cashier counts blind.
  'cash.xReport': { input: z.object({}).strict(), output: DrawerReportSchema, access: 'manager', refusal: 'The drawer report is for managers: the cashier counts the drawer blind. Sign in with a manager PIN.' },
  'cash.count': { input: z.object({ amount: minor.min(0).optional(), counts: CountsSchema.optional(), managerPin: PinSchema.optional() }).strict(), output: DrawerReportSchema, access: 'signedIn' },
  'cash.close': { input: z.object({ note: z.string().trim().max(500).optional(), managerPin: PinSchema.optional() }).strict(), output: DrawerReportSchema, access: 'signedIn' },
} as const satisfies Record<string, ChannelSpec>;
