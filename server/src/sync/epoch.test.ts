import { expect, it } from 'vitest';
import { ChangesResponseSchema, SnapshotSchema } from '../../../shared/hq/feed';
import { PushResponseSchema } from '../../../shared/hq/ops';
import { openHqDatabase } from '../db/database';
import { renewEpoch } from '../db/epoch';
import { buildServer } from '../server';
import { ADMIN_TOKEN, describeEachStorage, enrolRegister, makeStorage } from '../test/harness';
import { makeSaleOp } from '../test/factories';

describeEachStorage("HQ's epoch", (kind) => {
  it('is sent with pushes, feed pages and snapshots, stays across restarts, and changes only when renewed after a restore', async () => {
    const { storage, cleanup } = makeStorage(kind);
    try {
      const start = async () => {
        const app = await buildServer({ storage, adminToken: ADMIN_TOKEN, demo: true, enrolmentCode: 'DEMO', pruneEveryMs: 0, settleEveryMs: 0 });
        await app.ready();
        return app;
      };
      const epochsOf = async (app: Awaited<ReturnType<typeof start>>, auth: { authorization: string }, registerId: string) => {
        const pushed = await app.inject({ method: 'POST', url: '/sync/push', headers: auth, payload: { registerId, ops: [makeSaleOp()] } });
        const changes = await app.inject({ method: 'GET', url: '/sync/changes?since=0', headers: auth });
        const snapshot = await app.inject({ method: 'GET', url: '/sync/snapshot', headers: auth });
        return [PushResponseSchema.parse(pushed.json()).epoch, ChangesResponseSchema.parse(changes.json()).epoch, SnapshotSchema.parse(snapshot.json()).epoch];
      };

      let app = await start();
      const register = await enrolRegister(app);
      const first = await epochsOf(app, register.auth, register.registerId);
      expect(first[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(first).size).toBe(1);
      await app.close();

      app = await start();
      expect(await epochsOf(app, register.auth, register.registerId)).toEqual(first);
      await app.close();

      // The restore procedure, HQ stopped: what `npm run hq:restored` does.
      const database = await openHqDatabase(storage);
      const renewed = await renewEpoch(database.db);
      await database.close();
      expect(renewed.previous).toBe(first[0]);
      expect(renewed.epoch).not.toBe(first[0]);

      app = await start();
      expect(await epochsOf(app, register.auth, register.registerId)).toEqual([renewed.epoch, renewed.epoch, renewed.epoch]);
      // A push naming the epoch the register knew is refused, nothing applied; HQ's epoch comes with the refusal.
      const sale = makeSaleOp();
      const stale = await app.inject({ method: 'POST', url: `/sync/push?epoch=${first[0]}`, headers: register.auth, payload: { registerId: register.registerId, ops: [sale] } });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({ error: 'EPOCH_CHANGED', details: { epoch: renewed.epoch } });
      const current = await app.inject({ method: 'POST', url: `/sync/push?epoch=${renewed.epoch}`, headers: register.auth, payload: { registerId: register.registerId, ops: [sale] } });
      expect(PushResponseSchema.parse(current.json()).results).toEqual([{ id: sale.id, status: 'applied' }]);
      await app.close();
    } finally {
      await cleanup();
    }
  });
});
