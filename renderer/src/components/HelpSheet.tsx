import { useEffect, useId } from 'react';
import { Dialog } from './Dialog';
import { useTranslation } from '../i18n';
import { HELP_KEY, SHORTCUTS } from '../shortcuts';

/**
 * The on-screen help sheet: every keyboard shortcut, from `../shortcuts.ts`. A modal <dialog> (the
 * browser keeps focus inside it); Escape or Close shuts it and focus returns where it was.
 */
export function HelpSheet({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('help');
  const titleId = useId();
  useEffect(() => {
    // While the sheet is open, the screen behind it must not act on its keys (F2 would open a dialog under it).
    const block = (event: KeyboardEvent) => {
      if (event.key === HELP_KEY) return;
      if (/^F\d+$/.test(event.key) || event.altKey) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    };
    window.addEventListener('keydown', block, true);
    return () => window.removeEventListener('keydown', block, true);
  }, []);
  return (
    <Dialog
      title={t('title')}
      onClose={onClose}
      wide
      className="help-sheet"
      testId="help-sheet"
      closeLabel={t('close')}
      closeClassName="help-sheet__close"
      focus=".help-sheet__close"
      restoreFocus
      onKeyDown={(event) => {
        // jsdom has no native Escape handling on <dialog>; browsers fire `cancel` first.
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
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
    </Dialog>
  );
}
