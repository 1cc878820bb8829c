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

describe('the sign-in lockout', () => {
  it('says for how long sign-in is locked and that a manager can unlock it', async () => {
    installFakeBridge({
      'session.login': () => ({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many wrong PINs: sign-in on this register is locked for 5 more minutes. A manager can unlock it now with their PIN.' } }),
      'session.get': () => ({ ok: true, value: { user: null, signInLockedUntil: Date.now() + 4 * 60_000 + 30_000 } }),
    });
    render(<LoginScreen onSignedIn={() => {}} />);
    const pin = screen.getByLabelText('PIN');
    fireEvent.change(pin, { target: { value: '0000' } });
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many wrong PINs. Sign-in is locked for 5 more minutes. A manager can unlock it now with their PIN.'));
  });

  it('says "1 more minute" near the end and leaves out the manager when their chance is used', async () => {
    installFakeBridge({
      'session.login': () => ({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many wrong PINs: sign-in on this register is locked for 1 more minute.' } }),
      'session.get': () => ({ ok: true, value: { user: null, signInLockedUntil: Date.now() + 20_000 } }),
    });
    render(<LoginScreen onSignedIn={() => {}} />);
    const pin = screen.getByLabelText('PIN');
    fireEvent.change(pin, { target: { value: '9999' } });
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many wrong PINs. Sign-in is locked for 1 more minute.'));
  });
});
