import { describe, expect, it, vi } from 'vitest';
import { KassaError } from '../../shared/errors';
import { handle, type HandleOptions, type Handlers } from './handle';
import { silentLogger } from './logger';

const trusted = { host: 'web', trustedSender: true } as const;

function dispatchWith(overrides: Partial<Handlers>, options: HandleOptions = {}) {
  const notCalled = () => {
    throw new Error('not expected in this test');
  };
  const handlers = new Proxy(overrides, { get: (target, key) => (target as Record<string | symbol, unknown>)[key] ?? notCalled }) as Handlers;
  return handle(handlers, silentLogger(), options);
}

describe('handle()', () => {
  it('runs the handler with the parsed input and wraps its value', async () => {
    const scan = vi.fn(() => ({ id: null, lines: [], total: 0, currency: 'EUR', itemCount: 0 }));
    const result = await dispatchWith({ 'cart.scan': scan })('cart.scan', { code: '4006381333931' }, trusted);
    expect(result).toEqual({ ok: true, value: { id: null, lines: [], total: 0, currency: 'EUR', itemCount: 0 } });
    expect(scan).toHaveBeenCalledWith({ code: '4006381333931' }, trusted);
  });

  it('refuses an untrusted sender before looking at anything else', async () => {
    const login = vi.fn();
    const result = await dispatchWith({ 'session.login': login })('session.login', { pin: '1234' }, { host: 'electron', trustedSender: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(login).not.toHaveBeenCalled();
  });

  it('refuses channels that are not in the contract', async () => {
    expect(await dispatchWith({})('fs.readFile', {}, trusted)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await dispatchWith({})(42, {}, trusted)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('refuses input that does not match the channel schema, without calling the handler', async () => {
    const login = vi.fn();
    const dispatch = dispatchWith({ 'session.login': login });
    expect(await dispatch('session.login', { pin: '12a4' }, trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/pin/) } });
    expect(await dispatch('session.login', { pin: '1234', admin: true }, trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch('cart.scan', { code: 'x'.repeat(65) }, trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(login).not.toHaveBeenCalled();
  });

  it('turns a KassaError into its code and message, and anything else into INTERNAL without leaking it', async () => {
    const dispatch = dispatchWith({
      'session.login': () => {
        throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
      },
      'cart.get': () => {
        throw new Error('SQLITE_IOERR at /secret/path');
      },
    });
    expect(await dispatch('session.login', { pin: '0000' }, trusted)).toEqual({ ok: false, error: { code: 'WRONG_PIN', message: 'That PIN is not right. Try again.' } });
    const internal = await dispatch('cart.get', {}, trusted);
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('/secret/path');
  });

  it('lets the host translate a failure it recognises (a full disk) into its own code, and hears of every call that went through', async () => {
    const succeeded = vi.fn();
    const dispatch = dispatchWith(
      {
        'cart.scan': () => {
          throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        },
        'cart.get': () => {
          throw new Error('something else');
        },
        'sync.status': () => ({ pending: 0 }) as never,
      },
      {
        translate: (error, channel) => ((error as { code?: string }).code === 'SQLITE_FULL' ? new KassaError('DISK_FULL', `The register's disk is full: ${channel} was not saved.`) : null),
        succeeded,
      },
    );
    expect(await dispatch('cart.scan', { code: '4006381333931' }, trusted)).toEqual({ ok: false, error: { code: 'DISK_FULL', message: "The register's disk is full: cart.scan was not saved." } });
    expect(await dispatch('cart.get', {}, trusted)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(succeeded).not.toHaveBeenCalled();
    await dispatch('sync.status', {}, trusted);
    expect(succeeded).toHaveBeenCalledWith('sync.status');
  });

  describe('channel access declared beside the schema', () => {
    const ana = { id: 'c1', name: 'Ana', role: 'cashier' } as const;
    const max = { id: 'm1', name: 'Max', role: 'manager' } as const;
    function gated(user: { id: string; name: string; role: 'cashier' | 'manager' } | null, locked = false, overrides: Partial<Handlers> = {}) {
      const cashierActive = vi.fn();
      const dispatch = dispatchWith(overrides, { session: { current: () => user, isLocked: () => locked }, cashierActive });
      return { dispatch, cashierActive };
    }

    it('refuses a channel declared for signed-in users when nobody is signed in, without running it', async () => {
      const scan = vi.fn();
      const { dispatch } = gated(null, false, { 'cart.scan': scan });
      expect(await dispatch('cart.scan', { code: '4006381333931' }, trusted)).toEqual({ ok: false, error: { code: 'NOT_SIGNED_IN', message: 'Sign in with your PIN first.' } });
      expect(scan).not.toHaveBeenCalled();
    });

    it('gives a signed-in channel its user, and an open channel whoever is there (or nobody)', async () => {
      const scan = vi.fn(() => ({ id: null, lines: [], total: 0, currency: 'EUR', itemCount: 0 }));
      const info = vi.fn();
      const { dispatch } = gated(ana, false, { 'cart.scan': scan, 'app.info': info });
      expect(await dispatch('cart.scan', { code: '4006381333931' }, trusted)).toMatchObject({ ok: true });
      expect(scan).toHaveBeenCalledWith({ code: '4006381333931' }, { ...trusted, user: ana });
      const nobody = gated(null, false, { 'app.info': info });
      await nobody.dispatch('app.info', {}, trusted);
      expect(info).toHaveBeenCalledWith({}, { ...trusted, user: null });
    });

    it('a locked screen refuses every channel not declared for it, and still answers the lock screen and the status bar', async () => {
      const scan = vi.fn();
      const unlock = vi.fn(() => ({ user: ana }));
      const status = vi.fn(() => ({ pending: 0 }) as never);
      const { dispatch } = gated(ana, true, { 'cart.scan': scan, 'session.unlock': unlock, 'sync.status': status });
      expect(await dispatch('cart.scan', { code: '4006381333931' }, trusted)).toEqual({ ok: false, error: { code: 'NOT_SIGNED_IN', message: 'The register is locked: unlock it with your PIN.' } });
      expect(await dispatch('connectivity.goOffline', {}, trusted)).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
      expect(scan).not.toHaveBeenCalled();
      expect(await dispatch('session.unlock', { pin: '1234' }, trusted)).toEqual({ ok: true, value: { user: ana } });
      expect(await dispatch('sync.status', {}, trusted)).toMatchObject({ ok: true });
    });

    it('refuses an untrusted sender before anything else: before the lock, before the channel is known, without counting as the cashier at work', async () => {
      const { dispatch, cashierActive } = gated(ana, true);
      for (const channel of ['cart.scan', 'session.unlock', 'fs.readFile']) {
        expect(await dispatch(channel, { code: 'x' }, { host: 'web', trustedSender: false })).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
      }
      expect(cashierActive).not.toHaveBeenCalled();
    });

    it('a manager channel refuses a cashier with its own sentence, and runs for a manager', async () => {
      const overview = vi.fn(() => ({}) as never);
      expect(await gated(ana, false, { 'diagnostics.overview': overview }).dispatch('diagnostics.overview', {}, trusted)).toEqual({
        ok: false,
        error: { code: 'NOT_A_MANAGER', message: 'Diagnostics are for managers: sign in with a manager PIN.' },
      });
      expect(overview).not.toHaveBeenCalled();
      expect(await gated(max, false, { 'diagnostics.overview': overview }).dispatch('diagnostics.overview', {}, trusted)).toMatchObject({ ok: true });
      expect(overview).toHaveBeenCalledOnce();
    });

    it('restarts the idle time for what the cashier does, never for passive reads', async () => {
      const { dispatch, cashierActive } = gated(ana, false, { 'cart.get': () => ({ id: null, lines: [], total: 0, currency: 'EUR', itemCount: 0 }), 'cart.scan': () => ({ id: null, lines: [], total: 0, currency: 'EUR', itemCount: 0 }) });
      await dispatch('cart.get', {}, trusted);
      expect(cashierActive).not.toHaveBeenCalled();
      await dispatch('cart.scan', { code: '4006381333931' }, trusted);
      expect(cashierActive).toHaveBeenCalledOnce();
    });
  });
});
