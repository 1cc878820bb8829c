import { useCallback, useEffect, useId, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { AppInfo, ConnectivityReason, ConnectivityState, DiskSpace, PrinterStatusView, ServiceDomain, SyncStatus, User } from '../../../shared/api';
import { leavesCheckoutWorking } from '../../../shared/hq/domains';
import { call, errorText } from '../api/client';
import { useTranslation, type TFunction } from '../i18n';
import { DETAILS_KEY, HELP_KEY } from '../shortcuts';
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
  /** The receipt printer (ESC/POS): a warning while it is offline, out of paper or open. */
  printer?: PrinterStatusView | null;
}

/** What the pill shows: an outage (orange, striped) only when checkout itself is held; "Limited" when only services checkout does without are degraded. */
export type ConnectivityDisplay = 'checking' | 'online' | 'limited' | 'offline';

/** Domains degraded while the network and the cashier's switch are fine, none of them core to checkout; null otherwise. */
function limitedDomains(state: ConnectivityState): ServiceDomain[] | null {
  const domains: ServiceDomain[] = [];
  for (const reason of state.reasons) {
    if (!reason.startsWith('service:')) return null;
    const domain = reason.slice('service:'.length) as ServiceDomain;
    if (!leavesCheckoutWorking(domain)) return null;
    domains.push(domain);
  }
  return domains.length ? domains : null;
}

export function connectivityDisplay(state: ConnectivityState | null): ConnectivityDisplay {
  if (!state) return 'checking';
  if (limitedDomains(state)) return 'limited';
  return state.state === 'online' && state.reasons.length === 0 ? 'online' : 'offline';
}

/**
 * Always on screen, always one line: where the till is, a pill that says whether it is online (in
 * words, with an icon and a striped border, never colour alone), the cashier's switch, what waits to
 * upload, the nearest card deadline, and the help sheet (F1). Every reason, the backlog and the rest are
 * in the details under the pill: hover it, tap it, or press F11; Escape closes them.
 */
/** Printer states the cashier must hear of (a printer that cannot say, or is fine, shows nothing). */
const PRINTER_WARNINGS: readonly PrinterStatusView['state'][] = ['offline', 'paperOut', 'coverOpen', 'error'];

