import { RECEIPT_STYLE_SOURCE } from '../modules/checkout/receipt/receipt-style';

/**
 * One Content Security Policy for both hosts: only Kassa's own scripts, styles and API connection. The
 * receipt's inline stylesheet is allowed by its hash (a sandboxed srcdoc frame inherits this policy).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${RECEIPT_STYLE_SOURCE}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
