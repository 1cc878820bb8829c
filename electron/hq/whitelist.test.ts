import { describe, expect, it } from 'vitest';
import { domainOf } from './whitelist';

describe('the service whitelist, read from HQ\'s route table', () => {
  it("tells the register's whitelist only the core calls: the card key, the upload and the stream stay out", () => {
    expect(domainOf('GET', '/payments/0190-abc')).toBe('checkout');
    expect(domainOf('GET', '/payments/card-key')).toBeNull();
    expect(domainOf('POST', '/sync/push?epoch=e1')).toBeNull();
    expect(domainOf('GET', '/sync/stream')).toBeNull();
    expect(domainOf('GET', '/sync/changes?since=3&limit=500')).toBe('catalog');
    expect(domainOf('POST', '/payments/refund')).toBe('orders');
    expect(domainOf('post', '/auth/login')).toBe('auth');
    expect(domainOf('GET', '/reports/daily')).toBeNull();
    // HQ serves no refund route per order (refunds upload through the outbox).
    expect(domainOf('POST', '/orders/o1/refunds')).toBeNull();
  });

});
