/**
 * A store or area manager never sees or changes another store: every console route is probed with the
 * other store's ids, and every list is checked for them. A console route without a probe here fails the
 * last test, so a new route cannot skip this check.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPORTS } from '../../../shared/hq/console';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { describeEachStorage, enrolInTwoStores, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { consoleSession, type ConsoleSession } from '../test/console';
import { makeSaleOp, push } from '../test/factories';

const today = new Date().toISOString().slice(0, 10);
const days = `from=${today}&to=${today}`;

interface Other {
  storeId: string;
  registerId: string;
  personId: string;
  saleNumber: string;
}

type Probe =
  /** Naming the other store's object is refused as unknown (404), and changes nothing. */
  | { kind: 'refused'; requests: (o: Other) => { method: 'GET' | 'POST'; url: string; payload?: object }[] }
  /** A list: the other store's ids never appear in it. */
  | { kind: 'list'; url: string }
  /** Only for owners (and area managers where said): a store manager gets 403. */
  | { kind: 'forbidden'; method: 'GET' | 'POST'; url: (o: Other) => string; payload?: object; areaManagerToo: boolean }
  /** The chain's catalog: the same for every store, nothing store-scoped in it. */
  | { kind: 'chain'; url: string }
  | { kind: 'none'; why: string };

const PROBES: Record<string, Probe> = {
  consoleSession: { kind: 'none', why: 'public: the signed-in user only' },
  consoleSetup: { kind: 'none', why: 'public: the first owner, once' },
  consoleSignIn: { kind: 'none', why: 'public: the credential' },
  consoleSignOut: { kind: 'none', why: 'ends the caller\'s own session' },
  consoleApp: { kind: 'none', why: 'the static web app' },
  consoleRoot: { kind: 'none', why: 'the static web app' },
  consoleFleetStream: { kind: 'none', why: "fleet-stream tests check that it sends only the user's registers" },
  consoleUsers: { kind: 'forbidden', method: 'GET', url: () => '/console/api/users', areaManagerToo: true },
  consoleAddUser: { kind: 'forbidden', method: 'POST', url: () => '/console/api/users', payload: { email: 'x@y.test', name: 'X', role: 'owner', password: 'long enough pw' }, areaManagerToo: true },
  consoleChangeUser: { kind: 'forbidden', method: 'POST', url: () => '/console/api/users/someone', payload: { active: false }, areaManagerToo: true },
  consoleStores: { kind: 'list', url: '/console/api/stores' },
  consoleAddStore: { kind: 'forbidden', method: 'POST', url: () => '/console/api/stores', payload: { code: 'S99', name: 'New', currency: 'EUR' }, areaManagerToo: false },
  consoleChangeStore: { kind: 'refused', requests: (o) => [{ method: 'POST', url: `/console/api/stores/${o.storeId}`, payload: { name: 'Mine now' } }] },
  consoleEnrolmentCode: { kind: 'refused', requests: (o) => [{ method: 'POST', url: `/console/api/stores/${o.storeId}/enrolment-codes`, payload: {} }] },
  consoleRegisters: { kind: 'list', url: '/console/api/registers' },
  consoleRevokeRegister: { kind: 'refused', requests: (o) => [{ method: 'POST', url: `/console/api/registers/${o.registerId}/revoke` }] },
  consolePeople: { kind: 'list', url: '/console/api/people' },
  consoleAddPerson: { kind: 'refused', requests: (o) => [{ method: 'POST', url: '/console/api/people', payload: { storeId: o.storeId, name: 'Mole', role: 'manager', pin: '7531' } }] },
  consoleChangePerson: { kind: 'refused', requests: (o) => [{ method: 'POST', url: `/console/api/people/${o.personId}`, payload: { pin: '8642' } }] },
  consoleProducts: { kind: 'chain', url: '/console/api/products?q=milk' },
  consoleTaxClasses: { kind: 'chain', url: '/console/api/tax-classes' },
  consolePromotions: { kind: 'chain', url: '/console/api/promotions' },
  consoleChangeProduct: { kind: 'forbidden', method: 'POST', url: () => '/console/api/products/SKU-000001', payload: { price: 1 }, areaManagerToo: false },
  consoleImportCatalog: { kind: 'forbidden', method: 'POST', url: () => '/console/api/catalog/import', payload: { products: [] }, areaManagerToo: false },
  consoleSavePromotion: { kind: 'forbidden', method: 'POST', url: () => '/console/api/promotions', payload: { promotion: { id: 'p', name: 'P', kind: 'threshold', minSpend: 100, amountOff: 1, active: true } }, areaManagerToo: false },
  consoleEndPromotion: { kind: 'forbidden', method: 'POST', url: () => '/console/api/promotions/demo-10-off/end', areaManagerToo: false },
  consoleTakings: { kind: 'list', url: `/console/api/money/takings?${days}` },
  consoleRefunds: { kind: 'list', url: `/console/api/money/refunds?${days}` },
  consoleOfflineCards: { kind: 'list', url: `/console/api/money/offline-cards?${days}` },
  consoleCashSessions: { kind: 'list', url: `/console/api/money/cash-sessions?${days}` },
  consoleExport: { kind: 'list', url: `/console/api/export/takings?${days}` },
  consoleFleet: { kind: 'list', url: '/console/api/fleet' },
  consoleFleetTimeline: { kind: 'list', url: '/console/api/fleet/timeline' },
  consoleAudit: { kind: 'list', url: '/console/api/audit' },
};

