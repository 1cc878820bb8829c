// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

// jsdom has no modal dialogs: the component's <dialog> is shown without them.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.open = false;
};

afterEach(cleanup);

function Screen({ restoreFocus }: { restoreFocus?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open ? (
        <Dialog title="Manager approval" onClose={() => setOpen(false)} restoreFocus={restoreFocus}>
          <input aria-label="Manager PIN" />
        </Dialog>
      ) : null}
    </>
  );
}

describe('the dialog', () => {
  it('opens modal, named by its title, with the first field focused', () => {
    render(<Screen />);
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    const dialog = screen.getByRole('dialog', { name: 'Manager approval' }) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText('Manager PIN'));
  });

  it('Escape (the dialog’s cancel) and its Cancel button close it through onClose', () => {
    const onClose = vi.fn();
    render(
      <Dialog title="Void" onClose={onClose}>
        <p>Sure?</p>
      </Dialog>,
    );
    const cancel = new Event('cancel', { cancelable: true });
    screen.getByRole('dialog').dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: /Cancel/ }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('with restoreFocus, focus goes back where it was when it closes', () => {
    render(<Screen restoreFocus />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    fireEvent.click(screen.getByRole('button', { name: /Cancel/ }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
