/**
 * Who may call each HQ route, declared once on the route (`config: { access }`), and enforced from that
 * declaration alone: the guard that checks the bearer token and the check of every store-scoped id the
 * route accepts are both derived from it when the route is registered. A route that declares nothing
 * stops HQ from starting.
 *
 * - `{ public: 'why' }`: no token (health, QoS, enrolment with its code, the API description).
 * - `{ caller: 'admin' }`: the admin token; admins act across stores, so no id is checked.
 * - `{ caller: 'register' | 'registerOrAdmin', ids: [...] }`: a register's device token (or the admin
 *   token); each id named in `ids` must belong to the register's store (http/scope.ts). `ids: []` says
 *   the route takes no store-scoped id.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { CONSOLE_ROLES, type ConsoleRole } from '../../../shared/hq/console';
import type { Guards } from '../auth/guards';
import type { HqDatabase } from '../db/database';
import { HqError } from './errors';
import { assertInStore, SCOPED_KINDS, type ScopedKind } from './scope';

/** One store-scoped id a route accepts: where it is, what it names, and whether an id HQ does not know yet passes. */
export interface ScopedId {
  in: 'params' | 'query' | 'body';
  name: string;
  kind: ScopedKind;
  /** 'pass': an id HQ has not seen may be new (a payment about to be authorised); 'refuse': it must exist in the store. */
  unknown: 'pass' | 'refuse';
  /**
   * For a route where an unknown id is an ordinary answer (what HQ knows of a payment: `unknown`): another
   * store's id gets that same answer instead of a 404, so it tells the register nothing.
   */
  otherStoreAnswer?: (id: string) => unknown;
}

export type RouteAccess =
  | { public: string }
  | { caller: 'admin' }
  | { caller: 'register' | 'registerOrAdmin'; ids: readonly ScopedId[] }
  /** A signed-in console user of one of `roles`; each id in `ids` must be in a store the user works for. */
  | { caller: 'console'; roles: readonly ConsoleRole[]; ids: readonly ScopedId[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Why a route's declaration is not valid, or null when it is. */
export function accessProblem(access: unknown): string | null {
  if (access === undefined || access === null || typeof access !== 'object') return 'declares no access (config.access: public, admin, or a caller kind with its store-scoped ids)';
  const a = access as Record<string, unknown>;
  if ('public' in a) return typeof a.public === 'string' && a.public.length > 0 && !('caller' in a) ? null : 'a public route says why it is public, and names no caller';
  if (a.caller === 'admin') return null;
  if (a.caller === 'console') {
    if (!Array.isArray(a.roles) || a.roles.length === 0 || !a.roles.every((r) => (CONSOLE_ROLES as readonly unknown[]).includes(r))) return 'names a console caller without the console roles that may call it';
  } else if (a.caller !== 'register' && a.caller !== 'registerOrAdmin') return `names an unknown caller kind ${JSON.stringify(a.caller)}`;
  if (!Array.isArray(a.ids)) return 'names a caller but not its store-scoped ids (ids: [] when it takes none)';
  for (const id of a.ids as ScopedId[]) {
    if (!Object.hasOwn(SCOPED_KINDS, id?.kind)) return `declares an id ${JSON.stringify(id?.name)} of a kind HQ cannot resolve to a store (${JSON.stringify(id?.kind)})`;
    if (!['params', 'query', 'body'].includes(id.in) || typeof id.name !== 'string' || !['pass', 'refuse'].includes(id.unknown)) return `declares an id ${JSON.stringify(id.name)} without where it is and how an unknown one is treated`;
  }
  return null;
}

/**
 * An onRoute hook: checks the route's declaration and adds the guard it names (after the route's own
 * onRequest hooks, such as a feature gate) and, for store-scoped ids, a preHandler that checks each one
 * once the request is validated.
 */
export function enforceAccess(guards: Guards, database: HqDatabase) {
  return (route: RouteOptions): void => {
    const access = route.config?.access;
    const problem = accessProblem(access);
    if (problem) throw new Error(`HQ route ${String(route.method)} ${route.url} ${problem}.`);
    if (!access || 'public' in access) return;
    route.onRequest = [...asList(route.onRequest), access.caller === 'console' ? guards.console(access.roles) : guards[access.caller]];
    if (access.caller === 'admin' || access.ids.length === 0) return;
    const ids = access.ids;
    route.preHandler = [
      async (request: FastifyRequest, reply: FastifyReply) => {
        for (const id of ids) {
          const value = (request[id.in] as Record<string, unknown> | undefined)?.[id.name];
          if (typeof value !== 'string') continue;
          try {
            await assertInStore(database.read, request.caller, id.kind, value, id.unknown);
          } catch (error) {
            if (!id.otherStoreAnswer || !(error instanceof HqError) || error.statusCode !== 404) throw error;
            return reply.send(id.otherStoreAnswer(value));
          }
        }
      },
      ...asList(route.preHandler),
    ];
  };
}

function asList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
