import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { EmailSchema, PasswordSchema } from '../../shared/hq/console';
import type { HqOptions } from './server';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const flag = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');

/** Outside the demo the admin token guards every store's data: long enough that it cannot be guessed. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Values never echoed in a start-up error. */
const SECRETS = new Set(['HQ_ADMIN_TOKEN', 'DATABASE_URL', 'DATABASE_LISTEN_URL', 'HQ_OWNER_PASSWORD']);

/** HQ_TRUST_PROXY: off (0, false), any proxy (1, true), or the proxies' addresses / CIDR ranges, comma-separated. */
const trustProxy = z
  .string()
  .transform((v, ctx) => {
    const value = v.trim().toLowerCase();
    if (value === '0' || value === 'false') return false;
    if (value === '1' || value === 'true') return true;
    const addresses = value.split(',').map((a) => a.trim()).filter(Boolean);
    if (addresses.length === 0 || !addresses.every((a) => /^[0-9a-f.:]+(\/\d{1,3})?$/.test(a))) {
      ctx.addIssue({ code: 'custom', message: 'must be 0, 1, or the addresses (or CIDR ranges) of the proxies in front of HQ, comma-separated' });
      return z.NEVER;
    }
    return addresses;
  });

const EnvSchema = z.object({
  PORT: z.coerce.number().int('must be a whole number').min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  HQ_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection string (postgres://user:password@host:5432/database)')
    .optional(),
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection string to the database server itself (postgres://user:password@host:5432/database)')
    .optional(),
  HQ_DB_POOL_SIZE: z.coerce.number().int('must be a whole number').min(1).max(1000).default(10),
  HQ_DEMO: flag.default(false),
  HQ_ENROLMENT_CODE: z.string().min(1).max(128).default('DEMO'),
  HQ_ADMIN_TOKEN: z.string().optional(),
  HQ_FAULTS: flag.default(false),
  HQ_PG_PREPARED: flag.default(true),
  HQ_FEED_SEQUENCING: z.enum(['staged', 'append']).default('staged'),
  HQ_TRUST_PROXY: trustProxy.default(false),
  HQ_OWNER_EMAIL: EmailSchema.optional(),
  HQ_OWNER_PASSWORD: PasswordSchema.optional(),
  HQ_INSTANCE_ID: z.string().trim().min(1).max(100).optional(),
}).superRefine((e, ctx) => {
  if ((e.HQ_OWNER_EMAIL === undefined) !== (e.HQ_OWNER_PASSWORD === undefined)) {
    ctx.addIssue({ code: 'custom', path: [e.HQ_OWNER_EMAIL === undefined ? 'HQ_OWNER_EMAIL' : 'HQ_OWNER_PASSWORD'], message: 'set both HQ_OWNER_EMAIL and HQ_OWNER_PASSWORD (the console\'s first owner), or neither' });
  }
  if (!e.HQ_DEMO && e.HQ_ADMIN_TOKEN !== undefined && e.HQ_ADMIN_TOKEN.length < MIN_ADMIN_TOKEN_LENGTH) {
    ctx.addIssue({ code: 'custom', path: ['HQ_ADMIN_TOKEN'], message: `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters outside the demo (HQ_DEMO=1); make one with: openssl rand -hex 32` });
  }
});

export interface HqConfig {
  port: number;
  host: string;
  options: Omit<HqOptions, 'logger'>;
}

/** Where HQ keeps its SQLite database when HQ_DATA_DIR is not set: the user's data folder. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'kassa-hq');
}

/** Reads HQ's environment (CONTRACT.md); a bad value stops start-up with a message naming the variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): HqConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const got = (name: string) => (SECRETS.has(name) ? `${String(present[name] ?? '').length} characters` : JSON.stringify(present[name]));
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${got(String(i.path[0]))})`);
    throw new ConfigError(`HQ cannot start with this environment:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    options: {
      storage: e.DATABASE_URL ? { kind: 'postgres', connectionString: e.DATABASE_URL, preparedStatements: e.HQ_PG_PREPARED, feedSequencing: e.HQ_FEED_SEQUENCING, poolSize: e.HQ_DB_POOL_SIZE, ...(e.DATABASE_LISTEN_URL ? { listenConnectionString: e.DATABASE_LISTEN_URL } : {}) } : { kind: 'sqlite', dataDir: path.resolve(e.HQ_DATA_DIR ?? defaultDataDir()) },
      adminToken: e.HQ_ADMIN_TOKEN ?? null,
      faultsEnabled: e.HQ_FAULTS,
      demo: e.HQ_DEMO,
      enrolmentCode: e.HQ_ENROLMENT_CODE,
      trustProxy: e.HQ_TRUST_PROXY,
      ...(e.HQ_INSTANCE_ID ? { instanceId: e.HQ_INSTANCE_ID } : {}),
      ...(e.HQ_OWNER_EMAIL && e.HQ_OWNER_PASSWORD ? { ownerEmail: e.HQ_OWNER_EMAIL, ownerPassword: e.HQ_OWNER_PASSWORD } : {}),
    },
  };
}
