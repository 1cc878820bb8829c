import { useState } from 'react';
import type { AppInfo, ConnectivityState, SyncStatus, User } from '../../../shared/api';
import { call, CallError } from '../api/client';
import { clock } from '../format';
import { CardDeadline } from './CardDeadline';
import { DeclinedCardPayments } from './DeclinedCardPayments';

interface Props {
  info: AppInfo | null;
  connectivity: ConnectivityState | null;
  user: User | null;
  sync?: SyncStatus | null;
  onSignOut: () => void;
}

/** Always on screen: where the till is, whether it is online and why not, and the cashier's switch. */
export function StatusBar({ info, connectivity, user, sync = null, onSignOut }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const offline = connectivity?.state === 'offline';
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(offline ? 'connectivity.goOnline' : 'connectivity.goOffline', {});
    } catch (e) {
      setError(e instanceof CallError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <header className="status-bar">
      <span className="status-bar__till">
        Kassa{info ? ` · ${info.storeCode}/${info.registerCode}` : ''}
        {info?.mode === 'demo' ? <span className="badge">Demo</span> : null}
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
        {connectivity ? describe(connectivity, info?.locale) : 'Checking…'}
      </span>
      {offline && connectivity?.reasons.includes('manual') && connectivity.hq.configured && connectivity.hq.reachable ? (
        <span className="status-bar__hint" role="status">
          HQ reachable again
        </span>
      ) : null}
      {connectivity?.warning ? (
        <span className="status-bar__warning" role="alert">
          {connectivity.warning}
        </span>
      ) : null}
      {error ? (
        <span className="status-bar__warning" role="alert">
          {error}
        </span>
      ) : null}
      <span className="status-bar__spacer" />
      {sync?.nearestCardDeadline ? <CardDeadline deadline={sync.nearestCardDeadline} /> : null}
      {sync?.declinedCardPayments ? <DeclinedCardPayments count={sync.declinedCardPayments} currency={info?.currency ?? 'EUR'} locale={info?.locale ?? 'en'} /> : null}
      <span className="pending" title={pendingTitle(sync)}>
        <span className="pending__label">To upload</span>
        <span className="pending__count" data-testid="pending-sync" aria-label={`Operations waiting to upload: ${sync?.pending ?? 0}`}>
          {sync?.pending ?? 0}
        </span>
      </span>
      <button type="button" className="button button--secondary" data-testid="offline-toggle" onClick={toggle} disabled={busy || !connectivity}>
        {offline && connectivity?.reasons.includes('manual') ? 'Go online' : 'Go offline'}
      </button>
      {user ? (
        <>
          <span className="status-bar__user">{user.name}</span>
          <button type="button" className="button button--secondary" onClick={onSignOut}>
            Sign out
          </button>
        </>
      ) : null}
    </header>
  );
}

function pendingTitle(sync: SyncStatus | null): string | undefined {
  if (!sync) return undefined;
  if (!sync.hq) return 'Demo mode: there is no HQ to upload to.';
  if (sync.lastError) return `Last upload failed: ${sync.lastError.message}`;
  return sync.lastSyncAt ? `Last upload ${new Date(sync.lastSyncAt).toLocaleTimeString()}` : undefined;
}

function describe(state: ConnectivityState, locale?: string): string {
  if (state.state === 'online') return 'Online';
  const since = clock(state.since, locale);
  if (state.reasons.includes('manual')) return state.manualBy ? `Offline — switched by ${state.manualBy} at ${since}` : `Offline — switched at ${since}`;
  if (state.reasons.includes('network')) {
    return state.hq.evidence === 'no-network' ? `Offline — no network connection since ${since}` : `Offline — HQ not reachable since ${since}`;
  }
  const service = state.reasons.find((r) => r.startsWith('service:'));
  return service ? `Offline — ${service.slice('service:'.length)} service degraded` : 'Offline';
}
