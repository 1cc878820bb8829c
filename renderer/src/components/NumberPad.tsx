import { useCallback, useEffect, useMemo, useRef, useState, type FocusEvent, type RefObject, type SyntheticEvent } from 'react';
import { useTranslation } from '../i18n';
import './NumberPad.css';

/** A key of the pad: text it types (a digit, "00", the decimal separator), or an edit. */
export type PadKey = { type: string } | 'backspace' | 'clear';

/** What a field holds after a key: its new text and where the caret goes; null when the key changes nothing. */
export function applyPadKey(field: { value: string; start: number; end: number; maxLength?: number }, key: PadKey): { value: string; caret: number } | null {
  const { value, start, end } = field;
  if (key === 'clear') return value ? { value: '', caret: 0 } : null;
  if (key === 'backspace') {
    if (start !== end) return { value: value.slice(0, start) + value.slice(end), caret: start };
    if (start === 0) return null;
    return { value: value.slice(0, start - 1) + value.slice(end), caret: start - 1 };
  }
  const kept = value.slice(0, start) + value.slice(end);
  // One decimal separator in an amount, whichever of . or , the cashier typed first.
  if (!/^\d+$/.test(key.type) && /[.,]/.test(kept)) return null;
  const room = field.maxLength !== undefined && field.maxLength >= 0 ? field.maxLength - kept.length : Infinity;
  const text = key.type.slice(0, Math.max(0, room));
  if (!text) return null;
  return { value: value.slice(0, start) + text + value.slice(end), caret: start + text.length };
}

// Fields without a caret API (type="number") whose content is still whole as focus found it: the pad replaces it.
const untouchedSinceFocus = new WeakSet<HTMLInputElement>();

/** Sets a field's value as typing does, so React's onChange (and the field's own filtering) runs. */
function typeValue(input: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Enter as the keyboard does it in a form: submits unless the form's default button is disabled. */
function submitLikeEnter(input: HTMLInputElement) {
  const form = input.form;
  if (!form) return;
  const submitter = [...form.elements].find((el): el is HTMLButtonElement | HTMLInputElement => (el instanceof HTMLButtonElement || el instanceof HTMLInputElement) && el.type === 'submit');
  if (submitter?.disabled) return;
  form.requestSubmit();
}

/** Keeps focus (and the selection) in the field: a press on a key never moves focus to the key. */
const keepFocus = (event: SyntheticEvent) => event.preventDefault();

/**
 * For a screen or dialog with several fields the pad can type into: the pad follows the last of them that
 * had focus (number, PIN and amount fields; a text field such as a reason is left to the keyboard).
 * `onFocus` goes on the element around them; `field` (null until one had focus) lets the screen choose keys.
 */
export function usePadTarget(initial?: RefObject<HTMLInputElement | null>) {
  const last = useRef<HTMLInputElement | null>(null);
  const [field, setField] = useState<HTMLInputElement | null>(null);
  const onFocus = useCallback((event: FocusEvent) => {
    const element = event.target;
    if (!(element instanceof HTMLInputElement)) return;
    if (element.type !== 'number' && element.inputMode !== 'numeric' && element.inputMode !== 'decimal') return;
    last.current = element;
    setField(element);
  }, []);
  // A field that went away (a manager PIN no longer asked for) hands the pad back to the first one.
  const target = useMemo<RefObject<HTMLInputElement | null>>(
    () => ({
      get current() {
        return last.current?.isConnected ? last.current : (initial?.current ?? null);
      },
    }),
    [initial],
  );
  return { target, field: field?.isConnected ? field : null, onFocus };
}

/**
 * The on-screen number pad of a touch till: digits, 00, the decimal separator for money in a currency
 * with minor units, backspace, clear and OK (Enter). It types into its field as the keyboard does, and
 * keeps focus there; its keys are out of the Tab order so the keyboard works exactly as without it.
 */
export function NumberPad({
  target,
  decimal = false,
  onEnter,
  disabled = false,
  className,
}: {
  target: RefObject<HTMLInputElement | null>;
  /** Offer the decimal separator (an amount of money with minor units). */
  decimal?: boolean;
  /** What OK does; by default what Enter does in the field's form. */
  onEnter?: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const { t, i18n } = useTranslation('numpad');
  const separator = new Intl.NumberFormat(i18n.language).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';

  useEffect(() => {
    const focused = (event: Event) => {
      if (event.target instanceof HTMLInputElement && event.target.selectionStart === null) untouchedSinceFocus.add(event.target);
    };
    const typed = (event: Event) => {
      if (event.isTrusted && event.target instanceof HTMLInputElement) untouchedSinceFocus.delete(event.target);
    };
    document.addEventListener('focusin', focused);
    document.addEventListener('input', typed, true);
    return () => {
      document.removeEventListener('focusin', focused);
      document.removeEventListener('input', typed, true);
    };
  }, []);

  const press = (key: PadKey | 'enter') => {
    const input = target.current;
    if (!input || input.disabled || input.readOnly) return;
    const caretless = input.selectionStart === null;
    const whole = caretless && untouchedSinceFocus.has(input);
    const start = caretless ? (whole ? 0 : input.value.length) : input.selectionStart!;
    const end = caretless ? input.value.length : (input.selectionEnd ?? start);
    if (input.ownerDocument.activeElement !== input) {
      // Focus comes back with the caret where it was, not with the whole field selected again.
      input.focus({ preventScroll: true });
      if (!caretless) input.setSelectionRange(start, end);
    }
    if (key === 'enter') return onEnter ? onEnter() : submitLikeEnter(input);
    untouchedSinceFocus.delete(input);
    const next = applyPadKey({ value: input.value, start, end, maxLength: input.maxLength }, key);
    if (!next) return;
    typeValue(input, next.value);
    if (!caretless && input.value === next.value) input.setSelectionRange(next.caret, next.caret);
  };

  const keys: { label: string; action: PadKey | 'enter'; name?: string; className?: string }[] = [
    ...['7', '8', '9'].map((d) => ({ label: d, action: { type: d } })),
    { label: '⌫', action: 'backspace', name: t('backspace'), className: 'number-pad__key--edit' },
    ...['4', '5', '6'].map((d) => ({ label: d, action: { type: d } })),
    { label: t('clear'), action: 'clear', className: 'number-pad__key--edit' },
    ...['1', '2', '3'].map((d) => ({ label: d, action: { type: d } })),
    { label: t('enter'), action: 'enter', className: 'number-pad__key--enter' },
    { label: '0', action: { type: '0' }, className: 'number-pad__key--zero' },
    { label: '00', action: { type: '00' } },
    ...(decimal ? [{ label: separator, action: { type: separator }, name: t('decimal') }] : []),
  ];

  return (
    <div className={`number-pad${decimal ? '' : ' number-pad--whole'}${className ? ` ${className}` : ''}`} role="group" aria-label={t('label')}>
      {keys.map((k) => (
        <button
          key={k.label}
          type="button"
          tabIndex={-1}
          className={k.className ? `number-pad__key ${k.className}` : 'number-pad__key'}
          aria-label={k.name}
          disabled={disabled}
          onPointerDown={keepFocus}
          onMouseDown={keepFocus}
          onClick={() => press(k.action)}
        >
          {k.label}
        </button>
      ))}
    </div>
  );
}
