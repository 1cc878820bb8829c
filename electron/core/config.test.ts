import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, readRegisterConfig } from './config';

describe('register configuration from the environment', () => {
  it('defaults to port 5317, demo mode, English and the per-user data folder', () => {
    expect(readRegisterConfig({}, '/home/ana/.config/Kassa')).toEqual({
      dataDir: '/home/ana/.config/Kassa',
      port: 5317,
      hqUrl: null,
      enrolmentCode: null,
      locale: 'en',
    });
  });

  it('reads PORT, KASSA_DATA_DIR, KASSA_HQ_URL, KASSA_ENROLMENT_CODE and KASSA_LOCALE', () => {
    const config = readRegisterConfig({ PORT: '0', KASSA_DATA_DIR: 'data', KASSA_HQ_URL: 'https://hq.example:8443/', KASSA_ENROLMENT_CODE: 'DEMO', KASSA_LOCALE: 'zh-CN' }, '/x');
    expect(config).toEqual({ dataDir: path.resolve('data'), port: 0, hqUrl: 'https://hq.example:8443', enrolmentCode: 'DEMO', locale: 'zh-CN' });
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => readRegisterConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => readRegisterConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => readRegisterConfig({ KASSA_HQ_URL: 'hq' })).toThrow(/KASSA_HQ_URL/);
    expect(() => readRegisterConfig({ KASSA_HQ_URL: 'ftp://hq' })).toThrow(/KASSA_HQ_URL must use http or https/);
    expect(() => readRegisterConfig({ KASSA_LOCALE: 'fr' })).toThrow(/KASSA_LOCALE must be one of en, zh-CN/);
  });

  it('refuses an HQ reached over plain http on the network (PINs would cross it readable), and takes https or plain http to this machine', () => {
    for (const url of ['http://hq.example:8080', 'http://192.168.1.20:8080', 'http://10.0.0.5', 'http://[fe80::1]:8080', 'http://127.0.0.1.example.com/', 'http://localhost.example.com/']) {
      expect(() => readRegisterConfig({ KASSA_HQ_URL: url }, '/x'), url).toThrow(/KASSA_HQ_URL must be https: plain http would send PINs/);
    }
    for (const [url, kept] of [
      ['https://hq.example', 'https://hq.example'],
      ['https://192.168.1.20:8443/', 'https://192.168.1.20:8443'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['http://127.0.0.2:8080/', 'http://127.0.0.2:8080'],
      ['http://localhost:8080/', 'http://localhost:8080'],
      ['http://[::1]:8080/', 'http://[::1]:8080'],
    ]) {
      expect(readRegisterConfig({ KASSA_HQ_URL: url }, '/x'), url).toEqual(expect.objectContaining({ hqUrl: kept }));
      expect(readRegisterConfig({ KASSA_HQ_URL: url }, '/x')).not.toHaveProperty('plainHttpHq');
    }
  });

  it('takes plain http to an HQ on the network only when KASSA_HQ_ALLOW_HTTP=1 says so (a test network), and marks it', () => {
    expect(readRegisterConfig({ KASSA_HQ_URL: 'http://10.200.1.1:8080', KASSA_HQ_ALLOW_HTTP: '1' }, '/x')).toMatchObject({ hqUrl: 'http://10.200.1.1:8080', plainHttpHq: true });
    expect(() => readRegisterConfig({ KASSA_HQ_URL: 'http://10.200.1.1:8080', KASSA_HQ_ALLOW_HTTP: 'yes' }, '/x')).toThrow(/KASSA_HQ_URL must be https/);
  });

  it('puts the data folder where each operating system keeps per-user app data', () => {
    expect(defaultDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Kassa');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/Kassa');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toBe(path.join('C:\\Users\\ana\\AppData\\Roaming', 'Kassa'));
    expect(defaultDataDir('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/Application Support/Kassa');
  });
});
