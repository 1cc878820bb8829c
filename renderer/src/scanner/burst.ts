import { useEffect, useLayoutEffect, useRef } from 'react';

/**
 * A keyboard-wedge scanner types a whole code in a few milliseconds and ends it with Enter; a person types
 * slower than one key per 100 ms (a busy till may space a burst out to tens of ms). Characters that arrive at most `maxGapMs` apart, at least `minLength` of
 * them, ended by Enter no later than `maxGapMs` after the last one, are a scan.
 */
export const SCAN_MAX_GAP_MS = 80;
export const SCAN_MIN_LENGTH = 3;

export class BurstDetector {
  private chars: string[] = [];
  private last = -Infinity;

  constructor(
    private readonly maxGapMs = SCAN_MAX_GAP_MS,
    private readonly minLength = SCAN_MIN_LENGTH,
  ) {}

  /** A printable character at time `at` (ms). */
  char(key: string, at: number): void {
    if (at - this.last > this.maxGapMs) this.chars = [];
    this.chars.push(key);
    this.last = at;
  }

  /** Enter at time `at`: the scanned code when the characters before it were a scanner's burst, else null. */
  enter(at: number): string | null {
    const code = at - this.last <= this.maxGapMs && this.chars.length >= this.minLength ? this.chars.join('') : null;
    this.reset();
    return code;
  }

  /** Whether a burst is under way (the last character came within the gap). */
  active(at: number): boolean {
    return this.chars.length > 0 && at - this.last <= this.maxGapMs;
  }

  reset(): void {
    this.chars = [];
    this.last = -Infinity;
  }
}

/** Fields where typed text belongs: a scan aimed at them lands there, as the cashier chose. */
function isTextField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element?.closest) return false;
  if (element.isContentEditable) return true;
  const field = element.closest('input, textarea, select');
  if (!field) return false;
  const type = (field as HTMLInputElement).type;
  return !['button', 'submit', 'reset', 'checkbox', 'radio'].includes(type);
}

/**
 * Catches scanner bursts on every screen before the focused element sees them: while focus is on a button,
 * a tab or nothing, the scanner's characters would go nowhere and its Enter would press the button. Such a
 * burst is handed to `onScan` and its Enter goes no further. Bursts into a text field are left to that field.
 */
export function useScannerBursts(onScan: ((code: string) => void) | null): void {
  const handler = useRef(onScan);
  useLayoutEffect(() => {
    handler.current = onScan;
  });
  useEffect(() => {
    const detector = new BurstDetector();
    const onKey = (event: KeyboardEvent) => {
      if (!handler.current) return;
      if (isTextField(event.target)) {
        detector.reset();
        return;
      }
      const now = event.timeStamp || performance.now();
      if (event.key === 'Enter') {
        const code = detector.enter(now);
        if (code === null) return;
        event.preventDefault();
        event.stopPropagation();
        handler.current(code);
      } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        detector.char(event.key, now);
        // A space inside a code must not press the focused button.
        if (event.key === ' ' && detector.active(now)) event.preventDefault();
      } else if (event.key !== 'Shift') detector.reset();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
