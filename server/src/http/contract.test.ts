import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HQ_ROUTE_LIST } from '../../../shared/hq/routes';
import { makeHq, type TestHq } from '../test/harness';

/** Every route HQ registers, as the contract hook sees it. */
const served = vi.hoisted(() => [] as string[]);
vi.mock('./contract', async (importOriginal) => {
  const original = await importOriginal<typeof import('./contract')>();
  return {
    ...original,
    refuseRoutesOutsideContract: (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') served.push(`${method} ${route.url}`);
      original.refuseRoutesOutsideContract(route);
    },
  };
});

describe("HQ's routes and its route table", () => {
  let hq: TestHq;
  beforeAll(async () => {
    hq = await makeHq('sqlite', { demo: false });
  });
  afterAll(() => hq.close());

  it('serves every route of the table, and no route the table does not name', () => {
    const table = HQ_ROUTE_LIST.map((r) => `${r.method} ${r.path}`);
    expect([...served].sort()).toEqual([...table].sort());
    for (const route of HQ_ROUTE_LIST) expect(hq.app.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).toBe(true);
  });

  it('stops a server with a route outside the table from starting', async () => {
    const { refuseRoutesOutsideContract } = await vi.importActual<typeof import('./contract')>('./contract');
    const app = Fastify();
    try {
      app.addHook('onRoute', refuseRoutesOutsideContract);
      app.get('/health', async () => ({}));
      expect(() => app.get('/reports/daily', async () => ({}))).toThrow(/GET \/reports\/daily is not in HQ's route table/);
      expect(() => app.post('/health', async () => ({}))).toThrow(/POST \/health/);
    } finally {
      await app.close();
    }
  });
});