export function StatusBar({ info, connectivity, user, locked = false, sync = null, disk = null, printer = null }: Props) {
  const { t } = useTranslation('status');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const offline = connectivity?.state === 'offline';
  const display = connectivityDisplay(connectivity);
  // The button is the cashier's own switch: Go online only undoes a Go offline, whatever else holds the till offline.
  const manual = offline && connectivity.reasons.includes('manual');
  const reachableAgain = manual && connectivity.hq.configured && connectivity.hq.reachable === true;
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
  const { id: detailsId, root: detailsRoot, open: detailsOpen, toggle: toggleDetails, close: closeDetails, pointerEnter, pointerLeave } = useDetails();
  const diskText = disk?.full ? t('disk.full') : disk?.low ? t('disk.low', { free: freeMiB(disk.freeBytes, locale) }) : null;
  return (
    <header className="status-bar">
      <span className="status-bar__till" title="Kassa">
        {info ? `${info.storeCode}/${info.registerCode}` : 'Kassa'}
        {info?.mode === 'demo' ? <span className="badge">{t('demo')}</span> : null}
      </span>
      <div className={`status-summary status-pill status-pill--${display}`} ref={detailsRoot} onPointerEnter={pointerEnter} onPointerLeave={pointerLeave}>
        <span
          className={`connectivity connectivity--${connectivity?.state ?? 'unknown'}`}
          data-testid="connectivity"
          data-state={connectivity?.state ?? ''}
          data-reasons={connectivity?.reasons.join(' ') ?? ''}
          data-display={display}
          role="status"
          aria-live="polite"
          title={connectivity?.hq.lastError ?? undefined}
        >
          <span className="connectivity__icon" aria-hidden="true">
            {ICON[display]}
          </span>
          {headline(connectivity, t, locale)}
        </span>
        <button
          type="button"
          className="status-pill__more"
          aria-expanded={detailsOpen}
          aria-controls={detailsId}
          aria-keyshortcuts={DETAILS_KEY}
          aria-label={t('details.open')}
          title={t('details.open')}
          onClick={toggleDetails}
        >
          <span aria-hidden="true">{detailsOpen ? '▴' : '▾'}</span>
          <kbd aria-hidden="true">{DETAILS_KEY}</kbd>
        </button>
        <section id={detailsId} className="status-details" data-testid="status-details" aria-label={t('details.title')} hidden={!detailsOpen}>
          <h2 className="status-details__title">{t('details.title')}</h2>
          <p className={`status-details__state status-details__state--${display}`}>{t(`details.${display}`)}</p>
          {connectivity && connectivity.reasons.length ? (
            <ul className="status-details__reasons">
              {[...connectivity.reasons].sort((a, b) => ORDER(a) - ORDER(b)).map((reason) => (
                <li key={reason}>{reasonDetail(connectivity, reason, t, locale)}</li>
              ))}
            </ul>
          ) : null}
          {reachableAgain ? <p className="status-details__good">✓ {t('details.hqReachable')}</p> : null}
          {connectivity?.hq.lastError && connectivity.hq.reachable === false ? <p>{t('details.lastError', { message: connectivity.hq.lastError })}</p> : null}
          {connectivity?.warning ? <p>⚠ {connectivity.warning}</p> : null}
          {sync ? <p>{backlog(sync, t, locale)}</p> : null}
          {diskText ? <p>⚠ {diskText}</p> : null}
          {sync?.revokedAt ? <p>⚠ {t('revoked.title')}</p> : null}
          {error ? <p>⚠ {error}</p> : null}
          {switchWaits ? <p>{switchWaits}</p> : null}
          <button type="button" className="button button--secondary button--small status-details__close" onClick={closeDetails}>
            {t('details.close')} <kbd aria-hidden="true">Esc</kbd>
          </button>
        </section>
      </div>
      {/* Notices and warnings: they give way (and clip) first when the line is full; the details repeat their words. */}
      <div className="status-bar__notes">
        {reachableAgain ? (
          <span className="status-bar__hint" role="status">
            <span aria-hidden="true">✓ </span>
            {t('hqReachable')}
          </span>
        ) : null}
        {connectivity?.warning ? (
          <span className="status-bar__warning" role="alert" title={connectivity.warning}>
            {connectivity.warning}
          </span>
        ) : null}
        {disk?.full || disk?.low ? (
          <span className="status-bar__warning status-bar__disk" role="alert" data-testid="disk-space" data-full={disk.full ? 'true' : 'false'} title={t('disk.title', { path: disk.path })}>
            <span aria-hidden="true">⚠ </span>
            {diskText}
          </span>
        ) : null}
        {printer && PRINTER_WARNINGS.includes(printer.state) ? (
          <span className="status-bar__warning status-bar__printer" role="alert" data-testid="printer-status" data-state={printer.state} title={printer.message}>
            <span aria-hidden="true">⚠ </span>
            {t(`printer.${printer.state}`)}
          </span>
        ) : null}
        {error ? (
          <span className="status-bar__warning" role="alert" title={error}>
            {error}
          </span>
        ) : null}
        {sync?.revokedAt ? (
          <span className="status-bar__warning" role="alert" data-testid="register-revoked" title={t('revoked.title')}>
            <span aria-hidden="true">⚠ </span>
            {t('revoked.label')}
          </span>
        ) : null}
      </div>
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
      {help ? <HelpSheet onClose={closeHelp} /> : null}
    </header>
  );
}

/** ● online, ◐ limited, ⚠ offline: the pill never says it by colour alone. */
const ICON: Record<ConnectivityDisplay, string> = { checking: '●', online: '●', limited: '◐', offline: '⚠' };

/** How long the pointer may be away (crossing the gap to the details) before hover details close. */
const HOVER_GRACE_MS = 250;

/**
 * The details' disclosure: opened by a mouse resting on the pill, a tap or click on it (it then stays
 * until tapped again, tapped outside or Escape), or F11 from anywhere. Focus stays where it was (the
 * scan field keeps the scanner's keys); the details follow the button in tab order.
 */
