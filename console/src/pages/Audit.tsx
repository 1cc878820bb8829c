/** Audit: every change made in the console, newest first — who, what, when, from where. */
import { useState } from 'react';
import { AuditLogSchema } from '../../../shared/hq/console';
import { call, exportLink } from '../api';
import { Empty, ErrorMessage, PageHeader, StoreSelect, useLoad, useStoreName } from '../components';
import { dateTime, utcDay } from '../format';
import { useTranslation } from '../i18n';

const PAGE = 200;

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [storeId, setStoreId] = useState('');
  const [before, setBefore] = useState<string[]>([]);
  const cursor = before[before.length - 1];
  const storeName = useStoreName();
  const log = useLoad(() => call(AuditLogSchema, 'GET', '/audit', { query: { storeId, limit: PAGE, before: cursor } }), [storeId, cursor]);
  const entries = log.data?.entries ?? [];
  const last = entries[entries.length - 1];
  return (
    <section className="page__body">
      <PageHeader title={t('audit.title')}>
        <StoreSelect value={storeId} onChange={(id) => (setStoreId(id), setBefore([]))} allowAll />
        <a className="button button--secondary button--small" href={exportLink('audit', { from: utcDay(-30), to: utcDay(), storeId })} download>
          {t('money.exportCsv')}
        </a>
      </PageHeader>
      <ErrorMessage error={log.error} />
      <table className="table">
        <caption className="sr-only">{t('audit.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.what')}</th>
            <th scope="col">{t('audit.target')}</th>
            <th scope="col">{t('common.store')}</th>
            <th scope="col">{t('audit.detail')}</th>
            <th scope="col">{t('audit.from')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && !log.loading ? <Empty colSpan={7}>{t('audit.none')}</Empty> : null}
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{dateTime(e.at, i18n.language)}</td>
              <td>{e.userEmail ?? t('audit.system')}</td>
              <td><code>{e.action}</code></td>
              <td>{e.target ?? '—'}</td>
              <td>{e.storeId ? storeName(e.storeId) : '—'}</td>
              <td className="muted detail">{Object.entries(e.detail).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ')}</td>
              <td><code>{e.address}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" className="button button--secondary" disabled={before.length === 0} onClick={() => setBefore((b) => b.slice(0, -1))}>
          {t('common.newer')}
        </button>
        <button type="button" className="button button--secondary" disabled={entries.length < PAGE || !last} onClick={() => last && setBefore((b) => [...b, last.id])}>
          {t('common.older')}
        </button>
      </div>
    </section>
  );
}
