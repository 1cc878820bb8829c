import type { MemberView } from '../../../../shared/modules/membership.api';
import { useTranslation } from '../../i18n';
import { formatAsOf, formatPoints } from './format-points';

/** A member's name, numbers and balance: live from HQ, or from this register's cache "as of" a time; "pending" while HQ has not confirmed an enrolment. */
export function MemberSummary({ member, compact = false }: { member: MemberView; compact?: boolean }) {
  const { t, i18n } = useTranslation('membership');
  const locale = i18n.language;
  return (
    <div className={compact ? 'member-summary member-summary--compact' : 'member-summary'} data-testid="member-summary" data-member-id={member.id}>
      <p className="member-summary__name">
        <span data-testid="member-name">{member.name}</span>
        {member.pending ? (
          <span className="badge badge--pending" data-testid="member-pending" title={t('pendingHint')}>
            {t('pending')}
          </span>
        ) : null}
      </p>
      {compact ? null : (
        <p className="member-summary__ids">
          {member.phone}
          {member.card ? ` · ${t('cardShort', { card: member.card })}` : ''}
        </p>
      )}
      <p className="member-summary__balance">
        <span data-testid="member-balance" data-points={member.balance}>
          {t('points', { points: formatPoints(member.balance, locale) })}
        </span>{' '}
        <span className="member-summary__asof">
          {member.source === 'live' ? t('liveFromHq') : member.asOf !== null ? t('asOf', { time: formatAsOf(member.asOf, locale) }) : t('notYetFromHq')}
        </span>
      </p>
    </div>
  );
}
