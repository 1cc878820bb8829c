import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { Guards } from '../auth/guards';
import type { HqDatabase } from '../db/database';
import { enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { accessProblem, type RouteAccess } from './access';
import { SCOPED_KINDS } from './scope';

interface SeenRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  schema: RouteOptions['schema'];
}

/** Every route HQ registers, as the access hook sees it (a route that declares nothing is recorded, not refused, so all of them can be listed). */
const seen = vi.hoisted(() => [] as SeenRoute[]);
vi.mock('./access', async (importOriginal) => {
  const original = await importOriginal<typeof import('./access')>();
  return {
    ...original,
    enforceAccess: (guards: Guards, database: HqDatabase) => {
      const enforce = original.enforceAccess(guards, database);
      return (route: RouteOptions) => {
        for (const method of [route.method].flat()) seen.push({ method, url: route.url, access: route.config?.access, schema: route.schema });
        if (original.accessProblem(route.config?.access) === null) enforce(route);
      };
    },
  };
});

const shapeOf = (schema: unknown): Record<string, unknown> | null => (schema && typeof schema === 'object' && 'shape' in schema ? (schema as { shape: Record<string, unknown> }).shape : null);

describe("HQ's route table", () => {
  let hq: TestHq;
  let register: TestRegister;
  beforeAll(async () => {
    hq = await makeHq('sqlite');
    register = await enrolRegister(hq.app);
  });
  afterAll(() => hq.close());

  it('has every route declare itself public, admin, or a register caller with its store-scoped ids', () => {
    expect(seen.length).toBeGreaterThan(15);
    const undeclared = seen.map((r) => ({ route: `${r.method} ${r.url}`, problem: accessProblem(r.access) })).filter((r) => r.problem !== null);
    expect(undeclared).toEqual([]);
  });

  it('names only ids the store check can resolve, each one a field of the part of the request it says', () => {
    for (const route of seen) {
      if (!route.access || !('caller' in route.access) || route.access.caller === 'admin') continue;
      for (const id of route.access.ids) {
        expect(Object.keys(SCOPED_KINDS), `${route.method} ${route.url}: ${id.name}`).toContain(id.kind);
        const part = (route.schema as Record<string, unknown> | undefined)?.[id.in === 'query' ? 'querystring' : id.in];
        expect(shapeOf(part), `${route.method} ${route.url} has no ${id.in}.${id.name}`).toHaveProperty(id.name);
      }
    }
  });

  it('refuses every non-public route without a token, and every admin route with a device token', async () => {
    const path = (url: string) => url.replace(/:[A-Za-z]+/g, uuidv4());
    let checked = 0;
    for (const route of seen) {
      if (!route.access || 'public' in route.access) continue;
      const method = route.method as 'GET' | 'HEAD' | 'POST' | 'DELETE';
      const anonymous = await hq.app.inject({ method, url: path(route.url) });
      expect(anonymous.statusCode, `${route.method} ${route.url} without a token`).toBe(401);
      checked++;
      if (route.access.caller !== 'admin') continue;
      const byRegister = await hq.app.inject({ method, url: path(route.url), headers: register.auth });
      expect(byRegister.statusCode, `${route.method} ${route.url} with a device token`).toBe(401);
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('names what is wrong with each malformed declaration, and takes each well-formed one', async () => {
    const { accessProblem: problem } = await vi.importActual<typeof import('./access')>('./access');
    const id = { in: 'params', name: 'id', kind: 'order', unknown: 'pass' };
    for (const missing of [undefined, null, 'admin', 7]) expect(problem(missing)).toMatch(/declares no access/);
    expect(problem({ public: '' })).toMatch(/says why it is public/);
    expect(problem({ public: 42 })).toMatch(/says why it is public/);
    expect(problem({ public: 'health probe', caller: 'admin' })).toMatch(/names no caller/);
    expect(problem({ public: 'health probe' })).toBeNull();
    expect(problem({ caller: 'admin' })).toBeNull();
    expect(problem({ caller: 'cashier', ids: [] })).toMatch(/unknown caller kind "cashier"/);
    expect(problem({ caller: 'register', ids: [] })).toBeNull();
    expect(problem({ caller: 'registerOrAdmin', ids: [id] })).toBeNull();
    expect(problem({ caller: 'register', ids: [null] })).toMatch(/cannot resolve to a store/);
    expect(problem({ caller: 'register', ids: [{ ...id, kind: 'toString' }] })).toMatch(/cannot resolve to a store/);
    expect(problem({ caller: 'register', ids: [{ ...id, in: 'headers' }] })).toMatch(/"id" without where it is/);
    expect(problem({ caller: 'register', ids: [{ ...id, name: 5 }] })).toMatch(/without where it is/);
    expect(problem({ caller: 'register', ids: [{ ...id, unknown: 'ignore' }] })).toMatch(/without where it is/);
    for (const where of ['params', 'query', 'body']) expect(problem({ caller: 'register', ids: [{ ...id, in: where, unknown: 'refuse' }] })).toBeNull();
  });

  it('stops a server whose route declares nothing, or an id of a kind nobody resolves, from starting', async () => {
    const guards = { register: async () => {}, admin: async () => {}, registerOrAdmin: async () => {}, console: () => async () => {} } as Guards;
    const { enforceAccess } = await vi.importActual<typeof import('./access')>('./access');
    const build = async (config: Record<string, unknown>) => {
      const app = Fastify();
      try {
        app.addHook('onRoute', enforceAccess(guards, {} as HqDatabase));
        app.get('/orders/:id', { config }, async () => ({}));
        await app.ready();
      } finally {
        await app.close();
      }
    };
    await expect(build({})).rejects.toThrow(/GET \/orders\/:id declares no access/);
    await expect(build({ access: { caller: 'register' } })).rejects.toThrow(/not its store-scoped ids/);
    await expect(build({ access: { caller: 'register', ids: [{ in: 'params', name: 'id', kind: 'shelf', unknown: 'pass' }] } })).rejects.toThrow(/cannot resolve to a store/);
    await expect(build({ access: { caller: 'register', ids: [{ in: 'params', name: 'id', kind: 'order', unknown: 'pass' }] } })).resolves.toBeUndefined();
  });
});
