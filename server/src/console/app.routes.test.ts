import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHq, type TestHq } from '../test/harness';
import { CONSOLE_CSP } from './app.routes';

describe('the console web app', () => {
  let dir: string;
  let hq: TestHq;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-console-app-'));
    process.env.HQ_CONSOLE_DIR = dir;
  });
  afterEach(async () => {
    await hq?.close();
    delete process.env.HQ_CONSOLE_DIR;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page for /console and every path of the app, with its CSP, and its hashed assets for good', async () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'not an asset');
    hq = await makeHq('sqlite');

    for (const url of ['/console', '/console/', '/console/fleet', '/console/setup']) {
      const page = await hq.app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toContain('<title>console</title>');
    }

    const asset = await hq.app.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log(1)');

    // Only the build's assets: never another file of the folder or beyond it (a path climbing out of
    // assets/ is at most the app's page), and a missing asset is a 404.
    for (const url of ['/console/assets/%2e%2e/secret.txt', '/console/assets/..%2fsecret.txt', '/console/assets/..%2f..%2fsecret.txt', '/console/secret.txt']) {
      const refused = await hq.app.inject({ method: 'GET', url });
      expect(refused.body, url).not.toContain('not an asset');
    }
    expect((await hq.app.inject({ method: 'GET', url: '/console/assets/gone-1.js' })).statusCode).toBe(404);
    expect((await hq.app.inject({ method: 'GET', url: '/console/assets/..%2fsecret.txt' })).statusCode).toBe(404);

    // An API path HQ does not serve is a JSON 404, not the app's page.
    const api = await hq.app.inject({ method: 'GET', url: '/console/api/no-such-route' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'NOT_FOUND' });
  });

  it('says how to build the console when it is not built', async () => {
    hq = await makeHq('sqlite');
    const page = await hq.app.inject({ method: 'GET', url: '/console/stores' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('npm run build:console');
  });
});
