import { expect, it } from 'vitest';
import { isValidGtin } from '../../shared/barcode';
import { CatalogProductSchema } from '../../shared/catalog';
import { catalogRowsFromCsv } from '../src/catalog/csv';
import { catalogCsv, generateCatalog } from './generate-catalog';

it('generates the same valid catalog for the same seed, with unique SKUs and barcodes, that the CSV import reads back', () => {
  const products = generateCatalog(5000, 7);
  expect(generateCatalog(5000, 7)).toEqual(products);
  expect(new Set(products.map((p) => p.sku)).size).toBe(5000);
  expect(new Set(products.flatMap((p) => p.barcodes)).size).toBe(5000);
  for (const p of products) {
    expect(CatalogProductSchema.safeParse(p).success).toBe(true);
    expect(isValidGtin(p.barcodes[0]!)).toBe(true);
  }
  expect(catalogRowsFromCsv(catalogCsv(products.slice(0, 50)))).toEqual(products.slice(0, 50));
});
