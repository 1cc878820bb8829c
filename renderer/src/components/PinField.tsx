import type { InputHTMLAttributes, Ref } from 'react';
import { PIN_MAX_LENGTH } from '../../../shared/pin';


/**
 * A PIN field, the same everywhere a PIN is typed: hidden as typed, the numeric keyboard on touch screens,
 * never offered to the browser's autofill, and digits only (anything else typed or pasted is dropped).
 */
export function PinField({
  value,
  onChange,
  ref,
  className = 'field__input',
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type' | 'inputMode' | 'autoComplete' | 'maxLength'> & {
  value: string;
  onChange: (pin: string) => void;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <input
      {...rest}
      ref={ref}
      className={className}
      type="password"
      inputMode="numeric"
      autoComplete="off"
      maxLength={PIN_MAX_LENGTH}
      value={value}
      onChange={(event) => onChange(event.target.value.replace(/\D/g, ''))}
    />
  );
}
