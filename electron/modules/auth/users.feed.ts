import { ChangeDataSchemas, type FeedUser } from '../../../shared/hq/feed';
import type { FeedApplier } from '../../sync/change-feed';
import type { UsersRepository } from './users.repository';

/**
 * HQ's cashiers and managers as they reach the register: each `user` change of this store (HQ sends
 * another store's to its own registers only), and the people a snapshot lists. A new PIN replaces the
 * cached hash; a deactivated person can no longer sign in offline, and `onDeactivated` hears of them once
 * the feed's write has committed (whoever is signed in as them is signed out).
 */
export function usersFeed(users: UsersRepository, onDeactivated: (userId: string) => void = () => {}): FeedApplier {
  const apply = (user: FeedUser, now: number) => {
    users.applyFromHq(user, now);
    // The feed applies a page in one synchronous transaction: a microtask runs after it is committed.
    if (!user.active) queueMicrotask(() => onDeactivated(user.id));
  };
  return {
    applyChange(change, now) {
      if (change.kind !== 'user') return false;
      // HQ never deletes a person (their sales name them): it deactivates them.
      if (change.action === 'upsert') apply(ChangeDataSchemas.user.parse(change.data), now);
      return true;
    },
    applySnapshot(snapshot, now) {
      // An older HQ sends no people: those cached stay as they are.
      for (const user of snapshot.users ?? []) apply(user, now);
    },
  };
}
