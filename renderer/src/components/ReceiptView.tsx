import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { call, CallError, errorText } from '../api/client';
import { useTranslation } from '../i18n';
import { PaperPrint, printCopyOf, type PrintCopy } from './PaperPrint';
import './ReceiptView.css';

/**
 * A completed sale's receipt as it will print (in a sandboxed frame: no script, no access to the
 * register) and a Print receipt button: Electron prints silently to the configured printer; the browser
 * preview opens its print dialog on a print-only copy, where Save as PDF is offered.
 */
export function ReceiptView({ saleId, printRequest = 0 }: { saleId: string; /** Each increase prints once (the store's `print` default, the P key). */ printRequest?: number }) {
  const { t } = useTranslation('checkout');
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const [printCopy, setPrintCopy] = useState<PrintCopy | null>(null);
  const printed = useCallback(() => setPrintCopy(null), []);

  useEffect(() => {
    let current = true;
    call('sales.receipt', { saleId }).then(
      (answer) => current && setHtml(answer.html),
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
  }, [saleId]);

  const print = async () => {
    setPrinting(true);
    setError(null);
    setNotice(null);
    try {
      const answer = await call('sales.print', { saleId });
      if (answer.printed) {
        setNotice(answer.printer ? t('receipt.sentTo', { printer: answer.printer }) : t('receipt.sent'));
      } else {
        const copy = printCopyOf(answer.html);
        if (!copy) throw new Error(t('receipt.notPrepared'));
        setPrintCopy(copy);
      }
    } catch (e) {
      const text = errorText(e);
      // The printer's own explanation (what to check) follows the fact: this receipt is not on paper. A
      // translated message of the code says both already.
      setError(e instanceof CallError && e.code === 'PRINT_FAILED' && text === e.message ? t('receipt.notPrinted', { reason: text }) : text);
    } finally {
      setPrinting(false);
    }
  };

  const printRef = useRef(print);
  useLayoutEffect(() => {
    printRef.current = print;
  });
  const loaded = html !== null;
  useEffect(() => {
    if (printRequest > 0 && loaded) void printRef.current();
  }, [printRequest, loaded]);

  return (
    <section className="receipt-view" aria-label={t('receipt.label')}>
      {html !== null && <iframe className="receipt-view__paper" title={t('receipt.label')} sandbox="" srcDoc={html} data-testid="receipt" />}
      <button type="button" className="button button--secondary receipt-view__print" onClick={() => void print()} disabled={html === null || printing}>
        {t('receipt.print')} <kbd aria-hidden="true">P</kbd>
      </button>
      {error && <p role="alert">{error}</p>}
      {notice && <p role="status">{notice}</p>}
      {printCopy && <PaperPrint copy={printCopy} onDone={printed} testId="receipt-print" />}
    </section>
  );
}
