import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppInfo, CompletedSaleView } from '../../../shared/api';
import { money } from '../format';
import { useTranslation } from '../i18n';

/** How long a lone P waits for a following character before it counts as the print key rather than a code's first letter. */
const PRINT_KEY_WAIT_MS = 80;

/**
 * The sale is committed: its number as printed on the receipt, the change to hand back, and New sale.
 * The next customer's first scan starts their sale with that item: whatever is typed here, then Enter, is
 * handed to `onScan` (a scanner's Enter never presses New sale). P prints the receipt; Enter alone is New sale.
 */
export function CompletedScreen({
  sale,
  onNewSale,
  onScan,
  onPrint,
  receipt,
}: {
  info: AppInfo;
  sale: CompletedSaleView;
  onNewSale: () => void;
  onScan: (code: string) => void;
  onPrint: () => void;
  receipt?: React.ReactNode;
}) {
  const { t, i18n } = useTranslation('checkout');
  const next = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => next.current?.focus(), []);

  const handlers = useRef({ onScan, onPrint });
  useLayoutEffect(() => {
    handlers.current = { onScan, onPrint };
  });
  useEffect(() => {
    let buffer = '';
    let printTimer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest?.('input, textarea, select, dialog')) return;
      if (event.key === 'Enter' && buffer) {
        event.preventDefault();
        event.stopPropagation();
        const code = buffer;
        buffer = '';
        setTyped('');
        handlers.current.onScan(code);
      } else if (event.key === 'Escape' || event.key === 'Backspace') {
        if (!buffer) return;
        buffer = event.key === 'Escape' ? '' : buffer.slice(0, -1);
        setTyped(buffer);
      } else if (event.key.length === 1) {
        event.preventDefault();
        if (printTimer) {
          clearTimeout(printTimer);
          printTimer = undefined;
        }
        // A lone P is the print key; a P followed quickly by more characters starts a code.
        if (!buffer && (event.key === 'p' || event.key === 'P')) {
          printTimer = setTimeout(() => {
            printTimer = undefined;
            if (buffer === event.key) {
              buffer = '';
              setTyped('');
              handlers.current.onPrint();
            }
          }, PRINT_KEY_WAIT_MS);
        }
        buffer += event.key;
        setTyped(buffer);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (printTimer) clearTimeout(printTimer);
    };
  }, []);

  const format = (amount: number) => money(amount, sale.currency, i18n.language);
  return (
    <main className="completed">
      <section className="completed__summary" aria-labelledby="completed-title">
        <h1 id="completed-title">{t('completed.title')}</h1>
        <p className="completed__number">
          {t('completed.sale')} <span data-testid="sale-number">{sale.number}</span>
        </p>
        <p className="completed__line">{t('completed.total', { total: format(sale.total) })}</p>
        <p className="completed__change" role="status">
          {t('completed.change')} <strong>{format(sale.change)}</strong>
        </p>
        <button ref={next} type="button" className="button button--primary button--large" onClick={onNewSale}>
          {t('completed.newSale')}
        </button>
        <p className="completed__hint" aria-live="polite">
          {typed ? t('completed.typed', { code: typed }) : t('completed.scanNext')}
        </p>
      </section>
      {receipt ? <section className="completed__receipt">{receipt}</section> : null}
    </main>
  );
}
