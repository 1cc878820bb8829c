import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, ConnectivityReason, ConnectivityState, DiskSpace, SyncStatus, User } from '../../../shared/api';
import { call, errorText } from '../api/client';
import { useTranslation, type TFunction } from '../i18n';
import { HELP_KEY } from '../shortcuts';
import { CardDeadline } from './CardDeadline';
import { DeclinedCardPayments } from './DeclinedCardPayments';
import { HelpSheet } from './HelpSheet';

interface Props {
  info: AppInfo | null;
  connectivity: ConnectivityState | null;
  user: User | null;
  /** The screen is locked (auto-lock): the offline switch waits for the cashier to unlock. */
  locked?: boolean;
  sync?: SyncStatus | null;
  disk?: DiskSpace | null;
  onSignOut: () => void;
}

/**
 * Always on screen: where the till is, whether it is online and every reason why not (in words, with an
 * icon and a striped border, never colour alone), the cashier's switch, what waits to upload, the
 * nearest card deadline, and the help sheet (F1).
 */
export function StatusBar({ info, connectivity, user, locked = false, sync = null, disk = null, onSignOut }: Props) {
  const { t } = useTranslation('status');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const offline = connectivity?.state === 'offline';
  // The button is the cashier's own switch: Go online only undoes a Go offline, whatever else holds the till offline.
  const manual = offline && connectivity.reasons.includes('manual');
  const locale = info?.locale ?? 'en';
  // Going offline or online is a signed-in cashier's act (the register refuses it otherwise): say why the button waits.
  const switchWaits = !user ? t('switchNeedsUser') : locked ? t('switchNeedsUnlock') : null;
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(manual ? 'connectivity.goOnline' : 'connectivity.goOffline', {});
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const closeHelp = useCallback(() => setHelp(false), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== HELP_KEY) return;
      event.preventDefault();
      setHelp((open) => !open);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <header className="status-bar">
      <span className="status-bar__till" title="Kassa">
        {info ? `${info.storeCode}/${info.registerCode}` : 'Kassa'}
        {info?.mode === 'demo' ? <span className="badge">{t('demo')}</span> : null}
      </span>
      <span
        className={`connectivity connectivity--${connectivity?.state ?? 'unknown'}`}
        data-testid="connectivity"
        data-state={connectivity?.state ?? ''}
        data-reasons={connectivity?.reasons.join(' ') ?? ''}
        role="status"
        aria-live="polite"
        title={connectivity?.hq.lastError ?? undefined}
      >
        <span className="connectivity__icon" aria-hidden="true">
          {offline ? '⚠' : '●'}
        </span>
        {connectivity ? describeConnectivity(connectivity, t, locale) : t('checking')}
      </span>
      {manual && connectivity.hq.configured && connectivity.hq.reachable ? (
        <span className="status-bar__hint" role="status">
          <span aria-hidden="true">✓ </span>
          {t('hqReachable')}
        </span>
      ) : null}
      {connectivity?.warning ? (
        <span className="status-bar__warning" role="alert">
          {connectivity.warning}
        </span>
      ) : null}
      {disk?.full || disk?.low ? (
        <span className="status-bar__warning status-bar__disk" role="alert" data-testid="disk-space" data-full={disk.full ? 'true' : 'false'} title={t('disk.title', { path: disk.path })}>
          <span aria-hidden="true">⚠ </span>
          {disk.full ? t('disk.full') : t('disk.low', { free: freeMiB(disk.freeBytes, locale) })}
        </span>
      ) : null}
      {error ? (
        <span className="status-bar__warning" role="alert">
          {error}
        </span>
      ) : null}
      {sync?.revokedAt ? (
        <span className="status-bar__warning" role="alert" data-testid="register-revoked" title={t('revoked.title')}>
          <span aria-hidden="true">⚠ </span>
          {t('revoked.label')}
        </span>
      ) : null}
      <span className="status-bar__spacer" />
      {sync?.nearestCardDeadline ? <CardDeadline deadline={sync.nearestCardDeadline} /> : null}
      {sync?.declinedCardPayments ? <DeclinedCardPayments count={sync.declinedCardPayments} currency={info?.currency ?? 'EUR'} locale={locale} /> : null}
      <span className="pending" title={pendingTitle(sync, t, locale)}>
        <span className="pending__label">{t('pending.label')}</span>
        <span className="pending__count" data-testid="pending-sync" aria-label={t('pending.aria', { count: sync?.pending ?? 0 })}>
          {sync?.pending ?? 0}
        </span>
      </span>
      <button
        type="button"
        className="button button--secondary"
        data-testid="offline-toggle"
        onClick={toggle}
        disabled={busy || !connectivity || switchWaits !== null}
        title={switchWaits ?? undefined}
      >
        {manual ? t('goOnline') : t('goOffline')}
      </button>
      <button type="button" className="button button--secondary status-bar__help" onClick={() => setHelp(true)} aria-keyshortcuts={HELP_KEY} aria-label={t('help')} title={t('help')}>
        <span aria-hidden="true">?</span> <kbd aria-hidden="true">{HELP_KEY}</kbd>
      </button>
      {user ? (
        <>
          <span className="status-bar__user">{user.name}</span>
          <button type="button" className="button button--secondary" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </>
      ) : null}
      {help ? <HelpSheet onClose={closeHelp} /> : null}
    </header>
  );
}

