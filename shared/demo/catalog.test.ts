import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface DemoProduct {
  sku: string;
  barcodes: string[];
  name: string;
  price: number;
  taxClass: string;
  priceByLabel?: true;
}

const catalogUrl = new URL('./catalog.json', import.meta.url);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const generator = fileURLToPath(new URL('../../scripts/generate-demo-catalog.mjs', import.meta.url));

const text = readFileSync(catalogUrl, 'utf8');
const products = (JSON.parse(text) as { products: DemoProduct[] }).products;

/** EAN-13 with its check digit (weights 1,3,1,3,… over the first 12 digits). Kept apart from the generator on purpose. */
function isValidEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(code[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(code[12]);
}

describe('demo catalog (shared/demo/catalog.json)', () => {
  it('has 2000 products with exactly the contract fields, and `priceByLabel: true` on those a scale label may price', () => {
    expect(products).toHaveLength(2000);
    for (const p of products) {
      expect(Object.keys(p)).toEqual(p.priceByLabel ? ['sku', 'barcodes', 'name', 'price', 'taxClass', 'priceByLabel'] : ['sku', 'barcodes', 'name', 'price', 'taxClass']);
      if ('priceByLabel' in p) expect(p.priceByLabel).toBe(true);
    }
  });

  it('lets scale labels price produce, meat, fish and deli only: the bananas of the first ten, never a gift card or voucher', () => {
    const labelled = products.filter((p) => p.priceByLabel);
    expect(labelled.length).toBeGreaterThan(100);
    expect(products[2]).toMatchObject({ sku: 'SKU-000003', name: expect.stringMatching(/Bananas/), priceByLabel: true });
    expect(labelled.filter((p) => p.taxClass === 'zero' || /gift card|voucher/i.test(p.name))).toEqual([]);
    expect(products.filter((p) => /gift card/i.test(p.name)).length).toBeGreaterThan(0);
  });

  it('is written one product per line', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('{"products":[');
    expect(lines.at(-2)).toBe(']}');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(products.length + 3);
  });

  it('has unique SKUs', () => {
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    for (const p of products) expect(p.sku).toMatch(/^SKU-\d{6}$/);
  });

  it('has unique names', () => {
    expect(new Set(products.map((p) => p.name)).size).toBe(products.length);
    for (const p of products) expect(p.name.trim()).toBe(p.name);
  });

  it('has unique, valid EAN-13 barcodes, none in the in-store (2) or ISSN/ISBN (977-979) ranges', () => {
    const all = products.flatMap((p) => p.barcodes);
    for (const p of products) expect(p.barcodes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(all).size).toBe(all.length);
    const invalid = all.filter((b) => !isValidEan13(b));
    expect(invalid).toEqual([]);
    expect(all.filter((b) => b.startsWith('2'))).toEqual([]);
    expect(all.filter((b) => /^97[789]/.test(b))).toEqual([]);
  });

  it('has positive integer prices in minor units', () => {
    for (const p of products) {
      expect(Number.isInteger(p.price)).toBe(true);
      expect(p.price).toBeGreaterThan(0);
    }
  });

  it('uses only the three tax classes, with a few zero-rated items', () => {
    for (const p of products) expect(['standard', 'reduced', 'zero']).toContain(p.taxClass);
    const zero = products.filter((p) => p.taxClass === 'zero').length;
    expect(zero).toBeGreaterThan(0);
    expect(zero).toBeLessThan(100);
  });

  it('starts with ten everyday items at clearly different prices', () => {
    const firstTen = products.slice(0, 10);
    expect(new Set(firstTen.map((p) => p.price)).size).toBe(10);
    const names = firstTen.map((p) => p.name.toLowerCase()).join('\n');
    for (const word of ['milk', 'loaf', 'bananas', 'eggs', 'butter', 'coffee', 'water', 'apples', 'spaghetti', 'tomatoes']) {
      expect(names).toContain(word);
    }
  });

  it('is exactly what the generator produces (deterministic)', () => {
    const generated = execFileSync(process.execPath, [generator, '--stdout'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(generated === text).toBe(true);
  }, 30_000);
});
