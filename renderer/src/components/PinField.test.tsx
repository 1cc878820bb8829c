// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { PinField } from './PinField';

afterEach(cleanup);

function Form() {
  const [pin, setPin] = useState('');
  return <PinField aria-label="PIN" value={pin} onChange={setPin} />;
}

describe('the PIN field', () => {
  it('keeps digits only, whatever is typed or pasted', () => {
    render(<Form />);
    const field = screen.getByLabelText<HTMLInputElement>('PIN');
    fireEvent.change(field, { target: { value: '12a3 4-' } });
    expect(field.value).toBe('1234');
  });

  it('is hidden as typed, numeric on touch screens, never autofilled, and at most 8 digits', () => {
    render(<Form />);
    const field = screen.getByLabelText<HTMLInputElement>('PIN');
    expect(field.type).toBe('password');
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(field.getAttribute('inputmode')).toBe('numeric');
    expect(field.maxLength).toBe(8);
  });
});
