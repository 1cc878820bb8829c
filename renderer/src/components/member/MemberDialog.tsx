import type { AttachedMember } from '../../../../shared/modules/membership.api';
import { call } from '../../api/client';
import { useTranslation } from '../../i18n';
import { Dialog } from '../Dialog';
import { MemberFinder } from './MemberFinder';

/** F10 on the cart: find or enrol a member and attach them to the sale (on an empty cart, the sale opens with them). */
export function MemberDialog({ onClose, onAttached }: { onClose: () => void; onAttached: (attached: AttachedMember) => void }) {
  const { t } = useTranslation('membership');
  return (
    <Dialog title={t('dialogTitle')} onClose={onClose} wide>
      <MemberFinder canAttach onAttach={async (member) => onAttached(await call('membership.attach', { memberId: member.id }))} />
    </Dialog>
  );
}
