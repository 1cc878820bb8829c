import fs from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectivityState, User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { Diagnostics } from '../../../shared/modules/admin.api';
import { TransitionLog } from '../../connectivity/transition-log';
import { handle, type CallContext, type Handlers } from '../../core/handle';
import { DATABASE_FILE } from '../../core/kassa-core';
import { LogRing, silentLogger } from '../../core/logger';
import { openDatabase, schemaVersion } from '../../db/open';
import { seedDemoData } from '../../demo/seed';
import { loadSettings } from '../../settings/settings';
import { makeTempDir } from '../../test/factories';
import { CatalogRepository } from '../catalog/catalog.repository';
import { UsersRepository } from '../auth/users.repository';
import { LedgerRepository } from '../checkout';
import { IdentityStore } from '../../hq/identity';
import { DeadLetters } from '../../sync/dead-letters';
import { Outbox } from '../../sync/outbox';
import { diagnosticsHandlers } from './diagnostics.handlers';
import { DiagnosticsService } from './diagnostics.service';
import { redactLogLine } from './redact';

const context: CallContext = { host: 'web', trustedSender: true };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

const DEVICE_TOKEN = 'dev-tok-Zq81Lx0pWm3Rt7Yv';
const WEB_TOKEN = 'webhost-Hn4Kc9Vb2Ej6Ua';
const CARD_TOKEN = '4000056655665556';
const DEAD_CARD_TOKEN = '5555555555554444';

interface Register {
  dispatch: (channel: 'diagnostics.overview' | 'diagnostics.bundle', input: Record<string, unknown>) => Promise<unknown>;
  pinHashes: string[];
  signIn: (user: User | null) => void;
  transitions: TransitionLog;
}

