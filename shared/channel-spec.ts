/**
 * What a channel is, beside its schemas: who may call it, whether a locked screen still answers it, and
 * whether it is passive (the renderer's own reads, which never count as the cashier at work). The register's
 * `handle()` enforces it for every call; a module's channels declare it in their `shared/modules/<module>.api.ts`.
 */
import type { z } from 'zod';

/** `anyone`: no session needed. `signedIn`: a signed-in cashier or manager. `manager`: a signed-in manager. */
export type ChannelAccess = 'anyone' | 'signedIn' | 'manager';

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  access: ChannelAccess;
  /** For `manager` channels: the sentence a signed-in cashier reads when refused. */
  refusal?: string;
  /** A locked screen still answers it (the status bar, the lock screen, sign-out). */
  whileLocked?: boolean;
  /** A read the renderer makes on its own (status bar, refreshes, polling): it does not restart the idle time. */
  passive?: boolean;
}
