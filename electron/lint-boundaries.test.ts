import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = fs
  .readdirSync(path.join(root, 'electron/modules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** What the project's lint rules say about one import written in a file at `file` (relative to the repository). */
async function importErrors(file: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as imported from '${from}';\nexport { imported };\n`, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('a module plugs in: others reach it through its index only', () => {
  it('a module importing another module’s repository is an error', async () => {
    const errors = await importErrors('electron/modules/orders/refund-probe.ts', '../checkout/ledger.repository');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: .*through its index\.ts only/);
  });

  it('importing that module’s index is fine, with or without the file name', async () => {
    expect(await importErrors('electron/modules/orders/refund-probe.ts', '../checkout')).toEqual([]);
    expect(await importErrors('electron/modules/orders/refund-probe.ts', '../checkout/index')).toEqual([]);
  });

  it('a module’s own files, however deep, are its own to import', async () => {
    expect(await importErrors('electron/modules/checkout/receipt/receipt-probe.ts', '../ledger.repository')).toEqual([]);
    expect(await importErrors('electron/modules/checkout/checkout-probe.ts', './pricing/pricing-rules.repository')).toEqual([]);
  });

  it('a file deep inside a module reaching into another module is an error too', async () => {
    expect(await importErrors('electron/modules/checkout/receipt/receipt-probe.ts', '../../catalog/catalog.repository')).toHaveLength(1);
  });

  it('holds for every module folder, each towards every other', async () => {
    expect(modules.length).toBeGreaterThanOrEqual(6);
    for (const own of modules) {
      for (const other of modules.filter((m) => m !== own)) {
        expect(await importErrors(`electron/modules/${own}/probe.ts`, `../${other}/some.repository`), `${own} → ${other}`).toHaveLength(1);
        expect(await importErrors(`electron/modules/${own}/probe.ts`, `../${other}`), `${own} → ${other}'s index`).toEqual([]);
      }
    }
  });

  it('the sync engine and the HQ client reach modules through their index only', async () => {
    expect(await importErrors('electron/sync/feed-probe.ts', '../modules/catalog/catalog.repository')).toHaveLength(1);
    expect(await importErrors('electron/hq/hq-probe.ts', '../modules/checkout/ledger.repository')).toHaveLength(1);
    expect(await importErrors('electron/sync/feed-probe.ts', '../modules/catalog')).toEqual([]);
  });

  it('a module keeps the process boundaries of the main process (no electron, no renderer, no HQ server)', async () => {
    expect(await importErrors('electron/modules/orders/refund-probe.ts', 'electron')).toHaveLength(1);
    expect(await importErrors('electron/modules/orders/refund-probe.ts', '../../../renderer/src/main')).toHaveLength(1);
    expect(await importErrors('electron/modules/orders/refund-probe.ts', '../../../server/src/main')).toHaveLength(1);
  });

  it('a test may build other modules’ repositories for its setup', async () => {
    expect(await importErrors('electron/modules/orders/refund-probe.test.ts', '../checkout/ledger.repository')).toEqual([]);
  });
});

describe('the core never imports the shell', () => {
  it('core importing the web host is an error', async () => {
    const errors = await importErrors('electron/core/core-probe.ts', '../web-host');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: .*The core never imports the shell/);
  });

  it('neither may a module, the sync engine or the HQ client import the shell’s files', async () => {
    expect(await importErrors('electron/modules/orders/refund-probe.ts', '../../host/web-server')).toHaveLength(1);
    expect(await importErrors('electron/sync/feed-probe.ts', '../main')).toHaveLength(1);
    expect(await importErrors('electron/hq/hq-probe.ts', '../preload')).toHaveLength(1);
    expect(await importErrors('electron/core/core-probe.ts', '../host/csp')).toHaveLength(1);
  });

  it('the shell imports the core (it hosts it)', async () => {
    expect(await importErrors('electron/host/host-probe.ts', '../core/kassa-core')).toEqual([]);
    expect(await importErrors('electron/web-host.ts', './core/kassa-core')).toEqual([]);
  });
});
