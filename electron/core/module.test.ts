import { describe, expect, it, vi } from 'vitest';
import type { FeedApplier } from '../sync/change-feed';
import { moduleSecrets, plugIn, type AnyModule } from './module';

describe('plugging modules in', () => {
  it('registers each module’s feed appliers, sale-completion hook and acknowledgement listener with the services that run them', () => {
    const applier: FeedApplier = { applyChange: () => false, applySnapshot: () => {} };
    const completing = { completing: () => ({ memberId: null, operations: [] }) };
    const acknowledged = vi.fn();
    const sales = { onCompleting: vi.fn(), onCashTender: vi.fn() };
    const sync = { addFeedApplier: vi.fn(), onAcknowledged: vi.fn() };
    const orders = { onRefundWriting: vi.fn() };
    const refundWriting = { refundWriting: () => [] };
    const cashTender = () => {};
    const modules: AnyModule[] = [
      { name: 'plain', handlers: {} },
      { name: 'members', handlers: {}, contributes: { feedAppliers: [applier], saleCompleting: completing, acknowledged } },
      { name: 'cash', handlers: {}, contributes: { refundWriting, cashTender } },
    ];
    plugIn(modules, { sales, sync, orders });
    expect(orders.onRefundWriting).toHaveBeenCalledExactlyOnceWith(refundWriting);
    expect(sales.onCashTender).toHaveBeenCalledExactlyOnceWith(cashTender);
    expect(sync.addFeedApplier).toHaveBeenCalledExactlyOnceWith(applier);
    expect(sales.onCompleting).toHaveBeenCalledExactlyOnceWith(completing);
    expect(sync.onAcknowledged).toHaveBeenCalledExactlyOnceWith(acknowledged);
  });

  it('gathers every module’s secrets for redaction, asked afresh each time', () => {
    let pepper = 'pepper-1';
    const modules: AnyModule[] = [{ name: 'auth', handlers: {}, contributes: { secrets: () => [pepper] } }, { name: 'orders', handlers: {} }];
    expect(moduleSecrets(modules)).toEqual(['pepper-1']);
    pepper = 'pepper-2';
    expect(moduleSecrets(modules)).toEqual(['pepper-2']);
  });
});
