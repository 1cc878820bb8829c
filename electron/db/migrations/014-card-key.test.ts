import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 14: card key', () => {
  it("keeps the register's enrolment and adds HQ's card key as NULL, to be fetched", () => {
    const db = migrateFrom(13, (old) =>
      old
        .prepare(
          "INSERT INTO register_identity (singleton, hq_url, register_id, register_code, store_id, store_code, store_name, currency, prices_include_tax, device_token, enrolled_at) VALUES (1, 'http://hq', 'r1', 'R01', 's1', 'S01', 'Shop', 'EUR', 1, 'tok', 1)",
        )
        .run(),
    );
    expect(db.prepare('SELECT register_code, device_token, card_key FROM register_identity').get()).toEqual({ register_code: 'R01', device_token: 'tok', card_key: null });
    db.prepare("UPDATE register_identity SET card_key = 'MCowBQYDK2VuAyEA' WHERE singleton = 1").run();
    expect(db.prepare('SELECT card_key FROM register_identity').pluck().get()).toBe('MCowBQYDK2VuAyEA');
  });
});
