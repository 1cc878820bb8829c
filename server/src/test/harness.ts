/**
 * Test harness: every suite runs on SQLite, and on PostgreSQL when KASSA_TEST_DATABASE_URL is set (each
 * server in its own fresh schema, dropped afterwards, so runs never collide).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { skipReason } from '../../../shared/testing/capabilities';
import type { StorageOptions } from '../db/database';
import type { HqApp } from '../context';
import { buildServer, type HqOptions } from '../server';

export type StorageKind = 'sqlite' | 'postgres';

const PG_URL = process.env.KASSA_TEST_DATABASE_URL;
export const POSTGRES_SKIP_REASON = skipReason('postgres', PG_URL ? { ok: true } : { ok: false, reason: 'KASSA_TEST_DATABASE_URL is not set (.ci/run sets it with a local PostgreSQL 15)' });

/** Runs `fn`'s tests once per storage; the PostgreSQL copy reports itself skipped, with the reason, when it has no database. */
let skipReported = false;

export function describeEachStorage(title: string, fn: (kind: StorageKind) => void): void {
  if (POSTGRES_SKIP_REASON && !skipReported) {
    skipReported = true;
    console.info(`HQ tests on PostgreSQL ${POSTGRES_SKIP_REASON}`);
  }
  describe(`${title} [sqlite]`, () => fn('sqlite'));
  describe.skipIf(POSTGRES_SKIP_REASON !== null)(`${title} [postgres${POSTGRES_SKIP_REASON ? `: ${POSTGRES_SKIP_REASON}` : ''}]`, () => fn('postgres'));
}

export interface TestStorage {
  storage: StorageOptions;
  cleanup: () => Promise<void>;
}

export function makeStorage(kind: StorageKind): TestStorage {
  if (kind === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hq-test-'));
    return { storage: { kind: 'sqlite', dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!PG_URL) throw new Error(POSTGRES_SKIP_REASON!);
  const schema = `kassa_t_${crypto.randomBytes(6).toString('hex')}`;
  return {
    storage: { kind: 'postgres', connectionString: PG_URL, schema, poolSize: 12 },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestHq {
  app: HqApp;
  storage: TestStorage;
  admin: { authorization: string };
  close: () => Promise<void>;
}

/** A demo HQ (store S01, code DEMO, users, catalog) on a fresh database; close() also removes the database. */
export async function makeHq(kind: StorageKind, options: Partial<HqOptions> = {}): Promise<TestHq> {
  const storage = makeStorage(kind);
  const app = await buildServer({
    storage: storage.storage,
    adminToken: ADMIN_TOKEN,
    faultsEnabled: true,
    demo: true,
    enrolmentCode: 'DEMO',
    pruneEveryMs: 0,
    settleEveryMs: 0,
    ...options,
  });
  await app.ready();
  return {
    app,
    storage,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    close: async () => {
      await app.close();
      await storage.cleanup();
    },
  };
}

export interface TestRegister {
  registerId: string;
  registerCode: string;
  storeId: string;
  token: string;
  auth: { authorization: string };
}

/** A register of the demo store (S01) and one of a second store, S02 "Second Street": for store-scope tests. */
export async function enrolInTwoStores(hq: TestHq): Promise<{ s01: TestRegister; s02: TestRegister }> {
  const s01 = await enrolRegister(hq.app);
  await hq.app.inject({ method: 'POST', url: '/stores', headers: hq.admin, payload: { code: 'S02', name: 'Second Street', currency: 'EUR', enrolmentCode: 'SECOND-STREET' } });
  return { s01, s02: await enrolRegister(hq.app, 'SECOND-STREET') };
}

export async function enrolRegister(app: HqApp, code = 'DEMO'): Promise<TestRegister> {
  const res = await app.inject({ method: 'POST', url: '/registers/enrol', payload: { code } });
  if (res.statusCode !== 201) throw new Error(`enrolment failed: ${res.statusCode} ${res.body}`);
  const body = res.json<{ registerId: string; registerCode: string; token: string; store: { id: string } }>();
  return { registerId: body.registerId, registerCode: body.registerCode, storeId: body.store.id, token: body.token, auth: { authorization: `Bearer ${body.token}` } };
}
