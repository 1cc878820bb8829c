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
