/**
 * Which business domain each HQ endpoint belongs to. HQ's QoS windows and fault injection use it; the
 * register's service whitelist can use the same table so both ends agree on what "service:orders" means.
 */
import type { ServiceDomain } from '../api';

export const HQ_ROUTE_DOMAINS = {
  'POST /payments/authorize': 'checkout',
  'GET /payments/:paymentId': 'checkout',
  'POST /sync/push': 'checkout',
  'GET /payments/card-key': 'checkout',
  'GET /orders/search': 'orders',
  'POST /payments/refund': 'orders',
  'GET /members/lookup': 'membership',
  'POST /members': 'membership',
  'GET /members/:id/balance': 'membership',
  'POST /auth/login': 'auth',
  'POST /registers/enrol': 'auth',
  'GET /sync/changes': 'catalog',
  'GET /sync/snapshot': 'catalog',
  'GET /sync/stream': 'catalog',
  'POST /catalog/import': 'catalog',
} as const satisfies Record<string, ServiceDomain>;

export type HqRoute = keyof typeof HQ_ROUTE_DOMAINS;

/** The domain of a route given as `METHOD /pattern`, or null when it is outside every domain. */
export function domainOfRoute(method: string, pattern: string): ServiceDomain | null {
  return (HQ_ROUTE_DOMAINS as Record<string, ServiceDomain>)[`${method.toUpperCase()} ${pattern}`] ?? null;
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