/** A register database holding every kind of secret, and the diagnostics calls on it. */
async function registerWithSecrets(): Promise<Register> {
  const { dir, cleanup } = makeTempDir();
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  cleanups.push(() => {
    db.close();
    cleanup();
  });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ connectivity: { t1Ms: 2000 } }));
  const users = new UsersRepository(db);
  await seedDemoData(new CatalogRepository(db), users);
  db.prepare(
    `INSERT INTO register_identity (singleton, hq_url, register_id, register_code, store_id, store_code, store_name, currency, prices_include_tax, device_token, enrolled_at)
     VALUES (1, 'http://127.0.0.1:9', 'reg-1', 'R01', 'st-1', 'S01', 'Demo', 'EUR', 1, @token, 1)`,
  ).run({ token: DEVICE_TOKEN });
  const pinHashes = db.prepare<[], { pin_hash: string }>('SELECT pin_hash FROM users').all().map((r) => r.pin_hash);
  const cashier = db.prepare<[], { id: string }>('SELECT id FROM users LIMIT 1').get()!.id;
  // A stored card payment, an operation and a dead letter carrying card tokens, written as the modules would.
  db.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at, sequence, number, completed_at) VALUES ('s1', 'completed', @cashier, 'EUR', 1, 1, 'S01-R01-1', 1)").run({ cashier });
  db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at, card_last4, card_token) VALUES ('p1', 's1', 'card', 500, 'stored', 1, '5556', @token)").run({ token: CARD_TOKEN });
  db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES ('o1', 'offlineCardPayment', 'p1', 'captured', @payload, 1)").run({ payload: JSON.stringify({ id: 'p1', cardToken: CARD_TOKEN }) });
  db.prepare(
    "INSERT INTO dead_letters (id, entity, entity_id, type, payload, created_at, code, message, rejected_at) VALUES ('o2', 'offlineCardPayment', 'p2', 'captured', @payload, 1, 'INVALID_PAYLOAD', 'bad', 2)",
  ).run({ payload: JSON.stringify({ id: 'p2', cardToken: DEAD_CARD_TOKEN }) });
  const transitions = new TransitionLog(db);
  transitions.append({ at: Date.now() - 60_000, from: 'starting', to: 'online', fromReasons: [], reasons: [], trigger: 'start', user: null, detail: null });
  transitions.append({ at: Date.now() - 30_000, from: 'online', to: 'offline', fromReasons: [], reasons: ['manual'], trigger: 'manual.goOffline', user: 'Max', detail: null });
  const state: ConnectivityState = { state: 'offline', reasons: ['manual'], since: Date.now() - 30_000, manualBy: 'Max', warning: null, hq: { configured: true, reachable: true, lastProbeAt: 1, latencyMs: 3, evidence: null, lastError: null } };
  const ring = new LogRing();
  // Log lines that would leak if the bundle copied the log as it is.
  for (const line of [
    { level: 30, msg: 'login', pin: '9999', pinHash: pinHashes[0] },
    { level: 30, msg: `calling HQ with Bearer ${DEVICE_TOKEN}` },
    { level: 30, msg: `preview at http://127.0.0.1:5317/?token=${WEB_TOKEN}` },
    { level: 30, msg: 'stored card', card: CARD_TOKEN, other: `cookie kassa_token=${WEB_TOKEN}` },
    { level: 40, msg: `dead letter payload ${JSON.stringify({ cardToken: DEAD_CARD_TOKEN })}`, deviceToken: DEVICE_TOKEN },
  ])
    ring.write(`${JSON.stringify(line)}\n`);
  ring.write(`plain text line with ${pinHashes[1]} and ${WEB_TOKEN}\n`);
  const deadLetters = new DeadLetters(db);
  const outbox = new Outbox(db);
  const ledger = new LedgerRepository(db);
  const diagnostics = new DiagnosticsService({
    databaseVersion: () => schemaVersion(db),
    figures: {
      queue: () => outbox.figures(),
      deadLetters,
      sales: () => ledger.saleCounts(),
      secrets: [() => users.storedPinHashes(), () => new IdentityStore(db).storedTokens(), () => ledger.storedCardTokens(), () => outbox.cardTokens(), () => deadLetters.cardTokens()],
    },
    dataDir: dir,
    appVersion: '0.1.0',
    settings: loadSettings(dir),
    transitions,
    connectivity: { current: () => state, recentProbes: () => [{ at: 1, ok: true, latencyMs: 3, error: null }] },
    sync: { status: () => ({ pending: 1, oldestPendingAt: 1, lastSyncAt: null, lastError: null, deadLetters: 1, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: null, declinedCardPayments: 0 }) },
    hqHealth: () => Promise.resolve({ status: 'ok', database: 'sqlite', version: '0.1.0' }),
    hqUrl: 'http://127.0.0.1:9',
    logs: () => ring.recent(),
    extraSecrets: () => [WEB_TOKEN],
    storeCode: () => 'S01',
    registerCode: () => 'R01',
  });
  let user: User | null = null;
  const handlers = diagnosticsHandlers({ diagnostics, log: silentLogger() });
  const dispatch = handle(handlers as Handlers, silentLogger(), { session: { current: () => user, isLocked: () => false } });
  return {
    dispatch: async (channel, input) => {
      const result = await dispatch(channel, input, context);
      if (!result.ok) throw new KassaError(result.error.code, result.error.message);
      return result.value;
    },
    pinHashes,
    signIn: (u) => (user = u),
    transitions,
  };
}

const MAX: User = { id: 'm', name: 'Max', role: 'manager' };

