/** The console's building blocks: loading with errors, HQ's error sentences, the store picker, a confirm dialog. */
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ConsoleStore, ConsoleUser } from '../../shared/hq/console';
import { ApiError } from './api';
import { useTranslation } from './i18n';

/** The sentence to show for a failed call: HQ's own message, or ours when HQ could not say one. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      if (error instanceof ApiError) {
        if (error.message) return error.message;
        if (error.code === 'NETWORK') return t('errors.network');
        if (error.code === 'BAD_ANSWER') return t('errors.badAnswer');
        return t('errors.status', { status: error.status });
      }
      return t('errors.unknown');
    },
    [t],
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="message message--error" role="alert">
      {text(error)}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="message message--notice" role="status">
      {children}
    </p>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; a late answer to an earlier load is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  // The caller names what the load depends on, as with useEffect.
  const run = useCallback(load, deps);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [run, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

export interface ConsoleContextValue {
  user: ConsoleUser;
  stores: ConsoleStore[];
  reloadStores: () => void;
}
export const ConsoleContext = createContext<ConsoleContextValue | null>(null);
export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
export const canChangeChain = (user: ConsoleUser) => user.role === 'owner' || user.role === 'area-manager';

/** A store's name for tables ("Demo store (DEMO)"), or its id when the user cannot see it. */
export function useStoreName(): (storeId: string | null) => string {
  const { stores } = useConsole();
  return useCallback((storeId) => {
    if (!storeId) return '—';
    const store = stores.find((s) => s.id === storeId);
    return store ? `${store.name} (${store.code})` : storeId;
  }, [stores]);
}

/** Picks one of the user's stores, or every store when `allowAll`. */
export function StoreSelect({ value, onChange, allowAll = false, label }: { value: string; onChange: (storeId: string) => void; allowAll?: boolean; label?: string }) {
  const { t } = useTranslation();
  const { stores } = useConsole();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label ?? t('common.store')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {allowAll ? <option value="">{t('common.allStores')}</option> : null}
        {stores.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.code})
          </option>
        ))}
      </select>
    </div>
  );
}

/** The store a per-store page shows: the first of the user's stores until they pick another. */
export function useChosenStore(): [string, (id: string) => void] {
  const { stores } = useConsole();
  const [chosen, setChosen] = useState('');
  const storeId = chosen && stores.some((s) => s.id === chosen) ? chosen : (stores[0]?.id ?? '');
  return [storeId, setChosen];
}

/** A labelled input. */
export function Field({ label, children, hint }: { label: string; hint?: string; children: (id: string, hintId: string | undefined) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint ? (
        <small id={hintId} className="field__hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

/** A modal question with a confirm and a cancel button (the native dialog keeps focus inside and closes on Escape). */
export function ConfirmDialog({ open, title, body, confirm, onConfirm, onCancel, busy }: { open: boolean; title: string; body: string; confirm: string; onConfirm: () => void; onCancel: () => void; busy?: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id={titleId}>{title}</h2>
      <p>{body}</p>
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={busy}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}

export function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button button--secondary button--small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page__header">
      <h1>{title}</h1>
      {children ? <div className="page__tools">{children}</div> : null}
    </header>
  );
}

export function Empty({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="table__empty">
        {children}
      </td>
    </tr>
  );
}