function useDetails() {
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const [pinned, setPinned] = useState(false);
  const [hovered, setHovered] = useState(false);
  const leaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const open = pinned || hovered;
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });
  /** Whether a click, a tap or F11 holds the details open (hover alone does not). */
  const pinnedRef = useRef(false);
  const close = useCallback(() => {
    openRef.current = false;
    pinnedRef.current = false;
    setPinned(false);
    setHovered(false);
  }, []);
  // A click on details the mouse already opened by hovering keeps them open (it pins them); only a pinned
  // disclosure closes on the next click.
  const toggle = useCallback(() => {
    if (pinnedRef.current) return close();
    openRef.current = true;
    pinnedRef.current = true;
    setPinned(true);
  }, [close]);
  const pointerEnter = useCallback((event: ReactPointerEvent) => {
    if (event.pointerType !== 'mouse') return;
    if (leaveTimer.current) clearTimeout(leaveTimer.current);
    setHovered(true);
  }, []);
  const pointerLeave = useCallback((event: ReactPointerEvent) => {
    if (event.pointerType !== 'mouse') return;
    leaveTimer.current = setTimeout(() => setHovered(false), HOVER_GRACE_MS);
  }, []);
  useEffect(() => () => void (leaveTimer.current && clearTimeout(leaveTimer.current)), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // An open dialog (the help sheet, a product search) keeps its keys; the screen behind it does not act.
      if (event.target instanceof Element && event.target.closest('dialog')) return;
      if (event.key === DETAILS_KEY) {
        event.preventDefault();
        toggle();
        return;
      }
      if (event.key !== 'Escape' || !openRef.current) return;
      event.preventDefault();
      event.stopPropagation();
      const inside = root.current?.contains(document.activeElement) ?? false;
      close();
      if (inside) root.current?.querySelector<HTMLElement>('.status-pill__more')?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [toggle, close]);
  useEffect(() => {
    if (!pinned) return;
    const outside = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) close();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [pinned, close]);
  return { id, root, open, toggle, close, pointerEnter, pointerLeave };
}

/** The pill's words: "Online", "Limited — members from this register's copy", "Offline — switched by Ana at 10:42; …". */
function headline(state: ConnectivityState | null, t: TFunction<'status'>, locale: string): string {
  if (!state) return t('checking');
  const limited = limitedDomains(state);
  if (limited) return t('limited', { what: limited.map((domain) => limitedWhat(domain, t)).join(t('separator')) });
  return describeConnectivity(state, t, locale);
}

/** What a cashier works from while a domain checkout does without is degraded. */
function limitedWhat(domain: ServiceDomain, t: TFunction<'status'>): string {
  switch (domain) {
    case 'orders':
      return t('limitedWhat.orders');
    case 'membership':
      return t('limitedWhat.membership');
    case 'auth':
      return t('limitedWhat.auth');
    default:
      return t('limitedWhat.catalog');
  }
}

/** One reason in the details, with the time it began (and, for a limited domain, what the till works from meanwhile). */
function reasonDetail(state: ConnectivityState, reason: ConnectivityReason, t: TFunction<'status'>, locale: string): string {
  const since = when(state.reasonSince?.[reason] ?? state.since, locale);
  if (reason === 'manual') return state.manualBy ? t('reason.manualBy', { name: state.manualBy, time: since }) : t('reason.manual', { time: since });
  if (reason === 'network') return state.hq.evidence === 'no-network' ? t('reason.noNetwork', { time: since }) : t('reason.network', { time: since });
  const domain = reason.slice('service:'.length) as ServiceDomain;
  const degraded = t('details.serviceSince', { domain: domainName(domain, t), time: since });
  return leavesCheckoutWorking(domain) ? `${degraded} — ${limitedWhat(domain, t)}` : degraded;
}

/** "7 operations waiting to upload, the oldest from 10:12. Last upload 10:40." */
function backlog(sync: SyncStatus, t: TFunction<'status'>, locale: string): string {
  const count = t('details.pending', { count: sync.pending });
  const oldest = sync.pending > 0 && sync.oldestPendingAt ? t('details.oldest', { time: when(sync.oldestPendingAt, locale) }) : null;
  const last = pendingTitle(sync, t, locale);
  return [oldest ? `${count}${t('details.comma')}${oldest}` : count, last].filter(Boolean).join(t('details.sentence'));
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
