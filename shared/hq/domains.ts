/**
 * Which business domain each HQ endpoint belongs to, read from HQ's route table (routes.ts). HQ's QoS
 * windows and fault injection use it; the register's service whitelist is read from the same table so
 * both ends agree on what "service:orders" means.
 */
import type { ServiceDomain } from '../api';
import { HQ_ROUTE_LIST, routeOfPattern } from './routes';

/** `METHOD /pattern` → domain, for every route that belongs to one. */
export const HQ_ROUTE_DOMAINS: Readonly<Record<string, ServiceDomain>> = Object.fromEntries(
  HQ_ROUTE_LIST.flatMap((route) => (route.domain ? [[`${route.method} ${route.path}`, route.domain]] : [])),
);

/** The domain of a route given as `METHOD /pattern`, or null when it is outside every domain. */
export function domainOfRoute(method: string, pattern: string): ServiceDomain | null {
  return routeOfPattern(method, pattern)?.domain ?? null;
}

/**
 * The domains a sale cannot do without: card authorisation and the sale's own upload. A fault anywhere
 * else (members, orders search, sign-in, catalog updates) leaves checkout working, from the register's
 * own copies where it needs them, so the status bar calls it "Limited" rather than an outage.
 */
export const CHECKOUT_CORE_DOMAINS: readonly ServiceDomain[] = ['checkout'];

/** Whether a fault in this domain leaves checkout (cash and live card payments) working. */
export function leavesCheckoutWorking(domain: ServiceDomain): boolean {
  return !CHECKOUT_CORE_DOMAINS.includes(domain);
}
