import { renderNoticeMail, type MailLocale, type RenderedMail } from '../mail/templates.ts';

/** The mails of the account life cycle. Each says what happened and what to do if it was not you. */
export type AccountMailKind = 'verify_email' | 'change_email' | 'email_changed' | 'reset_password' | 'password_changed' | 'account_deleted';

export interface AccountMailInput {
  kind: AccountMailKind;
  locale: MailLocale;
  name: string;
  /** The link to open (verify_email, change_email, reset_password). */
  url?: string;
  /** The new address (email_changed). */
  newEmail?: string;
}

const TEXTS = {
  ja: {
    footer: 'このメールは Renraku のアカウントについてお送りしています。',
    notYou: 'お心当たりがない場合は、このメールを破棄してください。',
    verify_email: {
      subject: 'メールアドレスの確認', heading: 'メールアドレスを確認してください',
      body: (n: string) => `${n} さん、Renraku へようこそ。\n\n下のリンクを開くと、このアドレスの確認が完了し、連絡のメールが届くようになります。リンクの有効期限は 24 時間です。`,
      label: 'アドレスを確認する',
    },
    change_email: {
      subject: '新しいメールアドレスの確認', heading: '新しいメールアドレスを確認してください',
      body: (n: string) => `${n} さんのアカウントのメールアドレスを、このアドレスに変更する手続きが行われました。\n\n下のリンクを開くと変更が完了します。有効期限は 24 時間です。`,
      label: 'このアドレスに変更する',
    },
    email_changed: {
      subject: 'メールアドレスが変更されました', heading: 'メールアドレスが変更されました',
      body: (n: string, e: string) => `${n} さんのアカウントのメールアドレスが ${e} に変更されました。今後のメールは新しいアドレスに届きます。`,
      notYou: 'お心当たりがない場合は、すぐにパスワードを再設定し、グループの代表者にご連絡ください。',
    },
    reset_password: {
      subject: 'パスワードの再設定', heading: 'パスワードを再設定してください',
      body: (n: string) => `${n} さん、パスワードの再設定が依頼されました。\n\n下のリンクから新しいパスワードを設定できます。有効期限は 1 時間で、一度だけ使えます。設定すると、すべての端末でサインアウトされます。`,
      label: 'パスワードを再設定する',
    },
    password_changed: {
      subject: 'パスワードが変更されました', heading: 'パスワードが変更されました',
      body: (n: string) => `${n} さんのアカウントのパスワードが変更されました。ほかの端末はサインアウトされました。`,
      notYou: 'お心当たりがない場合は、すぐに「パスワードをお忘れの方」から再設定してください。',
    },
    account_deleted: {
      subject: '退会が完了しました', heading: '退会が完了しました',
      body: (n: string) => `${n} さんのアカウントを削除しました。メールアドレスやパスワードなどの個人情報は消去され、グループに残る投稿や回答は「退会したメンバー」として表示されます。\n\nご利用ありがとうございました。`,
      notYou: 'お心当たりがない場合は、サーバーの管理者にご連絡ください。',
    },
  },
  en: {
    footer: 'Sent by Renraku about your account.',
    notYou: 'If this was not you, you can ignore this mail.',
    verify_email: {
      subject: 'Confirm your email address', heading: 'Confirm your email address',
      body: (n: string) => `Welcome to Renraku, ${n}.\n\nOpen the link below to confirm this address; mail from your groups starts once it is confirmed. The link is valid for 24 hours.`,
      label: 'Confirm this address',
    },
    change_email: {
      subject: 'Confirm your new email address', heading: 'Confirm your new email address',
      body: (n: string) => `A change of the email address of ${n}'s account to this address was requested.\n\nOpen the link below to complete it. The link is valid for 24 hours.`,
      label: 'Use this address',
    },
    email_changed: {
      subject: 'Your email address was changed', heading: 'Your email address was changed',
      body: (n: string, e: string) => `The email address of ${n}'s account was changed to ${e}. Mail goes to the new address from now on.`,
      notYou: 'If this was not you, reset your password at once and tell your group’s owner.',
    },
    reset_password: {
      subject: 'Reset your password', heading: 'Reset your password',
      body: (n: string) => `${n}, a password reset was requested for your account.\n\nSet a new password with the link below. It is valid for one hour and works once. Setting it signs you out on every device.`,
      label: 'Set a new password',
    },
    password_changed: {
      subject: 'Your password was changed', heading: 'Your password was changed',
      body: (n: string) => `The password of ${n}'s account was changed, and your other devices were signed out.`,
      notYou: 'If this was not you, reset it at once with “Forgot password?”.',
    },
    account_deleted: {
      subject: 'Your account was deleted', heading: 'Your account was deleted',
      body: (n: string) => `The account of ${n} was deleted. Your email address, password and other personal data are erased; posts and answers that stay in your groups are shown as “Former member”.\n\nThank you for using Renraku.`,
      notYou: 'If this was not you, tell the server’s administrator.',
    },
  },
} as const;

/** One account mail, rendered in the person's language (text and HTML, as every Renraku mail). */
export function renderAccountMail(input: AccountMailInput): RenderedMail {
  const words = TEXTS[input.locale];
  const name = input.name === '' ? (input.locale === 'ja' ? 'メンバー' : 'member') : input.name;
  const kind = input.kind;
  const footer = words.footer;
  switch (kind) {
    case 'verify_email':
    case 'change_email':
    case 'reset_password': {
      const t = words[kind];
      if (input.url === undefined) throw new TypeError(`account mail ${kind} needs a url`);
      return renderNoticeMail({ locale: input.locale, subject: t.subject, heading: t.heading, body: t.body(name), link: { url: input.url, label: t.label }, note: words.notYou, footer });
    }
    case 'email_changed': {
      const t = words.email_changed;
      return renderNoticeMail({ locale: input.locale, subject: t.subject, heading: t.heading, body: t.body(name, input.newEmail ?? ''), note: t.notYou, footer });
    }
    case 'password_changed':
    case 'account_deleted': {
      const t = words[kind];
      return renderNoticeMail({ locale: input.locale, subject: t.subject, heading: t.heading, body: t.body(name), note: t.notYou, footer });
    }
  }
}
