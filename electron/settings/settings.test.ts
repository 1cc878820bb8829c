import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/factories';
import { defaultSettings, loadSettings, parseSettings, SettingsError } from './settings';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));
function dataDir(settings?: string): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  if (settings !== undefined) fs.writeFileSync(path.join(dir, 'settings.json'), settings);
  return dir;
}

describe('settings.json', () => {
  it('is created with every default on first start', () => {
    const dir = dataDir();
    const settings = loadSettings(dir);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
    expect(written).toEqual(settings);
    expect(settings.connectivity).toEqual({ t1Ms: 2000, t2Ms: 15000, t2OfflineMs: 3000, probeTimeoutMs: 2000, probeHedging: 4, recoverSuccesses: 2, qosPollMs: 5000 });
  });

  it('takes defaults for every key a partial file leaves out, and leaves the file as written', () => {
    const dir = dataDir('{ "connectivity": { "t1Ms": 4000 } }');
    const settings = loadSettings(dir);
    expect(settings.connectivity.t1Ms).toBe(4000);
    expect(settings.connectivity.t2Ms).toBe(15000);
    expect(settings.store).toEqual(defaultSettings().store);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe('{ "connectivity": { "t1Ms": 4000 } }');
  });

  it('refuses a negative time, naming the key and the value', () => {
    expect(() => parseSettings({ connectivity: { t1Ms: -5 } })).toThrow(SettingsError);
    expect(() => parseSettings({ connectivity: { t1Ms: -5 } })).toThrow(/connectivity\.t1Ms: must not be negative \(got -5\)/);
  });

  it('refuses t1Ms shorter than probeTimeoutMs', () => {
    expect(() => parseSettings({ connectivity: { t1Ms: 1000, probeTimeoutMs: 1500 } })).toThrow(/connectivity\.t1Ms: must be at least probeTimeoutMs \(1500\)/);
  });

  it('takes cash rounding of 0, 5 or 10 minor units and refuses any other step with what it means', () => {
    expect(defaultSettings().store.cashRoundingMinor).toBe(0);
    expect(parseSettings({ store: { cashRoundingMinor: 5 } }).store.cashRoundingMinor).toBe(5);
    expect(() => parseSettings({ store: { cashRoundingMinor: 25 } })).toThrow(
      /store\.cashRoundingMinor: must be 0 \(no cash rounding\), 5 \(round cash to the nearest 0\.05\) or 10 \(the nearest 0\.10\) \(got 25\)/,
    );
  });

  it('takes an https update feed and refuses plain http except on this machine', () => {
    expect(parseSettings({ updates: { url: 'https://updates.example.com/kassa' } }).updates.url).toBe('https://updates.example.com/kassa');
    expect(() => parseSettings({ updates: { url: 'http://updates.example.com/kassa' } })).toThrow(/updates\.url: must be an https URL/);
    expect(parseSettings({ updates: { url: 'http://127.0.0.1:8080/feed' } }).updates.url).toBe('http://127.0.0.1:8080/feed');
    for (const url of ['http://192.168.1.20/feed', 'http://127.0.0.1.example.com/feed', 'ftp://updates.example.com/kassa']) {
      expect(() => parseSettings({ updates: { url } }), url).toThrow(/updates\.url: must be an https URL/);
    }
  });

  it('refuses wrong types, unknown keys and hyphenated register codes', () => {
    expect(() => parseSettings({ connectivity: { recoverSuccesses: '2' } })).toThrow(/connectivity\.recoverSuccesses/);
    expect(() => parseSettings({ connectivity: { t1ms: 2000 } })).toThrow(/unknown key\(s\) t1ms/);
    expect(() => parseSettings({ register: { code: 'R-1' } })).toThrow(/register\.code: must be 1 to 12 letters or digits \(no hyphen\)/);
  });

  it('reads scale labels with prefix 2 and embedded prices by default; refuses a 3-digit prefix and an unknown value kind', () => {
    expect(defaultSettings().checkout.embeddedBarcode).toEqual({ prefix: '2', value: 'price' });
    expect(parseSettings({ checkout: { embeddedBarcode: { prefix: '29', value: 'weight' } } }).checkout.embeddedBarcode).toEqual({ prefix: '29', value: 'weight' });
    expect(() => parseSettings({ checkout: { embeddedBarcode: { prefix: '201' } } })).toThrow(/checkout\.embeddedBarcode\.prefix: must be 1 or 2 digits/);
    expect(() => parseSettings({ checkout: { embeddedBarcode: { value: 'volume' } } })).toThrow(/checkout\.embeddedBarcode\.value/);
  });

  it('warns below 200 MiB free on the data folder, measured every 30 s, by default; both can be set, neither negative nor too often', () => {
    expect(defaultSettings().storage).toEqual({ lowSpaceMiB: 200, checkIntervalMs: 30_000 });
    expect(parseSettings({ storage: { lowSpaceMiB: 1024 } }).storage).toEqual({ lowSpaceMiB: 1024, checkIntervalMs: 30_000 });
    expect(() => parseSettings({ storage: { lowSpaceMiB: -1 } })).toThrow(/storage\.lowSpaceMiB: must not be negative/);
    expect(() => parseSettings({ storage: { checkIntervalMs: 10 } })).toThrow(/storage\.checkIntervalMs: must be at least 1000/);
  });

  it('refuses a file that is not JSON with a message naming the file', () => {
    const dir = dataDir('{ "connectivity": ');
    expect(() => loadSettings(dir)).toThrow(/settings\.json is not valid JSON/);
  });
});
