import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { HqOptions } from './server';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const flag = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');

const EnvSchema = z.object({
  PORT: z.coerce.number().int('must be a whole number').min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  HQ_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection string (postgres://user:password@host:5432/database)')
    .optional(),
  HQ_DEMO: flag.default(false),
  HQ_ENROLMENT_CODE: z.string().min(1).max(128).default('DEMO'),
  HQ_ADMIN_TOKEN: z.string().optional(),
  HQ_FAULTS: flag.default(false),
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
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(present[String(i.path[0])])})`);
    throw new ConfigError(`HQ cannot start with this environment:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    options: {
      storage: e.DATABASE_URL ? { kind: 'postgres', connectionString: e.DATABASE_URL } : { kind: 'sqlite', dataDir: path.resolve(e.HQ_DATA_DIR ?? defaultDataDir()) },
      adminToken: e.HQ_ADMIN_TOKEN ?? null,
      faultsEnabled: e.HQ_FAULTS,
      demo: e.HQ_DEMO,
      enrolmentCode: e.HQ_ENROLMENT_CODE,
    },
  };
}
