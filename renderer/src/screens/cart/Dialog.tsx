import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from '../../i18n';

/**
 * A modal dialog on the native <dialog>: the browser traps focus inside and Escape closes it. The
 * checkout screen puts focus back on the scan field when it closes.
 */
export function Dialog({ title, onClose, error, children, wide = false }: { title: string; onClose: () => void; error?: string | null; children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation('common');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    // showModal focuses the first button (Cancel); the cashier types into the first field instead.
    dialog?.querySelector<HTMLElement>('input, [role="listbox"][tabindex]')?.focus();
    return () => dialog?.close?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="dialog__head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('cancel')} <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
      {error ? (
        <p className="message message--error" role="alert">
          {error}
        </p>
      ) : null}
      {children}
    </dialog>
  );
}
