import { useEffect, useRef } from 'react';
import type { AppInfo, CompletedSaleView } from '../../../shared/api';
import { money } from '../format';
import { useTranslation } from '../i18n';

/** The sale is committed: its number as printed on the receipt, the change to hand back, and New sale. */
export function CompletedScreen({ sale, onNewSale, receipt }: { info: AppInfo; sale: CompletedSaleView; onNewSale: () => void; receipt?: React.ReactNode }) {
  const { t, i18n } = useTranslation('checkout');
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
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
      </section>
      {receipt ? <section className="completed__receipt">{receipt}</section> : null}
    </main>
  );
}
