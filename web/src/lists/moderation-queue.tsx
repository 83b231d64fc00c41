import { useEffect, useId, useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { excerptOf } from './excerpt.ts';
import type { ListPost, ListPostReason } from './types.ts';
import { formatTime, useListAction, useListsApi, useListT } from './use-lists.ts';

/** The server's page size for the queue (src/http/routes/list-routes.ts). */
const PAGE = 50;

const REASONS: readonly ListPostReason[] = ['not_member', 'not_permitted', 'unauthenticated', 'loop', 'auto_reply', 'no_sender'];
/** Answers that mean the post left the queue elsewhere. */
const GONE: readonly string[] = ['list_post_decided', 'list_post_not_found'];

/**
 * Representatives: the posts that wait for approval, newest first, each with its sender, subject,
 * a plain-text excerpt and why it was held. Approving publishes it to the list room and mail;
 * rejecting (after a confirmation) drops it. Either way it leaves the queue at once.
 */
export function ModerationQueue({ groupId, onPublished }: { groupId: string; onPublished: () => void }) {
  const { t, lang } = useListT();
  const { t: appT } = useT();
  const api = useListsApi();
  const action = useListAction();
  const [posts, setPosts] = useState<ListPost[] | undefined>(undefined);
  const [more, setMore] = useState(false);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const id = useId();

  const loadPage = (before?: string) => action.run(async () => {
    const page = (await api.moderation(groupId, before)).posts;
    setPosts((old) => (before ? [...(old ?? []), ...page] : page));
    setMore(page.length === PAGE);
  });
  useEffect(() => {
    void loadPage();
  }, [groupId]);

  const subjectOf = (post: ListPost) => post.subject.trim() || t('mod.noSubject');
  const decide = (post: ListPost, approve: boolean) => action.run(async () => {
    setDone(undefined);
    const leave = () => {
      setConfirming(undefined);
      setPosts((old) => old?.filter((p) => p.id !== post.id));
    };
    try {
      if (approve) await api.approve(post.id);
      else await api.reject(post.id);
    } catch (error) {
      // Decided by another representative meanwhile, or gone: no longer held either way.
      if (GONE.includes((error as { code?: string }).code ?? '')) leave();
      throw error;
    }
    leave();
    setDone(t(approve ? 'mod.approved' : 'mod.rejected', { subject: subjectOf(post) }));
    if (approve) onPublished();
  });

  return (
    <section class="stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('mod.title')}</h2>
      {done && <p role="status">{done}</p>}
      {action.error && <p class="error" role="alert">{action.error}</p>}
      {posts?.length === 0 && <p class="muted">{t('mod.none')}</p>}
      {posts && posts.length > 0 && (
        <ul class="list" aria-label={t('mod.title')}>
          {posts.map((post) => {
            // The server names a sender without a display name by their address: show it once.
            const from = post.from_name && post.from_name !== post.from_address ? `${post.from_name} <${post.from_address}>` : post.from_address;
            const reason = post.reason !== null && REASONS.includes(post.reason) ? t(`mod.reason.${post.reason}`) : t('mod.reason.unknown');
            return (
              <li key={post.id} class="held-post stack" aria-label={t('mod.postOf', { from })}>
                <p class="held-subject">{subjectOf(post)}</p>
                <p class="list-sub"><span class="visually-hidden">{t('mod.from')}: </span>{from} · {formatTime(post.created_at, lang)}</p>
                <p class="held-why">{t('mod.why', { reason })}</p>
                {post.text_body.trim() !== '' && <p class="held-excerpt">{excerptOf(post.text_body)}</p>}
                {post.attachments.length > 0 && <p class="list-sub">{t('mod.attachments', { n: post.attachments.length })}</p>}
                {confirming === post.id ? (
                  <div class="confirm" role="group" aria-label={t('mod.rejectConfirm')}>
                    <p>{t('mod.rejectConfirm')}</p>
                    <div class="row">
                      <button class="button danger" type="button" disabled={action.busy} onClick={() => void decide(post, false)}>{t('mod.reject')}</button>
                      <button class="button" type="button" onClick={() => setConfirming(undefined)}>{appT('common.cancel')}</button>
                    </div>
                  </div>
                ) : (
                  <div class="row">
                    <button class="button primary" type="button" disabled={action.busy} onClick={() => void decide(post, true)}>{t('mod.approve')}</button>
                    <button class="button danger-outline" type="button" disabled={action.busy} onClick={() => setConfirming(post.id)}>{t('mod.reject')}</button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {more && posts && posts.length > 0 && (
        <button class="button" type="button" disabled={action.busy} onClick={() => void loadPage(posts[posts.length - 1]!.id)}>{t('mod.older')}</button>
      )}
    </section>
  );
}
