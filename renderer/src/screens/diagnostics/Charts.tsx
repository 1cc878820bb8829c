import type { ConnectivityLogEntry, ConnectivityReason } from '../../../../shared/api';
import type { ProbeRecord } from '../../../../shared/modules/admin.api';
import { clock, duration } from '../../format';
import { useTranslation } from '../../i18n';
import { bandsOf, type Band } from './timeline';

const WIDTH = 1000;
const HOUR = 3_600_000;

/**
 * Online and offline over the last hours as bands (inline SVG): online plain, offline hatched and
 * labelled with its reasons, so the chart reads without colour. The table beside it says the same in words.
 */
export function ConnectivityTimeline({ entries, start, end, locale, reasonText }: { entries: ConnectivityLogEntry[]; start: number; end: number; locale: string; reasonText: (r: ConnectivityReason) => string }) {
  const { t } = useTranslation('diagnostics');
  const bands = bandsOf(entries, start, end);
  const x = (at: number) => ((at - start) / (end - start)) * WIDTH;
  const pct = (at: number) => `${((at - start) / (end - start)) * 100}%`;
  const offlineMs = bands.filter((b) => b.state === 'offline').reduce((sum, b) => sum + b.to - b.from, 0);
  // Offline periods: adjacent offline bands (the reasons changed while offline) are one period.
  const periods = bands.filter((b, i) => b.state === 'offline' && bands[i - 1]?.state !== 'offline').length;
  const step = TICK_STEPS.find((s) => (end - start) / s <= 8) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let at = Math.ceil(start / step) * step; at <= end; at += step) ticks.push(at);
  const summary = t('timeline.summary', { count: periods, duration: duration(offlineMs, locale) });
  return (
    <figure className="diag-chart">
      <svg viewBox={`0 0 ${WIDTH} 70`} role="img" aria-label={summary} preserveAspectRatio="none" className="diag-chart__svg diag-chart__svg--timeline" data-testid="connectivity-timeline">
        <defs>
          <pattern id="diag-hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="10" height="10" fill="#b3261e" />
            <line x1="0" y1="0" x2="0" y2="10" stroke="#fff" strokeWidth="4" />
          </pattern>
        </defs>
        <rect x="0" y="0" width={WIDTH} height="60" fill="#e4e7ec" />
        {bands.map((band: Band) => (
          <g key={band.from} data-state={band.state}>
            <rect x={x(band.from)} y={band.state === 'offline' ? 0 : 15} width={Math.max(2, x(band.to) - x(band.from))} height={band.state === 'offline' ? 60 : 30} fill={band.state === 'offline' ? 'url(#diag-hatch)' : '#1e7d46'}>
              <title>{`${clock(band.from, locale)}–${clock(band.to, locale)} ${band.state === 'offline' ? band.reasons.map(reasonText).join(', ') : t('online')}`}</title>
            </rect>
          </g>
        ))}
        {ticks.map((at) => (
          <line key={at} x1={x(at)} x2={x(at)} y1="60" y2="70" stroke="#5b6573" strokeWidth="2" />
        ))}
      </svg>
      <div className="diag-chart__axis" aria-hidden="true">
        {ticks.map((at) => (
          <span key={at} style={{ left: pct(at) }}>
            {clock(at, locale)}
          </span>
        ))}
      </div>
      <figcaption className="diag-chart__legend">
        <span>
          <span className="diag-swatch diag-swatch--online" aria-hidden="true" /> {t('online')}
        </span>
        <span>
          <span className="diag-swatch diag-swatch--offline" aria-hidden="true" /> {t('offline')}
        </span>
        <span>{summary}</span>
      </figcaption>
    </figure>
  );
}

const MINUTE = 60_000;
const TICK_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR];

/** The recent probes of HQ as bars of their latency; a failed probe is a full-height hatched bar marked ✕. */
export function LatencyChart({ probes, locale }: { probes: ProbeRecord[]; locale: string }) {
  const { t } = useTranslation('diagnostics');
  if (!probes.length) return <p className="diag-empty">{t('latency.none')}</p>;
  const answered = probes.filter((p) => p.ok).map((p) => p.latencyMs);
  const top = Math.max(50, ...answered) * 1.1;
  const barWidth = WIDTH / Math.max(probes.length, 60);
  const y = (ms: number) => 80 - (ms / top) * 70;
  return (
    <figure className="diag-chart">
      <svg viewBox={`0 0 ${WIDTH} 80`} role="img" aria-label={t('latency.aria', { count: probes.length, failed: probes.length - answered.length })} preserveAspectRatio="none" className="diag-chart__svg" data-testid="latency-chart">
        <defs>
          <pattern id="diag-hatch-probe" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#b3261e" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#fff" strokeWidth="3" />
          </pattern>
        </defs>
        <line x1="0" x2={WIDTH} y1="80" y2="80" stroke="#5b6573" strokeWidth="1" />
        {probes.map((probe, i) =>
          probe.ok ? (
            <rect key={probe.at} x={i * barWidth + 1} y={y(probe.latencyMs)} width={Math.max(1, barWidth - 2)} height={80 - y(probe.latencyMs)} fill="#2f5fa7">
              <title>{`${clock(probe.at, locale)} ${probe.latencyMs} ms`}</title>
            </rect>
          ) : (
            <g key={probe.at}>
              <rect x={i * barWidth + 1} y="10" width={Math.max(1, barWidth - 2)} height="70" fill="url(#diag-hatch-probe)">
                <title>{`${clock(probe.at, locale)} ${probe.error ?? ''}`}</title>
              </rect>
            </g>
          ),
        )}
      </svg>
      <figcaption className="diag-chart__legend">
        <span>
          <span className="diag-swatch diag-swatch--probe" aria-hidden="true" /> {t('latency.answered', { top: Math.round(top) })}
        </span>
        <span>
          <span className="diag-swatch diag-swatch--offline" aria-hidden="true" /> {t('latency.failedLegend')}
        </span>
      </figcaption>
    </figure>
  );
}
