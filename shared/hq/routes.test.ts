import { describe, expect, it } from 'vitest';
import { domainOfRoute, HQ_ROUTE_DOMAINS } from './domains';
import { HQ_ROUTE_LIST, HQ_ROUTES, requestOf, routeOfPath } from './routes';

describe("HQ's route table", () => {
  it('names each route once, by operationId and by method and path', () => {
    expect(new Set(HQ_ROUTE_LIST.map((r) => r.operationId)).size).toBe(HQ_ROUTE_LIST.length);
    expect(new Set(HQ_ROUTE_LIST.map((r) => `${r.method} ${r.path}`)).size).toBe(HQ_ROUTE_LIST.length);
  });

  it('whitelists only routes that belong to a domain', () => {
    for (const r of HQ_ROUTE_LIST) if (r.whitelisted) expect(r.domain, r.operationId).not.toBeNull();
  });

  it("gives HQ's QoS a domain for every route in one, the card key and the upload included", () => {
    expect(domainOfRoute('POST', '/sync/push')).toBe('checkout');
    expect(domainOfRoute('GET', '/payments/card-key')).toBe('checkout');
    expect(domainOfRoute('get', '/members/:id/balance')).toBe('membership');
    expect(domainOfRoute('POST', '/registers/enrol')).toBe('auth');
    expect(domainOfRoute('GET', '/registers')).toBeNull();
    expect(HQ_ROUTE_DOMAINS['GET /sync/stream']).toBe('catalog');
  });

  it('builds the request of a call: path parameters encoded, query in the given order without absent values', () => {
    expect(requestOf(HQ_ROUTES.memberBalance, { params: { id: 'a/b c' } })).toEqual({ method: 'GET', path: '/members/a%2Fb%20c/balance', body: undefined });
    expect(requestOf(HQ_ROUTES.searchOrders, { query: { limit: 100, number: 'S1-R1-2', registerId: undefined } }).path).toBe('/orders/search?limit=100&number=S1-R1-2');
    expect(requestOf(HQ_ROUTES.push, { query: {}, body: { registerId: 'r', ops: [] } })).toEqual({ method: 'POST', path: '/sync/push', body: { registerId: 'r', ops: [] } });
    expect(() => requestOf(HQ_ROUTES.cardPayment, {})).toThrow(/paymentId/);
  });

  it('finds the route of a path, a static path before a parameter', () => {
    expect(routeOfPath('GET', '/payments/card-key')?.operationId).toBe('getCardKey');
    expect(routeOfPath('GET', '/payments/p1')?.operationId).toBe('getCardPayment');
    expect(routeOfPath('DELETE', '/payments/p1')).toBeNull();
  });
});
