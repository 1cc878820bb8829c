import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { silentLogger } from '../../core/logger';
import { Outbox } from '../../sync/outbox';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CartRepository } from '../checkout/cart.repository';
import { CartService } from '../checkout/cart.service';
import { LedgerRepository } from '../checkout/ledger.repository';
import { MemberRepository } from './member.repository';
import { membershipHandlers } from './membership.handlers';
import { MembershipService, type MemberHq } from './membership.service';

/*
 * The member comes first: a loyalty card scanned on an empty cart, or F10 on an empty cart, opens the sale
 * with the member on it; the items scanned next join that sale, and the completed sale is the member's.
 * Offline, as here, the register's copy of members answers.
 */

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

const MILK = makeProduct({ price: 129 });
const WINE = makeProduct({ price: 8999 });
const LENA = { id: '0190d5a0-0000-7000-8000-000000000001', name: 'Lena Fischer', phone: '+4915112345678', card: '2900000000017', createdAt: '2026-01-01T00:00:00.000Z' };

/** An HQ that must not be asked: the till is offline, so members come from the register's copy. */
const unreachableHq: MemberHq = { call: () => Promise.reject(new Error('HQ was asked while the till is offline')) };

function till() {
  const { db, close } = makeDatabase();
  closers.push(close);
  new UsersRepository(db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  const catalog = new CatalogRepository(db);
  catalog.upsertMany([MILK, WINE]);
  const carts = new CartRepository(db);
  const cart = new CartService(carts, catalog, 'EUR', { newId: uuidv7 });
  const outbox = new Outbox(db);
  const saleRows = new LedgerRepository(db);
  const members = new MemberRepository(db, saleRows);
  members.saveFromHq(LENA, 100, Date.now());
  let membership: MembershipService | null = null;
  const sales = makeSaleService(db, { carts, sales: saleRows, outbox, loyalty: { completing: (saleId, payments, currency, now) => membership!.completing(saleId, payments, currency, now) } });
  membership = new MembershipService({
    members,
    outbox,
    hq: unreachableHq,
    online: () => false,
    rule: () => ({ pointsPerUnit: 1, pointValueMinor: 1, offlineRedeemCap: 5000 }),
    currency: () => 'EUR',
    sales: {
      openSaleId: () => carts.openId(),
      openSale: (cashierId, within) => cart.open(cashierId, within),
      state: () => sales.state(),
      addPointsPayment: () => {
        throw new Error('no points are tendered here');
      },
    },
    newId: uuidv7,
    log: silentLogger(),
  });
  let saleChanges = 0;
  const handlers = membershipHandlers(membership, () => saleChanges++);
  // The signed-in cashier, as handle() gives a channel declared for signed-in users.
  const context = { host: 'web', trustedSender: true, user: { id: 'ana', name: 'Ana', role: 'cashier' } } as const;
  const saleRow = (id: string) =>
    db.prepare<[string], { status: string; member_id: string | null; cashier_id: string; held_at: number | null }>('SELECT status, member_id, cashier_id, held_at FROM sales WHERE id = ?').get(id);
  const earned = (saleId: string) =>
    db.prepare<[string, string], { delta: number }>("SELECT delta FROM point_ledger WHERE member_id = ? AND order_id = ? AND reason = 'earn'").all(LENA.id, saleId);
  return {
    db,
    cart,
    sales,
    members,
    membership,
    saleRow,
    earned,
    saleChanges: () => saleChanges,
    scanCard: (code: string) => handlers['membership.scanCard']({ code }, context),
    attach: (memberId: string) => handlers['membership.attach']({ memberId }, context),
    lookup: (query: string) => handlers['membership.lookup']({ query }, context),
  };
}

const codeOf = async (action: () => unknown) => {
  try {
    await action();
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
  return 'no error';
};

describe('the member first, on an empty cart', () => {
  it('a loyalty card scanned on an empty cart opens the sale with the member on it, from the register’s copy offline', async () => {
    const t = till();
    expect(t.cart.get().id).toBeNull();
    const { attached } = await t.scanCard(LENA.card);
    const cart = t.cart.get();
    expect(cart.id).not.toBeNull();
    expect(cart.lines).toEqual([]);
    expect(attached).toMatchObject({ saleId: cart.id, member: { id: LENA.id, name: 'Lena Fischer', balance: 100, source: 'cache' }, mode: 'offline' });
    expect(t.saleRow(cart.id!)).toMatchObject({ status: 'open', member_id: LENA.id, cashier_id: 'ana', held_at: null });
    // Every window is told: the cart now has a sale.
    expect(t.saleChanges()).toBe(1);
  });

  it('F10 on an empty cart: the member looked up by phone and attached opens the sale with them', async () => {
    const t = till();
    const { member } = await t.lookup('+49 151 12345678');
    expect(member.id).toBe(LENA.id);
    expect(t.cart.get().id).toBeNull();
    const attached = await t.attach(member.id);
    const saleId = t.cart.get().id;
    expect(saleId).not.toBeNull();
    expect(attached).toMatchObject({ saleId, member: { id: LENA.id } });
    expect(t.members.attachedTo(saleId!)).toBe(LENA.id);
    expect(t.saleChanges()).toBe(1);
  });

  it('a card nobody has, or a member the register does not know, opens no sale', async () => {
    const t = till();
    expect((await t.scanCard('2900000000024')).attached).toBeNull();
    expect(await codeOf(() => t.attach('no-such-member'))).toBe('NOT_FOUND');
    expect(t.cart.get().id).toBeNull();
    expect(t.db.prepare('SELECT count(*) FROM sales').pluck().get()).toBe(0);
    expect(t.saleChanges()).toBe(0);
  });

  it('the items scanned after the card land in the same sale, and scanning the card again changes nothing', async () => {
    const t = till();
    const { attached } = await t.scanCard(LENA.card);
    t.cart.scan(MILK.barcodes[0]!, 'ana');
    t.cart.scan(MILK.barcodes[0]!, 'ana');
    t.cart.scan(WINE.sku, 'ana');
    await t.scanCard(LENA.card);
    const cart = t.cart.get();
    expect(cart.id).toBe(attached!.saleId);
    expect(cart.lines.map((line) => [line.sku, line.quantity])).toEqual([
      [MILK.sku, 2],
      [WINE.sku, 1],
    ]);
    expect(cart.total).toBe(2 * 129 + 8999);
    expect(t.db.prepare("SELECT count(*) FROM sales WHERE status = 'open'").pluck().get()).toBe(1);
    expect(t.sales.state()).toMatchObject({ saleId: cart.id, due: 2 * 129 + 8999 });
  });

  for (const when of ['first', 'after the items'] as const) {
    it(`the completed sale is the member’s and earns the points whether the card comes ${when}`, async () => {
      const t = till();
      if (when === 'first') await t.scanCard(LENA.card);
      t.cart.scan(MILK.sku, 'ana');
      t.cart.scan(WINE.sku, 'ana');
      if (when !== 'first') await t.scanCard(LENA.card);
      const saleId = t.cart.get().id!;
      const done = t.sales.completeWithCash(10_000);
      expect(done).toMatchObject({ saleId, total: 129 + 8999, change: 10_000 - 129 - 8999 });
      expect(t.saleRow(saleId)).toMatchObject({ status: 'completed', member_id: LENA.id });
      // One point per whole euro paid: 91.28 earns 91.
      expect(t.earned(saleId)).toEqual([{ delta: 91 }]);
      expect(t.members.balance(LENA.id).balance).toBe(100 + 91);
      const uploaded = t.db.prepare<[], { entity: string; payload: string }>("SELECT entity, payload FROM outbox WHERE entity IN ('sale', 'pointLedger') ORDER BY created_at, id").all();
      expect(uploaded.map((op) => op.entity)).toEqual(['sale', 'pointLedger']);
      expect(JSON.parse(uploaded[0]!.payload)).toMatchObject({ memberId: LENA.id });
      expect(JSON.parse(uploaded[1]!.payload)).toMatchObject({ memberId: LENA.id, delta: 91, reason: 'earn', orderId: saleId });
      // The next customer starts on an empty cart, without Lena.
      expect(t.cart.get().id).toBeNull();
      expect((await t.membership.attached()).member).toBeNull();
    });
  }
});

describe('a sale with only a member on it', () => {
  it('is not held: there is nothing in it to keep, and the member stays on the open sale', async () => {
    const t = till();
    const { attached } = await t.scanCard(LENA.card);
    expect(await codeOf(() => t.cart.hold('Lena', 'ana'))).toBe('NOT_FOUND');
    expect(t.cart.held()).toEqual([]);
    expect(t.saleRow(attached!.saleId!)).toMatchObject({ status: 'open', held_at: null, member_id: LENA.id });
    expect(t.cart.get().id).toBe(attached!.saleId);
  });

  it('makes way for a recalled sale: it is voided, and the recalled sale keeps its own member (none here)', async () => {
    const t = till();
    t.cart.scan(WINE.sku, 'ana');
    const heldId = t.cart.get().id!;
    t.cart.hold('the wine', 'ana');
    const { attached } = await t.scanCard(LENA.card);
    const recalled = t.cart.recall(heldId, 'ana');
    expect(recalled.id).toBe(heldId);
    expect(recalled.lines.map((line) => line.sku)).toEqual([WINE.sku]);
    expect(t.saleRow(attached!.saleId!)).toMatchObject({ status: 'voided' });
    expect((await t.membership.attached()).member).toBeNull();
  });

  it('is voided with a reason like any sale, and the next card opens a new one', async () => {
    const t = till();
    const first = (await t.scanCard(LENA.card)).attached!.saleId!;
    const after = t.cart.voidSale('wrong customer', 'ana');
    expect(after.id).toBeNull();
    expect(t.saleRow(first)).toMatchObject({ status: 'voided' });
    const second = (await t.scanCard(LENA.card)).attached!.saleId!;
    expect(second).not.toBe(first);
    expect(t.cart.get().id).toBe(second);
  });

  it('is voided, not held, when another cashier takes over the till, so the next customer is not sold to that member', async () => {
    const t = till();
    new UsersRepository(t.db).add({ id: 'ben', name: 'Ben', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
    const first = (await t.scanCard(LENA.card)).attached!.saleId!;
    expect(t.cart.handOver("Ana's sale", 'ben')).toMatchObject({ id: null, lines: [] });
    expect(t.saleRow(first)).toMatchObject({ status: 'voided' });
    expect(t.cart.held()).toEqual([]);
    expect((await t.membership.attached()).member).toBeNull();
    // A sale with items is held for the cashier who left, member and all.
    await t.scanCard(LENA.card);
    t.cart.scan(MILK.sku, 'ana');
    const second = t.cart.get().id!;
    expect(t.cart.handOver("Ana's sale", 'ben')).toMatchObject({ id: null });
    expect(t.cart.held().map((held) => [held.id, held.label])).toEqual([[second, "Ana's sale"]]);
    expect(t.saleRow(second)).toMatchObject({ status: 'open', member_id: LENA.id });
    expect(t.cart.handOver("Ana's sale", 'ben')).toBeNull();
  });

  it('cannot be paid until an item is scanned', async () => {
    const t = till();
    await t.scanCard(LENA.card);
    expect(await codeOf(() => t.sales.completeWithCash(null))).toBe('NOTHING_TO_PAY');
  });
});
