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
});
