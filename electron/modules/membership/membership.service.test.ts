import { afterEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { TenderState } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { Member } from '../../../shared/hq/members';
import { silentLogger } from '../../core/logger';
import { HqStatusError } from '../../hq/hq-client';
import { hqStandInCaller } from '../../hq/testing/hq-stand-in-caller';
import { Outbox } from '../../sync/outbox';
import { makeDatabase } from '../../test/factories';
import { LedgerRepository } from '../checkout';
import { MemberRepository } from './member.repository';
import { MembershipService, type MemberHq } from './membership.service';

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A stand-in HQ holding members and a ledger; answers like server/src/members. */
function fakeHq() {
  const members = new Map<string, Member>();
  const ledger: { memberId: string; delta: number }[] = [];
  let down = false;
  const balance = (id: string) => ledger.filter((e) => e.memberId === id).reduce((s, e) => s + e.delta, 0);
  const hq: MemberHq & { members: typeof members; ledger: typeof ledger; setDown(d: boolean): void } = {
    members,
    ledger,
    setDown: (d) => (down = d),
    ...hqStandInCaller(({ method, path, body }): Promise<unknown> => {
      if (down) return Promise.reject(new Error('connect ECONNREFUSED'));
      const url = new URL(path, 'http://hq');
      if (method === 'GET' && url.pathname === '/members/lookup') {
        const phone = url.searchParams.get('phone');
        const card = url.searchParams.get('card');
        const m = [...members.values()].find((x) => (phone !== null && x.phone === phone) || (card !== null && x.card === card));
        return m ? Promise.resolve({ member: m, balance: balance(m.id) }) : Promise.reject(new HqStatusError(404, '{"error":"MEMBER_NOT_FOUND"}'));
      }
      const balanceMatch = /^\/members\/([^/]+)\/balance$/.exec(url.pathname);
      if (method === 'GET' && balanceMatch) {
        const id = decodeURIComponent(balanceMatch[1]!);
        return members.has(id) ? Promise.resolve({ memberId: id, balance: balance(id) }) : Promise.reject(new HqStatusError(404, '{}'));
      }
      if (method === 'POST' && url.pathname === '/members') {
        const input = body as { id: string; name: string; phone: string; card?: string };
        const taken = [...members.values()].find((x) => x.phone === input.phone);
        if (taken) return Promise.reject(new HqStatusError(409, JSON.stringify({ error: 'DUPLICATE_PHONE', details: { memberId: taken.id } })));
        const m: Member = { id: input.id, name: input.name, phone: input.phone, card: input.card ?? null, createdAt: new Date().toISOString() };
        members.set(m.id, m);
        return Promise.resolve(m);
      }
      return Promise.reject(new HqStatusError(404, '{}'));
    }),
  };
  return hq;
}

function setup(options: { online?: boolean; hq?: ReturnType<typeof fakeHq> | null; cap?: number } = {}) {
  const { db, close } = makeDatabase();
  closers.push(close);
  const hq = options.hq === undefined ? fakeHq() : options.hq;
  let online = options.online ?? true;
  const outbox = new Outbox(db);
  const members = new MemberRepository(db, new LedgerRepository(db));
  db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
  const saleId = uuidv7();
  db.prepare("INSERT INTO sales (id, status, cashier_id, currency, total, created_at) VALUES (?, 'open', 'u1', 'EUR', 10000, 1)").run(saleId);
  const payments: { tender: string; amount: number }[] = [];
  const state = (): TenderState => {
    const paid = payments.reduce((s, p) => s + p.amount, 0);
    return { saleId, due: 10000, paid, remaining: 10000 - paid, currency: 'EUR', payments: [] };
  };
  const service = new MembershipService({
    members,
    outbox,
    hq,
    online: () => online,
    rule: () => ({ pointsPerUnit: 1, pointValueMinor: 1, offlineRedeemCap: options.cap ?? 5000 }),
    currency: () => 'EUR',
    sales: {
      openSaleId: () => saleId,
      openSale: () => saleId,
      state,
      addPointsPayment: (p) => {
        payments.push({ tender: 'points', amount: p.amount });
        db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, reference, created_at) VALUES (?, ?, 'points', ?, 'approved', ?, 1)").run(p.id, p.saleId, p.amount, String(p.points));
      },
    },
    newId: uuidv7,
    log: silentLogger(),
  });
  const ops = () => db.prepare<[], { entity: string; entity_id: string; payload: string }>('SELECT entity, entity_id, payload FROM outbox ORDER BY created_at, id').all();
  return { db, hq, service, members, saleId, payments, ops, setOnline: (o: boolean) => (online = o) };
}

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
  return 'no error';
};

