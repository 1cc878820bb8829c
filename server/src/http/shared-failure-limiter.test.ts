import { afterEach, describe, expect, it } from 'vitest';
import type { HqApp } from '../context';
import { openHqDatabase } from '../db/database';
import { addConsoleUser, TEST_PASSWORD } from '../test/console';
import { enrolRegister, makeStorage, POSTGRES_SKIP_REASON, type TestRegister } from '../test/harness';
import { twoInstances } from '../test/shared-database';
import type { HqError } from './errors';
import type { FailureLimit } from './failure-limiter';
import { SharedFailureLimiter } from './shared-failure-limiter';

const LIMIT = { failures: 4, windowMs: 60_000 };

const pin = (app: HqApp, register: TestRegister, value: string) => app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: value } });
const enrol = (app: HqApp, code: string) => app.inject({ method: 'POST', url: '/registers/enrol', remoteAddress: '198.51.100.7', payload: { code } });

describe.skipIf(POSTGRES_SKIP_REASON !== null)('guessing limits shared by HQ instances on one PostgreSQL database', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('wrong PINs spread over two instances reach the limit at the same count as on one, with the same 429 and Retry-After', async () => {
    const hq = await twoInstances({ failureLimit: LIMIT });
    close = hq.close;
    const register = await enrolRegister(hq.a);
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) answers.push((await pin(i % 2 === 0 ? hq.a : hq.b, register, '0000')).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
    const refused = await pin(hq.b, register, '1234'); // even the right PIN waits now
    expect(refused.statusCode).toBe(429);
    const seconds = Number(refused.headers['retry-after']);
    expect(seconds).toBeGreaterThan(45); // the first wrong PIN ages out a minute after it was taken
    expect(seconds).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ error: 'TOO_MANY_ATTEMPTS', message: `Too many wrong PINs from here. Try again in ${seconds} s.`, details: { retryAfterSeconds: seconds } });
  });

  it('a right PIN gives back only its own attempt, on whichever instance it is checked', async () => {
    const hq = await twoInstances({ failureLimit: LIMIT });
    close = hq.close;
    const register = await enrolRegister(hq.a);
    for (let i = 0; i < 3; i++) expect((await pin(hq.a, register, '0000')).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await pin(hq.b, register, '1234')).statusCode).toBe(200);
    expect((await pin(hq.b, register, '0000')).statusCode).toBe(401); // the 4th wrong one
    expect((await pin(hq.a, register, '1234')).statusCode).toBe(429);
  });

  it('wrong enrolment codes from one address spread over two instances reach the limit at the same count as on one', async () => {
    const hq = await twoInstances({ failureLimit: LIMIT });
    close = hq.close;
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await enrol(i % 2 === 0 ? hq.b : hq.a, `WRONG${i}`)).statusCode);
    expect(answers).toEqual([403, 403, 403, 403, 429, 429]);
    expect((await enrol(hq.a, 'DEMO')).statusCode).toBe(429);
    expect((await hq.a.inject({ method: 'POST', url: '/registers/enrol', remoteAddress: '198.51.100.8', payload: { code: 'DEMO' } })).statusCode).toBe(201);
  });

  it('wrong console passwords for one email from many addresses, spread over two instances, stop at the one limit', async () => {
    const hq = await twoInstances({ consoleFailureLimit: { failures: 3, windowMs: 60_000 } });
    close = hq.close;
    await addConsoleUser(hq.a, { email: 'owner@example.test', role: 'owner' });
    const signIn = (app: HqApp, i: number, password: string) =>
      app.inject({ method: 'POST', url: '/console/api/sign-in', remoteAddress: `203.0.113.${i}`, payload: { email: 'owner@example.test', password } });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await signIn(i % 2 === 0 ? hq.a : hq.b, i, 'wrong password!')).statusCode);
    expect(answers).toEqual([401, 401, 401, 429, 429, 429]);
    expect((await signIn(hq.b, 99, TEST_PASSWORD)).statusCode).toBe(429);
  });

  it('PINs sent at once to two instances cannot get more tries than the limit between them', async () => {
    const hq = await twoInstances({ failureLimit: LIMIT });
    close = hq.close;
    const register = await enrolRegister(hq.a);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => pin(i % 2 === 0 ? hq.a : hq.b, register, '0000')));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT.failures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LIMIT.failures);
  });
});

describe.skipIf(POSTGRES_SKIP_REASON !== null)('SharedFailureLimiter', () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  async function twoLimiters(limit: FailureLimit) {
    const storage = makeStorage('postgres');
    const first = await openHqDatabase(storage.storage);
    const second = await openHqDatabase(storage.storage);
    cleanup = async () => {
      await Promise.all([first.close(), second.close()]);
      await storage.cleanup();
    };
    return [new SharedFailureLimiter(first.db, 'login', limit), new SharedFailureLimiter(second.db, 'login', limit)] as const;
  }

  it('takes exactly the limit when 40 attempts on overlapping keys race from two connection pools', async () => {
    const [a, b] = await twoLimiters({ failures: 5, windowMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).attempt(i % 3 === 0 ? ['register:r1', 'user:u1'] : ['register:r1'], 'PINs').then(
          () => 'taken',
          (error: HqError) => `${error.statusCode}`,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(5);
    expect(outcomes.filter((o) => o === '429')).toHaveLength(35);
  });

  it('takes on every key or none, and gives back only its own attempt', async () => {
    const [a, b] = await twoLimiters({ failures: 2, windowMs: 60_000 });
    await a.attempt(['user:u1'], 'PINs');
    await a.attempt(['user:u1'], 'PINs');
    await expect(b.attempt(['register:r1', 'user:u1'], 'PINs')).rejects.toThrow(/Too many wrong PINs/);
    const right = await b.attempt(['register:r1'], 'PINs'); // register:r1 was not charged by the refusal
    await a.attempt(['register:r1'], 'PINs'); // wrong: stays
    await right.giveBack();
    await b.attempt(['register:r1'], 'PINs');
    await expect(a.attempt(['register:r1'], 'PINs')).rejects.toThrow(/Too many wrong PINs/);
  });
});
