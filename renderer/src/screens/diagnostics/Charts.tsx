import type { ConnectivityLogEntry, ConnectivityReason } from '../../../../shared/api';
import type { ProbeRecord } from '../../../../shared/modules/admin.api';
import { clock } from '../../format';
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
  const offlineMs = bands.filter((b) => b.state === 'offline').reduce((sum, b) => sum + b.to - b.from, 0);
  const ticks: number[] = [];
  const step = end - start > 12 * HOUR ? 3 * HOUR : HOUR;
  for (let at = Math.ceil(start / step) * step; at <= end; at += step) ticks.push(at);
  const summary = t('timeline.summary', { count: bands.filter((b) => b.state === 'offline').length, minutes: Math.round(offlineMs / 60_000) });
  return (
    <figure className="diag-chart">
      <svg viewBox={`0 0 ${WIDTH} 110`} role="img" aria-label={summary} preserveAspectRatio="none" className="diag-chart__svg" data-testid="connectivity-timeline">
        <defs>
          <pattern id="diag-hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="10" height="10" fill="#b3261e" />
            <line x1="0" y1="0" x2="0" y2="10" stroke="#fff" strokeWidth="4" />
          </pattern>
        </defs>
        <rect x="0" y="10" width={WIDTH} height="60" fill="#e4e7ec" />
        {bands.map((band: Band) => (
          <g key={band.from} data-state={band.state}>
            <rect x={x(band.from)} y={band.state === 'offline' ? 10 : 25} width={Math.max(2, x(band.to) - x(band.from))} height={band.state === 'offline' ? 60 : 30} fill={band.state === 'offline' ? 'url(#diag-hatch)' : '#1e7d46'}>
              <title>{`${clock(band.from, locale)}–${clock(band.to, locale)} ${band.state === 'offline' ? band.reasons.map(reasonText).join(', ') : t('online')}`}</title>
            </rect>
          </g>
        ))}
        {ticks.map((at) => (
          <g key={at}>
            <line x1={x(at)} x2={x(at)} y1="70" y2="78" stroke="#5b6573" strokeWidth="2" />
            <text x={x(at)} y="98" fontSize="16" textAnchor="middle" fill="#3b4452">
              {clock(at, locale)}
            </text>
          </g>
        ))}
      </svg>
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
      <svg viewBox={`0 0 ${WIDTH} 100`} role="img" aria-label={t('latency.aria', { count: probes.length, failed: probes.length - answered.length })} preserveAspectRatio="none" className="diag-chart__svg" data-testid="latency-chart">
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
              <text x={i * barWidth + barWidth / 2} y="96" fontSize="14" textAnchor="middle" fill="#b3261e">
                ✕
              </text>
            </g>
          ),
        )}
        <text x="4" y="22" fontSize="14" fill="#3b4452">
          {Math.round(top)} ms
        </text>
      </svg>
    </figure>
  );
}
