import type { ServiceDomain } from '../../shared/api';
import { HQ_ROUTE_LIST, routeOfPath, type HqRouteSpec } from '../../shared/hq/routes';

/**
 * The core HQ APIs whose failures can take a business domain offline: the routes HQ's table marks
 * `whitelisted`. A failure of any other call (a report upload, a log shipment) never changes the till's state.
 */
export const SERVICE_WHITELIST: readonly HqRouteSpec[] = HQ_ROUTE_LIST.filter((route) => route.whitelisted && route.domain !== null);

/** The business domain a whitelisted route belongs to, or null when its failures must not change connectivity. */
export function domainOfRouteCall(route: HqRouteSpec): ServiceDomain | null {
  return route.whitelisted ? route.domain : null;
}

/** The business domain a call belongs to, or null when its failures must not change connectivity. */
export function domainOf(method: string, path: string): ServiceDomain | null {
  const route = routeOfPath(method, path);
  return route ? domainOfRouteCall(route) : null;
}
