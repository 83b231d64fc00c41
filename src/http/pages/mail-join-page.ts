import type { JoinRequestView } from '../../mail/feedback/mail-joins.ts';
import { escapeHtml } from '../../mail/templates.ts';
import { htmlPage } from './html-page.ts';

/**
 * The page of a join-by-mail confirmation link, in Japanese and English: where the request
 * stands, or (unconfirmed) a form that posts back to the link, asking name and password when
 * the address has no account yet.
 */
export function mailJoinPage(view: JoinRequestView, token: string): string {
  const group = escapeHtml(view.group.name);
  switch (view.status) {
    case 'joined': return htmlPage(view.group.name, `<p>「${group}」に参加しました。 / You joined "${group}".</p>`);
    case 'pending': return htmlPage(view.group.name, `<p>代表者の承認を待っています。 / An owner of "${group}" will approve your request.</p>`);
    case 'rejected': return htmlPage(view.group.name, '<p>この申し込みは受け付けられませんでした。 / This request was declined.</p>');
    case 'unconfirmed': {
      const account = view.account_exists ? '' :
        '<p><label>お名前 / Name<br><input name="name" required maxlength="100"></label></p><p><label>パスワード / Password (new account)<br><input name="password" type="password" required minlength="8"></label></p>';
      return htmlPage(view.group.name,
        `<p>${escapeHtml(view.address)} で「${group}」に参加します。 / Join "${group}" as ${escapeHtml(view.address)}.</p>` +
        `<form method="post" action="/mail-join/${encodeURIComponent(token)}">${account}<p><button type="submit">参加する / Join</button></p></form>`);
    }
  }
}

/** The page of a link that cannot be used (forged, expired, already decided): the error's message. */
export function mailJoinErrorPage(message: string): string {
  return htmlPage('Renraku', `<p>${escapeHtml(message)}</p>`);
}
