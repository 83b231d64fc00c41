import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { listText } from '../../web/src/i18n/list-texts.ts';
import { freePort } from '../../test/support/free-port.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { launchChromium } from '../../test/web/support/browser.ts';
import { phone, texts, type Lang } from '../../test/web/support/ui.ts';
import { buildWebClient } from '../../test/web/support/web-build.ts';

/**
 * `npm run screenshots:web`: the main screens on a phone (390×844), in Japanese and English,
 * into docs/screenshots/<lang>-<nn>-<screen>.png. Builds the client from the current sources,
 * starts a private server with example data, and drives Debian's Chromium. Run it once after
 * a visible change and commit the PNGs (the README shows them).
 */
const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PASSWORD = 'correct horse battery';
const LIST_DOMAIN = 'renraku.example.org';

const DATA = {
  ja: {
    group: '3年B組 保護者会', slug: 'class-3b', rooms: ['連絡事項', '運動会'],
    people: ['佐藤 愛子', '鈴木 健', '高橋 千佳'],
    talk: [
      [1, '運動会の準備、土曜の9時から体育館で行います。'],
      [2, '了解です!テントは何張り必要ですか?'],
      [0, '4張りお願いします。倉庫の鍵は職員室で借りられます。'],
      [1, '当日は雨の場合、日曜に順延です。'],
    ],
    reply: 'ありがとうございます、当日よろしくお願いします。',
    announcement: ['運動会の出欠確認', '10月12日(土)の運動会の出欠をお知らせください。\n集合は8時30分、校庭です。'],
    held: ['"山田 花子" <hanako@example.org>', 'バザーの出品について', '来月のバザーに手作りの小物を出品したいのですが、どなたに申し込めばよいでしょうか。'],
  },
  en: {
    group: 'Class 3-B parents', slug: 'class-3b', rooms: ['Notices', 'Sports day'],
    people: ['Aiko Sato', 'Ken Suzuki', 'Chika Takahashi'],
    talk: [
      [1, 'Sports day set-up is on Saturday at 9 in the gym.'],
      [2, 'Got it! How many tents do we need?'],
      [0, 'Four, please. The store-room key is at the staff room.'],
      [1, 'If it rains, everything moves to Sunday.'],
    ],
    reply: 'Thanks, see you all on Saturday!',
    announcement: ['Sports day: are you coming?', 'Please tell us by Friday whether you come on Saturday, 12 October.\nWe meet at 8:30 in the school yard.'],
    held: ['"Hanako Yamada" <hanako@example.org>', 'Bazaar stall', 'I would like to sell handmade bags at next month’s bazaar. Whom should I ask?'],
  },
} as const;

interface Person { token: string; id: string; email: string }

async function seed(server: TestServer, lang: Lang, smtpPort: number) {
  const d = DATA[lang];
  const people: Person[] = [];
  for (const [i, name] of d.people.entries()) {
    const email = `person${i}@example.test`;
    const res = await server.request('POST', '/api/signup', { body: { email, password: PASSWORD, name } });
    people.push({ token: res.body.token, id: res.body.user.id, email });
  }
  const [owner, ...others] = people as [Person, ...Person[]];
  const group = (await server.request('POST', '/api/groups', { token: owner.token, body: { name: d.group, slug: d.slug } })).body.group;
  for (const p of others) {
    const { code } = (await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token, body: {} })).body;
    await server.request('POST', `/api/invites/${code}/accept`, { token: p.token });
  }
  await server.request('PATCH', `/api/groups/${group.id}/members/${others[0]!.id}`, { token: owner.token, body: { role: 'sender' } });
  const rooms = [];
  for (const name of d.rooms) rooms.push((await server.request('POST', `/api/groups/${group.id}/rooms`, { token: owner.token, body: { name } })).body.room);
  let first = '';
  for (const [who, body] of d.talk) {
    const res = await server.request('POST', `/api/rooms/${rooms[1].id}/messages`, { token: people[who]!.token, body: { body } });
    first ||= res.body.message.id;
  }
  await server.request('POST', `/api/rooms/${rooms[1].id}/messages`, { token: others[1]!.token, body: { body: d.reply, reply_to: first } });
  await server.request('POST', `/api/rooms/${rooms[0].id}/messages`, { token: others[0]!.token, body: { body: d.talk[3]![1] } });
  const invite = (await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token, body: {} })).body.code as string;
  const deadline = Date.now() + 5 * 24 * 3600_000;
  const [title, text] = d.announcement;
  const announcement = (await server.request('POST', `/api/groups/${group.id}/announcements`, { token: owner.token, body: { title, body: text, answer: { type: 'attendance' }, deadline } })).body.announcement;
  await server.request('POST', `/api/announcements/${announcement.id}/read`, { token: others[0]!.token });
  await server.request('PUT', `/api/announcements/${announcement.id}/answer`, { token: others[0]!.token, body: { choice: 'yes', comment: lang === 'ja' ? 'テント係をします' : 'I can bring a tent' } });
  // A non-member's mail to the list address waits for a representative (the moderation queue).
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  const [from, subject, heldText] = d.held;
  await smtp.sendMail({ from, to: `${d.slug}@${LIST_DOMAIN}`, subject, text: heldText });
  smtp.close();
  await server.app.smtp!.processor.idle();
  return { owner, member: others[1]!, group, rooms, invite, announcement };
}

