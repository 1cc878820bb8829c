import { useEffect, useId, useRef } from 'react';
import { useTranslation } from '../i18n';
import { HELP_KEY, SHORTCUTS } from '../shortcuts';

/**
 * The on-screen help sheet: every keyboard shortcut, from `../shortcuts.ts`. A modal <dialog> (the
 * browser keeps focus inside it); Escape or Close shuts it and focus returns where it was.
 */
export function HelpSheet({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('help');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal?.();
    dialog?.querySelector<HTMLElement>('.help-sheet__close')?.focus();
    // While the sheet is open, the screen behind it must not act on its keys (F2 would open a dialog under it).
    const block = (event: KeyboardEvent) => {
      if (event.key === HELP_KEY) return;
      if (/^F\d+$/.test(event.key) || event.altKey) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    };
    window.addEventListener('keydown', block, true);
    return () => {
      window.removeEventListener('keydown', block, true);
      dialog?.close?.();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog dialog--wide help-sheet"
      aria-labelledby={titleId}
      data-testid="help-sheet"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        // jsdom has no native Escape handling on <dialog>; browsers fire `cancel` first.
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <div className="dialog__head">
        <h2 id={titleId}>{t('title')}</h2>
        <button type="button" className="button button--secondary help-sheet__close" onClick={onClose}>
          {t('close')} <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
      <div className="help-sheet__groups">
        {SHORTCUTS.map((group) => (
          <section key={group.title} className="help-sheet__group" aria-labelledby={`${titleId}-${group.title}`}>
            <h3 id={`${titleId}-${group.title}`}>{t(group.title)}</h3>
            <dl>
              {group.shortcuts.map((shortcut) => (
                <div key={shortcut.label} className="help-sheet__row">
                  <dt>
                    {shortcut.keys.map((key, i) => (
                      <span key={key}>
                        {i > 0 ? <span className="help-sheet__sep"> </span> : null}
                        <kbd>{key === 'Scan' ? t('scanKey') : key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{t(shortcut.label)}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="dialog__hint">{t('scanner')}</p>
    </dialog>
  );
}
