// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBridge } from '../test/fake-bridge';
import { LoginScreen } from './LoginScreen';

afterEach(cleanup);

describe('the sign-in screen', () => {
  it('focuses the PIN field and signs in on Enter', async () => {
    const fake = installFakeBridge({ 'session.login': () => ({ ok: true, value: { user: { id: 'u', name: 'Ana', role: 'cashier' } } }) });
    const onSignedIn = vi.fn();
    render(<LoginScreen onSignedIn={onSignedIn} />);
    const pin = screen.getByLabelText('PIN');
    expect(document.activeElement).toBe(pin);
    fireEvent.change(pin, { target: { value: '1234' } });
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ id: 'u', name: 'Ana', role: 'cashier' }));
    expect(fake.calls).toEqual([{ channel: 'session.login', input: { pin: '1234' } }]);
  });

  it('keeps only digits, shows a wrong PIN as an alert and clears the field', async () => {
    installFakeBridge({ 'session.login': () => ({ ok: false, error: { code: 'WRONG_PIN', message: 'That PIN is not right. Try again.' } }) });
    render(<LoginScreen onSignedIn={() => {}} />);
    const pin = screen.getByLabelText<HTMLInputElement>('PIN');
    fireEvent.change(pin, { target: { value: '12a34' } });
    expect(pin.value).toBe('1234');
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('That PIN is not right. Try again.'));
    expect(pin.value).toBe('');
  });
});
