import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConsoleRole, Person } from '../../../shared/hq/console';
import type { ChangesResponse, FeedUser } from '../../../shared/hq/feed';
import { verifyPin } from '../auth/pin';
import { makeProduct } from '../test/factories';
import { describeEachStorage, enrolInTwoStores, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { consoleSession } from '../test/console';

/** A signed-in console user: the cookie and the CSRF token, sent with every call. */
interface Session {
  headers: Record<string, string>;
}

const as = async (app: TestHq['app'], role: ConsoleRole, storeIds: string[] = []): Promise<Session> => ({ headers: (await consoleSession(app, role, storeIds)).write });

describeEachStorage('console people', (kind) => {
  let hq: TestHq;
  let owner: Session;
  let manager: Session;
  let s01: TestRegister;
  let s02: TestRegister;

  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
    owner = await as(hq.app, 'owner');
    manager = await as(hq.app, 'store-manager', [s02.storeId]);
  });
  afterEach(() => hq.close());

  const addPerson = (session: Session, payload: object) => hq.app.inject({ method: 'POST', url: '/console/api/people', headers: session.headers, payload });
  const changePerson = (session: Session, id: string, payload: object) => hq.app.inject({ method: 'POST', url: `/console/api/people/${id}`, headers: session.headers, payload });
  const list = (session: Session, query = '') => hq.app.inject({ url: `/console/api/people${query}`, headers: session.headers });
  const feedOf = async (register: TestRegister, since: number, kinds = 'user') => (await hq.app.inject({ url: `/sync/changes?since=${since}&kinds=${kinds}`, headers: register.auth })).json<ChangesResponse>().changes;
  const audit = async () => (await hq.app.inject({ url: '/console/api/audit', headers: owner.headers })).json<{ entries: { action: string; target: string | null; storeId: string | null; detail: Record<string, unknown> }[] }>().entries;

  it("adds a cashier to the store manager's store: listed without a PIN, audited, and fed to that store's registers only", async () => {
    const { headSeq } = await hq.app.hq.feed.state();
    const res = await addPerson(manager, { storeId: s02.storeId, name: 'Chen', role: 'cashier', pin: '4321' });
    expect(res.statusCode).toBe(201);
    const person = res.json<Person>();
    expect(person).toMatchObject({ storeId: s02.storeId, name: 'Chen', role: 'cashier', active: true });
    expect(res.body).not.toContain('4321');

    const listed = (await list(manager)).json<{ people: Person[] }>().people;
    expect(listed.map((p) => p.name)).toEqual(['Chen']);
    expect(JSON.stringify(listed)).not.toMatch(/pin/i);

    const entry = (await audit()).find((e) => e.action === 'person.add');
    expect(entry).toMatchObject({ action: 'person.add', target: person.id, storeId: s02.storeId, detail: { name: 'Chen', role: 'cashier' } });
    expect(JSON.stringify(entry)).not.toContain('4321');

    const fed = (await feedOf(s02, headSeq)).filter((c) => c.kind === 'user');
    expect(fed).toHaveLength(1);
    const data = fed[0]!.data as FeedUser;
    expect(data).toMatchObject({ id: person.id, name: 'Chen', role: 'cashier', active: true, storeId: s02.storeId });
    expect(await verifyPin('4321', data.pinHash)).toBe(true);
    // Another store's registers never see this store's people.
    expect((await feedOf(s01, headSeq)).filter((c) => c.kind === 'user')).toEqual([]);
  });

  it('keeps people changes from a register that does not ask for them (one older than them), and moves it past them', async () => {
    const { headSeq } = await hq.app.hq.feed.state();
    await addPerson(manager, { storeId: s02.storeId, name: 'Chen', role: 'cashier', pin: '4321' });
    await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products: [makeProduct()] } });
    const older = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: s02.auth });
    expect(older.json<ChangesResponse>().changes.map((c) => c.kind)).toEqual(['product']);
    expect(older.json<ChangesResponse>().nextSeq).toBe((await hq.app.hq.feed.state()).headSeq);
    expect((await feedOf(s02, headSeq)).map((c) => c.kind)).toEqual(['user', 'product']);
  });

  it("keeps a store manager to their stores: another store's people are neither listed, added nor changed", async () => {
    const ana = (await list(owner, `?storeId=${s01.storeId}`)).json<{ people: Person[] }>().people.find((p) => p.name === 'Ana')!;
    expect((await list(manager, `?storeId=${s01.storeId}`)).statusCode).toBe(404);
    const add = await addPerson(manager, { storeId: s01.storeId, name: 'Eve', role: 'cashier', pin: '5555' });
    expect(add.statusCode).toBe(404);
    expect(add.json()).toMatchObject({ error: 'STORE_NOT_FOUND' });
    const change = await changePerson(manager, ana.id, { active: false });
    expect(change.statusCode).toBe(404);
    expect(change.json()).toMatchObject({ error: 'PERSON_NOT_FOUND' });
    expect((await list(owner, `?storeId=${s01.storeId}`)).json<{ people: Person[] }>().people.find((p) => p.id === ana.id)!.active).toBe(true);
  });

  it('refuses a PIN someone at the store already has (409 PIN_TAKEN), on adding and on a new PIN, but lets a person keep theirs', async () => {
    const taken = await addPerson(owner, { storeId: s01.storeId, name: 'Eve', role: 'cashier', pin: '1234' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: 'PIN_TAKEN' });
    // The same PIN at another store is someone else's business.
    expect((await addPerson(owner, { storeId: s02.storeId, name: 'Eve', role: 'cashier', pin: '1234' })).statusCode).toBe(201);

    const people = (await list(owner, `?storeId=${s01.storeId}`)).json<{ people: Person[] }>().people;
    const ana = people.find((p) => p.name === 'Ana')!;
    const reset = await changePerson(owner, ana.id, { pin: '9999' });
    expect(reset.statusCode).toBe(409);
    expect(reset.json()).toMatchObject({ error: 'PIN_TAKEN' });
    // Her own PIN again is not someone else's.
    expect((await changePerson(owner, ana.id, { pin: '1234' })).statusCode).toBe(200);
  });

  it('deactivates and gives a new PIN: audited without the PIN, fed to the registers, and online sign-in follows', async () => {
    const chen = (await addPerson(manager, { storeId: s02.storeId, name: 'Chen', role: 'cashier', pin: '4321' })).json<Person>();
    const { headSeq } = await hq.app.hq.feed.state();

    const renamed = await changePerson(manager, chen.id, { name: 'Chen Li', role: 'manager', pin: '8765' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json<Person>()).toMatchObject({ name: 'Chen Li', role: 'manager', active: true });
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: s02.auth, payload: { pin: '4321' } })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: s02.auth, payload: { pin: '8765' } })).statusCode).toBe(200);

    const off = await changePerson(manager, chen.id, { active: false });
    expect(off.json<Person>().active).toBe(false);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: s02.auth, payload: { pin: '8765' } })).statusCode).toBe(401);

    const entries = (await audit()).filter((e) => e.action === 'person.change');
    expect(entries.map((e) => e.detail)).toEqual([{ active: false }, { name: 'Chen Li', role: 'manager', pinReset: true }]);
    expect(JSON.stringify(entries)).not.toContain('8765');

    const fed = (await feedOf(s02, headSeq)).filter((c) => c.kind === 'user').map((c) => c.data as FeedUser);
    expect(fed.map((u) => [u.name, u.role, u.active])).toEqual([
      ['Chen Li', 'manager', true],
      ['Chen Li', 'manager', false],
    ]);
    expect(await verifyPin('8765', fed[0]!.pinHash)).toBe(true);
  });

  it('reactivates only with a new PIN, checked unique', async () => {
    const chen = (await addPerson(manager, { storeId: s02.storeId, name: 'Chen', role: 'cashier', pin: '4321' })).json<Person>();
    await changePerson(manager, chen.id, { active: false });
    await addPerson(manager, { storeId: s02.storeId, name: 'Dana', role: 'cashier', pin: '4321' });
    const back = await changePerson(manager, chen.id, { active: true });
    expect(back.statusCode).toBe(400);
    expect(back.json()).toMatchObject({ error: 'PIN_NEEDED' });
    expect((await changePerson(manager, chen.id, { active: true, pin: '4321' })).json()).toMatchObject({ error: 'PIN_TAKEN' });
    expect((await changePerson(manager, chen.id, { active: true, pin: '1357' })).json<Person>().active).toBe(true);
  });

  it('sends the store its people in the snapshot, with whether they are active', async () => {
    const chen = (await addPerson(manager, { storeId: s02.storeId, name: 'Chen', role: 'cashier', pin: '4321' })).json<Person>();
    await changePerson(manager, chen.id, { active: false });
    const snapshot = (await hq.app.inject({ url: '/sync/snapshot', headers: s02.auth })).json<{ users: FeedUser[] }>();
    expect(snapshot.users.map((u) => [u.name, u.active])).toEqual([['Chen', false]]);
    const s01Names = (await hq.app.inject({ url: '/sync/snapshot', headers: s01.auth })).json<{ users: FeedUser[] }>().users.map((u) => u.name);
    expect(s01Names.sort()).toEqual(['Ana', 'Ben', 'Max']);
  });
});
