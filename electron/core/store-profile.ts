import type { StoreProfile } from '../../shared/store-profile';
import type { RegisterIdentity } from '../hq/identity';
import type { Settings } from '../settings/settings';

/**
 * The one place the store profile is made: HQ's identity of this register where it is enrolled, the
 * settings for what HQ does not say (cash rounding) and for a register HQ has not enrolled.
 */
export function storeProfile(enrolled: RegisterIdentity | null, settings: Pick<Settings, 'store' | 'register'>): StoreProfile {
  return {
    storeName: enrolled?.storeName ?? settings.store.name,
    storeCode: enrolled?.storeCode ?? settings.store.code,
    registerCode: enrolled?.registerCode ?? settings.register.code,
    currency: enrolled?.currency ?? settings.store.currency,
    pricesIncludeTax: enrolled?.pricesIncludeTax ?? settings.store.pricesIncludeTax,
    cashRoundingMinor: settings.store.cashRoundingMinor,
  };
}

/** The store profile in force now, from the register's identity and settings (read at each use: enrolling changes it). */
export function storeProfileOf({ identity, settings }: { identity: { get(): RegisterIdentity | null }; settings: Pick<Settings, 'store' | 'register'> }): StoreProfile {
  return storeProfile(identity.get(), settings);
}
