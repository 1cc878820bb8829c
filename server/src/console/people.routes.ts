/**
 * The registers' cashiers and managers in the console: listed without their PINs, added with a PIN unique
 * within the store, renamed, given another role, deactivated or given a new PIN. Each change is written
 * with its audit entry and its feed change in one write, so the store's registers learn it (and a
 * deactivated person stops signing in offline) through the change feed.
 */
import type { Person } from '../../../shared/hq/console';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { hashPin } from '../auth/pin';
import type { HqApp } from '../context';
import type { UsersTable } from '../db/schema';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { recordAudit } from './audit';
import { storesToShow } from './scope';

const EVERY_ROLE = ['owner', 'area-manager', 'store-manager'] as const;

export function personOf(row: UsersTable): Person {
  return { id: row.id, storeId: row.store_id, name: row.name, role: row.role, active: Number(row.active) === 1, createdAt: new Date(Number(row.created_at)).toISOString() };
}

export async function consolePeopleRoutes(app: HqApp): Promise<void> {
  const ctx = app.hq;

  serve(app, HQ_ROUTES.consolePeople, { access: { caller: 'console', roles: EVERY_ROLE, ids: [] } }, async (request) => {
    // Owners also see the people who sign in at every store (store null); managers only their stores'.
    return { people: (await ctx.users.list(storesToShow(request, request.query.storeId))).map(personOf) };
  });

  serve(
    app,
    HQ_ROUTES.consoleAddPerson,
    { access: { caller: 'console', roles: EVERY_ROLE, ids: [{ in: 'body', name: 'storeId', kind: 'store', unknown: 'refuse' }] } },
    async (request, reply) => {
      const body = request.body;
      // scrypt before the write: the transaction holds HQ's one writer only for the check and the insert.
      const pinHash = await hashPin(body.pin);
      const person = await ctx.writer.transaction(async (tx) => {
        const added = await ctx.users.addIn(tx, { name: body.name, role: body.role, pin: body.pin, storeId: body.storeId }, pinHash);
        await recordAudit(tx, request, { action: 'person.add', target: added.id, storeId: body.storeId, detail: { name: body.name, role: body.role } });
        return personOf({ id: added.id, store_id: body.storeId, name: body.name, role: body.role, pin_hash: pinHash, active: 1, created_at: tx.now });
      });
      return reply.code(201).send(person);
    },
  );

  serve(
    app,
    HQ_ROUTES.consoleChangePerson,
    { access: { caller: 'console', roles: EVERY_ROLE, ids: [{ in: 'params', name: 'userId', kind: 'person', unknown: 'refuse' }] } },
    async (request) => {
      const change = request.body;
      const pinHash = change.pin === undefined ? null : await hashPin(change.pin);
      return ctx.writer.transaction(async (tx) => {
        const after = await ctx.users.changeIn(tx, request.params.userId, change, pinHash);
        if (!after) throw new HqError(404, 'PERSON_NOT_FOUND', `HQ knows no person ${request.params.userId}.`);
        // What changed, without the PIN itself: only that a new one was set.
        const { pin: _pin, ...shown } = change;
        await recordAudit(tx, request, { action: 'person.change', target: after.id, storeId: after.store_id, detail: { ...shown, ...(change.pin !== undefined ? { pinReset: true } : {}) } });
        return personOf(after);
      });
    },
  );
}
