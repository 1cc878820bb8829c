import { describe, expect, it } from 'vitest';
import { i18next, NAMESPACES, resources } from './index';

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** Strips i18next's plural suffixes so `items_one` and `items_other` count as the key `items`. */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

describe('translations', () => {
  it('has English and Simplified Chinese with the same namespaces', () => {
    expect(Object.keys(resources).sort()).toEqual(['en', 'zh-CN']);
    expect(Object.keys(resources['zh-CN']!).sort()).toEqual([...NAMESPACES].sort());
  });

  for (const namespace of NAMESPACES) {
    it(`${namespace}: every English key is translated into Chinese and the other way round, none empty`, () => {
      const en = keys(resources.en![namespace]!);
      const zh = keys(resources['zh-CN']![namespace]!);
      expect(new Set(zh.map(base))).toEqual(new Set(en.map(base)));
      for (const language of ['en', 'zh-CN'] as const) {
        for (const key of keys(resources[language]![namespace]!)) {
          const value = i18next.getResource(language, namespace, key) as unknown;
          expect(typeof value === 'string' && value.trim().length > 0, `${language} ${namespace}:${key} is empty`).toBe(true);
        }
      }
    });
  }

  it('throws on a missing key in tests, so a screen that names one fails its own test', () => {
    expect(() => i18next.t('common:noSuchKey')).toThrow(/Missing translation common:noSuchKey/);
  });
});
