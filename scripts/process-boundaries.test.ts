import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries are enforced by lint (STYLE.md)', () => {
  it('fails when shared/ imports node:fs', async () => {
    const messages = await restrictedImports('shared/money.ts', "import fs from 'node:fs';\nexport const x = fs;\n");
    expect(messages).toEqual([expect.stringMatching(/no Node built-ins/)]);
  });

  it('fails when shared/ imports a bare Node built-in or the main process', async () => {
    expect(await restrictedImports('shared/x.ts', "import path from 'path';\nexport const x = path;\n")).not.toEqual([]);
    expect(await restrictedImports('shared/x.ts', "import { openDatabase } from '../electron/db/open';\nexport const x = openDatabase;\n")).not.toEqual([]);
  });

  it('fails when the renderer imports electron or main-process code', async () => {
    expect(await restrictedImports('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).not.toEqual([]);
    expect(await restrictedImports('renderer/src/x.ts', "import { openDatabase } from '../../electron/db/open';\nexport const x = openDatabase;\n")).not.toEqual([]);
  });

  it('fails when main-process code other than main.ts and preload.ts imports electron', async () => {
    expect(await restrictedImports('electron/db/x.ts', "import { app } from 'electron';\nexport const x = app;\n")).not.toEqual([]);
    expect(await restrictedImports('electron/main.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
    expect(await restrictedImports('electron/preload.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n")).toEqual([]);
  });

  it('lets the main process use Node and shared/', async () => {
    expect(await restrictedImports('electron/db/x.ts', "import fs from 'node:fs';\nimport { formatMoney } from '../../shared/money';\nexport const x = [fs, formatMoney];\n")).toEqual([]);
  });

  it('lets only the main process and HQ import shared/node/, the shared code that needs Node', async () => {
    const hash = "import { hashPin } from '%s';\nexport const x = hashPin;\n";
    expect(await restrictedImports('electron/modules/auth/x.ts', hash.replace('%s', '../../../shared/node/pin-hash'))).toEqual([]);
    expect(await restrictedImports('server/src/auth/x.ts', hash.replace('%s', '../../../shared/node/pin-hash'))).toEqual([]);
    expect(await restrictedImports('shared/node/x.ts', "import crypto from 'node:crypto';\nexport const x = crypto;\n")).toEqual([]);
    expect(await restrictedImports('renderer/src/x.ts', hash.replace('%s', '../../shared/node/pin-hash'))).toEqual([expect.stringMatching(/shared\/node\/ needs Node/)]);
    expect(await restrictedImports('shared/x.ts', hash.replace('%s', './node/pin-hash'))).toEqual([expect.stringMatching(/shared\/node\/ needs Node/)]);
    expect(await restrictedImports('shared/hq/x.ts', hash.replace('%s', '../node/pin-hash'))).toEqual([expect.stringMatching(/shared\/node\/ needs Node/)]);
  });
});
