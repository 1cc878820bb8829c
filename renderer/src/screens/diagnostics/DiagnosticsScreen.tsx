import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { AppInfo, ConnectivityReason, DeadLetterSchema } from '../../../../shared/api';
import type { Diagnostics } from '../../../../shared/modules/admin.api';
import { call, errorText } from '../../api/client';
import { clock, duration } from '../../format';
import { useKassaEvent } from '../../hooks/useKassaEvent';
import { useTranslation, type TFunction } from '../../i18n';
import { Dialog } from '../../components/Dialog';
import { PinField } from '../../components/PinField';
import { ConnectivityTimeline, LatencyChart } from './Charts';
import { latencySummary } from './timeline';
import { ErrorAlert } from '../../components/ErrorAlert';

type DeadLetter = z.infer<typeof DeadLetterSchema>;
const HOURS = 8;
const REFRESH_MS = 10_000;
const MIN_WINDOW_MS = 2 * 60_000;

/**
 * The manager's diagnostics page: the connectivity timeline, HQ's probe latencies, what waits to
 * upload and for how long, operations HQ refused (retry or discard, with a manager PIN), versions, and
 * the support bundle.
 */
export function DiagnosticsScreen({ info }: { info: AppInfo }) {
  const { t } = useTranslation('diagnostics');
  const locale = info.locale;
  const [data, setData] = useState<Diagnostics | null>(null);
  const [deadLetters, setDeadLetters] = useState<DeadLetter[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [deciding, setDeciding] = useState<{ letter: DeadLetter; action: 'retry' | 'discard' } | null>(null);

  const load = useCallback(
    () =>
      Promise.all([call('diagnostics.overview', { hours: HOURS }), call('sync.deadLetters', {})]).then(
        ([overview, letters]) => {
          setData(overview);
          setDeadLetters(letters.deadLetters);
          setError(null);
        },
        (e: unknown) => setError(errorText(e)),
      ),
    [],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  // Probes report every few seconds; the page reloads when the state or its reasons change, not on each probe.
  const lastReasons = useRef<string | null>(null);
  useKassaEvent('connectivity.changed', (state) => {
    const key = `${state.state} ${state.reasons.join(' ')}`;
    if (key === lastReasons.current) return;
    lastReasons.current = key;
    void load();
  });
  useKassaEvent('sync.changed', () => void load());

  const exportBundle = async () => {
    setExporting(true);
    setNotice(null);
    try {
      const bundle = await call('diagnostics.bundle', {});
      const size = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, bundle.size / 1024));
      if (bundle.base64) {
        download(bundle.fileName, bundle.base64);
        setNotice(t('bundle.downloaded', { file: bundle.fileName, size }));
      } else if (bundle.savedTo) setNotice(t('bundle.saved', { path: bundle.savedTo, size }));
      else setNotice(t('bundle.cancelled'));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setExporting(false);
    }
  };

  const reasonText = (reason: ConnectivityReason) => reasonWords(reason, t);
  const now = data?.generatedAt ?? 0;
  // The window: the last hours, or since the register's first transition when it is younger (at least 10 min).
  const first = data?.timeline[0]?.at ?? now;
  const start = Math.min(now - MIN_WINDOW_MS, Math.max(now - HOURS * 3_600_000, first - (now - first) * 0.05));
  const answered = (data?.probes ?? []).filter((p) => p.ok).map((p) => p.latencyMs);
  const summary = latencySummary(answered);
  const lastProbe = data?.probes.at(-1);
  return (
    <main className="diagnostics" aria-labelledby="diagnostics-title">
      <div className="diagnostics__head">
        <h1 id="diagnostics-title">{t('title')}</h1>
        <button type="button" className="button button--secondary" onClick={() => void load()}>
          {t('refresh')}
        </button>
        <button type="button" className="button button--primary" onClick={() => void exportBundle()} disabled={exporting} data-testid="export-bundle">
          {exporting ? t('bundle.exporting') : t('bundle.export')}
        </button>
      </div>
      <ErrorAlert error={error} />
      {notice ? (
        <p className="message message--notice" role="status">
          {notice}
        </p>
      ) : null}
      {!data ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : (
        <div className="diagnostics__grid">
          <section className="diag-card diag-card--wide" aria-labelledby="diag-timeline">
            <h2 id="diag-timeline">{t('timeline.title', { from: clock(start, locale), to: clock(now, locale) })}</h2>
            <ConnectivityTimeline entries={data.timeline} start={start} end={now} locale={locale} reasonText={reasonText} />
            <table className="diag-table" data-testid="transitions">
              <caption className="diag-hidden">{t('timeline.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('timeline.at')}</th>
                  <th scope="col">{t('timeline.state')}</th>
                  <th scope="col">{t('timeline.reasons')}</th>
                  <th scope="col">{t('timeline.trigger')}</th>
                  <th scope="col">{t('timeline.who')}</th>
                </tr>
              </thead>
              <tbody>
                {[...data.timeline]
                  .reverse()
                  .slice(0, 8)
                  .map((entry) => (
                    <tr key={entry.id}>
                      <td>{clock(entry.at, locale)}</td>
                      <td>{entry.to === 'online' ? `● ${t('online')}` : `⚠ ${t('offline')}`}</td>
                      <td>{entry.reasons.length ? entry.reasons.map(reasonText).join(', ') : '—'}</td>
                      <td>{entry.detail ?? entry.trigger}</td>
                      <td>{entry.user ?? '—'}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>

          <section className="diag-card" aria-labelledby="diag-latency">
            <h2 id="diag-latency">{t('latency.title')}</h2>
            {data.hqUrl ? (
              <>
                <LatencyChart probes={data.probes} locale={locale} />
                <dl className="diag-facts">
                  <dt>{t('latency.last')}</dt>
                  <dd>{lastProbe ? (lastProbe.ok ? `${lastProbe.latencyMs} ms` : `✕ ${lastProbe.error ?? t('latency.failed')}`) : '—'}</dd>
                  <dt>{t('latency.median')}</dt>
                  <dd>{summary ? `${summary.median} ms` : '—'}</dd>
                  <dt>{t('latency.p90')}</dt>
                  <dd>{summary ? `${summary.p90} ms` : '—'}</dd>
                  <dt>{t('latency.failures')}</dt>
                  <dd>{`${data.probes.length - answered.length} / ${data.probes.length}`}</dd>
                  <dt>{t('latency.traffic')}</dt>
                  <dd data-testid="live-traffic">
                    {data.traffic
                      ? `${data.traffic.ok ? '✓' : '✕'} ${t('latency.trafficAgo', { source: t(`latency.trafficSource.${data.traffic.source}`), ago: duration(now - data.traffic.at, locale) })}${data.traffic.detail ? ` · ${data.traffic.detail}` : ''}`
                      : t('latency.trafficNone')}
                  </dd>
                </dl>
                {data.traffic?.ok && data.traffic.source === 'stream' ? <p className="diag-muted">{t('latency.probesPaused')}</p> : null}
              </>
            ) : (
              <p className="diag-empty">{t('demo')}</p>
            )}
          </section>

          <section className="diag-card" aria-labelledby="diag-queue">
            <h2 id="diag-queue">{t('queue.title')}</h2>
            <p className="diag-big">
              <span data-testid="diag-pending">{data.queue.pending}</span> {t('queue.waiting')}
              {data.queue.oldestAt ? <span className="diag-muted"> · {t('queue.oldest', { age: duration(now - data.queue.oldestAt, locale) })}</span> : null}
            </p>
            {data.queue.byEntity.length ? (
              <table className="diag-table">
                <thead>
                  <tr>
                    <th scope="col">{t('queue.entity')}</th>
                    <th scope="col" className="num">
                      {t('queue.count')}
                    </th>
                    <th scope="col">{t('queue.age')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.queue.byEntity.map((row) => (
                    <tr key={row.entity}>
                      <td>{row.entity}</td>
                      <td className="num">{row.count}</td>
                      <td>{duration(now - row.oldestAt, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>

          <section className="diag-card diag-card--wide" aria-labelledby="diag-dead">
            <h2 id="diag-dead">{t('dead.title', { count: deadLetters.length })}</h2>
            {deadLetters.length ? (
              <table className="diag-table" data-testid="dead-letters">
                <thead>
                  <tr>
                    <th scope="col">{t('dead.operation')}</th>
                    <th scope="col">{t('dead.reason')}</th>
                    <th scope="col">{t('dead.rejected')}</th>
                    <th scope="col">
                      <span className="diag-hidden">{t('dead.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deadLetters.map((letter) => (
                    <tr key={letter.id}>
                      <td>
                        {letter.entity} / {letter.type}
                        <div className="diag-muted">{letter.entityId}</div>
                      </td>
                      <td>
                        <strong>{letter.code}</strong> {letter.message}
                      </td>
                      <td>{clock(letter.rejectedAt, locale)}</td>
                      <td className="diag-actions">
                        <button type="button" className="button button--secondary" onClick={() => setDeciding({ letter, action: 'retry' })}>
                          {t('dead.retry')}
                        </button>
                        <button type="button" className="button button--danger" onClick={() => setDeciding({ letter, action: 'discard' })}>
                          {t('dead.discard')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="diag-empty">{t('dead.none')}</p>
            )}
          </section>

          <section className="diag-card" aria-labelledby="diag-versions">
            <h2 id="diag-versions">{t('versions.title')}</h2>
            <dl className="diag-facts" data-testid="versions">
              <dt>{t('versions.app')}</dt>
              <dd>{data.versions.app}</dd>
              <dt>{t('versions.database')}</dt>
              <dd>{data.versions.database}</dd>
              <dt>{t('versions.hq')}</dt>
              <dd>{!data.hqUrl ? t('versions.noHq') : data.versions.hq ? `${data.versions.hq.version ?? t('versions.notReported')}${data.versions.hq.database ? ` (${data.versions.hq.database})` : ''}` : t('versions.unreachable')}</dd>
              {data.hqUrl ? (
                <>
                  <dt>{t('versions.hqUrl')}</dt>
                  <dd>{data.hqUrl}</dd>
                </>
              ) : null}
              {data.deviceTokenStorage ? (
                <>
                  <dt>{t('versions.tokenStorage')}</dt>
                  <dd data-testid="token-storage" title={data.deviceTokenStorage.detail}>
                    {t(data.deviceTokenStorage.protection === 'os-keychain' ? 'versions.tokenSealed' : 'versions.tokenClear')}
                  </dd>
                </>
              ) : null}
              <dt>{t('versions.runtime')}</dt>
              <dd>{data.versions.runtime}</dd>
              <dt>{t('versions.platform')}</dt>
              <dd>{data.versions.platform}</dd>
              <dt>{t('versions.sales')}</dt>
              <dd>{data.sales}</dd>
            </dl>
          </section>
        </div>
      )}
      {deciding ? (
        <DecideDialog
          letter={deciding.letter}
          action={deciding.action}
          onClose={() => setDeciding(null)}
          onDone={(message) => {
            setDeciding(null);
            setNotice(message);
            void load();
          }}
        />
      ) : null}
    </main>
  );
}

/** A manager's PIN confirms a retry or a discard of an operation HQ refused. */
function DecideDialog({ letter, action, onClose, onDone }: { letter: DeadLetter; action: 'retry' | 'discard'; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation('diagnostics');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await call(action === 'retry' ? 'sync.retry' : 'sync.discard', { id: letter.id, managerPin: pin });
      onDone(action === 'retry' ? t('dead.retried') : t('dead.discarded'));
    } catch (e) {
      setPin('');
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={action === 'retry' ? t('dead.retryTitle') : t('dead.discardTitle')} onClose={onClose} error={error}>
      <form className="dialog__form" onSubmit={(e) => void submit(e)}>
        <p className="dialog__context">
          {letter.entity} / {letter.type} — {letter.code}
        </p>
        {action === 'discard' ? <p>{t('dead.discardWarning')}</p> : null}
        <label className="field">
          {t('dead.managerPin')}
          <PinField className="field__input field__input--big" value={pin} onChange={setPin} />
        </label>
        <button type="submit" className={action === 'retry' ? 'button button--primary' : 'button button--danger'} disabled={busy || pin.length < 4}>
          {action === 'retry' ? t('dead.retry') : t('dead.discard')}
        </button>
      </form>
    </Dialog>
  );
}

function reasonWords(reason: ConnectivityReason, t: TFunction<'diagnostics'>): string {
  switch (reason) {
    case 'manual':
      return t('reason.manual');
    case 'network':
      return t('reason.network');
    case 'service:checkout':
      return t('reason.checkout');
    case 'service:orders':
      return t('reason.orders');
    case 'service:membership':
      return t('reason.membership');
    case 'service:auth':
      return t('reason.auth');
    default:
      return t('reason.catalog');
  }
}

/** Hands the bundle's bytes to the browser as a download (browser preview; Electron saves through its dialog). */
function download(fileName: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
