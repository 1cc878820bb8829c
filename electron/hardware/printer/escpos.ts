import receiptline from 'receiptline';
import type { PrintAlign, PrintDocument, PrintLine } from './print-document';

/**
 * ESC/POS for the receipt printer, laid out by receiptline (ReceiptLine, the OFSC receipt description
 * language): it wraps text at the paper's width counting each Chinese character as two columns, keeps
 * amounts right-aligned beside wrapped labels, draws Code 128 with the printer's own barcode command, and
 * has no native parts (iconv-lite and pngjs, both plain JavaScript). node-thermal-printer was the other
 * candidate: it selects "Chinese" with ESC R 15 (an international character set, not the printer's Chinese
 * mode) and EUC-CN one character at a time, and measures columns in characters, so Chinese rows misalign.
 *
 * Chinese is printed as text in the printer's own font, GB18030 after FS & (Chinese character mode), the
 * font every ESC/POS printer sold in China carries: small, fast and sharp, where a raster image of the
 * receipt would need a Chinese font and a rasteriser shipped in the app and send ~50 times the bytes.
 * `encoding: 'multilingual'` is for printers without that font (Western code pages; Chinese becomes "?").
 */
export type PrinterEncoding = 'gb18030' | 'multilingual';

export interface EscPosLayout {
  paperWidthMm: 58 | 80;
  encoding: PrinterEncoding;
}

/** Characters per line in font A (12 dots wide): 384 printable dots on 58 mm paper, 576 on 80 mm. */
export function charactersPerLine(paperWidthMm: 58 | 80): number {
  return paperWidthMm === 58 ? 32 : 48;
}

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const EOT = 0x04;

/** ESC p 0 25 250: a 50 ms pulse on the drawer connector's pin 2, then 500 ms off — the drawer kick. */
export const KICK_DRAWER = Uint8Array.of(ESC, 0x70, 0x00, 25, 250);

/** DLE EOT n: real-time status, answered with one byte even while the printer is busy or offline. */
export const STATUS_QUERY = {
  /** n = 1, printer status: bit 3 set = offline. */
  printer: Uint8Array.of(DLE, EOT, 1),
  /** n = 2, offline cause: bit 2 cover open, bit 5 stopped for want of paper, bit 6 an error. */
  offlineCause: Uint8Array.of(DLE, EOT, 2),
  /** n = 4, roll paper sensor: bits 2-3 near the end, bits 5-6 paper out. */
  paper: Uint8Array.of(DLE, EOT, 4),
} as const;

/** A DLE EOT answer is `0xx1 xx10`: bits 1 and 4 set, bits 0 and 7 clear. */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

export interface StatusBytes {
  printer: number;
  paper: number;
  offlineCause?: number;
}

export type EscPosCondition = 'online' | 'paperOut' | 'coverOpen' | 'error' | 'offline';

/** What the printer's status bytes say, most pressing first. */
export function conditionOf(status: StatusBytes): { condition: EscPosCondition; paperLow: boolean } {
  const paperLow = (status.paper & 0x0c) !== 0;
  if ((status.paper & 0x60) !== 0) return { condition: 'paperOut', paperLow };
  if ((status.printer & 0x08) === 0) return { condition: 'online', paperLow };
  const cause = status.offlineCause ?? 0;
  if (cause & 0x20) return { condition: 'paperOut', paperLow };
  if (cause & 0x04) return { condition: 'coverOpen', paperLow };
  if (cause & 0x40) return { condition: 'error', paperLow };
  return { condition: 'offline', paperLow };
}

/**
 * Characters a GBK-only printer lacks, as those it has: "¥" (U+00A5) is four bytes in GB18030 and prints as
 * an unrelated character on many printers, "￥" (A3 A4) is in every GB font; likewise spaces and bullets.
 */
function forPrinter(text: string, encoding: PrinterEncoding): string {
  // eslint-disable-next-line no-control-regex -- control characters in a name would be printer commands
  let result = text.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (encoding === 'gb18030') result = result.replace(/\u00a5/g, '\uffe5').replace(/\u2022/g, '*');
  return result;
}

/** Receiptline's markup characters in the receipt's own text, written as \xNN so they print as themselves. */
function escapeMarkup(text: string): string {
  return text.replace(/[\\|{}\-=_"`^~;]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Columns a string takes in the printer's font: East Asian wide and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      code >= 0x20000;
    width += wide ? 2 : 1;
  }
  return width;
}

/** The document as ReceiptLine markup for a paper width. */
export function toReceiptline(lines: readonly PrintLine[], layout: EscPosLayout): string {
  const cpl = charactersPerLine(layout.paperWidthMm);
  // Receiptline trims each line; a leading space kept as "~" (its hard space) indents a detail line.
  const clean = (text: string) => escapeMarkup(forPrinter(text, layout.encoding)).replace(/^ +/, (spaces) => '~'.repeat(spaces.length));
  const style = (text: string, line: { bold?: boolean; large?: boolean }) => {
    if (text === '') return text;
    let styled = line.bold ? `"${text}"` : text;
    if (line.large) styled = `^^${styled}`;
    return styled;
  };
  // Each row's right-hand column is as wide as its text: amounts end at the right edge, labels get the rest.
  const out: string[] = [];
  let widths: string | null = null;
  const use = (next: string) => {
    if (widths === next) return;
    out.push(`{width:${next}}`);
    widths = next;
  };
  const rowWidths = (right: string) => `*,${Math.min(cpl - 8, Math.max(1, displayWidth(forPrinter(right, layout.encoding))))}`;
  const aligned = (text: string, align: PrintAlign = 'left') => (align === 'left' ? `${text} |` : align === 'right' ? `| ${text}` : text);
  for (const line of lines) {
    switch (line.kind) {
      case 'text':
        use('auto');
        out.push(aligned(style(clean(line.text), line), line.align));
        break;
      case 'row':
        use(rowWidths(line.right));
        out.push(`${style(clean(line.left), line) || ' '} | ${style(clean(line.right), line) || ' '}`);
        break;
      case 'rule':
        use('auto');
        out.push('\\x2d'.repeat(cpl));
        break;
      case 'barcode':
        use('auto');
        out.push(`{code:${clean(line.value)};option:code128,2,72,hri}`);
        break;
    }
  }
  return out.join('\n');
}

/**
 * The document as the bytes an ESC/POS printer prints: initialise, the lines, feed and cut. Receiptline's
 * closing "transmit status" (GS r 1) is left off, so the only bytes the printer sends back are the answers to
 * our own DLE EOT queries.
 */
export function escposReceipt(document: Pick<PrintDocument, 'lines'>, layout: EscPosLayout): Uint8Array {
  const commands = receiptline.transform(toReceiptline(document.lines, layout), {
    cpl: charactersPerLine(layout.paperWidthMm),
    encoding: layout.encoding,
    command: 'escpos',
    cutting: true,
    spacing: true,
  });
  const bytes = Buffer.from(commands, 'binary');
  const tail = Buffer.from([GS, 0x72, 0x31]);
  const trimmed = bytes.subarray(bytes.length - tail.length).equals(tail) ? bytes.subarray(0, bytes.length - tail.length) : bytes;
  return new Uint8Array(trimmed);
}
