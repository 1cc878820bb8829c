import { useState, type FormEvent } from 'react';
import type { MemberView } from '../../../../shared/modules/membership.api';
import { call, errorText } from '../../api/client';
import { useConnectivity } from '../../hooks/useConnectivity';
import { useTranslation } from '../../i18n';
import { MemberSummary } from './MemberSummary';
import { ErrorAlert } from '../ErrorAlert';

/**
 * Find a member by phone or card number, or enrol a new one. Offline the lookup answers from this
 * register's copy and an enrolment is kept here (pending) until HQ merges it by phone. `onAttach`: the
 * member dialog on the cart offers to attach the member found to the sale.
 */
export function MemberFinder({ onAttach, canAttach = false }: { onAttach?: (member: MemberView) => Promise<void>; canAttach?: boolean }) {
  const { t } = useTranslation('membership');
  const connectivity = useConnectivity();
  const offline = connectivity?.state === 'offline';
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<MemberView | null>(null);
  const [duplicate, setDuplicate] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [card, setCard] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const lookup = (event: FormEvent) => {
    event.preventDefault();
    if (!query.trim()) return;
    void run(async () => {
      setFound(null);
      setDuplicate(false);
      setFound((await call('membership.lookup', { query: query.trim() })).member);
    });
  };

  const enrol = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const answer = await call('membership.enrol', { name, phone, ...(card.trim() ? { card: card.trim() } : {}) });
      setFound(answer.member);
      setDuplicate(answer.status === 'duplicate');
      setEnrolling(false);
    });
  };

  const attach = (member: MemberView) => void run(async () => onAttach?.(member));

  return (
    <div className="member-finder">
      <ErrorAlert error={error} />
      {offline ? (
        <p className="member-dialog__offline" role="status">
          {t('offlineNotice')}
        </p>
      ) : null}
      {enrolling ? (
        <form className="member-dialog__form" onSubmit={enrol}>
          <label className="field">
            <span>{t('name')}</span>
            <input className="field__input" autoFocus autoComplete="off" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('phone')}</span>
            <input className="field__input" inputMode="tel" autoComplete="off" maxLength={32} value={phone} onChange={(e) => setPhone(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('cardOptional')}</span>
            <input className="field__input" autoComplete="off" maxLength={32} value={card} onChange={(e) => setCard(e.target.value)} />
          </label>
          <p className="member-dialog__hint">{offline ? t('enrolOfflineHint') : t('enrolOnlineHint')}</p>
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={() => setEnrolling(false)}>
              {t('backToLookup')}
            </button>
            <button type="submit" className="button button--primary" disabled={busy || !name.trim() || !phone.trim()}>
              {t('enrol')}
            </button>
          </div>
        </form>
      ) : (
        <form className="member-dialog__lookup" onSubmit={lookup}>
          <label className="field">
            <span>{t('phoneOrCard')}</span>
            <input className="field__input field__input--big" autoFocus autoComplete="off" spellCheck={false} maxLength={32} value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <div className="dialog__actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setEnrolling(true);
                setFound(null);
                setError(null);
                if (/^[+\d\s().-]+$/.test(query.trim())) setPhone(query.trim());
              }}
            >
              {t('enrolNew')}
            </button>
            <button type="submit" className="button button--primary" disabled={busy || !query.trim()}>
              {t('find')}
            </button>
          </div>
        </form>
      )}
      {found && !enrolling ? (
        <div className="member-dialog__result">
          {duplicate ? (
            <p className="message message--notice" role="status">
              {t('duplicate')}
            </p>
          ) : null}
          <MemberSummary member={found} />
          {!onAttach ? null : canAttach ? (
            <button type="button" className="button button--primary button--large" onClick={() => attach(found)} disabled={busy}>
              {t('attach')}
            </button>
          ) : (
            <p className="member-dialog__hint">{t('scanFirst')}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}