/** The same list narrowed to the other store, or to its register, where its query takes them: refused as unknown. */
function narrowed(name: string, url: string, o: Other): string[] {
  const query = (HQ_ROUTES[name as keyof typeof HQ_ROUTES] as { query?: { shape?: Record<string, unknown> } }).query;
  const shape = query?.shape ?? (query as { def?: { schema?: { shape?: Record<string, unknown> } } } | undefined)?.def?.schema?.shape ?? {};
  const join = url.includes('?') ? '&' : '?';
  return [...('storeId' in shape ? [`${url}${join}storeId=${o.storeId}`] : []), ...('registerId' in shape ? [`${url}${join}registerId=${o.registerId}`] : [])];
}

describeEachStorage('console store scope', (kind) => {
  let hq: TestHq;
  let registers: { s01: TestRegister; s02: TestRegister };
  let other: Other;
  const managers: Record<string, ConsoleSession> = {};

  beforeAll(async () => {
    hq = await makeHq(kind);
    registers = await enrolInTwoStores(hq);
    const owner = await consoleSession(hq.app, 'owner');
    const person = await hq.app.inject({ method: 'POST', url: '/console/api/people', headers: owner.write, payload: { storeId: registers.s02.storeId, name: 'Other Store Cashier', role: 'cashier', pin: '5555' } });
    expect(person.statusCode, person.body).toBe(201);
    const sale = makeSaleOp({ number: 'S02-R01-777', createdAt: new Date().toISOString() });
    const pushed = (await push(hq.app, registers.s02, [sale]))[0]!;
    expect(pushed, JSON.stringify(pushed)).toMatchObject({ status: 'applied' });
    other = { storeId: registers.s02.storeId, registerId: registers.s02.registerId, personId: person.json().id, saleNumber: 'S02-R01-777' };
    managers['store manager'] = await consoleSession(hq.app, 'store-manager', [registers.s01.storeId]);
    managers['area manager'] = await consoleSession(hq.app, 'area-manager', [registers.s01.storeId]);
  });
  afterAll(() => hq.close());

  for (const who of ['store manager', 'area manager']) {
    it(`keeps a ${who} of S01 out of S02 on every console route`, async () => {
      const manager = managers[who]!;
      let narrowedLists = 0;
      const leaks = (body: string) => [other.storeId, other.registerId, other.personId, other.saleNumber].filter((id) => body.includes(id));
      for (const [name, probe] of Object.entries(PROBES)) {
        if (probe.kind === 'refused') {
          for (const r of probe.requests(other)) {
            const res = await hq.app.inject({ method: r.method, url: r.url, headers: r.method === 'GET' ? manager.read : manager.write, ...(r.payload === undefined ? {} : { payload: r.payload }) });
            expect(res.statusCode, `${name}: ${r.method} ${r.url}`).toBe(404);
          }
        } else if (probe.kind === 'list') {
          const own = await hq.app.inject({ method: 'GET', url: probe.url, headers: manager.read });
          expect(own.statusCode, `${name}: ${own.body}`).toBe(200);
          expect(leaks(own.body), `${name} lists another store's data`).toEqual([]);
          for (const url of narrowed(name, probe.url, other)) {
            narrowedLists++;
            const res = await hq.app.inject({ method: 'GET', url, headers: manager.read });
            expect(res.statusCode, `${name}: ${url}`).toBe(404);
          }
        } else if (probe.kind === 'forbidden') {
          const res = await hq.app.inject({ method: probe.method, url: probe.url(other), headers: probe.method === 'GET' ? manager.read : manager.write, ...(probe.payload === undefined ? {} : { payload: probe.payload }) });
          if (who === 'store manager' || probe.areaManagerToo) expect(res.statusCode, `${name} by a ${who}`).toBe(403);
        } else if (probe.kind === 'chain') {
          const res = await hq.app.inject({ method: 'GET', url: probe.url, headers: manager.read });
          expect(res.statusCode, name).toBe(200);
          expect(leaks(res.body), name).toEqual([]);
        }
      }
      // Registers, people, audit, the four money lists, export and timeline by store; the money lists, export and timeline by register too.
      expect(narrowedLists).toBe(15);
      // Nothing of S02 changed: its register still works, its person keeps the PIN, its name is its own.
      const stores = await hq.app.hq.database.read.selectFrom('stores').select('name').where('id', '=', other.storeId).executeTakeFirstOrThrow();
      expect(stores.name).toBe('Second Street');
      const register = await hq.app.hq.database.read.selectFrom('registers').select('revoked_at').where('id', '=', other.registerId).executeTakeFirstOrThrow();
      expect(register.revoked_at).toBeNull();
      const codes = await hq.app.hq.database.read.selectFrom('enrolment_codes').select('code_hash').where('store_id', '=', other.storeId).execute();
      expect(codes).toHaveLength(1);
    });
  }

  it('exports no report of another store', async () => {
    const manager = managers['store manager']!;
    for (const report of EXPORTS) {
      const res = await hq.app.inject({ method: 'GET', url: `/console/api/export/${report}?${days}&storeId=${other.storeId}`, headers: manager.read });
      expect(res.statusCode, report).toBe(404);
      const mine = await hq.app.inject({ method: 'GET', url: `/console/api/export/${report}?${days}`, headers: manager.read });
      expect(mine.statusCode, report).toBe(200);
      expect(mine.body.includes(other.storeId) || mine.body.includes(other.saleNumber), report).toBe(false);
    }
  });

  it('has a probe for every console route, so a new one cannot skip the store check', () => {
    const consoleRoutes = Object.entries(HQ_ROUTES).filter(([, r]) => r.tag === 'console').map(([name]) => name);
    expect(consoleRoutes.filter((id) => !(id in PROBES))).toEqual([]);
    expect(Object.keys(PROBES).filter((id) => !consoleRoutes.includes(id))).toEqual([]);
  });
});
