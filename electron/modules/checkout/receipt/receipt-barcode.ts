import { toSVG } from 'bwip-js/node';

/** The paper the barcode must fit: the receipt's printable width (80 mm roll, 4 mm margins). */
export const RECEIPT_BARCODE_MAX_WIDTH_MM = 72;
/** A comfortable bar for a 203 dpi thermal head and a handheld scanner; narrowed only for a long number. */
const MODULE_MM = 0.33;
const HEIGHT_MM = 12;
/** Code 128 asks for a quiet zone of 10 modules on each side. */
const QUIET_ZONE_MODULES = 10;

export interface ReceiptBarcode {
  /** Exactly what the bars encode: the sale number. */
  value: string;
  /** An inline SVG of the bars (no text, no styles: the receipt's CSP allows neither). */
  svg: string;
  /** Width of the bars and the quiet zones, in modules and in millimetres on paper. */
  modules: number;
  widthMm: number;
}

/**
 * The sale number as a Code 128 barcode, so a scanner at the till reads it back to open the sale's refund.
 * bwip-js draws the bars; the size is set here so any sale number fits the 72 mm the receipt prints on.
 */
export function receiptBarcode(saleNumber: string): ReceiptBarcode {
  const drawn = toSVG({ bcid: 'code128', text: saleNumber, scale: 1, height: HEIGHT_MM, includetext: false, paddingwidth: QUIET_ZONE_MODULES, paddingheight: 0 });
  const box = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(drawn);
  if (!box) throw new Error(`bwip-js drew no viewBox for ${saleNumber}`);
  const modules = Number(box[1]);
  const moduleMm = Math.min(MODULE_MM, RECEIPT_BARCODE_MAX_WIDTH_MM / modules);
  const widthMm = Math.round(modules * moduleMm * 100) / 100;
  // Bars stretch to the printed height; their widths keep the scale bwip-js drew them at.
  const svg = drawn.trim().replace('<svg ', `<svg width="${widthMm}mm" height="${HEIGHT_MM}mm" preserveAspectRatio="none" aria-hidden="true" `);
  return { value: saleNumber, svg, modules, widthMm };
}
