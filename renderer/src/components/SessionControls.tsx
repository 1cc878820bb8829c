import type { User } from '../../../shared/api';
import { useTranslation } from '../i18n';

/** Who is signed in at this register, and Sign out: in the navigation row, beside the language switch. */
export function SessionControls({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const { t } = useTranslation('common');
  return (
    <div className="session">
      <span className="session__user" data-testid="signed-in-user">
        <span className="session__label">{t('session.label')}</span> <strong>{user.name}</strong>
      </span>
      <button type="button" className="button button--secondary session__sign-out" onClick={onSignOut}>
        {t('session.signOut')}
      </button>
    </div>
  );
}
