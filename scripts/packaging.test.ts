import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The installer configuration, read as electron-builder reads it: what a store's IT relies on. */
const ROOT = path.resolve(__dirname, '..');
interface BuilderConfig {
  appId: string;
  productName: string;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string; verifyUpdateCodeSignature?: boolean; signtoolOptions?: { publisherName?: string | string[] } };
  nsis: Record<string, unknown>;
  npmRebuild: boolean;
  files: string[];
  extraResources: { from: string; to: string }[];
  publish: Record<string, unknown>;
  electronFuses?: Record<string, boolean>;
}
const config = parse(fs.readFileSync(path.join(ROOT, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pngSize = (file: string) => {
  const data = fs.readFileSync(file);
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
};

describe('packaging', () => {
  it('names the app and builds an AppImage and a deb for Linux and a per-machine NSIS installer for Windows', () => {
    expect(config.appId).toBe('com.kassa.register');
    expect(config.productName).toBe('Kassa');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, deleteAppDataOnUninstall: false });
  });

  it('has an icon for every size the desktops ask for, and a Windows .ico', () => {
    const dir = path.join(ROOT, config.linux.icon);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(path.join(dir, `${size}x${size}.png`))).toEqual([size, size]);
    const ico = fs.readFileSync(path.join(ROOT, config.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(4);
  });

  it('ships better-sqlite3 built for Electron, not the Node build, and leaves the data folder out of the install', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toContainEqual({ from: 'native/electron/better_sqlite3.node', to: 'native/better_sqlite3.node' });
    expect(config.files).toContain('!node_modules/better-sqlite3/{build,deps,src}{,/**}');
    expect(JSON.stringify(config.files)).not.toMatch(/kassa\.db|settings\.json/);
  });

  it('writes an update feed description (latest.yml) for electron-updater, from a generic feed', () => {
    expect(config.publish).toMatchObject({ provider: 'generic' });
  });

  it('flips the fuses that would let someone script an installed register: run as Node, NODE_OPTIONS, --inspect, code outside app.asar', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });

  it("on Windows, installs only an update whose installer is code-signed by Kassa's publisher", () => {
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    expect(config.win.signtoolOptions?.publisherName).toBeTruthy();
  });
});
