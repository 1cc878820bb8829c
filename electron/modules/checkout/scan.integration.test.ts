import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KassaEvent, ScanResult } from '../../../shared/api';
import type { AttachedMember } from '../../../shared/modules/membership.api';
import { createKassaCore, type KassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { makeTempDir } from '../../test/factories';

/*
 * One scan, one call, through the register's real channels (demo mode): the scanning window gets the cart in
 * its answer and is not sent it again; a member's loyalty card scanned in the cart's field attaches the member
 * in the same call; a code that is neither keeps the cashier's "unknown barcode" sentence.
 */

type Result<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
/** The scanning window's connection, as a host passes it. */
const thisWindow = {};
const fromThisWindow = { host: 'web', trustedSender: true, origin: thisWindow } as const;
let core: KassaCore;
const heard: { event: KassaEvent; answered: object | undefined }[] = [];
const cleanups: (() => void)[] = [];

const call = <T = unknown>(channel: string, input: unknown = {}) => core.dispatch(channel, input, fromThisWindow) as Promise<Result<T>>;
const ok = async <T>(channel: string, input: unknown = {}): Promise<T> => {
  const result = await call<T>(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
};
const cartEvents = () => heard.filter((h) => h.event.name === 'cart.changed');

beforeAll(async () => {
  const data = makeTempDir();
  cleanups.push(data.cleanup);
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  cleanups.push(core.events.subscribe((event, answered) => heard.push({ event, answered })));
  await ok('session.login', { pin: '1234' });
});

afterAll(() => {
  cleanups.splice(0).reverse().forEach((cleanup) => cleanup());
  core.close();
});

describe('a scan', () => {
  it('answers the scanning window with the cart; the change is marked as answered to that window', async () => {
    heard.length = 0;
    const first = await ok<ScanResult>('cart.scan', { code: 'SKU-000001' });
    expect(first.lines).toHaveLength(1);
    const again = await ok<ScanResult>('cart.scan', { code: 'SKU-000001' });
    expect(again.lines[0]!.quantity).toBe(2);
    expect(again).toEqual(await ok('cart.get'));
    // Other windows hear each change once; the scanning window's host skips it (its answer had the cart).
    expect(cartEvents()).toHaveLength(2);
    expect(cartEvents().every((h) => h.answered === thisWindow)).toBe(true);
    expect(cartEvents()[1]!.event.payload).toEqual(again);
  });

  it('of a member’s loyalty card attaches the member in the same call, and says so', async () => {
    const enrolled = await ok<{ member: { id: string } }>('membership.enrol', { name: 'Lena Fischer', phone: '+49 151 1234 5678', card: 'LENA2026' });
    heard.length = 0;
    const answer = await ok<ScanResult>('cart.scan', { code: 'LENA2026' });
    expect(answer.member).toMatchObject({ saleId: answer.id, member: { id: enrolled.member.id, name: 'Lena Fischer' } });
    expect((await ok<AttachedMember>('membership.attached')).member?.id).toBe(enrolled.member.id);
    expect(cartEvents()).toHaveLength(1);
    expect(cartEvents()[0]!.answered).toBe(thisWindow);
  });

  it('of a code that is neither a product nor a card keeps the cashier’s sentence and changes nothing', async () => {
    const before = await ok<ScanResult>('cart.get');
    heard.length = 0;
    const unknown = await call('cart.scan', { code: 'NOPE2026' });
    expect(unknown).toEqual({ ok: false, error: { code: 'UNKNOWN_BARCODE', message: 'No product with SKU "NOPE2026" in this store\'s catalog. The cart is unchanged.' } });
    const misread = await call('cart.scan', { code: '4006381333932' });
    expect(misread).toEqual({
      ok: false,
      error: { code: 'INVALID_BARCODE', message: 'The code "4006381333932" did not read correctly (its check digit is wrong). Scan it again or type the SKU.' },
    });
    expect(await ok('cart.get')).toEqual(before);
    expect(cartEvents()).toEqual([]);
  });

  it('the membership.scanCard channel still attaches by card for other callers', async () => {
    const answer = await ok<{ attached: AttachedMember | null }>('membership.scanCard', { code: 'LENA2026' });
    expect(answer.attached?.member?.name).toBe('Lena Fischer');
    expect((await ok<{ attached: AttachedMember | null }>('membership.scanCard', { code: 'NOPE2026' })).attached).toBeNull();
  });
});
