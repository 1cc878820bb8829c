import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { startWebServer, type WebServer } from './web-server';

let server: WebServer;
let core: KassaCore;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const data = makeTempDir();
  const renderer = makeTempDir();
  cleanups.push(data.cleanup, renderer.cleanup);
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
  fs.mkdirSync(path.join(renderer.dir, 'assets'));
  fs.writeFileSync(path.join(renderer.dir, 'assets', 'app.js'), 'console.log("kassa")');
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  server = await startWebServer({ core, log: silentLogger(), port: 0, rendererDir: renderer.dir });
});
afterAll(async () => {
  await server.close();
  core.close();
  cleanups.forEach((fn) => fn());
});

function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${server.port}${pathname}`, { headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function connect(query = `?token=${server.token}`, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, channel: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (message.id === id) {
        ws.off('message', onMessage);
        resolve(message.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, input }));
  });
}

describe('the web host', () => {
  it('binds 127.0.0.1 and prints a URL-safe token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the page with the token and sets an HttpOnly, SameSite=Strict cookie and a strict CSP', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.[0]).toMatch(/^kassa_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers 401 without the token: page, asset, unknown path and /api alike', async () => {
    for (const p of ['/', '/assets/app.js', '/no-such-thing', '/api', `/?token=${'x'.repeat(32)}`]) expect((await get(p)).status, p).toBe(401);
  });

  it('accepts the cookie alone', async () => {
    expect((await get('/assets/app.js', { cookie: `kassa_token=${server.token}` })).status).toBe(200);
  });

  it('answers 403 to a foreign Host header before looking at the token', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('refuses a WebSocket without the token (401) or from a foreign origin (403)', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('runs the API over the WebSocket: login, scan, events, and bad messages get a clear refusal', async () => {
    const ws = await connect();
    const otherWindow = await connect();
    const events: string[] = [];
    const otherEvents: string[] = [];
    const listen = (socket: WebSocket, into: string[]) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { event?: { name: string } };
        if (message.event) into.push(message.event.name);
      });
    listen(ws, events);
    listen(otherWindow, otherEvents);
    expect(await call(ws, 1, 'session.login', { pin: '0000' })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    expect(await call(ws, 2, 'session.login', { pin: '1234' })).toMatchObject({ ok: true, value: { user: { name: 'Ana', role: 'cashier' } } });
    expect(await call(ws, 3, 'cart.scan', { code: 'SKU-000001' })).toMatchObject({ ok: true, value: { itemCount: 1 } });
    // The scanning window has the cart in its answer; every other window hears the change.
    await expect.poll(() => otherEvents).toEqual(expect.arrayContaining(['session.changed', 'cart.changed']));
    expect(events).toContain('session.changed');
    expect(events).not.toContain('cart.changed');
    otherWindow.close();

    const reply = new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send('{"id": 4, "channel": ');
    expect(await reply).toMatchObject({ id: null, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    ws.close();
  });

  it('survives an oversized frame: that connection closes, the register keeps answering', async () => {
    const ws = await connect();
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.send('x'.repeat(70 * 1024));
    await closed;
    const again = await connect();
    expect(await call(again, 9, 'app.info', {})).toMatchObject({ ok: true });
    again.close();
  });
});
