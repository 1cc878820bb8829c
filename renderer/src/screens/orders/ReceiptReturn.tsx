import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppInfo, Cart } from '../../../../shared/api';
import type { OrderDetail } from '../../../../shared/modules/orders.api';
import { call, errorText } from '../../api/client';
import { money } from '../../format';
import { useTranslation } from '../../i18n';
import { RefundDialog, type ReturnChoice } from './RefundDialog';

/**
 * A sale number as receipts print it: `<store>-<register>-<sequence>` (store and register codes are
 * letters and digits without a hyphen, see settings). Product barcodes and SKUs never have this shape.
 */
export const SALE_NUMBER = /^[A-Za-z0-9]{1,12}-[A-Za-z0-9]{1,12}-\d{1,12}$/;

export interface ReceiptReturnOptions {
  info: AppInfo;
  /** The sale screen's messages: a notice (role=status) or an error (role=alert); each clears the other. */
  setNotice: (text: string | null) => void;
  setError: (text: string | null) => void;
  /** Where focus goes back when the refund closes: the scan field. */
  focusScan: () => void;
  /** The cart after an exchange put the returned lines into it. */
  onCart?: (cart: Cart) => void;
}

/**
 * A receipt's barcode scanned on the sale screen opens that sale's refund: the sale is looked up on this
 * register first, then at HQ (as Orders does), and the refund dialog shows over the sale screen, with an
 * Exchange button that moves the chosen lines into the current sale as returns. `tryOpen` answers false
 * for anything that is not a sale number (or is a product after all), so the scan goes on as usual.
 */
export function useReceiptReturn({ info, setNotice, setError, focusScan, onCart }: ReceiptReturnOptions): { tryOpen: (code: string) => Promise<boolean>; dialog: ReactNode } {
  const { t, i18n } = useTranslation('returns');
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (wasOpen.current && !detail) focusScan();
    wasOpen.current = detail !== null;
  }, [detail, focusScan]);

  const say = useCallback(
    (kind: 'notice' | 'error', text: string) => {
      if (kind === 'notice') {
        setError(null);
        setNotice(text);
      } else {
        setNotice(null);
        setError(text);
      }
    },
    [setError, setNotice],
  );

  const tryOpen = useCallback(
    async (code: string): Promise<boolean> => {
      const number = code.trim();
      if (!SALE_NUMBER.test(number)) return false;
      try {
        const found = await call('orders.search', { scope: 'all', number, limit: 20 });
        // This register's own copy first (it is listed first), HQ's otherwise.
        const order = found.orders.find((o) => o.number === number);
        if (!order) {
          const isProduct = await call('catalog.lookup', { code: number }).then(
            () => true,
            () => false,
          );
          if (isProduct) return false;
          const why = found.notice === 'offline' ? t('receipt.whyOffline') : found.notice === 'hq-failed' ? t('receipt.whyHqFailed') : null;
          say('error', found.hqSearched ? t('receipt.notFound', { number }) : why ? t('receipt.notFoundHere', { number, why }) : t('receipt.notFoundDemo', { number }));
          return true;
        }
        if (order.kind === 'refund') {
          say('error', t('receipt.isRefund', { number }));
          return true;
        }
        const opened = await call('orders.detail', { orderId: order.id, source: order.source });
        if (!opened.policy.allowed) {
          say('error', refusal(opened, (key) => t(key)));
          return true;
        }
        setNotice(null);
        setError(null);
        setDetail(opened);
      } catch (e) {
        say('error', t('receipt.failed', { number, reason: errorText(e) }));
      }
      return true;
    },
    [say, setError, setNotice, t],
  );

  const close = useCallback(() => setDetail(null), []);

  const exchange = useCallback(
    async (choice: ReturnChoice) => {
      if (!detail) return;
      const cart = await call('cart.addReturn', { kind: 'receipt', orderId: detail.order.id, source: detail.order.source, ...choice });
      onCart?.(cart);
      setDetail(null);
      say('notice', t('receipt.exchanged', { number: detail.order.number }));
    },
    [detail, onCart, say, t],
  );

  const dialog = detail ? (
    // The sale screen's own keys (function keys, focus back to the scan field) wait while the refund is open.
    <div className="receipt-return" onKeyDown={(event) => event.stopPropagation()}>
      <RefundDialog
        info={info}
        detail={detail}
        onClose={close}
        onExchange={exchange}
        onDone={(number, refund) => {
          setDetail(null);
          say('notice', t('receipt.refunded', { number, original: detail.order.number, amount: money(Math.abs(refund.total), refund.currency, i18n.language) }));
        }}
      />
    </div>
  ) : null;

  return { tryOpen, dialog };
}

/** Why this order cannot be refunded here, in the cashier's language where the register gives a code. */
function refusal(detail: OrderDetail, t: (key: 'orders:policy.crossRegisterOffline' | 'orders:policy.refundOfRefund' | 'orders:policy.nothingLeft') => string): string {
  switch (detail.policy.reasonCode) {
    case 'cross-register-offline':
      return t('orders:policy.crossRegisterOffline');
    case 'refund-of-refund':
      return t('orders:policy.refundOfRefund');
    case 'nothing-left':
      return t('orders:policy.nothingLeft');
    default:
      return detail.policy.reason ?? '';
  }
}
