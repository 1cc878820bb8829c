import './scan-flash.css';

/** The class that flashes a field red (scan-flash.css). */
export const SCAN_FLASH_CLASS = 'scan-flash';
/** Where the cashier asked for reduced motion: a steady red edge, no animation. */
export const SCAN_FLASH_STILL_CLASS = 'scan-flash-still';
/** How long the mark stays: the animation's length, and the steady edge's. */
export const SCAN_FLASH_MS = 600;

const timers = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

function reducedMotion(): boolean {
  try {
    return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  } catch {
    return false;
  }
}

/** Flashes `element` (the scan field) red once, after an error; a second error while it shows starts it again. */
export function flashScanField(element: HTMLElement | null | undefined): void {
  if (!element) return;
  const running = timers.get(element);
  if (running !== undefined) clearTimeout(running);
  element.classList.remove(SCAN_FLASH_CLASS, SCAN_FLASH_STILL_CLASS);
  const mark = reducedMotion() ? SCAN_FLASH_STILL_CLASS : SCAN_FLASH_CLASS;
  // Reading the layout between removing and adding the class restarts the animation.
  void element.offsetWidth;
  element.classList.add(mark);
  timers.set(
    element,
    setTimeout(() => {
      element.classList.remove(mark);
      timers.delete(element);
    }, SCAN_FLASH_MS),
  );
}
