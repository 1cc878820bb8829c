import { ChangeDataSchemas } from '../../../shared/hq/feed';
import type { FeedApplier } from '../../sync/change-feed';
import type { LedgerRepository } from './ledger.repository';
import type { PricingRulesRepository } from './pricing/pricing-rules.repository';

/** What HQ sends the checkout: the tax classes and promotions it prices with, and its verdicts on card payments stored offline. */
export function checkoutFeed(rules: PricingRulesRepository, ledger: Pick<LedgerRepository, 'settleStoredCard'>): FeedApplier {
  return {
    applyChange(change) {
      switch (change.kind) {
        case 'taxClass':
          if (change.action === 'delete') rules.removeTaxClass(change.entityId);
          else rules.saveTaxClass(ChangeDataSchemas.taxClass.parse(change.data));
          return true;
        case 'promotion':
          if (change.action === 'delete') rules.removePromotion(change.entityId);
          else rules.savePromotion(change.entityId, ChangeDataSchemas.promotion.parse(change.data));
          return true;
        case 'cardSettlement': {
          // HQ's verdict on a card payment this register stored offline; a decline must reach a manager.
          const settlement = ChangeDataSchemas.cardSettlement.parse(change.data);
          ledger.settleStoredCard(settlement.id, settlement.status, settlement.reason);
          return true;
        }
        default:
          return false;
      }
    },
    applySnapshot(snapshot) {
      rules.replaceAll(snapshot.taxClasses, snapshot.promotions);
    },
  };
}
