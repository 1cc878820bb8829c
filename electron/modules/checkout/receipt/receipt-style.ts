import crypto from 'node:crypto';

/**
 * The receipt's one stylesheet: 80 mm thermal paper, monospace. Every rule but `@page` is scoped under
 * `.receipt`, so the browser preview can print the receipt inside the register's own page.
 */
export const RECEIPT_CSS = [
  '@page { size: 80mm auto; margin: 0; }',
  '.receipt { box-sizing: border-box; width: 72mm; margin: 0 auto; padding: 4mm 0; color: #000; background: #fff; font: 12px/1.35 "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }',
  '.receipt * { box-sizing: border-box; margin: 0; padding: 0; font: inherit; }',
  '.receipt h1 { font-size: 16px; font-weight: bold; text-align: center; }',
  '.receipt .center { text-align: center; }',
  '.receipt hr { border: 0; border-top: 1px dashed #000; margin: 2mm 0; }',
  '.receipt .row { display: flex; justify-content: space-between; gap: 2mm; }',
  '.receipt .row > :first-child { overflow-wrap: anywhere; }',
  '.receipt .row > :last-child { white-space: nowrap; text-align: right; }',
  '.receipt .item { margin-bottom: 1mm; }',
  '.receipt .detail { padding-left: 3mm; }',
  '.receipt .total { font-size: 15px; font-weight: bold; }',
  '.receipt .note { margin-top: 1mm; padding: 1mm; border: 1px solid #000; text-align: center; }',
].join('\n');

/** The CSP source that allows exactly this stylesheet as an inline `<style>` (hash of its text). */
export const RECEIPT_STYLE_SOURCE = `'sha256-${crypto.createHash('sha256').update(RECEIPT_CSS, 'utf8').digest('base64')}'`;

/** Text made safe to place in HTML; every piece of a printout's text goes through here. Five characters: a library would cost more than it saves. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A printout (a receipt, a Z-report) as a self-contained HTML document on the receipt's paper and style; `title` and `body` are HTML. */
export function printedDocument(lang: string, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${RECEIPT_STYLE_SOURCE}">`,
    `<title>${title}</title>`,
    `<style>${RECEIPT_CSS}</style>`,
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}