function addHqMember(hq: ReturnType<typeof fakeHq>, member: Partial<Member> & { phone: string }, points = 0): Member {
  const m: Member = { id: uuidv7(), name: 'Mia Chen', card: null, createdAt: new Date().toISOString(), ...member };
  hq.members.set(m.id, m);
  if (points) hq.ledger.push({ memberId: m.id, delta: points });
  return m;
}

describe('member lookup', () => {
  it('finds a member live on HQ by phone or card, and refreshes the cache so offline lookups answer "as of" then', async () => {
    const t = setup();
    const mia = addHqMember(t.hq!, { phone: '+4915112345678', card: 'CARD1234' }, 250);
    const live = await t.service.lookup('+49 151 1234-5678');
    expect(live).toMatchObject({ id: mia.id, name: 'Mia Chen', balance: 250, source: 'live', asOf: null, pending: false });
    expect((await t.service.lookup('CARD1234')).id).toBe(mia.id);
    t.setOnline(false);
    const cached = await t.service.lookup('+4915112345678');
    expect(cached).toMatchObject({ id: mia.id, balance: 250, source: 'cache' });
    expect(cached.asOf).toBeGreaterThan(0);
  });

  it('an unknown member is NOT_FOUND online and offline; a malformed phone is INVALID_INPUT', async () => {
    const t = setup();
    expect(await code(t.service.lookup('+49 151 0000000'))).toBe('NOT_FOUND');
    t.setOnline(false);
    expect(await code(t.service.lookup('+49 151 0000000'))).toBe('NOT_FOUND');
    expect(await code(t.service.lookup('12-ab!'))).toBe('INVALID_INPUT');
    expect(await code(t.service.enrol({ name: 'Bo', phone: '12ab' }))).toBe('INVALID_INPUT');
  });

  it('answers from the cache when HQ fails during an online lookup', async () => {
    const t = setup();
    addHqMember(t.hq!, { phone: '0611223344' }, 40);
    await t.service.lookup('0611223344');
    t.hq!.setDown(true);
    expect(await t.service.lookup('0611223344')).toMatchObject({ balance: 40, source: 'cache' });
  });
});

describe('a loyalty card scanned in the cart', () => {
  it('attaches the member whose card it is (from the copy offline, from HQ online); any other code stays unknown', async () => {
    const t = setup();
    const kim = addHqMember(t.hq!, { phone: '0615151515', name: 'Kim Ito', card: 'KIM00042' }, 80);
    expect(await t.service.attachByCard('KIM00042', 'u1')).toMatchObject({ member: { id: kim.id, name: 'Kim Ito', balance: 80 } });
    expect(t.members.attachedTo(t.saleId)).toBe(kim.id);
    t.setOnline(false);
    expect(await t.service.attachByCard('NOBODY99', 'u1')).toBeNull();
    expect(await t.service.attachByCard('4006381333931 ', 'u1')).toBeNull();
    expect((await t.service.attachByCard('KIM00042', 'u1'))?.member?.source).toBe('cache');
  });
});

