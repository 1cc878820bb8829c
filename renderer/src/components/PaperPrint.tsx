import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

/** The parts of a paper document (receipt, Z-report) the browser prints: its stylesheet and its `.receipt` element. */
export interface PrintCopy {
  css: string;
  receipt: Element;
}

/** Parsed inertly (DOMParser runs no script); only the `.receipt` element and its one stylesheet are kept. */
export function printCopyOf(html: string): PrintCopy | null {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const receipt = doc.querySelector('.receipt');
  if (!receipt) return null;
  receipt.querySelectorAll('script, iframe, object, embed').forEach((element) => element.remove());
  return { css: doc.querySelector('style')?.textContent ?? '', receipt };
}

/**
 * Puts a print-only copy of the document into the page, opens the browser's print dialog (where Save as
 * PDF is offered) and calls `onDone` once the dialog closes, which removes the copy.
 */
export function PaperPrint({ copy, onDone, testId }: { copy: PrintCopy; onDone: () => void; testId: string }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current) return;
    target.current.replaceChildren(document.importNode(copy.receipt, true));
    window.addEventListener('afterprint', onDone, { once: true });
    window.print();
    return () => window.removeEventListener('afterprint', onDone);
  }, [copy, onDone]);
  return createPortal(
    <div className="receipt-print" data-testid={testId}>
      <style>{copy.css}</style>
      <div ref={target} />
    </div>,
    document.body,
  );
}
