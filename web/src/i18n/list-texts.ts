import { format, type Lang } from './language.ts';

/**
 * Texts of the mailing-list screens (web/src/lists). They live beside the main dictionaries
 * but apart from them, and only the lazily loaded list chunk imports them, so the first visit
 * does not carry them.
 */
export const listEn = {
  'list.address': 'List address',
  'list.addressHelp': 'Mail sent to this address goes to the members and appears in the list room.',
  'list.copy': 'Copy address',
  'list.copied': 'Copied.',
  'list.openRoom': 'Open the list room',
  'list.modeIs': 'Who may post: {mode}',
  'list.mine': 'Your list mail',
  'list.delivery': 'Delivery',
  'list.delivery.each': 'Every message',
  'list.delivery.digest': 'A daily digest',
  'list.delivery.none': 'No list mail',
  'list.selfCopy': 'Send me a copy of my own posts',
  'list.saved': 'Saved.',

  'list.settings': 'List settings (representatives)',
  'list.mode': 'Who may post',
  'list.mode.announce': 'Announce only: representatives and senders post; other mail waits for approval',
  'list.mode.discussion': 'Discussion (ML): every member posts',
  'list.modeShort.announce': 'representatives and senders',
  'list.modeShort.discussion': 'every member',
  'list.fromRewrite': 'Rewrite From as “Name via group” (keeps mail out of spam under DMARC)',
  'list.timeZone': 'Time zone of the daily digest',
  'list.timeZoneHint': 'An IANA name such as Asia/Tokyo.',
  'list.save': 'Save settings',

  'mod.title': 'Waiting for approval',
  'mod.none': 'No post is waiting.',
  'mod.from': 'From',
  'mod.why': 'Why held: {reason}',
  'mod.reason.not_member': 'not a member',
  'mod.reason.not_permitted': 'members may not post to this list',
  'mod.reason.unauthenticated': 'the sender\'s address could not be verified (DMARC, DKIM, SPF)',
  'mod.reason.loop': 'a mail loop',
  'mod.reason.auto_reply': 'an automatic reply',
  'mod.reason.no_sender': 'no sender',
  'mod.reason.unknown': 'held',
  'mod.noSubject': '(no subject)',
  'mod.attachments': '{n} attachment(s)',
  'mod.approve': 'Approve',
  'mod.reject': 'Reject',
  'mod.rejectConfirm': 'Reject this post? Nobody sees it and nothing is sent back.',
  'mod.approved': 'Approved: “{subject}” is in the list room and goes out by mail.',
  'mod.rejected': 'Rejected: “{subject}”.',
  'mod.older': 'Show older',
  'mod.postOf': 'Post from {from}',

  'joins.title': 'Join requests by mail',
  'joins.help': 'People who mailed the join address and confirmed the link.',
  'joins.none': 'No request is waiting.',
  'joins.directly': 'Let them join at once after they confirm (no approval)',
  'joins.approve': 'Approve',
  'joins.reject': 'Decline',
  'joins.approved': '{address} joined the group.',
  'joins.rejected': 'Declined {address}.',
  'joins.requestOf': 'Request from {address}',

  'bounces.title': 'Mail that bounced',
  'bounces.help': 'Mail to a member pauses when their score reaches {threshold} (a hard bounce counts 1, a soft one 0.5, at most once a day).',
  'bounces.none': 'No member’s mail bounced.',
  'bounces.score': 'Score {score} of {threshold}',
  'bounces.paused': 'Mail paused',
  'bounces.unpause': 'Resume mail',
  'bounces.unpaused': 'Mail to {name} flows again.',

  'list.error.list_post_decided': 'Another representative already decided on this post.',
  'list.error.list_post_not_found': 'This post no longer exists.',
  'list.error.mail_join_closed': 'This request was already decided.',
  'list.error.mail_join_not_found': 'This request no longer exists.',
  'list.error.time_zone_invalid': 'Unknown time zone. Use a name such as Asia/Tokyo.',
  'list.error.member_not_found': 'This person is no longer a member.',
};

export type ListTextKey = keyof typeof listEn;

