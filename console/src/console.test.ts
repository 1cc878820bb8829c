import { describe, expect, it } from 'vitest';
import { withQuery } from './api';
import { parseMoney, toDecimal } from './format';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

/** Every `t('a.b')` the console's source names (keys built at run time, `t(\`nav.${page}\`)`, are checked by their prefix). */
function namedKeys(): { fixed: string[]; prefixes: string[] } {
  const sources = import.meta.glob<string>(['./**/*.ts', './**/*.tsx', '!./**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
  const fixed = new Set<string>();
  const prefixes = new Set<string>();
  for (const source of Object.values(sources)) {
    for (const m of source.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) fixed.add(m[1]!);
    for (const m of source.matchAll(/\bt\(`([a-zA-Z0-9_.-]+)\.\$\{/g)) prefixes.add(m[1]!);
  }
  return { fixed: [...fixed], prefixes: [...prefixes] };
}

describe('the console in English and Chinese', () => {
  const enKeys = new Set(keys(en).map(base));
  it('has every English key in Chinese and the other way round, none empty', () => {
    expect(new Set(keys(zhCN).map(base))).toEqual(enKeys);
    for (const [language, tree] of [['en', en], ['zh-CN', zhCN]] as const) {
      for (const key of keys(tree)) {
        const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
        expect(typeof value === 'string' && value.trim().length > 0, `${language} ${key} is empty`).toBe(true);
      }
    }
  });

  it('has a text for every key the pages name', () => {
    const { fixed, prefixes } = namedKeys();
    expect(fixed.length).toBeGreaterThan(100);
    expect(fixed.filter((k) => !enKeys.has(k))).toEqual([]);
    for (const prefix of prefixes) expect([...enKeys].some((k) => k.startsWith(`${prefix}.`)), `keys under ${prefix}`).toBe(true);
  });
});

describe('money typed as a decimal', () => {
  it('becomes integer minor units in the currency’s own digits', () => {
    expect(parseMoney('12.5', 'EUR')).toBe(1250);
    expect(parseMoney('12,50', 'EUR')).toBe(1250);
    expect(parseMoney(' 0.07 ', 'EUR')).toBe(7);
    expect(parseMoney('3', 'EUR')).toBe(300);
    expect(parseMoney('1500', 'JPY')).toBe(1500);
  });

  it('refuses what is not an amount: more digits than the currency has, signs, words', () => {
    for (const text of ['', '1.234', '-1', '1e3', 'abc', '1.2.3']) expect(parseMoney(text, 'EUR'), text).toBeNull();
    expect(parseMoney('15.5', 'JPY')).toBeNull();
  });

  it('shows minor units as the decimal a person edits', () => {
    expect(toDecimal(1250, 'EUR')).toBe('12.50');
    expect(toDecimal(7, 'EUR')).toBe('0.07');
    expect(toDecimal(1500, 'JPY')).toBe('1500');
  });
});

describe('query strings', () => {
  it('leave out empty filters', () => {
    expect(withQuery('/x', { from: '2026-01-01', storeId: '', registerId: undefined, limit: 5 })).toBe('/x?from=2026-01-01&limit=5');
    expect(withQuery('/x', { storeId: '' })).toBe('/x');
  });
});
