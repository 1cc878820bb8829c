import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { ManualConnectivity } from './manual-connectivity';
import { ManualFlagStore } from './manual-flag';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));
function dataDir(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('the manual offline switch', () => {
  it('starts online-capable when no file exists', () => {
    const state = new ManualConnectivity(new ManualFlagStore(dataDir()), silentLogger()).current();
    expect(state).toMatchObject({ state: 'online', reasons: [], warning: null });
  });

  it('survives a restart: Go offline is written to disk and read back on the next start', () => {
    const dir = dataDir();
    const first = new ManualConnectivity(new ManualFlagStore(dir), silentLogger());
    first.goOffline('Ana');
    const restarted = new ManualConnectivity(new ManualFlagStore(dir), silentLogger()).current();
    expect(restarted).toMatchObject({ state: 'offline', reasons: ['manual'], manualBy: 'Ana', warning: null });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'connectivity.json'), 'utf8'))).toMatchObject({ manualOffline: true, by: 'Ana' });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('tells subscribers and clears the reason on Go online', () => {
    const connectivity = new ManualConnectivity(new ManualFlagStore(dataDir()), silentLogger());
    const seen: string[] = [];
    connectivity.subscribe((s) => seen.push(`${s.state}:${s.reasons.join(',')}`));
    connectivity.goOffline('Ana');
    connectivity.goOnline('Ana');
    expect(seen).toEqual(['offline:manual', 'online:']);
    expect(connectivity.isAvailable('checkout')).toBe(true);
  });

  it('starts offline with a warning when the file is corrupted', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'connectivity.json'), '{"manualOffline": tru');
    const state = new ManualConnectivity(new ManualFlagStore(dir), silentLogger()).current();
    expect(state).toMatchObject({ state: 'offline', reasons: ['manual'] });
    expect(state.warning).toMatch(/could not be used because it is damaged.*started offline/);
  });
});