export const listJa: Record<ListTextKey, string> = {
  'list.address': 'メーリングリストのアドレス',
  'list.addressHelp': 'このアドレスに送ったメールはメンバーに届き、メーリングリストのルームにも表示されます。',
  'list.copy': 'アドレスをコピー',
  'list.copied': 'コピーしました。',
  'list.openRoom': 'メーリングリストのルームを開く',
  'list.modeIs': '投稿できる人: {mode}',
  'list.mine': 'あなたへのメール配信',
  'list.delivery': '配信方法',
  'list.delivery.each': '1通ずつ受け取る',
  'list.delivery.digest': '1日1通のまとめ',
  'list.delivery.none': '受け取らない',
  'list.selfCopy': '自分の投稿も受け取る',
  'list.saved': '保存しました。',

  'list.settings': 'メーリングリストの設定(代表者)',
  'list.mode': '投稿できる人',
  'list.mode.announce': 'お知らせ専用: 代表者と連絡メンバーが投稿、ほかのメールは承認待ち',
  'list.mode.discussion': '全員が投稿できる(ML モード)',
  'list.modeShort.announce': '代表者と連絡メンバー',
  'list.modeShort.discussion': 'メンバー全員',
  'list.fromRewrite': '差出人を「名前 via グループ」に書き換える(DMARC で迷惑メールにならないように)',
  'list.timeZone': 'まとめメールのタイムゾーン',
  'list.timeZoneHint': 'Asia/Tokyo のような IANA の名前。',
  'list.save': '設定を保存',

  'mod.title': '承認待ちの投稿',
  'mod.none': '承認待ちの投稿はありません。',
  'mod.from': '差出人',
  'mod.why': '保留の理由: {reason}',
  'mod.reason.not_member': 'メンバーではない',
  'mod.reason.not_permitted': 'このリストには一般メンバーは投稿できない',
  'mod.reason.unauthenticated': '差出人アドレスを確認できない（DMARC・DKIM・SPF）',
  'mod.reason.loop': 'メールのループ',
  'mod.reason.auto_reply': '自動応答',
  'mod.reason.no_sender': '差出人がない',
  'mod.reason.unknown': '保留',
  'mod.noSubject': '(件名なし)',
  'mod.attachments': '添付ファイル {n} 件',
  'mod.approve': '承認',
  'mod.reject': '却下',
  'mod.rejectConfirm': 'この投稿を却下しますか?誰にも表示されず、送信者への返信もしません。',
  'mod.approved': '承認しました:「{subject}」はルームに表示され、メールで配信されます。',
  'mod.rejected': '却下しました:「{subject}」',
  'mod.older': 'さらに表示',
  'mod.postOf': '{from} からの投稿',

  'joins.title': 'メールでの参加申し込み',
  'joins.help': '参加用アドレスにメールを送り、確認リンクを開いた人です。',
  'joins.none': '承認待ちの申し込みはありません。',
  'joins.directly': '確認が済んだら承認なしで参加させる',
  'joins.approve': '承認',
  'joins.reject': 'お断り',
  'joins.approved': '{address} がグループに参加しました。',
  'joins.rejected': '{address} の申し込みをお断りしました。',
  'joins.requestOf': '{address} からの申し込み',

  'bounces.title': '届かなかったメール',
  'bounces.help': 'スコアが {threshold} に達するとメール配信を一時停止します(恒久的エラー 1、一時的エラー 0.5、1日1回まで)。',
  'bounces.none': 'メールが届かなかったメンバーはいません。',
  'bounces.score': 'スコア {score} / {threshold}',
  'bounces.paused': '配信停止中',
  'bounces.unpause': '配信を再開',
  'bounces.unpaused': '{name} さんへのメール配信を再開しました。',

  'list.error.list_post_decided': 'この投稿はすでにほかの代表者が処理しました。',
  'list.error.list_post_not_found': 'この投稿はもうありません。',
  'list.error.mail_join_closed': 'この申し込みはすでに処理されています。',
  'list.error.mail_join_not_found': 'この申し込みはもうありません。',
  'list.error.time_zone_invalid': 'タイムゾーンが不明です。Asia/Tokyo のように入力してください。',
  'list.error.member_not_found': 'この人はもうメンバーではありません。',
};

const DICTIONARIES: Record<Lang, Record<ListTextKey, string>> = { en: listEn, ja: listJa };

/** The list screens' text for a key, in a language. */
export function listText(lang: Lang, key: ListTextKey, params?: Record<string, string | number>): string {
  return format(DICTIONARIES[lang][key], params);
}

/** The list screens' own text for an error code, when they have one. */
export function listErrorText(lang: Lang, code: string): string | undefined {
  const key = `list.error.${code}`;
  return key in listEn ? listText(lang, key as ListTextKey) : undefined;
}
