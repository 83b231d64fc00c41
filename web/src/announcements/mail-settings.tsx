import { useEffect, useState } from 'preact/hooks';
import type { Group } from '../api/types.ts';
import { useT } from '../app-context.ts';
import type { MessageKey } from '../i18n/translator.ts';
import { ErrorText } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import type { MailDelivery } from './types.ts';
import { useAnnouncementsApi } from './use-announcements-api.ts';

const DELIVERIES: readonly MailDelivery[] = ['each', 'digest', 'none'];

/** How mail from each group reaches me: every mail, a daily digest of list mail, or none. */
export function MailSettings({ groups }: { groups: readonly Group[] }) {
  const { t } = useT();
  return (
    <fieldset class="stack">
      <legend>{t('settings.mail')}</legend>
      {groups.map((g) => <GroupMail key={g.id} group={g} />)}
    </fieldset>
  );
}

function GroupMail({ group }: { group: Group }) {
  const { t } = useT();
  const api = useAnnouncementsApi();
  const [delivery, setDelivery] = useState<MailDelivery | undefined>(undefined);
  const action = useAction();
  const id = `mail-${group.id}`;
  useEffect(() => {
    api.mailDelivery(group.id).then(({ delivery: d }) => setDelivery(d), () => undefined);
  }, [group.id]);
  return (
    <div class="field">
      <label for={id}>{t('settings.mailOf', { group: group.name })}</label>
      <select id={id} value={delivery ?? ''} disabled={delivery === undefined || action.busy}
        onChange={(e) => {
          const next = e.currentTarget.value as MailDelivery;
          void action.run(async () => setDelivery((await api.setMailDelivery(group.id, next)).delivery));
        }}>
        {delivery === undefined && <option value="">{t('common.loading')}</option>}
        {DELIVERIES.map((d) => <option key={d} value={d}>{t(`mail.${d}` as MessageKey)}</option>)}
      </select>
      <ErrorText text={action.error} />
    </div>
  );
}
