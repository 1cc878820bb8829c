import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The owners the register relies on: the only place whose SQL writes each of these tables (a folder, or one
 * file where a module keeps a table to one repository). Any other table is owned by the one folder that writes it.
 */
const OWNERS: Record<string, string> = {
  register_sequence: 'electron/modules/checkout/ledger.repository.ts',
  sales: 'electron/modules/checkout/',
  sale_lines: 'electron/modules/checkout/',
  payments: 'electron/modules/checkout/',
  tax_classes: 'electron/modules/checkout/',
  promotions: 'electron/modules/checkout/',
  products: 'electron/modules/catalog/',
  product_barcodes: 'electron/modules/catalog/',
  products_staging: 'electron/modules/catalog/',
  product_barcodes_staging: 'electron/modules/catalog/',
  users: 'electron/modules/auth/',
  members: 'electron/modules/membership/',
  point_ledger: 'electron/modules/membership/',
  outbox: 'electron/sync/',
  dead_letters: 'electron/sync/',
  sync_state: 'electron/sync/',
  register_identity: 'electron/hq/',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return ['testing', 'test', 'migrations'].includes(entry.name) ? [] : sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.testing.ts') ? [file] : [];
  });
}

const migrations = fs
  .readdirSync(path.join(root, 'electron/db/migrations'))
  .filter((name) => /^\d{3}-.*\.ts$/.test(name) && !name.endsWith('.test.ts'))
  .map((name) => fs.readFileSync(path.join(root, 'electron/db/migrations', name), 'utf8'))
  .join('\n');
const tables = [...new Set([...migrations.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]!))];

/** The tables each register source file writes, as `file → table`. */
function writes(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles('electron')) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const match of text.matchAll(/\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(\w+)/gi)) {
      if (tables.includes(match[1]!)) found.push(`${file} → ${match[1]}`);
    }
  }
  return [...new Set(found)].sort();
}

describe('every table has one owner', () => {
  it('knows the tables the migrations create, the owned ones among them', () => {
    expect(tables.length).toBeGreaterThan(20);
    expect(Object.keys(OWNERS).filter((table) => !tables.includes(table))).toEqual([]);
  });

  it('finds the writes it checks (the scan sees the ledger and the catalog)', () => {
    const all = writes();
    expect(all).toContain('electron/modules/checkout/ledger.repository.ts → register_sequence');
    expect(all).toContain('electron/modules/checkout/ledger.repository.ts → payments');
    expect(all).toContain('electron/modules/catalog/catalog.repository.ts → products');
  });

  it('no code writes a table it does not own: sales, refunds, payments and the sequence go through checkout’s ledger', () => {
    const strays = writes().filter((write) => {
      const [file, table] = write.split(' → ') as [string, string];
      return table in OWNERS && !file.startsWith(OWNERS[table]!);
    });
    expect(strays).toEqual([]);
  });

  it('every other table is written from one folder only (a module, or a part of the core)', () => {
    const folders = new Map<string, Set<string>>();
    for (const write of writes()) {
      const [file, table] = write.split(' → ') as [string, string];
      if (table in OWNERS) continue;
      const folder = /^electron\/(?:modules\/)?[^/]+\//.exec(file)![0];
      folders.set(table, (folders.get(table) ?? new Set()).add(folder));
    }
    expect(folders.size).toBeGreaterThan(5);
    expect([...folders].filter(([, owners]) => owners.size > 1).map(([table, owners]) => `${table}: ${[...owners].join(', ')}`)).toEqual([]);
  });

  it('diagnostics runs no SQL of its own: each module gives its figures', () => {
    const sql = sourceFiles('electron/modules/diagnostics').filter((file) => /\b(?:SELECT|prepare|pragma|exec)\b/.test(fs.readFileSync(path.join(root, file), 'utf8')));
    expect(sql).toEqual([]);
  });
});
