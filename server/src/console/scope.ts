/**
 * What a console request may see: the signed-in user and the stores they work for. Ids a console route
 * names are checked against them where the route declares them (http/access.ts, http/scope.ts); a list
 * route narrows its query with `consoleStoreIds`.
 */
import type { FastifyRequest } from 'fastify';
import type { ConsoleUser } from '../../../shared/hq/console';
import type { ConsoleCaller } from '../auth/guards';
import { HqError } from '../http/errors';

export function consoleCaller(request: FastifyRequest): ConsoleCaller {
  if (request.caller?.kind !== 'console') throw new HqError(401, 'SIGN_IN_NEEDED', 'Sign in to the console first.');
  return request.caller;
}

export function consoleUser(request: FastifyRequest): ConsoleUser {
  return consoleCaller(request).user;
}

/** The stores the user works for, or null for an owner (every store). */
export function consoleStoreIds(request: FastifyRequest): string[] | null {
  const user = consoleUser(request);
  return user.role === 'owner' ? null : user.storeIds;
}

/**
 * The stores a list should show: the one asked for (which must be the user's: 404 otherwise, as for a
 * store that does not exist), or every store of the user's (null: every store).
 */
export function storesToShow(request: FastifyRequest, storeId: string | undefined): string[] | null {
  const mine = consoleStoreIds(request);
  if (storeId === undefined) return mine;
  if (mine !== null && !mine.includes(storeId)) throw new HqError(404, 'STORE_NOT_FOUND', `HQ knows no store ${storeId} in the stores you work for. Check the id, or ask an owner for access to its store.`);
  return [storeId];
}
