/** Registers: per store, what each till last reported (state and reasons, backlog, dead letters), and revoking one. */
import { useState } from 'react';
import { z } from 'zod';
import { ConsoleRegisterSchema, type ConsoleRegister } from '../../../shared/hq/console';
import { call } from '../api';
import { ConfirmDialog, Empty, ErrorMessage, Notice, PageHeader, StoreSelect, useLoad, useStoreName } from '../components';
import { reasonText, useFleetStream } from '../fleet';
import { dateTime, duration } from '../format';
import { useTranslation } from '../i18n';

const RegistersSchema = z.object({ registers: z.array(ConsoleRegisterSchema) });

export function RegistersPage() {
  const { t, i18n } = useTranslation();
  const [storeId, setStoreId] = useState('');
  const storeName = useStoreName();
  const list = useLoad(() => call(RegistersSchema, 'GET', '/registers', { query: { storeId } }), [storeId]);
  const [live, setLive] = useState<Record<string, ConsoleRegister>>({});
  const [revoking, setRevoking] = useState<ConsoleRegister | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  useFleetStream((r) => setLive((m) => ({ ...m, [r.id]: r })));
  const now = Date.now();
  const registers = (list.data?.registers ?? []).map((r) => live[r.id] ?? r);

  const revoke = () => {
    if (!revoking) return;
    setBusy(true);
    setError(null);
    call(ConsoleRegisterSchema, 'POST', `/registers/${encodeURIComponent(revoking.id)}/revoke`).then(
      (r) => {
        setRevoked(r.name || r.code);
        setRevoking(null);
        setBusy(false);
        list.reload();
      },
      (err: unknown) => (setError(err), setRevoking(null), setBusy(false)),
    );
  };

  return (
    <section className="page__body">
      <PageHeader title={t('registers.title')}>
        <StoreSelect value={storeId} onChange={setStoreId} allowAll />
      </PageHeader>
      <ErrorMessage error={list.error ?? error} />
      {revoked ? <Notice>{t('registers.revoked', { name: revoked })}</Notice> : null}
      <table className="table">
        <caption className="sr-only">{t('registers.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('registers.register')}</th>
            <th scope="col">{t('common.store')}</th>
            <th scope="col">{t('registers.state')}</th>
            <th scope="col">{t('registers.lastSeen')}</th>
            <th scope="col">{t('registers.version')}</th>
            <th scope="col" className="num">{t('registers.backlog')}</th>
            <th scope="col">{t('registers.oldest')}</th>
            <th scope="col" className="num">{t('registers.deadLetters')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {registers.length === 0 && !list.loading ? <Empty colSpan={9}>{t('registers.none')}</Empty> : null}
          {registers.map((r) => (
            <tr key={r.id} data-register={r.code}>
              <td>
                <strong>{r.name || r.code}</strong> <code className="muted">{r.code}</code>
              </td>
              <td>{storeName(r.storeId)}</td>
              <td>
                <StateCell register={r} />
              </td>
              <td className="nowrap">{dateTime(r.lastSeenAt, i18n.language)}</td>
              <td>{r.version ?? '—'}</td>
              <td className="num">{r.backlog ?? '—'}</td>
              <td>{r.oldestPendingAt ? duration(now - Date.parse(r.oldestPendingAt), i18n.language) : '—'}</td>
              <td className={`num${r.deadLetters ? ' warn' : ''}`}>{r.deadLetters ?? '—'}</td>
              <td className="actions">
                {r.revokedAt ? (
                  <span className="muted">{t('registers.revokedAt', { at: dateTime(r.revokedAt, i18n.language) })}</span>
                ) : (
                  <button type="button" className="button button--danger button--small" onClick={() => setRevoking(r)} aria-label={t('registers.revokeOne', { name: r.name || r.code })}>
                    {t('registers.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={revoking !== null}
        title={t('registers.confirmTitle', { name: revoking?.name || revoking?.code || '' })}
        body={t('registers.confirmBody')}
        confirm={t('registers.revoke')}
        busy={busy}
        onConfirm={revoke}
        onCancel={() => setRevoking(null)}
      />
    </section>
  );
}

/** "Online" or "Offline — switched by Ana, network", with since when. */
export function StateCell({ register: r }: { register: ConsoleRegister }) {
  const { t, i18n } = useTranslation();
  if (r.revokedAt) return <span className="state state--revoked" data-testid="register-state" data-state="revoked">{t('registers.revokedState')}</span>;
  if (!r.state) return <span className="state state--unknown" data-testid="register-state" data-state="unknown">{t('registers.noReport')}</span>;
  const reasons = r.reasons.map((reason) => reasonText(t, reason, r.switchedBy)).join(', ');
  return (
    <span className={`state state--${r.state}`} data-testid="register-state" data-state={r.state}>
      {r.state === 'online' ? t('registers.online') : t('registers.offline')}
      {r.state === 'offline' && reasons ? ` — ${reasons}` : ''}
      {r.stateSince ? <small className="muted"> {t('registers.since', { at: dateTime(r.stateSince, i18n.language) })}</small> : null}
    </span>
  );
}
