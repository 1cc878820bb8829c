import type { AppInfo } from '../../shared/api';
import type { RegisterLocaleHolder } from '../settings/locale-choice';
import type { SyncService } from '../sync/sync.service';
import type { Handlers } from './handle';
import type { KassaModule } from './module';
import { registerCodes, type Platform } from './platform';

export const APP_VERSION = '0.1.0';

type AppChannels = 'app.info' | 'app.setLocale' | 'storage.status';

export type AppModule = KassaModule<AppChannels> & { info(): AppInfo };

/** What the screens show of the register itself: version, codes, currency, language, mode, enrolment, till options and disk space. */
export function createAppModule({ platform, sync, locale }: { platform: Platform; sync: Pick<SyncService, 'revoked' | 'onChange'>; locale: RegisterLocaleHolder }): AppModule {
  const { identity, settings, hq, events, disk } = platform;
  const info = (): AppInfo => {
    const enrolled = identity.get();
    return {
      version: APP_VERSION,
      ...registerCodesOnly(platform),
      currency: enrolled?.currency ?? settings.store.currency,
      locale: locale.current,
      mode: hq ? 'hq' : 'demo',
      // A revoked register shows the enrolment screen again (its sales stay in the outbox).
      enrolled: enrolled !== null && sync.revoked() === null,
      till: { receipt: settings.checkout.receipt, sound: settings.checkout.sound, noReceiptManagerAbove: settings.orders.noReceiptManagerAbove },
    };
  };
  let revoked = sync.revoked() !== null;
  sync.onChange(() => {
    if ((sync.revoked() !== null) === revoked) return;
    revoked = !revoked;
    events.emit({ name: 'app.changed', payload: info() });
  });
  const handlers: Pick<Handlers, AppChannels> = {
    'app.info': () => info(),
    'app.setLocale': ({ locale: chosen }, { user }) => {
      locale.choose(chosen, user?.name ?? null);
      const updated = info();
      events.emit({ name: 'app.changed', payload: updated });
      return updated;
    },
    'storage.status': () => disk.current(),
  };
  return { name: 'app', info, handlers };
}

function registerCodesOnly(platform: Platform): { storeCode: string; registerCode: string } {
  const { storeCode, registerCode } = registerCodes(platform);
  return { storeCode, registerCode };
}
