/**
 * A large, deterministic catalog for benchmarks and load tests: `count` products with unique SKUs and
 * unique valid EAN-13 barcodes, in the import format (`{ products: [...] }` JSON, or CSV).
 *
 *   npm run catalog:generate:hq -- --count 100000 --out /tmp/catalog-100k.json [--csv]
 *
 * Without --out it writes to stdout. generateCatalog() is exported for benchmarks that build it in memory.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { gtinCheckDigit } from '../../shared/barcode';
import type { CatalogProduct } from '../../shared/catalog';
import { seededRandom } from '../../shared/seeded-random';

const ADJECTIVES = ['Fresh', 'Organic', 'Classic', 'Golden', 'Smoked', 'Crunchy', 'Creamy', 'Spicy', 'Wholegrain', 'Sparkling'];
const NOUNS = ['Apples', 'Cheddar', 'Coffee', 'Pasta', 'Yoghurt', 'Granola', 'Salmon', 'Lemonade', 'Crackers', 'Olives', 'Tea', 'Soup'];
const SIZES = ['100 g', '250 g', '500 g', '1 kg', '330 ml', '1 L', '6 pcs', '12 pcs'];
const TAX = ['standard', 'reduced', 'zero'] as const;


export function generateCatalog(count: number, seed = 42): CatalogProduct[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const products: CatalogProduct[] = [];
  for (let i = 1; i <= count; i++) {
    // Prefix 20-29 is GS1's in-store range: these never clash with real (or demo) barcodes.
    const body = `2${String(i).padStart(11, '0')}`;
    products.push({
      sku: `BULK-${String(i).padStart(7, '0')}`,
      barcodes: [body + gtinCheckDigit(body)],
      name: `${pick(ADJECTIVES)} ${pick(NOUNS)} ${pick(SIZES)} #${i}`,
      price: 49 + Math.floor(random() * 2950),
      taxClass: pick(TAX),
    });
  }
  return products;
}

export function catalogCsv(products: CatalogProduct[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return ['sku,barcodes,name,price,taxClass', ...products.map((p) => [p.sku, p.barcodes.join('|'), quote(p.name), p.price, p.taxClass].join(','))].join('\n') + '\n';
}

function main(): void {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' }, seed: { type: 'string', default: '42' }, out: { type: 'string' }, csv: { type: 'boolean', default: false } } });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 9_999_999) throw new Error(`--count must be a whole number from 1 to 9999999, got ${values.count}`);
  const products = generateCatalog(count, Number(values.seed));
  const text = values.csv ? catalogCsv(products) : `{"products":[\n${products.map((p) => JSON.stringify(p)).join(',\n')}\n]}\n`;
  if (values.out) {
    fs.writeFileSync(values.out, text);
    process.stderr.write(`Wrote ${count} products to ${values.out}\n`);
  } else process.stdout.write(text);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
