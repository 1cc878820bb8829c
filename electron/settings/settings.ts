import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES } from '../../shared/schemas';
import { writeFileAtomic } from '../fs/atomic-write';
import { isSecureOrLoopback, SECURE_URL_RULE } from './secure-url';

const ms = (fallback: number) => z.number().int('must be a whole number of milliseconds').min(0, 'must not be negative').default(fallback);
/** Store and register codes go into sale numbers (`<store>-<register>-<sequence>`), so no hyphen. */
const code = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits (no hyphen)')
    .default(fallback);

export const SettingsSchema = z
  .object({
    store: z
      .object({
        code: code('S01'),
        name: z.string().min(1).max(80).default('Kassa Demo Store'),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
          .default('EUR'),
        pricesIncludeTax: z.boolean().default(true),
        /** Cash amounts due are rounded to this step (minor units): 0 = none, 5 or 10 = the nearest 0.05 or 0.10. */
        cashRoundingMinor: z
          .number()
          .refine((step) => step === 0 || step === 5 || step === 10, 'must be 0 (no cash rounding), 5 (round cash to the nearest 0.05) or 10 (the nearest 0.10)')
          .default(0)
          .transform((step) => step as 0 | 5 | 10),
      })
      .strict()
      .prefault({}),
    register: z
      .object({ code: code('R01') })
      .strict()
      .prefault({}),
    /** The receipt printer in Electron: its system device name; empty prints to the system's default printer. */
    printer: z
      .object({ deviceName: z.string().max(256).default('') })
      .strict()
      .prefault({}),
    /** Card payments taken while offline (store-and-forward): limits above which a manager must approve. */
    offlineCard: z
      .object({
        perPaymentLimit: z.number().int('must be whole minor units').min(0, 'must not be negative').default(10_000),
        totalLimit: z.number().int('must be whole minor units').min(0, 'must not be negative').default(50_000),
        uploadDeadlineHours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1').max(24 * 14).default(24),
      })
      .strict()
      .prefault({}),
    /** Refunds: above `refundManagerAbove` a manager approves with their PIN; offline, this register's orders are refunded up to `offlineRefundLimit`. */
    orders: z
      .object({
        refundManagerAbove: z.number().int('must be whole minor units').min(0, 'must not be negative').default(5_000),
        offlineRefundLimit: z.number().int('must be whole minor units').min(0, 'must not be negative').default(10_000),
        /** A return without a receipt (at today's price) above this many minor units needs a manager's PIN. */
        noReceiptManagerAbove: z.number().int('must be whole minor units').min(0, 'must not be negative').default(2_000),
      })
      .strict()
      .prefault({}),
    /** Loyalty points: earned per whole currency unit paid (not with points), worth `pointValueMinor` each when redeemed; offline a sale redeems at most `offlineRedeemCap`. */
    membership: z
      .object({
        pointsPerUnit: z.number().int('must be a whole number of points').min(0, 'must not be negative').max(1000).default(1),
        pointValueMinor: z.number().int('must be whole minor units').min(1, 'must be at least 1').max(100_000).default(1),
        offlineRedeemCap: z.number().int('must be a whole number of points').min(0, 'must not be negative').default(5000),
      })
      .strict()
      .prefault({}),
    /** The sale flow. `embeddedBarcode`: in-store scale labels (see `readEmbeddedBarcode` in shared/barcode.ts). */
    checkout: z
      .object({
        embeddedBarcode: z
          .object({
            prefix: z
              .string()
              .regex(/^\d{1,2}$/, 'must be 1 or 2 digits')
              .default('2'),
            value: z.enum(['price', 'weight'], 'must be "price" or "weight"').default('price'),
          })
          .strict()
          .prefault({}),
        /** After a sale: `print` prints the receipt at once, `ask` offers it (one key, P), `none` prints only when asked. */
        receipt: z.enum(['print', 'ask', 'none'], 'must be "print", "ask" or "none"').default('ask'),
        /** A tick on each good scan and a tone on an error (volume 0 to 1). */
        sound: z
          .object({ enabled: z.boolean().default(true), volume: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').default(0.5) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * Sign-in and manager PINs. Offline sign-in: users HQ verified on this register within `offlineLoginDays`.
     * `maxAttempts` wrong PINs in a row lock PIN entry (sign-in and manager approvals counted apart) for
     * `lockoutMinutes`; `autoLockMinutes` of no cashier activity locks the screen (0 = never; fractions allowed).
     */
    auth: z
      .object({
        offlineLoginDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1').max(90, 'must be at most 90').default(14),
        maxAttempts: z.number().int('must be a whole number').min(1, 'must be at least 1').max(20, 'must be at most 20').default(5),
        lockoutMinutes: z.number().min(0.01, 'must be above 0').max(24 * 60, 'must be at most a day (1440)').default(5),
        autoLockMinutes: z.number().min(0, 'must not be negative (0 turns auto-lock off)').max(24 * 60, 'must be at most a day (1440)').default(5),
      })
      .strict()
      .prefault({}),
    /** The register's language when nobody chose one on screen (the on-screen choice wins; then this; then `KASSA_LOCALE`). */
    ui: z
      .object({ locale: z.enum(LOCALES, `must be one of ${LOCALES.join(', ')}`).optional() })
      .strict()
      .prefault({}),
    /** Automatic updates (Electron): the update feed's URL (electron-updater's generic provider), https only (plain http on loopback for tests); unset, the register never looks for updates. */
    updates: z
      .object({
        url: z
          .url({ protocol: /^https?$/, error: 'must be an https URL' })
          .refine((u) => isSecureOrLoopback(new URL(u)), SECURE_URL_RULE)
          .optional(),
      })
      .strict()
      .prefault({}),
    /** The data folder's disk: the status bar warns below `lowSpaceMiB` free, measured every `checkIntervalMs` (and after a write failed for want of space). */
    storage: z
      .object({
        lowSpaceMiB: z.number().min(0, 'must not be negative (0 turns the warning off)').default(200),
        checkIntervalMs: z.number().int('must be a whole number of milliseconds').min(1000, 'must be at least 1000').default(30_000),
      })
      .strict()
      .prefault({}),
    /** Uploads to HQ: acknowledged operations are kept `ackRetentionDays`, to send again if HQ is restored from a backup that old (docs/hq-restore.md). */
    sync: z
      .object({ ackRetentionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1').max(366, 'must be at most 366').default(14) })
      .strict()
      .prefault({}),
    connectivity: z
      .object({
        t1Ms: ms(2000),
        t2Ms: ms(15000),
        t2OfflineMs: ms(3000),
        probeTimeoutMs: ms(2000),
        probeHedging: z.number().int('must be a whole number').min(1, 'must be at least 1').max(16, 'must be at most 16').default(4),
        recoverSuccesses: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100).default(2),
        qosPollMs: ms(5000),
      })
      .strict()
      .prefault({})
      .superRefine((c, ctx) => {
        if (c.t1Ms < c.probeTimeoutMs)
          ctx.addIssue({ code: 'custom', path: ['t1Ms'], message: `must be at least probeTimeoutMs (${c.probeTimeoutMs}), got ${c.t1Ms}` });
        if (c.t2Ms < c.probeTimeoutMs)
          ctx.addIssue({ code: 'custom', path: ['t2Ms'], message: `must be at least probeTimeoutMs (${c.probeTimeoutMs}), got ${c.t2Ms}` });
        if (c.t2OfflineMs < 100) ctx.addIssue({ code: 'custom', path: ['t2OfflineMs'], message: `must be at least 100, got ${c.t2OfflineMs}` });
        if (c.probeTimeoutMs < 100) ctx.addIssue({ code: 'custom', path: ['probeTimeoutMs'], message: `must be at least 100, got ${c.probeTimeoutMs}` });
      }),
  })
  .strict();

export type Settings = z.output<typeof SettingsSchema>;

export const SETTINGS_FILE = 'settings.json';

/** settings.json could not be used; the message names the file and the key. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

/** Validates a parsed settings object; missing keys take their defaults. */
export function parseSettings(raw: unknown, file = SETTINGS_FILE): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    const got = valueAt(raw, issue.path);
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    return `  ${key}: ${message}${got === undefined || issue.code === 'unrecognized_keys' ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
  return failWith(`${file} has ${problems.length === 1 ? 'a setting' : 'settings'} Kassa cannot use:\n${problems.join('\n')}\nFix the value or remove the key to use its default.`);
}

/**
 * Reads `<dataDir>/settings.json`, creating it with the defaults on first start. A partial file takes the
 * defaults for every missing key and is left as the person wrote it.
 */
export function loadSettings(dataDir: string): Settings {
  const file = path.join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return failWith(`${file} cannot be read: ${(error as Error).message}`);
    const settings = defaultSettings();
    writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
    return settings;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return failWith(`${file} is not valid JSON (${(error as Error).message}). Fix it, or delete it to start with the defaults.`);
  }
  return parseSettings(raw, file);
}

function failWith(message: string): never {
  throw new SettingsError(message);
}

function valueAt(raw: unknown, keys: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
