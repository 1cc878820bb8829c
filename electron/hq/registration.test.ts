import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo } from '../../shared/api';
import { KassaError } from '../../shared/errors';
import type { EnrolResponse } from '../../shared/hq/auth';
import { silentLogger } from '../core/logger';
import { HqStatusError } from './hq-client';
import { hqStandInCaller } from './testing/hq-stand-in-caller';
import { createRegistration, type RegistrationDeps } from './registration';

const ANSWER: EnrolResponse = { registerId: 'reg-1', registerCode: 'R07', token: 'device-token', store: { id: 'store-1', code: 'S01', name: 'Main Street', currency: 'EUR', pricesIncludeTax: true } };
const INFO = { storeCode: 'S01', registerCode: 'R07', enrolled: true } as AppInfo;

function registration(call: () => Promise<unknown>, overrides: Partial<RegistrationDeps> = {}) {
  let saved: EnrolResponse | null = null;
  const enrolled = vi.fn();
  const hqCall = vi.fn((_method: string, _path: string, _body: unknown) => call());
  const deps: RegistrationDeps = {
    hq: hqStandInCaller(({ method, path, body }) => hqCall(method, path, body)),
    hqUrl: 'https://hq.example',
    identity: { get: () => saved, save: (_url, answer) => (saved = answer) },
    revoked: () => false,
    info: () => INFO,
    log: silentLogger(),
    enrolled,
    retryMs: 1_000,
    ...overrides,
  };
  return { r: createRegistration(deps), enrolled, hqCall, saved: () => saved };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: unknown) => (error instanceof KassaError ? error.code : String(error)));

afterEach(() => vi.useRealTimers());

describe('enrolling a register with HQ', () => {
  it('keeps what HQ answered, tells the register it is enrolled, and answers with the register as it now is', async () => {
    const { r, enrolled, hqCall, saved } = registration(() => Promise.resolve(ANSWER));
    expect(await r.handlers['register.enrol']({ code: 'DEMO' }, { host: 'web', trustedSender: true })).toEqual(INFO);
    expect(hqCall).toHaveBeenCalledWith('POST', '/registers/enrol', { code: 'DEMO' });
    expect(saved()).toEqual(ANSWER);
    expect(enrolled).toHaveBeenCalledWith(INFO);
  });

  it('an enrolled register is not enrolled again, unless HQ revoked it', async () => {
    const { r, hqCall } = registration(() => Promise.resolve(ANSWER));
    await r.enrol('DEMO');
    await r.enrol('OTHER');
    expect(hqCall).toHaveBeenCalledTimes(1);
    let revoked = false;
    const again = registration(() => Promise.resolve(ANSWER), { revoked: () => revoked });
    await again.r.enrol('DEMO');
    revoked = true;
    await again.r.enrol('NEW');
    expect(again.hqCall).toHaveBeenCalledTimes(2);
  });

  it('a code HQ refuses is ENROLMENT_FAILED; HQ away or failing is HQ_UNAVAILABLE; demo mode cannot enrol', async () => {
    expect(await codeOf(registration(() => Promise.reject(new HqStatusError(403, 'no'))).r.enrol('BAD'))).toBe('ENROLMENT_FAILED');
    expect(await codeOf(registration(() => Promise.reject(new HqStatusError(503, 'busy'))).r.enrol('DEMO'))).toBe('HQ_UNAVAILABLE');
    expect(await codeOf(registration(() => Promise.reject(new Error('ECONNREFUSED'))).r.enrol('DEMO'))).toBe('HQ_UNAVAILABLE');
    expect(await codeOf(registration(() => Promise.resolve(ANSWER), { hq: null, hqUrl: null }).r.enrol('DEMO'))).toBe('ENROLMENT_FAILED');
  });

  it('enrols from KASSA_ENROLMENT_CODE on first start, retrying while HQ is away, and stops retrying on close', async () => {
    vi.useFakeTimers();
    let answers = 0;
    const { r, hqCall, enrolled } = registration(() => (++answers < 3 ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(ANSWER)));
    r.autoEnrol('DEMO');
    await vi.advanceTimersByTimeAsync(0);
    expect(hqCall).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(hqCall).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(hqCall).toHaveBeenCalledTimes(3);
    expect(enrolled).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(hqCall).toHaveBeenCalledTimes(3);

    const stopped = registration(() => Promise.reject(new Error('ECONNREFUSED')));
    stopped.r.autoEnrol('DEMO');
    await vi.advanceTimersByTimeAsync(0);
    stopped.r.stop?.();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped.hqCall).toHaveBeenCalledTimes(1);
  });

  it('a refused code is not retried, and nothing is tried without a code, without HQ, or once enrolled', async () => {
    vi.useFakeTimers();
    const refused = registration(() => Promise.reject(new HqStatusError(401, 'no')));
    refused.r.autoEnrol('BAD');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refused.hqCall).toHaveBeenCalledTimes(1);
    const none = registration(() => Promise.resolve(ANSWER));
    none.r.autoEnrol(null);
    none.r.autoEnrol(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(none.hqCall).not.toHaveBeenCalled();
    const demo = registration(() => Promise.resolve(ANSWER), { hq: null, hqUrl: null });
    demo.r.autoEnrol('DEMO');
    await vi.advanceTimersByTimeAsync(0);
    expect(demo.hqCall).not.toHaveBeenCalled();
    const enrolledAlready = registration(() => Promise.resolve(ANSWER));
    await enrolledAlready.r.enrol('DEMO');
    enrolledAlready.r.autoEnrol('DEMO');
    await vi.advanceTimersByTimeAsync(0);
    expect(enrolledAlready.hqCall).toHaveBeenCalledTimes(1);
  });
});
