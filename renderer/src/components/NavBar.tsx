import { useEffect, type ReactNode } from 'react';
import { useTranslation } from '../i18n';

export interface NavItem<V extends string> {
  id: V;
  label: string;
  /** The keyboard shortcut, as `KeyboardEvent.key` with an `Alt+` prefix when Alt is held (e.g. `Alt+o`). */
  shortcut: string;
  /** Shown on the button, e.g. `Alt+O`. */
  hint: string;
}

/** The screens a signed-in cashier moves between; each has a button and a keyboard shortcut. */
export function NavBar<V extends string>({ items, current, onSelect, children }: { items: NavItem<V>[]; current: V; onSelect: (view: V) => void; children?: ReactNode }) {
  const { t, i18n } = useTranslation('common');
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const pressed = `${event.altKey ? 'Alt+' : ''}${event.key.length === 1 ? event.key.toLowerCase() : event.key}`;
      const item = items.find((i) => i.shortcut === pressed);
      if (!item) return;
      event.preventDefault();
      onSelect(item.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, onSelect]);
  return (
    <nav className="nav-bar" aria-label={t('nav.label')}>
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          className={`nav-bar__item${item.id === current ? ' nav-bar__item--current' : ''}`}
          aria-current={item.id === current ? 'page' : undefined}
          onClick={() => onSelect(item.id)}
        >
          {i18n.exists(`common:nav.${item.id}`) ? t(`nav.${item.id}`) : item.label} <kbd aria-hidden="true">{item.hint}</kbd>
        </button>
      ))}
      {children ? <div className="nav-bar__end">{children}</div> : null}
    </nav>
  );
}
