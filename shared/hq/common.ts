import { z } from 'zod';

/** An ISO 8601 UTC time as the register took it, e.g. `2025-03-01T09:30:00.000Z`. */
export const IsoTimeSchema = z.iso.datetime({ message: 'must be an ISO 8601 UTC time such as 2025-03-01T09:30:00.000Z' });
export const IdSchema = z.string().min(1).max(64);
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
/** Money: whole minor units (cents). */
export const MinorUnitsSchema = z.number().int('must be whole minor units (cents)').refine(Number.isSafeInteger, 'is too large');

/** Every 4xx/5xx answer of HQ: a stable code for programs and a sentence for people. */
export const HqErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type HqErrorBody = z.infer<typeof HqErrorSchema>;
