import { MemberFinder } from '../../components/member/MemberFinder';
import { useTranslation } from '../../i18n';

/** Alt+M: look a member up (their balance, live or as of the register's copy) or enrol one, without a sale. */
export function MembersScreen() {
  const { t } = useTranslation('membership');
  return (
    <main className="members-screen">
      <h1>{t('screenTitle')}</h1>
      <p className="member-dialog__hint">{t('screenHint')}</p>
      <MemberFinder />
    </main>
  );
}
