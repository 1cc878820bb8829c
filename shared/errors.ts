/** Error codes a call can answer with; the renderer turns each into a sentence for the cashier. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'UNTRUSTED_SENDER',
  'NOT_SIGNED_IN',
  'WRONG_PIN',
  'INVALID_BARCODE',
  /** A scale label (in-store price or weight) scanned for a product that is not sold by label. */
  'LABEL_PRICE_NOT_ALLOWED',
  'UNKNOWN_BARCODE',
  'NOT_A_MANAGER',
  'NOT_FOUND',
  'CART_NOT_EMPTY',
  'NOT_ALLOWED',
  'ENROLMENT_FAILED',
  'HQ_UNAVAILABLE',
  'PAYMENT_DECLINED',
  'CARD_TIMEOUT',
  /** A card payment's answer was lost and HQ cannot say yet what became of it. */
  'CARD_NO_ANSWER',
  'LIMIT_EXCEEDED',
  /** The register has not received HQ's card key yet, so it cannot keep a card payment for later. */
  'CARD_KEY_MISSING',
  'NOTHING_TO_PAY',
  'PRINT_FAILED',
  /** Too many wrong PINs or codes: wait before trying again. */
  'TOO_MANY_ATTEMPTS',
  /** The register's disk is full: what was asked was not saved (nothing half-done); free space and try again. */
  'DISK_FULL',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error a handler throws on purpose; `handle()` turns it into `{ ok: false, error }`. */
export class KassaError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'KassaError';
    this.code = code;
  }
}
