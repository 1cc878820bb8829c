import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { electronStatus } from '../../scripts/electron-available.mjs';
import { test as base } from '../fixtures';
import type { RegisterLink } from './netns';
import { REPO_ROOT, startRegister } from './web-host';

/**
 * The register under test, as the journeys see it: a page on the till and the process behind it, whether
 * that is the web host (project `web`) or the Electron app (project `electron`). The journeys never ask
 * which one they drive, except where a host cannot do something (say so with `till.cannot`).
 */
export type RegisterHost = 'web' | 'electron';

export interface TillOptions {
  /** The register's data folder; a fresh one unless given (a restart passes the old one). */
  dataDir?: string;
  /** `<dataDir>/settings.json`, written before start (e.g. short connectivity timings). */
  settings?: unknown;
  env?: Record<string, string>;
  /** Run the register inside this network namespace (its link to HQ is the one a test cuts). */
  link?: RegisterLink;
}

export interface Till {
  readonly host: RegisterHost;
  readonly page: Page;
  readonly dataDir: string;
  /** The register process's id. */
  readonly pid: number;
  /** A crash: SIGKILL, data kept. */
  kill(): Promise<void>;
  /** A clean stop, data kept (the fixture removes the folders at the end of the test). */
  stop(): Promise<void>;
  output(): string;
}

export interface TillLauncher {
  readonly host: RegisterHost;
  /** Why this host cannot run a step (null when it can): e.g. Electron inside a network namespace. */
  cannot(step: 'netns'): string | null;
  launch(options?: TillOptions): Promise<Till>;
  /** Stops every till this test started (before the test takes down what they run on, e.g. a namespace). */
  stopAll(): Promise<void>;
}

/** `test` with `tills`: starts registers for the project's host, and stops them and removes their data after the test. */
export const test = base.extend<{ registerHost: RegisterHost; tills: TillLauncher }, { electronBuilt: boolean }>({
  electronBuilt: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, workerInfo) => {
      const building = workerInfo.project.name === 'electron' && electronStatus().path !== null;
      if (building) {
        execFileSync(process.execPath, ['scripts/rebuild-electron.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
        execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
      }
      await use(building);
    },
    { scope: 'worker' },
  ],
  registerHost: async ({ electronBuilt }, use, testInfo) => {
    const host: RegisterHost = testInfo.project.name === 'electron' ? 'electron' : 'web';
    if (host === 'electron') {
      const status = electronStatus();
      testInfo.skip(!status.path || !electronBuilt, `Electron is not installed on this machine: ${status.reason ?? 'not built'}`);
    }
    await use(host);
  },
  // registerHost first: where the project cannot run (no Electron), the test is skipped before a browser starts.
  tills: async ({ registerHost: host, page, browser }, use) => {
    const running: Till[] = [];
    const folders = new Set<string>();
    // The test's own page (its trace and screenshots) goes to the first till, and again to a till started after it stopped.
    let pageOwner: { stopped: boolean } | null = null;
    const launcher: TillLauncher = {
      host,
      cannot: (step) => (step === 'netns' && host === 'electron' ? 'Playwright starts the Electron app itself and cannot start it inside a network namespace' : null),
      launch: async (options = {}) => {
        const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-journey-'));
        folders.add(dataDir);
        if (options.settings !== undefined) fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(options.settings));
        const env = { KASSA_LOCALE: 'en', ...options.env };
        const reuse = !pageOwner || pageOwner.stopped;
        const state = { stopped: false };
        if (reuse) pageOwner = state;
        const started = host === 'electron' ? await launchElectron(dataDir, env, options.link) : await launchWeb(dataDir, env, options.link, reuse ? page : null, browser);
        const till: Till = {
          ...started,
          kill: async () => {
            state.stopped = true;
            await started.kill();
          },
          stop: async () => {
            state.stopped = true;
            await started.stop();
          },
        };
        running.push(till);
        return till;
      },
      stopAll: async () => {
        for (const till of running) await till.stop().catch(() => {});
      },
    };
    try {
      await use(launcher);
    } finally {
      await launcher.stopAll();
      for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
    }
  },
});

export { expect };

async function launchWeb(dataDir: string, env: Record<string, string>, link: RegisterLink | undefined, page: Page | null, browser: Browser): Promise<Till> {
  const port = link ? await link.expose() : 0;
  const register = await startRegister({ dataDir, env: { ...env, PORT: String(port) }, prefix: link?.prefix });
  const target = page ?? (await browser.newPage());
  await target.goto(register.url);
  await expect(target.getByTestId('connectivity')).toBeVisible();
  return {
    host: 'web',
    page: target,
    dataDir,
    pid: register.pid,
    kill: () => register.kill('SIGKILL'),
    stop: () => register.stop({ keepData: true }),
    output: () => register.output(),
  };
}

async function launchElectron(dataDir: string, env: Record<string, string>, link: RegisterLink | undefined): Promise<Till> {
  if (link) throw new Error('the Electron app cannot be started inside a network namespace here (check launcher.cannot("netns") first)');
  const app = await electron.launch({ args: ['.'], cwd: REPO_ROOT, env: { ...process.env, KASSA_DATA_DIR: dataDir, ...env } as Record<string, string> });
  const window = await app.firstWindow();
  await expect(window.getByTestId('connectivity')).toBeVisible();
  const child = app.process();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    host: 'electron',
    page: window,
    dataDir,
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) await app.close().catch(() => {});
    },
    output: () => output,
  };
}

/** Records in the report (and the log) which way a journey did something, e.g. how it cut the network. */
export function note(testInfo: TestInfo, type: string, description: string): void {
  testInfo.annotations.push({ type, description });
  console.log(`${testInfo.title}: ${type}: ${description}`);
}
