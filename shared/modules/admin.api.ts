/**
 * The admin module's channels (diagnostics, settings and the support bundle (manager screens)): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';

export const adminApi = {} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;
