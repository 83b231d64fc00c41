import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Group, Invite } from '../api/types.ts';
import { useApp, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { ErrorText } from '../ui/field.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { useAction } from '../ui/use-action.ts';

/** The link a person opens to join: this server's page with the invite route. */
export function inviteUrl(code: string): string {
  return `${location.origin}/${hrefOf({ name: 'invite', code })}`;
}

/** Invitations (representatives and senders): make a link, copy, share or show it as a QR code,
 *  revoke old ones. */
export function InvitesPanel({ group }: { group: Group }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const [invites, setInvites] = useState<Invite[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [link, setLink] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const linkInput = useRef<HTMLInputElement>(null);
  const linkId = useId();
  const action = useAction();
  const allowed = group.role !== 'member';

  const load = () => api.invites(group.id).then(({ invites: i }) => setInvites(i), (e: { code?: string }) => setLoadError(errorText(e.code ?? 'internal')));
  useEffect(() => {
    if (allowed) void load();
  }, [group.id]);

  if (!allowed) return <p class="muted">{t('invites.notAllowed')}</p>;

  const create = () => action.run(async () => {
    const { code } = await api.createInvite(group.id);
    setLink(inviteUrl(code));
    setCopied(false);
    await load();
    linkInput.current?.focus();
    linkInput.current?.select();
  });
  const copy = async () => {
    const input = linkInput.current;
    if (!input || !link) return;
    input.select();
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard API (plain http, some WebViews): the text stays selected for the system's copy.
    }
    setCopied(true);
  };
  const share = () => navigator.share({ title: group.name, url: link }).catch(() => undefined);
  const revoke = (code: string) => action.run(async () => {
    await api.revokeInvite(code);
    await load();
  });

  return (
    <>
      <p class="muted">{t('invites.help')}</p>
      <button class="button primary" type="button" disabled={action.busy} onClick={() => void create()}>{t('invites.create')}</button>
      <ErrorText text={action.error} />
      {link && (
        <div class="stack card">
          <label for={linkId}>{t('invites.link')}</label>
          <input id={linkId} ref={linkInput} class="invite-link" type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
          <div class="row">
            <button class="button" type="button" onClick={() => void copy()}>{t('invites.copy')}</button>
            {typeof navigator.share === 'function' && <button class="button" type="button" onClick={() => void share()}>{t('invites.share')}</button>}
          </div>
          {copied && <p role="status">{t('invites.copied')}</p>}
          <QrCode text={link} label={t('invites.qr')} />
          <p class="muted">{t('invites.qrHint')}</p>
        </div>
      )}
      <h2>{t('invites.list')}</h2>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {invites?.length === 0 && <p class="muted">{t('invites.none')}</p>}
      {invites && invites.length > 0 && (
        <ul class="list" aria-label={t('invites.list')}>
          {[...invites].reverse().map((i) => (
            <li key={i.code} class="invite">
              <code class="invite-code">{i.code.slice(0, 8)}…</code>
              <span class="list-sub">{i.revoked_at !== null ? t('invites.revoked') : t('invites.uses', { n: i.uses })}</span>
              {i.revoked_at === null && (
                <button class="button small" type="button" disabled={action.busy} onClick={() => void revoke(i.code)}>{t('invites.revoke')}</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
