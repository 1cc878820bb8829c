import { parse } from 'csv-parse/sync';
import { HqError } from '../http/errors';

const COLUMNS = ['sku', 'barcodes', 'name', 'price', 'taxClass'] as const;
/** The optional `priceByLabel` column: yes/no words a spreadsheet writes; empty means no. */
const YES = new Set(['true', '1', 'yes', 'y']);
const NO = new Set(['false', '0', 'no', 'n', '']);

function labelMark(cell: string | undefined): boolean | string {
  const value = (cell ?? '').toLowerCase();
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  // Left as text: the row check rejects it, naming the column.
  return cell!;
}

/**
 * Reads a catalog CSV with a header row (`sku,barcodes,name,price,taxClass`, optionally `priceByLabel`;
 * barcodes separated by `|`, spaces or `;`; price in minor units; priceByLabel true/false, yes/no, 1/0 or
 * empty) into rows shaped like the JSON import, for the same row checks.
 */
export function catalogRowsFromCsv(text: string): unknown[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: true, bom: true, relax_column_count: true });
  } catch (error) {
    throw new HqError(400, 'MALFORMED_CSV', `The CSV could not be read (${error instanceof Error ? error.message : String(error)}). Nothing was imported.`);
  }
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (records.length > 0 && missing.length > 0) {
    throw new HqError(400, 'MALFORMED_CSV', `The CSV header lacks ${missing.join(', ')}; it needs the columns ${COLUMNS.join(',')}. Nothing was imported.`);
  }
  return records.map((r) => ({
    sku: r.sku,
    barcodes: (r.barcodes ?? '').split(/[|;\s]+/).filter(Boolean),
    name: r.name,
    price: /^-?\d+$/.test(r.price ?? '') ? Number(r.price) : r.price,
    taxClass: r.taxClass,
    ...(header.includes('priceByLabel') ? { priceByLabel: labelMark(r.priceByLabel) } : {}),
  }));
}
