// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flashScanField, SCAN_FLASH_CLASS, SCAN_FLASH_MS, SCAN_FLASH_STILL_CLASS } from './scan-flash';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the scan field’s red flash', () => {
  it('marks the field for a moment, and a second error while it flashes starts it again', () => {
    const field = document.createElement('input');
    flashScanField(field);
    expect(field.classList.contains(SCAN_FLASH_CLASS)).toBe(true);
    vi.advanceTimersByTime(SCAN_FLASH_MS - 100);
    flashScanField(field);
    vi.advanceTimersByTime(SCAN_FLASH_MS - 100);
    expect(field.classList.contains(SCAN_FLASH_CLASS)).toBe(true);
    vi.advanceTimersByTime(100);
    expect(field.classList.contains(SCAN_FLASH_CLASS)).toBe(false);
    expect(() => flashScanField(null)).not.toThrow();
  });

  it('where the cashier asked for reduced motion, a steady red edge for as long instead of the animation', () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === '(prefers-reduced-motion: reduce)', media: query }));
    const field = document.createElement('input');
    flashScanField(field);
    expect(field.classList.contains(SCAN_FLASH_STILL_CLASS)).toBe(true);
    expect(field.classList.contains(SCAN_FLASH_CLASS)).toBe(false);
    vi.advanceTimersByTime(SCAN_FLASH_MS);
    expect(field.className).toBe('');
  });
});
