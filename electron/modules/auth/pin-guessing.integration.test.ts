import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ApiResult } from '../../../shared/errors';
import { createKassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { startWebServer } from '../../host/web-server';
import { makeTempDir } from '../../test/factories';
import * as pin from './pin';

/*
 * Guessing PINs the way a script in the page would: many sign-ins at once over the web host's WebSocket,
 * against the demo register (cashier Ana 1234, manager Max 9999), with the default auth.maxAttempts (5).
 */

vi.mock('./pin', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./pin')>();
  return { ...actual, verifyPin: vi.fn(actual.verifyPin) };
});

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  vi.mocked(pin.verifyPin).mockClear();
});

async function registerOverWebSocket() {
  const data = makeTempDir();
  const renderer = makeTempDir();
  cleanups.push(data.cleanup, renderer.cleanup);
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><title>Kassa</title>');
  const core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  cleanups.push(() => core.close());
  const server = await startWebServer({ core, log: silentLogger(), port: 0, rendererDir: renderer.dir });
  cleanups.push(() => server.close());
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
  cleanups.push(() => ws.close());
  const answers = new Map<number, (result: ApiResult<Record<string, unknown>>) => void>();
  ws.on('message', (raw: WebSocket.RawData) => {
    const message = JSON.parse(raw.toString()) as { id?: number; result?: ApiResult<Record<string, unknown>> };
    if (typeof message.id === 'number') answers.get(message.id)?.(message.result!);
  });
  let next = 0;
  const call = (channel: string, input: unknown = {}) =>
    new Promise<ApiResult<Record<string, unknown>>>((resolve) => {
      const id = ++next;
      answers.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, input }));
    });
  const codeOf = async (channel: string, input: unknown = {}) => {
    const result = await call(channel, input);
    return result.ok ? 'ok' : result.error.code;
  };
  return { call, codeOf };
}

/** The PINs the register compared against a stored hash (each may be compared with several users). */
const checkedPins = () => new Set(vi.mocked(pin.verifyPin).mock.calls.map(([typed]) => typed));

describe('guessing PINs over the register’s WebSocket', () => {
  it('41 sign-ins sent at once (40 wrong, then the manager’s): 5 PINs and the manager’s one try are checked, the rest are refused unchecked, and the manager PIN does not get in', async () => {
    const r = await registerOverWebSocket();
    const wrong = Array.from({ length: 45 }, (_, i) => String(i).padStart(4, '0'))
      .filter((p) => p !== '1234' && p !== '9999')
      .slice(0, 40);
    const answers = await Promise.all([...wrong, '9999'].map((typed) => r.codeOf('session.login', { pin: typed })));

    expect(answers.filter((code) => code === 'ok')).toEqual([]);
    expect(answers.filter((code) => code === 'WRONG_PIN')).toHaveLength(4);
    expect(answers.filter((code) => code === 'TOO_MANY_ATTEMPTS')).toHaveLength(37);
    expect(checkedPins().size).toBeLessThanOrEqual(6);
    expect(checkedPins().has('9999')).toBe(false);
    const state = await r.call('session.get');
    expect(state).toMatchObject({ ok: true, value: { user: null, signInLockedUntil: expect.any(Number) } });
  }, 60_000);

  it('4 wrong PINs then the cashier’s own, repeated, locks sign-in: a right PIN does not wipe the wrong ones', async () => {
    const r = await registerOverWebSocket();
    const codes: string[] = [];
    for (const round of [0, 1]) {
      for (let i = 0; i < 4; i++) codes.push(await r.codeOf('session.login', { pin: `00${round}${i}` }));
      codes.push(await r.codeOf('session.login', { pin: '1234' }));
      await r.codeOf('session.logout');
    }
    expect(codes).toEqual(['WRONG_PIN', 'WRONG_PIN', 'WRONG_PIN', 'WRONG_PIN', 'ok', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
  }, 60_000);
});
