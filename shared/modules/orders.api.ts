/**
 * The orders module's channels (order list and search, refunds and the end-of-day report): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';

export const ordersApi = {} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;
