// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useRef, useState, type FormEvent } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSelectOnFocus } from '../hooks/useSelectOnFocus';
import { applyPadKey, NumberPad, usePadTarget } from './NumberPad';

afterEach(cleanup);

/** A cash field as the tender screen has it: digits and one separator kept, selected on entry, Enter submits. */
function CashField({ initial = '12.14', decimal = true, onSubmit = () => {}, onKeyDown }: { initial?: string; decimal?: boolean; onSubmit?: (text: string) => void; onKeyDown?: () => void }) {
  const [text, setText] = useState(initial);
  const field = useRef<HTMLInputElement>(null);
  const selectOnFocus = useSelectOnFocus();
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit(text);
      }}
    >
      <label htmlFor="cash">Cash received</label>
      <input id="cash" ref={field} inputMode="decimal" maxLength={9} value={text} onChange={(e) => setText(e.target.value.replace(/[^\d.,]/g, ''))} onKeyDown={onKeyDown} {...selectOnFocus} autoFocus />
      <button type="submit">Complete sale</button>
      <NumberPad target={field} decimal={decimal} />
    </form>
  );
}

const pad = () => within(screen.getByRole('group', { name: 'Number pad' }));
const tap = (name: string) => {
  const key = pad().getByRole('button', { name });
  // What a finger or a mouse does to a key before its click: the pad refuses to take focus.
  const pointer = fireEvent.pointerDown(key);
  const mouse = fireEvent.mouseDown(key);
  fireEvent.click(key);
  return { focusRefused: !pointer && !mouse };
};
const field = () => screen.getByLabelText<HTMLInputElement>('Cash received');

