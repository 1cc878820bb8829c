import { useEffect, useId, useRef, type KeyboardEventHandler, type ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { ErrorAlert } from './ErrorAlert';

/** The first field a cashier types into. */
const FIRST_FIELD = 'input, [role="listbox"][tabindex]';

/**
 * A modal dialog on the native <dialog>: the browser traps focus inside and Escape closes it (through
 * `onClose`). It opens when rendered and closes when removed; its first field takes focus (showModal
 * would focus the first button, the head's Cancel). The checkout screen puts focus back on the scan
 * field when it closes; with `restoreFocus` the dialog puts it back where it was itself.
 */
export function Dialog({
  title,
  onClose,
  error,
  children,
  wide = false,
  className,
  closeLabel,
  closeClassName,
  focus = FIRST_FIELD,
  restoreFocus = false,
  onKeyDown,
  testId,
}: {
  title: string;
  onClose: () => void;
  error?: string | null;
  children: ReactNode;
  wide?: boolean;
  /** More classes on the <dialog>. */
  className?: string;
  /** The words of the head's close button (Cancel by default); null for no button (the dialog has its own). */
  closeLabel?: string | null;
  closeClassName?: string;
  /** What takes focus when it opens: a selector inside the dialog. */
  focus?: string;
  restoreFocus?: boolean;
  onKeyDown?: KeyboardEventHandler<HTMLDialogElement>;
  testId?: string;
}) {
  const { t } = useTranslation('common');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const before = restoreFocus && document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal?.();
    dialog?.querySelector<HTMLElement>(focus)?.focus();
    return () => {
      dialog?.close?.();
      before?.focus();
    };
    // Opened once, when rendered.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const classes = ['dialog', wide ? 'dialog--wide' : null, className].filter(Boolean).join(' ');
  const close = closeLabel === undefined ? t('cancel') : closeLabel;
  return (
    <dialog
      ref={ref}
      className={classes}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="dialog__head">
        <h2 id={titleId}>{title}</h2>
        {close !== null ? (
          <button type="button" className={['button button--secondary', closeClassName].filter(Boolean).join(' ')} onClick={onClose}>
            {close} <kbd aria-hidden="true">Esc</kbd>
          </button>
        ) : null}
      </div>
      <ErrorAlert error={error} />
      {children}
    </dialog>
  );
}
