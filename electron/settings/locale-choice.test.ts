import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALE_FILE, LocaleChoiceStore, registerLocale } from './locale-choice';

const dirs: string[] = [];
const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-locale-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('the language chosen on screen', () => {
  it('is none until someone chooses, then survives a new store on the same folder (a restart)', () => {
    const dir = dataDir();
    expect(new LocaleChoiceStore(dir).read()).toBeNull();
    new LocaleChoiceStore(dir).write('zh-CN', 'Ana', 1_000);
    expect(new LocaleChoiceStore(dir).read()).toBe('zh-CN');
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCALE_FILE), 'utf8'))).toEqual({ locale: 'zh-CN', by: 'Ana', at: 1_000 });
  });

  it('leaves settings.json and no temp file behind', () => {
    const dir = dataDir();
    const settings = '{ "store": { "code": "S01" } }\n';
    fs.writeFileSync(path.join(dir, 'settings.json'), settings);
    new LocaleChoiceStore(dir).write('en', null);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(settings);
    expect(fs.readdirSync(dir).sort()).toEqual([LOCALE_FILE, 'settings.json']);
  });

  it('ignores a damaged or unknown choice instead of refusing to start', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, LOCALE_FILE), '{ "locale": "fr", "by": null, "at": 1 }');
    expect(new LocaleChoiceStore(dir).read()).toBeNull();
    fs.writeFileSync(path.join(dir, LOCALE_FILE), '{ torn');
    expect(new LocaleChoiceStore(dir).read()).toBeNull();
  });

  it('wins over settings ui.locale, which wins over KASSA_LOCALE', () => {
    expect(registerLocale('en', 'zh-CN', 'zh-CN')).toBe('en');
    expect(registerLocale(null, 'zh-CN', 'en')).toBe('zh-CN');
    expect(registerLocale(null, undefined, 'zh-CN')).toBe('zh-CN');
  });
});

describe('settings for languages and updates', () => {
  it('takes ui.locale and updates.url when valid and names the key when not', async () => {
    const { parseSettings } = await import('./settings');
    expect(parseSettings({ ui: { locale: 'zh-CN' }, updates: { url: 'https://updates.example.com/kassa/' } })).toMatchObject({ ui: { locale: 'zh-CN' }, updates: { url: 'https://updates.example.com/kassa/' } });
    expect(parseSettings({}).ui.locale).toBeUndefined();
    expect(parseSettings({}).updates.url).toBeUndefined();
    expect(() => parseSettings({ ui: { locale: 'fr' } })).toThrow(/ui\.locale: must be one of en, zh-CN/);
    expect(() => parseSettings({ updates: { url: 'ftp://x' } })).toThrow(/updates\.url/);
  });
});