describe('the support bundle', () => {
  it('carries logs, settings, the transition log, counts and versions, and never a PIN, PIN hash, device token, card token or the web host token', async () => {
    const register = await registerWithSecrets();
    const { pinHashes } = register;
    register.signIn(MAX);
    const bundle = (await register.dispatch('diagnostics.bundle', {})) as { fileName: string; base64: string; size: number };
    expect(bundle.fileName).toMatch(/^kassa-support-S01-R01-\d{8}-\d{6}\.zip$/);
    const files = unzipSync(Buffer.from(bundle.base64, 'base64'));
    expect(Object.keys(files).sort()).toEqual(
      [
        'README.txt',
        'connectivity-log.json',
        'connectivity-state.json',
        'counts.json',
        'dead-letters.json',
        'logs/kassa.log',
        'machine.json',
        'probes.json',
        'settings-in-force.json',
        'settings.json',
        'sync-status.json',
        'versions.json',
      ].sort(),
    );
    const text = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
    // What it must contain.
    expect(JSON.parse(text['versions.json']!)).toMatchObject({ app: '0.1.0', database: expect.any(Number), hq: { version: '0.1.0', database: 'sqlite' } });
    expect(JSON.parse(text['counts.json']!)).toMatchObject({ sales: { completed: 1 }, outbox: { pending: 1, byEntity: [{ entity: 'offlineCardPayment', count: 1 }] }, deadLetters: 1 });
    const log = JSON.parse(text['connectivity-log.json']!) as { reasons: string[]; user: string | null }[];
    expect(log.at(-1)).toMatchObject({ reasons: ['manual'], user: 'Max' });
    expect(JSON.parse(text['settings.json']!)).toHaveProperty('connectivity');
    expect(text['logs/kassa.log']).toContain('stored card');
    // What it must never contain, in any file.
    const secrets = [DEVICE_TOKEN, WEB_TOKEN, CARD_TOKEN, DEAD_CARD_TOKEN, ...pinHashes];
    expect(pinHashes.length).toBeGreaterThanOrEqual(2);
    for (const [name, content] of Object.entries(text)) {
      for (const secret of secrets) expect(content.includes(secret), `${name} contains ${secret}`).toBe(false);
      expect(content, name).not.toMatch(/scrypt\$/);
      expect(content, name).not.toMatch(/"pin(Hash)?":\s*"\d/);
    }
  });

  it('is for managers only, as is the diagnostics overview', async () => {
    const register = await registerWithSecrets();
    await expect(register.dispatch('diagnostics.bundle', {})).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    register.signIn({ id: 'c', name: 'Ana', role: 'cashier' });
    await expect(register.dispatch('diagnostics.overview', {})).rejects.toMatchObject({ code: 'NOT_A_MANAGER' });
    await expect(register.dispatch('diagnostics.bundle', {})).rejects.toMatchObject({ code: 'NOT_A_MANAGER' });
    register.signIn(MAX);
    const overview = (await register.dispatch('diagnostics.overview', { hours: 2 })) as Diagnostics;
    expect(overview.versions.database).toBeGreaterThanOrEqual(10);
    expect(overview.queue).toMatchObject({ pending: 1, byEntity: [{ entity: 'offlineCardPayment', count: 1 }] });
    expect(overview.deadLetters).toBe(1);
    expect(overview.timeline.map((e) => e.to)).toEqual(['online', 'offline']);
  });

  it('starts the timeline with the transition in force when the window opens', async () => {
    const register = await registerWithSecrets();
    register.transitions.append({ at: Date.now() - 10_000, from: 'offline', to: 'online', fromReasons: ['manual'], reasons: [], trigger: 'manual.goOnline', user: 'Max', detail: null });
    register.signIn(MAX);
    const overview = (await register.dispatch('diagnostics.overview', { hours: 1 })) as Diagnostics;
    expect(overview.timeline.map((e) => e.trigger)).toEqual(['start', 'manual.goOffline', 'manual.goOnline']);
  });
});

describe('log redaction', () => {
  it('blanks secret-named fields and cuts out bearer tokens, scrypt hashes and token query strings', () => {
    expect(redactLogLine(JSON.stringify({ msg: 'x', managerPin: '1234', nested: { deviceToken: 'abc' }, ok: true }), [])).toBe(
      JSON.stringify({ msg: 'x', managerPin: '[removed]', nested: { deviceToken: '[removed]' }, ok: true }),
    );
    expect(redactLogLine('GET /?token=abc&x=1 Authorization: Bearer xyz scrypt$16384$8$1$salt$hash', [])).toBe('GET /?token=[removed]&x=1 Authorization: Bearer [removed] [pin hash removed]');
  });
});