async function shoot(page: Page, lang: Lang, n: number, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${OUT}${lang}-${String(n).padStart(2, '0')}-${name}.png` });
}

async function run(lang: Lang, webRoot: string): Promise<void> {
  const t = texts(lang);
  const lt = (key: Parameters<typeof listText>[1]) => listText(lang, key);
  const smtpPort = await freePort();
  const server = await startTestServer({ webRoot, env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_LIST_DOMAIN: LIST_DOMAIN } });
  const browser = await launchChromium();
  try {
    const { owner, member, group, rooms, invite, announcement } = await seed(server, lang, smtpPort);
    const visitor = await browser.newContext(phone(lang));
    const v = await visitor.newPage();
    await v.goto(`${server.url}/`);
    await v.getByRole('heading', { name: t('auth.signIn') }).waitFor();
    await shoot(v, lang, 1, 'sign-in');
    await v.goto(`${server.url}/#/invite/${invite}`);
    await v.getByLabel(t('auth.name')).waitFor();
    await shoot(v, lang, 2, 'invitation');

    const ctx = await browser.newContext(phone(lang));
    await ctx.request.post(`${server.url}/api/login`, { data: { email: owner.email, password: PASSWORD } });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('.badge').first().waitFor();
    await shoot(page, lang, 3, 'groups');
    await page.goto(`${server.url}/#/g/${group.id}`);
    await page.locator('.list-item').nth(1).waitFor();
    await shoot(page, lang, 4, 'group-rooms');
    await page.goto(`${server.url}/#/g/${group.id}/r/${rooms[1].id}`);
    await page.locator('.msg-quote').waitFor();
    await page.getByRole('textbox', { name: t('room.message') }).fill(lang === 'ja' ? 'よろしくお願いします' : 'See you there');
    await shoot(page, lang, 5, 'room');
    await page.getByRole('button', { name: t('room.actions', { name: t('room.you') }) }).first().click();
    await shoot(page, lang, 6, 'message-actions');
    await page.goto(`${server.url}/#/g/${group.id}/members`);
    await page.locator('.member').nth(2).waitFor();
    await shoot(page, lang, 7, 'members');
    await page.goto(`${server.url}/#/g/${group.id}/invites`);
    await page.getByRole('button', { name: t('invites.create') }).click();
    await page.getByLabel(t('invites.link')).waitFor();
    await page.getByLabel(t('invites.link')).blur();
    await shoot(page, lang, 8, 'invite');
    await page.goto(`${server.url}/#/settings`);
    await page.getByLabel(t('settings.language')).waitFor();
    await shoot(page, lang, 9, 'settings');
    await page.goto(`${server.url}/#/g/${group.id}/announcements`);
    await page.locator('.announcement-item').waitFor();
    await shoot(page, lang, 10, 'announcements');
    await page.goto(`${server.url}/#/g/${group.id}/announce`);
    await page.getByLabel(t('ann.title'), { exact: true }).fill(lang === 'ja' ? '保護者会のお知らせ' : 'Parents’ meeting');
    await page.getByLabel(t('ann.askAnswer')).selectOption('date_poll');
    await shoot(page, lang, 11, 'compose');
    await page.goto(`${server.url}/#/announcements/${announcement.id}`);
    await page.locator('.tally-line').waitFor();
    await shoot(page, lang, 13, 'announcement-status');

    const memberCtx = await browser.newContext(phone(lang));
    await memberCtx.request.post(`${server.url}/api/login`, { data: { email: member.email, password: PASSWORD } });
    const m = await memberCtx.newPage();
    await m.goto(`${server.url}/#/announcements/${announcement.id}`);
    await m.getByRole('button', { name: t('ann.sendAnswer') }).waitFor();
    await m.getByText(t('ann.choice.yes')).click();
    await shoot(m, lang, 12, 'announcement-answer');

    await m.goto(`${server.url}/#/g/${group.id}/list`);
    await m.getByRole('radio', { name: lt('list.delivery.each') }).and(m.locator(':enabled')).waitFor();
    await shoot(m, lang, 14, 'mailing-list');
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    const queue = page.getByRole('heading', { name: lt('mod.title') });
    await page.getByRole('button', { name: lt('mod.approve') }).waitFor();
    // Scrolled so the queue's heading sits just under the sticky top bar.
    await queue.evaluate((heading) => scrollTo(0, heading.getBoundingClientRect().top + scrollY - (document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0) - 8));
    await shoot(page, lang, 15, 'moderation');
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Japanese screenshots need a Japanese font, or every character is a box. */
function hasJapaneseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=ja'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

if (!hasJapaneseFont()) {
  console.error('screenshots: no Japanese font found (fc-list :lang=ja); install one first: apt-get install -y --no-install-recommends fonts-noto-cjk');
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const webRoot = await buildWebClient();
for (const lang of ['ja', 'en'] as const) await run(lang, webRoot);
console.log(`screenshots: written to ${OUT}`);