function pendingTitle(sync: SyncStatus | null, t: TFunction<'status'>, locale: string): string | undefined {
  if (!sync) return undefined;
  if (!sync.hq) return t('pending.demo');
  if (sync.lastError) return t('pending.failed', { message: sync.lastError.message });
  return sync.lastSyncAt ? t('pending.last', { time: when(sync.lastSyncAt, locale) }) : undefined;
}

/** Free space in MiB, one decimal below 10 (8.4), whole above (187). */
function freeMiB(bytes: number | null, locale: string): string {
  if (bytes === null) return '?';
  const mib = bytes / (1024 * 1024);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: mib < 10 ? 1 : 0 }).format(mib);
}

/** The reasons in order of importance: the cashier's own switch, then the network, then degraded services. */
const ORDER = (reason: ConnectivityReason) => (reason === 'manual' ? 0 : reason === 'network' ? 1 : 2);

/** "Offline — switched by Ana at 10:42; HQ not reachable since 10:40; membership service degraded". */
export function describeConnectivity(state: ConnectivityState, t: TFunction<'status'>, locale: string): string {
  if (state.state === 'online') return t('online');
  const since = (reason: ConnectivityReason) => when(state.reasonSince?.[reason] ?? state.since, locale);
  const parts = [...state.reasons]
    .sort((a, b) => ORDER(a) - ORDER(b))
    .map((reason) => {
      if (reason === 'manual') return state.manualBy ? t('reason.manualBy', { name: state.manualBy, time: since(reason) }) : t('reason.manual', { time: since(reason) });
      if (reason === 'network') return state.hq.evidence === 'no-network' ? t('reason.noNetwork', { time: since(reason) }) : t('reason.network', { time: since(reason) });
      return t('reason.service', { domain: domainName(reason.slice('service:'.length), t) });
    });
  return parts.length ? t('offline', { reasons: parts.join(t('separator')) }) : t('offlineNoReason');
}

function domainName(domain: string, t: TFunction<'status'>): string {
  switch (domain) {
    case 'checkout':
      return t('domain.checkout');
    case 'orders':
      return t('domain.orders');
    case 'membership':
      return t('domain.membership');
    case 'auth':
      return t('domain.auth');
    default:
      return t('domain.catalog');
  }
}

/** A time of today as hours and minutes; an older one with its date (Intl, the register's locale). */
function when(at: number, locale: string): string {
  const today = new Date().toDateString() === new Date(at).toDateString();
  return new Intl.DateTimeFormat(locale, today ? { hour: 'numeric', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(at);
}
