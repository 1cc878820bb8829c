/**
 * The membership module's channels (member lookup, enrolment, points): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';

export const membershipApi = {} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;
