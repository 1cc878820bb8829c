/**
 * The admin module's channels (diagnostics, settings and the support bundle (manager screens)): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';
import type { ChannelSpec } from '../channel-spec';
import { ConnectivityLogEntrySchema, ConnectivityStateSchema } from '../schemas';

/** One reachability probe of HQ, as the diagnostics page charts it. */
export const ProbeRecordSchema = z.object({
  at: z.number().int(),
  ok: z.boolean(),
  latencyMs: z.number().int(),
  /** Why it failed, in words (null when it answered). */
  error: z.string().nullable(),
});
export type ProbeRecord = z.infer<typeof ProbeRecordSchema>;

export const DiagnosticsSchema = z.object({
  generatedAt: z.number().int(),
  versions: z.object({
    app: z.string(),
    /** The register database's schema version (`PRAGMA user_version`). */
    database: z.number().int(),
    /** What HQ's `/health` reports: null in demo mode or when HQ did not answer. */
    hq: z.object({ version: z.string().nullable(), database: z.string().nullable() }).nullable(),
    runtime: z.string(),
    platform: z.string(),
  }),
  hqUrl: z.string().nullable(),
  /** How the register keeps its device token at rest: sealed by the OS keychain (Electron), or in the clear (the web host), and why. */
  deviceTokenStorage: z.object({ protection: z.enum(['os-keychain', 'clear']), detail: z.string() }).optional(),
  connectivity: ConnectivityStateSchema,
  /** Transitions of the last `hours`, oldest first, plus the one in force when the window starts. */
  timeline: z.array(ConnectivityLogEntrySchema),
  probes: z.array(ProbeRecordSchema),
  /** The last live traffic with HQ the connectivity machine heard of (a heartbeat, a sync request, a whitelisted call). */
  traffic: z.object({ at: z.number().int(), ok: z.boolean(), source: z.enum(['stream', 'sync', 'call']), detail: z.string().nullable() }).nullable().optional(),
  queue: z.object({
    pending: z.number().int(),
    oldestAt: z.number().int().nullable(),
    byEntity: z.array(z.object({ entity: z.string(), count: z.number().int(), oldestAt: z.number().int() })),
  }),
  deadLetters: z.number().int(),
  sales: z.number().int(),
});
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

export const SupportBundleSchema = z.object({
  fileName: z.string(),
  size: z.number().int(),
  /** The zip itself, base64, when the host has no save dialog (browser preview): the page downloads it. */
  base64: z.string().nullable(),
  /** Where the Electron save dialog wrote it; null when cancelled or handed to the page. */
  savedTo: z.string().nullable(),
});
export type SupportBundle = z.infer<typeof SupportBundleSchema>;

/** What a cashier reads when they open a manager's diagnostics call. */
const MANAGERS_ONLY = 'Diagnostics are for managers: sign in with a manager PIN.';

export const adminApi = {
  'diagnostics.overview': { input: z.object({ hours: z.number().int().min(1).max(72).default(8) }).strict(), output: DiagnosticsSchema, access: 'manager', refusal: MANAGERS_ONLY, passive: true },
  'diagnostics.bundle': { input: z.object({}).strict(), output: SupportBundleSchema, access: 'manager', refusal: MANAGERS_ONLY },
} as const satisfies Record<string, ChannelSpec>;
