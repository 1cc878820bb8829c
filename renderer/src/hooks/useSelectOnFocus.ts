import { useMemo, useRef, type FocusEvent, type MouseEvent } from 'react';

/**
 * Props for an amount or quantity field: entering it selects what it holds, so the cashier's first
 * keystroke replaces the prefilled amount instead of being appended to it. Works for a click, a tap,
 * Tab and focus set by the screen itself; a click inside a field that already has focus still places
 * the caret as usual.
 */
export function useSelectOnFocus() {
  // Set by a press on a field that does not have focus yet: the mouseup that follows would collapse the selection.
  const focusingPress = useRef(false);
  return useMemo(
    () => ({
      onFocus: (event: FocusEvent<HTMLInputElement>) => event.currentTarget.select(),
      onMouseDown: (event: MouseEvent<HTMLInputElement>) => {
        focusingPress.current = event.currentTarget.ownerDocument.activeElement !== event.currentTarget;
      },
      onMouseUp: (event: MouseEvent<HTMLInputElement>) => {
        if (focusingPress.current) event.preventDefault();
        focusingPress.current = false;
      },
    }),
    [],
  );
}