describe('enrolment', () => {
  it('online: HQ creates the member; a phone HQ knows answers with the existing member to attach instead', async () => {
    const t = setup();
    const made = await t.service.enrol({ name: 'Lea Wong', phone: '0612345678' });
    expect(made.status).toBe('enrolled');
    expect(t.hq!.members.get(made.member.id)?.name).toBe('Lea Wong');
    const known = addHqMember(t.hq!, { phone: '0699999999', name: 'Kim Ito' });
    const again = await t.service.enrol({ name: 'Someone Else', phone: '06 9999 9999' });
    expect(again).toMatchObject({ status: 'duplicate', member: { id: known.id, name: 'Kim Ito' } });
    expect(t.ops()).toHaveLength(0);
  });

  it('offline: a local id, pending, and a member operation in the outbox; HQ merging it by phone moves its points to HQ’s member', async () => {
    const t = setup({ online: false });
    const local = await t.service.enrol({ name: 'Local Name', phone: '0655555555' });
    expect(local).toMatchObject({ status: 'enrolled', member: { pending: true, balance: 0 } });
    expect(t.ops().map((o) => o.entity)).toEqual(['member']);
    await t.service.attach(local.member.id, 'u1');
    t.db.transaction(() => t.service.completing(t.saleId, [{ tender: 'cash', amount: 1234 }], 'EUR', Date.now()))();
    expect(t.members.balance(local.member.id).balance).toBe(12);

    const hqId = uuidv7();
    const op = t.db.prepare<[], { id: string }>("SELECT id FROM outbox WHERE entity = 'member'").get()!;
    t.db.transaction(() => t.service.acknowledged({ id: op.id, entity: 'member', entityId: local.member.id, type: 'enrolled', payload: '{}', createdAt: 0, bytes: 0 }, { id: op.id, status: 'applied', memberId: hqId }))();
    expect(t.members.byId(local.member.id)).toBeUndefined();
    expect(t.members.byId(hqId)).toMatchObject({ pending: 0, phone: '0655555555' });
    expect(t.members.balance(hqId).balance).toBe(12);
    expect(t.members.attachedTo(t.saleId)).toBe(hqId);
    expect(t.db.prepare('SELECT count(*) AS n FROM sales WHERE member_id = ?').get(local.member.id)).toEqual({ n: 0 });
  });

  it('online but HQ not answering: the member is enrolled here, pending, and uploaded later', async () => {
    const t = setup();
    t.hq!.setDown(true);
    const made = await t.service.enrol({ name: 'Ida Berg', phone: '0688888888', card: 'IDA00001' });
    expect(made).toMatchObject({ status: 'enrolled', member: { pending: true, card: 'IDA00001' } });
    expect(t.ops().map((o) => [o.entity, o.entity_id])).toEqual([['member', made.member.id]]);
  });

  it('a bad card number is refused before anything is written', async () => {
    const t = setup({ online: false });
    expect(await code(t.service.enrol({ name: 'Bo', phone: '0612121212', card: 'no spaces!' }))).toBe('INVALID_INPUT');
    expect(t.ops()).toHaveLength(0);
  });

  it('offline: a phone already in the cache is offered instead of a second enrolment', async () => {
    const t = setup();
    const known = addHqMember(t.hq!, { phone: '0677777777' });
    await t.service.lookup('0677777777');
    t.setOnline(false);
    expect(await t.service.enrol({ name: 'X', phone: '0677777777' })).toMatchObject({ status: 'duplicate', member: { id: known.id } });
  });
});

