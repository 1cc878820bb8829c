import type { Handlers } from '../core/handle';
import type { KassaModule } from '../core/module';
import type { Platform } from '../core/platform';
import type { AuthModule } from '../modules/auth';
import type { CheckoutModule } from '../modules/checkout';
import { decideDeadLetter } from './dead-letter-decisions';
import type { Outbox } from './outbox';
import { SyncService } from './sync.service';

type SyncChannels = 'sync.status' | 'sync.deadLetters' | 'sync.retry' | 'sync.discard';

export type SyncModule = KassaModule<SyncChannels> & { sync: SyncService };

/** Uploads through the outbox, the change feed from HQ, and what a manager decides about operations HQ refused. */
export function createSyncModule({ platform, outbox, auth, checkout }: { platform: Platform; outbox: Outbox; auth: AuthModule; checkout: CheckoutModule }): SyncModule {
  const { db, hq, identity, connectivity, log, settings, events } = platform;
  const sync = new SyncService({
    db,
    outbox,
    hq,
    identity,
    connectivity,
    log,
    nearestCardDeadline: () => checkout.saleRecords.nearestCardDeadline(),
    declinedCardPayments: () => checkout.saleRecords.declinedStoredCardCount(),
    ackRetentionDays: () => settings.sync.ackRetentionDays,
    // The realtime stream's heartbeats are live evidence of the link to HQ.
    onTraffic: (evidence) => connectivity.reportTraffic(evidence),
    // Closed on purpose, the stream no longer reports HQ's silence: the till probes for itself again.
    onStreamWatchEnded: () => connectivity.hint('the realtime stream was closed; probes take over from its heartbeats'),
  });
  sync.onChange((status) => events.emit({ name: 'sync.changed', payload: status }));
  // The cart's pricing keeps HQ's tax classes and promotions in memory: a change the feed applies to them drops that copy.
  const stopPricing = sync.feed ? checkout.pricing.followFeed(sync.feed) : () => {};
  const handlers: Pick<Handlers, SyncChannels> = {
    'sync.status': () => sync.status(),
    'sync.deadLetters': () => ({ deadLetters: sync.deadLetters.list() }),
    'sync.retry': async ({ id, managerPin }) => {
      decideDeadLetter(sync, log, 'retry', id, await auth.policy.requireManager(managerPin, 'sync.retry', { op: id }));
      return sync.status();
    },
    'sync.discard': async ({ id, managerPin }) => {
      decideDeadLetter(sync, log, 'discard', id, await auth.policy.requireManager(managerPin, 'sync.discard', { op: id }));
      return sync.status();
    },
  };
  return {
    name: 'sync',
    sync,
    handlers,
    // Card tokens in operations waiting to upload and in those HQ refused never go in a support bundle.
    contributes: { secrets: () => [...outbox.cardTokens(), ...sync.deadLetters.cardTokens()] },
    stop: () => {
      stopPricing();
      sync.stop();
    },
  };
}
