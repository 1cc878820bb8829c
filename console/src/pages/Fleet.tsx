/**
 * Fleet: which tills are online now (live over the console's event stream), and per register the last
 * 7 days as a bar: green online, grey not reporting, offline coloured by why (switched off by a person,
 * the network, or one HQ service), with the minutes offline and the sales taken offline per day.
 */
import { useState } from 'react';
import { z } from 'zod';
import { ConsoleRegisterSchema, FleetSummarySchema, FleetTimelineSchema, type ConsoleRegister } from '../../../shared/hq/console';
import { call, exportLink } from '../api';
import { Empty, ErrorMessage, PageHeader, StoreSelect, useLoad, useStoreName } from '../components';
import { reasonKind, reasonText, useFleetStream } from '../fleet';
import { dateTime, duration, number, utcDay } from '../format';
import { useTranslation } from '../i18n';
import { StateCell } from './Registers';

type Timeline = z.infer<typeof FleetTimelineSchema>;
type Segment = Timeline['registers'][number]['segments'][number];
const RegistersSchema = z.object({ registers: z.array(ConsoleRegisterSchema) });

export function FleetPage() {
  const { t, i18n } = useTranslation();
  const [storeId, setStoreId] = useState('');
  const storeName = useStoreName();
  const summary = useLoad(() => call(FleetSummarySchema, 'GET', '/fleet'), []);
  const timeline = useLoad(() => call(FleetTimelineSchema, 'GET', '/fleet/timeline', { query: { storeId, days: 7 } }), [storeId]);
  const registers = useLoad(() => call(RegistersSchema, 'GET', '/registers', { query: { storeId } }), [storeId]);
  const [live, setLive] = useState<Record<string, ConsoleRegister>>({});
  const [connected, setConnected] = useState(false);
  useFleetStream((r) => setLive((m) => ({ ...m, [r.id]: r })), setConnected);
  const now = (id: string) => live[id] ?? registers.data?.registers.find((r) => r.id === id) ?? null;
  const days = timeline.data?.registers[0]?.days.map((d) => d.day) ?? [];

  return (
    <section className="page__body">
      <PageHeader title={t('fleet.title')}>
        <StoreSelect value={storeId} onChange={setStoreId} allowAll />
        <span className={`live live--${connected ? 'on' : 'off'}`} role="status">{connected ? t('fleet.live') : t('fleet.notLive')}</span>
        <a className="button button--secondary button--small" href={exportLink('fleet', { from: utcDay(-6), to: utcDay(), storeId })} download>
          {t('money.exportCsv')}
        </a>
      </PageHeader>
      <ErrorMessage error={summary.error ?? timeline.error ?? registers.error} />

      <table className="table">
        <caption className="table__caption">{t('fleet.byStore')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.store')}</th>
            <th scope="col" className="num">{t('fleet.registers')}</th>
            <th scope="col" className="num">{t('fleet.online')}</th>
            <th scope="col" className="num">{t('fleet.offline')}</th>
            <th scope="col" className="num">{t('fleet.unknown')}</th>
            <th scope="col" className="num">{t('fleet.offline7d')}</th>
            <th scope="col" className="num">{t('fleet.offlineSales7d')}</th>
          </tr>
        </thead>
        <tbody>
          {summary.data?.stores.length === 0 ? <Empty colSpan={7}>{t('stores.none')}</Empty> : null}
          {summary.data?.stores.map((s) => (
            <tr key={s.storeId}>
              <td>{s.name} <code className="muted">{s.code}</code></td>
              <td className="num">{s.registers}</td>
              <td className="num">{s.online}</td>
              <td className={`num${s.offline ? ' warn' : ''}`}>{s.offline}</td>
              <td className="num">{s.unknown}</td>
              <td className="num">{duration(s.offlineMinutes7d * 60_000, i18n.language)}</td>
              <td className="num">{s.offlineSales7d}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <Legend />
      <table className="table fleet">
        <caption className="table__caption">{t('fleet.timelines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('registers.register')}</th>
            <th scope="col">{t('fleet.now')}</th>
            <th scope="col" className="fleet__bar-head">
              {t('fleet.last7')}
              {timeline.data ? (
                <span className="fleet__ticks" aria-hidden="true">
                  <span>{dateTime(timeline.data.from, i18n.language)}</span>
                  <span>{dateTime(timeline.data.to, i18n.language)}</span>
                </span>
              ) : null}
            </th>
          </tr>
        </thead>
        <tbody>
          {timeline.data?.registers.length === 0 ? <Empty colSpan={3}>{t('registers.none')}</Empty> : null}
          {timeline.data?.registers.map((r) => {
            const current = now(r.registerId);
            return (
              <tr key={r.registerId} data-register={r.code}>
                <th scope="row">
                  {r.name || r.code}
                  <small className="muted block">{storeName(r.storeId)}</small>
                </th>
                <td>{current ? <StateCell register={current} /> : '—'}</td>
                <td>
                  <Bar from={timeline.data!.from} to={timeline.data!.to} segments={withLiveState(r.segments, current, timeline.data!.to)} name={r.name || r.code} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {days.length > 0 ? (
        <table className="table">
          <caption className="table__caption">{t('fleet.perDay')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('registers.register')}</th>
              {days.map((d) => (
                <th scope="col" key={d} className="num">{d.slice(5)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {timeline.data?.registers.map((r) => (
              <tr key={r.registerId}>
                <th scope="row">{r.name || r.code}</th>
                {r.days.map((d) => (
                  <td key={d.day} className={`num${d.offlineMinutes > 0 ? ' warn' : ''}`}>
                    {t('fleet.dayCell', { minutes: number(Math.round(d.offlineMinutes), i18n.language), sales: d.offlineSales, total: d.sales })}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/**
 * The timeline as HQ's transitions draw it, and the till's live state on top: a till switched offline
 * reports at once, but its transition reaches HQ through the outbox only when it is back online.
 */
function withLiveState(segments: Segment[], current: ConsoleRegister | null, to: string): Segment[] {
  if (!current || current.state !== 'offline' || !current.stateSince || current.revokedAt) return segments;
  const last = segments[segments.length - 1];
  if (last && last.state === 'offline' && Date.parse(last.from) <= Date.parse(current.stateSince)) return segments;
  const end = Math.max(Date.parse(to), Date.parse(current.stateSince));
  const since = new Date(Math.min(Date.parse(current.stateSince), end)).toISOString();
  return [...segments, { from: since, to: new Date(end).toISOString(), state: 'offline', reasons: current.reasons, switchedBy: current.switchedBy }];
}

function segmentClass(s: Segment): string {
  if (s.state !== 'offline') return `seg seg--${s.state}`;
  return `seg seg--${reasonKind(s.reasons)}`;
}

/** One register's 7 days, each stretch as wide as it lasted, with its story in the hover text. */
function Bar({ from, to, segments, name }: { from: string; to: string; segments: Segment[]; name: string }) {
  const { t, i18n } = useTranslation();
  const start = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - start);
  const describe = (s: Segment) => {
    const state = s.state === 'online' ? t('fleet.online') : s.state === 'unknown' ? t('fleet.unknown') : `${t('fleet.offline')}: ${s.reasons.map((r) => reasonText(t, r, s.switchedBy)).join(', ')}`;
    return `${state} — ${dateTime(s.from, i18n.language)} → ${dateTime(s.to, i18n.language)} (${duration(Date.parse(s.to) - Date.parse(s.from), i18n.language)})`;
  };
  const offline = segments.filter((s) => s.state === 'offline');
  return (
    <div className="bar" role="img" aria-label={offline.length === 0 ? t('fleet.barNoOutage', { name }) : t('fleet.barOutages', { name, count: offline.length })}>
      {segments.map((s) => {
        const left = Math.min(100 - (s.state === 'offline' ? 0.5 : 0.1), ((Date.parse(s.from) - start) / span) * 100);
        // A 20-minute outage is 0.2 % of a week: offline stretches get at least a few pixels, so none hides.
        const width = Math.max(s.state === 'offline' ? 0.5 : 0.1, ((Date.parse(s.to) - Date.parse(s.from)) / span) * 100);
        return <span key={`${s.from}-${s.state}`} className={segmentClass(s)} style={{ left: `${left}%`, width: `${width}%` }} title={describe(s)} />;
      })}
    </div>
  );
}

function Legend() {
  const { t } = useTranslation();
  const items = [
    ['online', t('fleet.legend.online')],
    ['unknown', t('fleet.legend.unknown')],
    ['manual', t('fleet.legend.manual')],
    ['network', t('fleet.legend.network')],
    ['service', t('fleet.legend.service')],
  ] as const;
  return (
    <ul className="legend" aria-label={t('fleet.legend.label')}>
      {items.map(([kind, label]) => (
        <li key={kind}>
          <span className={`seg-swatch seg--${kind}`} aria-hidden="true" /> {label}
        </li>
      ))}
    </ul>
  );
}
