import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import demoCatalog from '../../shared/demo/catalog.json' with { type: 'json' };
import type { AppInfo, Cart, TenderState } from '../../shared/api';
import type { ApiResult } from '../../shared/errors';
import { openDatabase } from '../db/open';
import { IdentityStore } from '../hq/identity';
import { defaultSettings } from '../settings/settings';
import { makeTempDir } from '../test/factories';
import { createKassaCore, DATABASE_FILE } from './kassa-core';
import { storeProfile } from './store-profile';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((fn) => fn()));

// HQ enrolled this register for a Swedish store; its settings still say EUR (the default).
const enrolment = { registerId: 'r1', registerCode: 'K7', token: 'device-token', store: { id: 's1', code: 'SE4', name: 'Butik Söder', currency: 'SEK', pricesIncludeTax: false } };

async function enrolledRegister() {
  const tmp = makeTempDir();
  cleanups.push(tmp.cleanup);
  const dataDir = path.join(tmp.dir, 'Kassa');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  new IdentityStore(db).save('https://hq.example', enrolment);
  db.close();
  const core = await createKassaCore({ config: { dataDir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: pino({ level: 'silent' }) });
  cleanups.push(() => core.close());
  return async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const result = (await core.dispatch(channel as never, input, { host: 'web', trustedSender: true })) as ApiResult<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
}

describe('the store profile', () => {
  it('an enrolled register sells in HQ’s currency everywhere: the cart, the sale and the app alike, whatever its settings say', async () => {
    const call = await enrolledRegister();
    await call('session.login', { pin: '1234' });
    const cart = await call<Cart>('cart.scan', { code: demoCatalog.products[0]!.barcodes[0]! });
    expect(cart.currency).toBe('SEK');
    expect(cart.pricesIncludeTax).toBe(false);
    expect((await call<TenderState>('checkout.state')).currency).toBe('SEK');
    expect(await call<AppInfo>('app.info')).toMatchObject({ currency: 'SEK', storeCode: 'SE4', registerCode: 'K7' });
  });

  it('is HQ’s word where the register is enrolled and the settings’ otherwise; cash rounding always comes from the settings', () => {
    const settings = defaultSettings();
    const identity = { ...enrolment, hqUrl: 'https://hq.example', storeId: 's1', storeCode: 'SE4', storeName: 'Butik Söder', currency: 'SEK', pricesIncludeTax: false, deviceToken: 't', enrolledAt: 1, cardKey: null };
    expect(storeProfile(null, settings)).toEqual({ storeName: 'Kassa Demo Store', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', pricesIncludeTax: true, cashRoundingMinor: 0 });
    expect(storeProfile(identity, { ...settings, store: { ...settings.store, cashRoundingMinor: 5 } })).toEqual({
      storeName: 'Butik Söder',
      storeCode: 'SE4',
      registerCode: 'K7',
      currency: 'SEK',
      pricesIncludeTax: false,
      cashRoundingMinor: 5,
    });
  });
});
