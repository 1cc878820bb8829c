import { z } from 'zod';

/** A PIN is 4 to 8 digits: the register, HQ and the PIN field all hold to it. */
export const PIN_PATTERN = /^\d{4,8}$/;
export const PIN_MAX_LENGTH = 8;
/** Anything else is refused before it is checked (and never counts as a guess). */
export const PinSchema = z.string().regex(PIN_PATTERN, 'A PIN is 4 to 8 digits');
export const isPin = (value: string): boolean => PIN_PATTERN.test(value);
