/** Two HQ instances on one PostgreSQL schema, as a chain runs them behind a load balancer. */
import type { HqApp } from '../context';
import { buildServer, type HqOptions } from '../server';
import { ADMIN_TOKEN, makeStorage, type TestStorage } from './harness';

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Two HQ instances on one PostgreSQL schema, as behind a load balancer: A seeds the demo store, B joins it. */
export async function twoInstances(options: Partial<HqOptions> = {}): Promise<{ a: HqApp; b: HqApp; close: () => Promise<void> }> {
  const storage: TestStorage = makeStorage('postgres');
  const common = { storage: storage.storage, adminToken: ADMIN_TOKEN, faultsEnabled: true, pruneEveryMs: 0, settleEveryMs: 0, ...options };
  const a = await buildServer({ ...common, demo: true, enrolmentCode: 'DEMO', instanceId: 'hq-a' });
  const b = await buildServer({ ...common, demo: false, instanceId: 'hq-b' });
  await Promise.all([a.ready(), b.ready()]);
  return {
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await storage.cleanup();
    },
  };
}

/** Polls until `check` holds, and answers how long it took; fails after `withinMs`. */
export async function within(withinMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

