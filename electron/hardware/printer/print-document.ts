/**
 * A receipt (or any slip for the receipt printer) rendered once into lines that every printer can print:
 * the operating system's printer takes `html`, an ESC/POS printer the `lines`. Both come from the same data.
 */
export interface PrintDocument {
  /** What the document is, for logs and the system print queue: "Receipt S01-R01-42". */
  title: string;
  /** The self-contained HTML the system printer (and the browser preview) prints. */
  html: string;
  /** The same content as lines for a receipt printer's own fonts. */
  lines: PrintLine[];
}

export type PrintAlign = 'left' | 'center' | 'right';

export type PrintLine =
  /** A paragraph; wraps at the paper's width. `large`: double height (the store's name, the total). */
  | { kind: 'text'; text: string; align?: PrintAlign; bold?: boolean; large?: boolean }
  /** A label on the left and an amount on the right; a long label wraps, the amount stays on the right. */
  | { kind: 'row'; left: string; right: string; bold?: boolean; large?: boolean }
  /** A dashed line across the paper. */
  | { kind: 'rule' }
  /** A Code 128 barcode with its text beneath (a sale number, read back by the till's scanner). */
  | { kind: 'barcode'; value: string };
