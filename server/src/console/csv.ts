/**
 * CSV as RFC 4180 has it (comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote
 * or a line break, a quote doubled inside), with a header row. A text cell that a spreadsheet would run
 * as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe: a
 * cashier's name or a decline reason must not become a formula on the owner's computer. Numbers are
 * written as numbers, so a refund's negative amount stays a number.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
