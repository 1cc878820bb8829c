import { useEffect, useRef, useState } from 'react';
import type { AttachedMember } from '../../../../shared/modules/membership.api';
import { call, errorText } from '../../api/client';
import { useKassaEvent } from '../../hooks/useKassaEvent';
import { useTranslation } from '../../i18n';
import { MemberDialog } from './MemberDialog';
import { MemberSummary } from './MemberSummary';
import { ErrorAlert } from '../ErrorAlert';

/**
 * The member on the sale, on the cart screen: F10 (or the button) looks one up or enrols one. The member
 * may come first: attached on an empty cart, they open the sale and the items scanned next join it.
 */
export function MemberPanel({
  saleId,
  attachedByScan = null,
  onDialogClosed,
}: {
  saleId: string | null;
  /** The member a loyalty card scanned in the cart's field attached: that scan's answer carried them. */
  attachedByScan?: AttachedMember | null;
  onDialogClosed: () => void;
}) {
  const { t } = useTranslation('membership');
  const [attached, setAttached] = useState<AttachedMember | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call('membership.attached', { refresh: true }).then(
      (answer) => live && setAttached(answer),
      () => live && setAttached(null),
    );
    return () => {
      live = false;
    };
  }, [saleId]);
  // A card scanned in the cart's field: its answer is the member on the sale now (set while rendering, not in an effect).
  const [byScan, setByScan] = useState(attachedByScan);
  if (attachedByScan !== byScan) {
    setByScan(attachedByScan);
    if (attachedByScan) setAttached(attachedByScan);
  }
  // Points taken, or a member attached from another window: the sale changed. (This window's own scans answer it directly.)
  useKassaEvent('cart.changed', () => void call('membership.attached', {}).then(setAttached, () => undefined));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'F10') return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Once the dialog has closed (and given focus back to the page), the scan field takes it again.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) onDialogClosed();
    wasOpen.current = open;
  }, [open, onDialogClosed]);
  const close = () => setOpen(false);
  const member = attached?.saleId === saleId ? attached?.member : null;
  return (
    <section className="member-panel" aria-label={t('member')}>
      {member ? (
        <>
          <MemberSummary member={member} compact />
          <button
            type="button"
            className="button button--secondary"
            onClick={() =>
              void call('membership.detach', {}).then(
                (answer) => {
                  setAttached(answer);
                  setError(null);
                },
                (e: unknown) => setError(errorText(e)),
              )
            }
          >
            {t('remove')}
          </button>
        </>
      ) : (
        <>
          <p className="member-panel__none">{t('noMember')}</p>
          <button type="button" className="button button--secondary member-panel__open" onClick={() => setOpen(true)}>
            {t('member')} <kbd aria-hidden="true">F10</kbd>
          </button>
        </>
      )}
      <ErrorAlert error={error} />
      {open ? (
        <MemberDialog
          onClose={close}
          onAttached={(answer) => {
            setAttached(answer);
            close();
          }}
        />
      ) : null}
    </section>
  );
}
