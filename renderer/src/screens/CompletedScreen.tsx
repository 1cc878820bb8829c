import { useEffect, useRef } from 'react';
import type { AppInfo, CompletedSaleView } from '../../../shared/api';
import { money } from '../format';

/** The sale is committed: its number as printed on the receipt, the change to hand back, and New sale. */
export function CompletedScreen({ info, sale, onNewSale, receipt }: { info: AppInfo; sale: CompletedSaleView; onNewSale: () => void; receipt?: React.ReactNode }) {
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  const format = (amount: number) => money(amount, sale.currency, info.locale);
  return (
    <main className="completed">
      <section className="completed__summary" aria-labelledby="completed-title">
        <h1 id="completed-title">Sale complete</h1>
        <p className="completed__number">
          Sale <span data-testid="sale-number">{sale.number}</span>
        </p>
        <p className="completed__line">Total {format(sale.total)}</p>
        <p className="completed__change" role="status">
          Change <strong>{format(sale.change)}</strong>
        </p>
        <button ref={next} type="button" className="button button--primary button--large" onClick={onNewSale}>
          New sale
        </button>
      </section>
      {receipt ? <section className="completed__receipt">{receipt}</section> : null}
    </main>
  );
}
