// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBridge } from '../test/fake-bridge';
import { LockScreen } from './LockScreen';

afterEach(cleanup);

const ana = { id: 'ana', name: 'Ana', role: 'cashier' as const };

function renderOverWork(onSignOut = () => {}) {
  return render(
    <div className="app">
      <header className="status-bar">
        <button type="button">Go offline</button>
      </header>
      <main data-testid="work">
        <input aria-label="Scan" defaultValue="4006381333931" />
      </main>
      <LockScreen user={ana} onSignOut={onSignOut} />
    </div>,
  );
}

describe('the lock screen', () => {
  it('covers the work without removing it: the work is inert, the status bar is not, the PIN field has focus', () => {
    installFakeBridge({});
    renderOverWork();
    expect(screen.getByRole('dialog', { name: 'Register locked' })).toBeTruthy();
    expect(screen.getByTestId('work').inert).toBe(true);
    expect(screen.getByLabelText<HTMLInputElement>('Scan').value).toBe('4006381333931');
    expect((document.querySelector('.status-bar') as HTMLElement).inert).toBeFalsy();
    expect(document.activeElement).toBe(screen.getByLabelText('PIN'));
    expect(screen.getByRole('status').textContent).toBe('Ana is still signed in. The sale on screen is kept.');
  });

  it('unlocks with a PIN through session.unlock, and shows a wrong PIN as an alert with the field cleared', async () => {
    let attempts = 0;
    const fake = installFakeBridge({
      'session.unlock': () => (++attempts === 1 ? { ok: false, error: { code: 'WRONG_PIN', message: 'That PIN is not right. Try again.' } } : { ok: true, value: { user: ana } }),
    });
    renderOverWork();
    const pin = screen.getByLabelText<HTMLInputElement>('PIN');
    fireEvent.change(pin, { target: { value: '1111' } });
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('That PIN is not right. Try again.'));
    expect(pin.value).toBe('');
    fireEvent.change(pin, { target: { value: '1234' } });
    fireEvent.submit(pin.closest('form')!);
    await waitFor(() => expect(fake.calls).toEqual([
      { channel: 'session.unlock', input: { pin: '1111' } },
      { channel: 'session.unlock', input: { pin: '1234' } },
    ]));
  });

  it('keeps typed keys from the screens underneath (their scanner and F-key listeners are on window)', () => {
    installFakeBridge({});
    renderOverWork();
    const onWindowKey = vi.fn();
    window.addEventListener('keydown', onWindowKey);
    fireEvent.keyDown(screen.getByLabelText('PIN'), { key: 'F4' });
    fireEvent.keyDown(screen.getByLabelText('PIN'), { key: '5' });
    window.removeEventListener('keydown', onWindowKey);
    expect(onWindowKey).not.toHaveBeenCalled();
  });

  it('offers sign-out', () => {
    installFakeBridge({});
    const onSignOut = vi.fn();
    renderOverWork(onSignOut);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(onSignOut).toHaveBeenCalled();
  });

  it('gives the work back when it unmounts (unlocked)', () => {
    installFakeBridge({});
    const view = renderOverWork();
    view.rerender(
      <div className="app">
        <header className="status-bar" />
        <main data-testid="work" />
      </div>,
    );
    expect(screen.getByTestId('work').inert).toBe(false);
  });
});
