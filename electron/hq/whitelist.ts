import type { ServiceDomain } from '../../shared/api';

/**
 * The core HQ APIs whose failures can take a business domain offline. A failure of any other call (a
 * report upload, a log shipment) never changes the till's state. One table, read top to bottom.
 */
export const SERVICE_WHITELIST: readonly { method: string; pattern: RegExp; domain: ServiceDomain }[] = [
  { method: 'POST', pattern: /^\/payments\/authorize$/, domain: 'checkout' },
  { method: 'GET', pattern: /^\/payments\/(?!card-key$)[^/]+$/, domain: 'checkout' },
  { method: 'GET', pattern: /^\/orders\/search$/, domain: 'orders' },
  { method: 'POST', pattern: /^\/orders\/[^/]+\/refunds$/, domain: 'orders' },
  { method: 'POST', pattern: /^\/payments\/refund$/, domain: 'orders' },
  { method: 'GET', pattern: /^\/members\/lookup$/, domain: 'membership' },
  { method: 'POST', pattern: /^\/members$/, domain: 'membership' },
  { method: 'GET', pattern: /^\/members\/[^/]+\/balance$/, domain: 'membership' },
  { method: 'POST', pattern: /^\/auth\/login$/, domain: 'auth' },
  { method: 'GET', pattern: /^\/sync\/changes$/, domain: 'catalog' },
  { method: 'GET', pattern: /^\/sync\/snapshot$/, domain: 'catalog' },
];

/** The business domain a call belongs to, or null when its failures must not change connectivity. */
export function domainOf(method: string, path: string): ServiceDomain | null {
  const pathname = path.split('?')[0]!;
  return SERVICE_WHITELIST.find((entry) => entry.method === method.toUpperCase() && entry.pattern.test(pathname))?.domain ?? null;
}
