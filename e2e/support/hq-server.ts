import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './web-host';

const READY = /HQ listening on (http:\/\/127\.0\.0\.1:\d+)/;

export interface RunningHq {
  url: string;
  adminToken: string;
  dataDir: string;
  /** An admin call (JSON in, JSON out). */
  admin<T>(method: string, pathname: string, body?: unknown): Promise<T>;
  /** Everything HQ wrote to stdout and stderr so far (the setup link it prints at a first start, say). */
  output(): string;
  stop(options?: { keepData?: boolean; signal?: NodeJS.Signals }): Promise<void>;
}

/**
 * The real HQ server (`server/src/main.ts`) as a child process on 127.0.0.1, its own data folder, the demo
 * store seeded unless `demo: false` (an empty HQ with no console owner, which prints its setup link).
 */
export async function startHq(options: { dataDir?: string; env?: Record<string, string>; demo?: boolean } = {}): Promise<RunningHq> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hq-'));
  const adminToken = crypto.randomBytes(16).toString('hex');
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  if (options.demo === false) for (const name of ['HQ_DEMO', 'HQ_OWNER_EMAIL', 'HQ_OWNER_PASSWORD']) delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', HQ_DATA_DIR: dataDir, ...(options.demo === false ? {} : { HQ_DEMO: '1' }), HQ_ADMIN_TOKEN: adminToken, HQ_FAULTS: '1', HQ_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HQ did not get ready within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const m = output.match(READY);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`HQ exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  return {
    url,
    adminToken,
    dataDir,
    output: () => output,
    admin: async <T>(method: string, pathname: string, body?: unknown) => {
      const response = await fetch(`${url}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${pathname} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: async ({ keepData = false, signal = 'SIGTERM' } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      if (!keepData && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