describe('the number pad', () => {
  it('replaces the selected prefilled amount, then types digit after digit', () => {
    render(<CashField />);
    expect(document.activeElement).toBe(field());
    expect([field().selectionStart, field().selectionEnd]).toEqual([0, 5]);
    tap('5');
    tap('0');
    expect(field().value).toBe('50');
    tap('00');
    expect(field().value).toBe('5000');
  });

  it('types the decimal separator once, backspaces the last character and clears the field', () => {
    render(<CashField initial="" />);
    tap('2');
    tap('Decimal point');
    tap('5');
    tap('Decimal point');
    expect(field().value).toBe('2.5');
    tap('Delete the last digit');
    expect(field().value).toBe('2.');
    tap('Delete the last digit');
    tap('Delete the last digit');
    tap('Delete the last digit');
    expect(field().value).toBe('');
    tap('7');
    tap('Clear');
    expect(field().value).toBe('');
  });

  it('offers no decimal key for whole numbers', () => {
    render(<CashField initial="" decimal={false} />);
    expect(pad().queryByRole('button', { name: 'Decimal point' })).toBeNull();
    expect(pad().getAllByRole('button').map((b) => b.textContent)).toEqual(['7', '8', '9', '⌫', '4', '5', '6', 'Clear', '1', '2', '3', 'OK', '0', '00']);
  });

  it('keeps focus in the field: its keys refuse focus and are out of the Tab order', () => {
    render(<CashField initial="" />);
    const { focusRefused } = tap('3');
    expect(focusRefused).toBe(true);
    expect(document.activeElement).toBe(field());
    for (const key of pad().getAllByRole('button')) expect(key.tabIndex).toBe(-1);
  });

  it('brings focus back to the field with the caret where it was', () => {
    render(<CashField initial="12" />);
    field().setSelectionRange(1, 1);
    field().blur();
    tap('9');
    expect(document.activeElement).toBe(field());
    expect(field().value).toBe('192');
    expect(field().selectionStart).toBe(2);
  });

  it('stops at the field’s maxLength', () => {
    render(<CashField initial="12345678" />);
    field().setSelectionRange(8, 8);
    tap('00');
    expect(field().value).toBe('123456780');
    tap('1');
    expect(field().value).toBe('123456780');
  });

  it('OK does what Enter does: submits the form, not when its button is disabled', () => {
    const onSubmit = vi.fn();
    const { unmount } = render(<CashField initial="" onSubmit={onSubmit} />);
    tap('2');
    tap('0');
    tap('OK');
    expect(onSubmit).toHaveBeenCalledWith('20');
    unmount();

    function Pin() {
      const [pin, setPin] = useState('');
      const ref = useRef<HTMLInputElement>(null);
      return (
        <form onSubmit={(e) => (e.preventDefault(), onSubmit(pin))}>
          <input aria-label="PIN" ref={ref} inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoFocus />
          <button type="submit" disabled={pin.length < 4}>
            Sign in
          </button>
          <NumberPad target={ref} />
        </form>
      );
    }
    onSubmit.mockClear();
    render(<Pin />);
    tap('1');
    tap('OK');
    expect(onSubmit).not.toHaveBeenCalled();
    tap('2');
    tap('3');
    tap('4');
    tap('OK');
    expect(onSubmit).toHaveBeenCalledWith('1234');
  });

  it('leaves the keyboard alone: typing and keys in the field work as without the pad', () => {
    const onKeyDown = vi.fn();
    const onSubmit = vi.fn();
    render(<CashField onKeyDown={onKeyDown} onSubmit={onSubmit} />);
    fireEvent.keyDown(field(), { key: '5' });
    fireEvent.change(field(), { target: { value: '5x0' } });
    expect(onKeyDown).toHaveBeenCalledTimes(1);
    expect(field().value).toBe('50');
    fireEvent.submit(field().form!);
    expect(onSubmit).toHaveBeenCalledWith('50');
  });

  it('follows the field last entered, and replaces a number field’s value on entry', () => {
    function Refund() {
      const pad = usePadTarget();
      const [quantity, setQuantity] = useState(0);
      const [pin, setPin] = useState('');
      return (
        <form onFocus={pad.onFocus}>
          <input aria-label="Quantity" type="number" value={quantity} onChange={(e) => setQuantity(Number(e.target.value) || 0)} />
          <input aria-label="Reason" />
          <input aria-label="Manager PIN" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} />
          <NumberPad target={pad.target} />
        </form>
      );
    }
    render(<Refund />);
    const quantity = screen.getByLabelText<HTMLInputElement>('Quantity');
    quantity.focus();
    tap('2');
    expect(quantity.value).toBe('2');
    tap('1');
    expect(quantity.value).toBe('21');
    screen.getByLabelText<HTMLInputElement>('Manager PIN').focus();
    tap('9');
    screen.getByLabelText<HTMLInputElement>('Reason').focus();
    tap('9');
    expect(screen.getByLabelText<HTMLInputElement>('Manager PIN').value).toBe('99');
    expect(screen.getByLabelText<HTMLInputElement>('Reason').value).toBe('');
  });
});

describe('a pad key applied to a field', () => {
  it('replaces a selection, or inserts at the caret', () => {
    expect(applyPadKey({ value: '12.14', start: 0, end: 5 }, { type: '5' })).toEqual({ value: '5', caret: 1 });
    expect(applyPadKey({ value: '12', start: 1, end: 1 }, { type: '00' })).toEqual({ value: '1002', caret: 3 });
  });

  it('deletes the selection or the character before the caret; nothing before the start', () => {
    expect(applyPadKey({ value: '123', start: 3, end: 3 }, 'backspace')).toEqual({ value: '12', caret: 2 });
    expect(applyPadKey({ value: '123', start: 0, end: 2 }, 'backspace')).toEqual({ value: '3', caret: 0 });
    expect(applyPadKey({ value: '123', start: 0, end: 0 }, 'backspace')).toBeNull();
  });

  it('takes one decimal separator, whichever the field holds, and a replaced one may come back', () => {
    expect(applyPadKey({ value: '2,5', start: 3, end: 3 }, { type: '.' })).toBeNull();
    expect(applyPadKey({ value: '2.5', start: 0, end: 3 }, { type: '.' })).toEqual({ value: '.', caret: 1 });
  });

  it('clears, and a clear of an empty field changes nothing', () => {
    expect(applyPadKey({ value: '20.00', start: 5, end: 5 }, 'clear')).toEqual({ value: '', caret: 0 });
    expect(applyPadKey({ value: '', start: 0, end: 0 }, 'clear')).toBeNull();
  });
});
