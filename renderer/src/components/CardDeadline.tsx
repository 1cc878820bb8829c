import { useEffect, useState } from 'react';
import { useTranslation } from '../i18n';

/** Counts down to the nearest upload deadline of a card payment taken offline (hours:minutes:seconds). */
export function CardDeadline({ deadline }: { deadline: number }) {
  const { t } = useTranslation('status');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, deadline - now);
  const h = Math.floor(left / 3_600_000);
  const m = Math.floor((left % 3_600_000) / 60_000);
  const s = Math.floor((left % 60_000) / 1000);
  const text = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return (
    <span className={`deadline${left < 3_600_000 ? ' deadline--urgent' : ''}`} data-testid="card-deadline" title={t('deadline.title')}>
      <span aria-hidden="true">⏱</span> <span className="status-bar__text">{t('deadline.label')}</span> <strong>{left === 0 ? t('deadline.overdue') : text}</strong>
    </span>
  );
}
