import { escapeHtml } from '../../mail/templates.ts';
import { htmlPage } from './html-page.ts';

/**
 * What a List-Unsubscribe link does, in Japanese and English: a button that posts RFC 8058's
 * `List-Unsubscribe=One-Click` back to the link, or (`stopped`) that the address already gets none.
 */
export function unsubscribeQuestionPage(groupName: string, address: string, stopped: boolean): string {
  const email = escapeHtml(address);
  if (stopped) {
    return htmlPage(groupName, `<p>${email} はこのメーリングリストの配信を停止しています。<br>${email} gets no mail from this list.</p>`);
  }
  return htmlPage(groupName,
    `<p>${email} へのメール配信を停止しますか？<br>Stop list mail to ${email}?</p>`
    + '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">配信停止 / Unsubscribe</button></form>');
}

/** After the one-click unsubscribe: no more mail from this list. */
export function unsubscribedPage(groupName: string): string {
  return htmlPage(groupName, '<p>配信を停止しました。<br>You will get no more mail from this list.</p>');
}