describe('points', () => {
  it('earns one point per whole currency unit paid with money, as a ledger entry with its outbox operation; points paying earn nothing', async () => {
    const t = setup();
    const mia = addHqMember(t.hq!, { phone: '0611111111' }, 500);
    await t.service.lookup('0611111111');
    await t.service.attach(mia.id, 'u1');
    await t.service.redeem(t.saleId, 200);
    const { memberId, operations } = t.db.transaction(() =>
      t.service.completing(
        t.saleId,
        [
          { tender: 'points', amount: 200 },
          { tender: 'cash', amount: 9800 },
        ],
        'EUR',
        Date.now(),
      ),
    )();
    expect(memberId).toBe(mia.id);
    expect(operations.map((o) => [o.entity, (o.payload as { delta: number }).delta])).toEqual([
      ['pointLedger', -200],
      ['pointLedger', 98],
    ]);
    expect(t.members.balance(mia.id).balance).toBe(500 - 200 + 98);
  });

  it('a refund takes back what the refunded money earned: 98.00 earned 98 points, refunds of 40.50 and 57.50 take back 40 and 57 (never more than was earned)', async () => {
    const t = setup();
    const mia = addHqMember(t.hq!, { phone: '0611111111' }, 0);
    await t.service.lookup('0611111111');
    await t.service.attach(mia.id, 'u1');
    t.db.transaction(() => t.service.completing(t.saleId, [{ tender: 'cash', amount: 9800 }], 'EUR', Date.now()))();
    const first = t.db.transaction(() => t.service.refunding({ refundId: uuidv7(), memberId: mia.id, moneyRefunded: 4050, currency: 'EUR', now: Date.now() }))();
    const second = t.db.transaction(() => t.service.refunding({ refundId: uuidv7(), memberId: mia.id, moneyRefunded: 5750, currency: 'EUR', now: Date.now() }))();
    expect([...first, ...second].map((o) => [o.entity, (o.payload as { delta: number; reason: string }).delta, (o.payload as { reason: string }).reason])).toEqual([
      ['pointLedger', -40, 'refund'],
      ['pointLedger', -57, 'refund'],
    ]);
    expect(t.members.balance(mia.id).balance).toBe(98 - 40 - 57);
    expect(t.db.transaction(() => t.service.refunding({ refundId: uuidv7(), memberId: mia.id, moneyRefunded: 99, currency: 'EUR', now: Date.now() }))()).toEqual([]);
  });

  it('refuses to redeem more than the balance, more than remains due, and nothing without a member', async () => {
    const t = setup();
    expect(await code(t.service.redeem(t.saleId, 10))).toBe('NOT_ALLOWED');
    const mia = addHqMember(t.hq!, { phone: '0622222222' }, 300);
    await t.service.lookup('0622222222');
    await t.service.attach(mia.id, 'u1');
    expect(await code(t.service.redeem(t.saleId, 301))).toBe('LIMIT_EXCEEDED');
    expect(await code(t.service.redeem(t.saleId, 0))).toBe('INVALID_INPUT');
    t.hq!.ledger.push({ memberId: mia.id, delta: 100_000 });
    expect(await code(t.service.redeem(t.saleId, 10_001))).toBe('INVALID_INPUT');
    expect(t.payments).toHaveLength(0);
  });

  it('two redemptions of the whole balance sent at once: one is taken, the other refused, and the balance never goes below zero', async () => {
    for (const online of [true, false]) {
      const t = setup();
      const mia = addHqMember(t.hq!, { phone: '0633333333' }, 300);
      await t.service.lookup('0633333333');
      await t.service.attach(mia.id, 'u1');
      t.setOnline(online);
      const results = await Promise.allSettled([t.service.redeem(t.saleId, 300), t.service.redeem(t.saleId, 300)]);
      expect(results.map((r) => r.status).sort(), online ? 'online' : 'offline').toEqual(['fulfilled', 'rejected']);
      expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as KassaError).code).toBe('LIMIT_EXCEEDED');
      expect(t.payments).toEqual([{ tender: 'points', amount: 300 }]);
      t.db.transaction(() => t.service.completing(t.saleId, [{ tender: 'points', amount: 300 }], 'EUR', Date.now()))();
      expect(t.members.balance(mia.id).balance).toBe(0);
    }
  });

  it('offline: redeems up to the cached balance less this register’s pending redemptions, and at most the cap per sale', async () => {
    const t = setup({ cap: 150 });
    const mia = addHqMember(t.hq!, { phone: '0633333333' }, 300);
    await t.service.lookup('0633333333');
    await t.service.attach(mia.id, 'u1');
    t.setOnline(false);
    expect(await code(t.service.redeem(t.saleId, 151))).toBe('LIMIT_EXCEEDED');
    await t.service.redeem(t.saleId, 100);
    expect((await t.service.attached()).redeemable).toBe(50);
    expect(await code(t.service.redeem(t.saleId, 51))).toBe('LIMIT_EXCEEDED');
    // A completed redemption still in the outbox counts against the next sale's balance.
    t.db.transaction(() => t.service.completing(t.saleId, [{ tender: 'points', amount: 100 }], 'EUR', Date.now()))();
    t.db.prepare('DELETE FROM payments').run();
    t.db.prepare(`INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) SELECT id, 'pointLedger', id, 'appended', '{}', 1 FROM point_ledger`).run();
    const after = await t.service.attached();
    expect(after.member?.balance).toBe(200);
    expect(after.redeemable).toBe(150);
  });

  it('online but HQ not answering for the balance: the offline rules (the cap) apply to the redemption', async () => {
    const t = setup({ cap: 100 });
    const mia = addHqMember(t.hq!, { phone: '0634343434' }, 500);
    await t.service.lookup('0634343434');
    await t.service.attach(mia.id, 'u1');
    t.hq!.setDown(true);
    expect(await code(t.service.redeem(t.saleId, 101))).toBe('LIMIT_EXCEEDED');
    await t.service.redeem(t.saleId, 100);
    expect(t.payments).toEqual([{ tender: 'points', amount: 100 }]);
  });

  it('the change feed brings other registers’ members and entries into the cache', () => {
    const t = setup({ online: false });
    const m: Member = { id: uuidv7(), name: 'Feed Member', phone: '0644444444', card: 'FEED0001', createdAt: new Date().toISOString() };
    t.db.transaction(() => {
      expect(t.service.applyChange({ seq: 1, kind: 'member', action: 'upsert', entityId: m.id, data: m }, 1)).toBe(true);
      const entry = { id: uuidv7(), memberId: m.id, delta: 70, reason: 'earn', orderId: null, createdAt: new Date().toISOString() };
      t.service.applyChange({ seq: 2, kind: 'pointLedger', action: 'upsert', entityId: entry.id, data: entry }, 1);
      t.service.applyChange({ seq: 3, kind: 'pointLedger', action: 'upsert', entityId: entry.id, data: entry }, 1);
      expect(t.service.applyChange({ seq: 4, kind: 'product', action: 'delete', entityId: 'x', data: {} }, 1)).toBe(false);
    })();
    expect(t.members.byCard('FEED0001')?.name).toBe('Feed Member');
    expect(t.members.balance(m.id).balance).toBe(70);
  });

  it('a snapshot gives each member HQ’s balance; this register’s unsent entries still count on top', () => {
    const t = setup({ online: false });
    const m: Member = { id: uuidv7(), name: 'Snap', phone: '0656565656', card: null, createdAt: new Date().toISOString() };
    t.db.transaction(() => t.service.applyChange({ seq: 1, kind: 'member', action: 'upsert', entityId: m.id, data: m }, 1))();
    const sent = uuidv7();
    const unsent = uuidv7();
    t.members.append({ id: sent, memberId: m.id, delta: 40, reason: 'earn', orderId: null, createdAt: 1 }, 'register');
    t.members.append({ id: unsent, memberId: m.id, delta: -15, reason: 'redeem', orderId: null, createdAt: 2 }, 'register');
    t.db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, 'pointLedger', ?, 'appended', '{}', 1)").run(uuidv7(), unsent);
    // HQ's balance already has the sent entry (40) and 60 from elsewhere.
    t.db.transaction(() => t.service.applySnapshot({ seq: 9, taxClasses: [], promotions: [], products: [], members: [{ ...m, balance: 100 }] }, 5))();
    expect(t.members.balance(m.id)).toMatchObject({ balance: 85, pendingRedeemed: 15, asOf: 5 });
  });

  it('ledger entries are append-only', () => {
    const t = setup();
    t.members.append({ id: 'e1', memberId: 'm1', delta: 5, reason: 'earn', orderId: null, createdAt: 1 }, 'register');
    expect(() => t.db.prepare("UPDATE point_ledger SET delta = 50 WHERE id = 'e1'").run()).toThrow(/append-only/);
    expect(() => t.db.prepare("DELETE FROM point_ledger WHERE id = 'e1'").run()).toThrow(/append-only/);
  });
});
