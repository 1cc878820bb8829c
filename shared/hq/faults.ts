import { z } from 'zod';
import { SERVICE_DOMAINS } from '../api';

/** A fault injected into HQ (HQ_FAULTS=1) to test how registers cope with a failing domain or route. */
export const FaultSchema = z
  .object({
    domain: z.enum(SERVICE_DOMAINS).optional(),
    /** A route as `/members/lookup`, `/members/:id/balance` or `GET /members/lookup`. */
    route: z.string().min(1).max(200).optional(),
    mode: z.enum(['error', 'timeout', 'slow', 'drop']),
    rate: z.number().min(0).max(1),
    /** How long the fault lasts; it stays until DELETE /admin/faults without one. */
    durationMs: z.number().int().positive().optional(),
    /** For `slow` (default 3000) and `timeout` (default 30000): how long a request is held. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict()
  .refine((f) => (f.domain === undefined) !== (f.route === undefined), { message: 'give exactly one of "domain" or "route"' });
export type FaultSpec = z.infer<typeof FaultSchema>;
