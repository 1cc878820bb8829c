import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Reads the renderer's source and its English strings from disk: every `t('…')` names a key that exists. */
const SRC = path.resolve(__dirname, '../renderer/src');
const LOCALES = path.join(SRC, 'i18n/locales/en');

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

describe('the renderer names only keys that exist', () => {
  it('every key named with t("…") (namespace from useTranslation or the key) exists in English', () => {
    const known = new Set(
      fs
        .readdirSync(LOCALES)
        .filter((f) => f.endsWith('.json'))
        .flatMap((f) => keys(JSON.parse(fs.readFileSync(path.join(LOCALES, f), 'utf8')) as Record<string, unknown>).map((k) => `${f.slice(0, -5)}:${base(k)}`)),
    );
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      const defaultNs = /useTranslation\(\s*'([\w-]+)'/.exec(text)?.[1] ?? 'common';
      for (const match of text.matchAll(/\bt\(\s*'([\w.:-]+)'/g)) {
        const key = match[1]!;
        const full = key.includes(':') ? key : `${defaultNs}:${key}`;
        if (!known.has(full)) missing.push(`${path.relative(SRC, file)}: ${full}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
