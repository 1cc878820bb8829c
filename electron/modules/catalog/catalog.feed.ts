import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CatalogProductSchema } from '../../../shared/catalog';
import { ChangeDataSchemas } from '../../../shared/hq/feed';
import type { FeedApplier } from '../../sync/change-feed';
import { hqMayOverwrite } from '../../sync/conflict-policy';
import type { CatalogRepository } from './catalog.repository';

const STAGING_CHUNK = 5000;

/**
 * HQ's products as they reach the register: each product change, and a snapshot staged in chunks (yielding
 * between them, so a register in the middle of a sale keeps working) and swapped in with the feed's transaction.
 */
export function catalogFeed(catalog: CatalogRepository): FeedApplier {
  return {
    applyChange(change, now) {
      if (change.kind !== 'product') return false;
      if (!hqMayOverwrite('product')) return true;
      if (change.action === 'delete') catalog.deactivate(change.entityId, now);
      else catalog.upsertMany([ChangeDataSchemas.product.parse(change.data)], now);
      return true;
    },
    async stageSnapshot(snapshot, now) {
      const products = snapshot.products.map((p) => CatalogProductSchema.parse(p));
      catalog.clearStaging();
      for (let i = 0; i < products.length; i += STAGING_CHUNK) {
        catalog.stage(products.slice(i, i + STAGING_CHUNK), now);
        await yieldToEventLoop();
      }
    },
    applySnapshot() {
      catalog.swapInStaged();
    },
  };
}
