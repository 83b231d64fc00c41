import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { mailedLinkTokens } from '../support/mailed-links.ts';
import { phone, signInContext, signInInUi, signUpInUi, texts } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const SUITE = 'web client: account screens (address confirmation, password reset, sessions, leaving)';
const PASSWORD = 'correct horse battery';
const ja = texts('ja');
const en = texts('en');

/**
 * The account screens against the whole server, the mailed links read from a real SMTP relay
 * (the test's sink): sign-up → the unconfirmed banner → resend → open the newest link →
 * confirmed, banner gone; forgot password → link → new password → signed in with it; settings
 * signs out another session; leaving as the only representative of a group names the group,
 * and a member who leaves is shown as a former member.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let server: TestServer;
  let sink: SmtpSink;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function page(lang: 'ja' | 'en', signIn?: { email: string }): Promise<Page> {
    const context = await browser.newContext(phone(lang));
    contexts.push(context);
    if (signIn) await signInContext(context, server.url, signIn.email, PASSWORD);
    return context.newPage();
  }

  before(async () => {
    const webRoot = await buildWebClient();
    sink = await startSmtpSink();
    server = await startTestServer({ webRoot, env: { RENRAKU_SMTP_RELAY_URL: sink.url } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });

  test('sign up in the browser: the banner names the address, resend mails a new link, opening it confirms the address and the banner goes', { timeout: 60_000 }, async () => {
    const email = 'chika@example.test';
    const p = await page('en');
    await p.goto(`${server.url}/#/signup`);
    await signUpInUi(p, 'en', { name: 'Chika', email, password: PASSWORD });
    await p.getByRole('heading', { name: en('groups.title') }).waitFor();
    const banner = p.getByRole('region', { name: en('verify.bannerLabel') });
    await banner.getByText(en('verify.banner', { email })).waitFor();

    const [first] = await mailedLinkTokens(sink, email, 'verify-email');
    await banner.getByRole('button', { name: en('verify.resend') }).click();
    await banner.getByText(en('verify.resent', { email })).waitFor();
    const newest = (await mailedLinkTokens(sink, email, 'verify-email', 2)).find((token) => token !== first)!;

    await p.goto(`${server.url}/#/verify-email/${newest}`);
    await p.getByText(en('verify.done', { email })).waitFor();
    assert.equal(await banner.count(), 0, 'the banner is gone once the address is confirmed');
    await p.getByRole('link', { name: en('app.toGroups') }).click();
    await p.getByRole('heading', { name: en('groups.title') }).waitFor();
    assert.equal(await banner.count(), 0);

    // The older link was revoked by the resend, the newest one is spent, a mangled one is refused.
    await p.goto(`${server.url}/#/verify-email/${first}`);
    await p.getByText(en('verify.token_used')).waitFor();
    await p.goto(`${server.url}/#/verify-email/${newest.slice(0, -2)}`);
    await p.getByText(en('verify.token_invalid')).waitFor();
    const me = await p.context().request.get(`${server.url}/api/me`);
    assert.equal((await me.json()).user.email_verified, true);
  });

  test('forgot password: the same answer for any address; the mailed link sets a new password, then sign-in with it works', { timeout: 60_000 }, async () => {
    const person = await server.signup('Daichi');
    const p = await page('ja');
    await p.goto(`${server.url}/`);
    await p.getByRole('link', { name: ja('auth.forgot') }).click();
    await p.getByRole('heading', { name: ja('forgot.title') }).waitFor();
    await p.getByLabel(ja('auth.email')).fill('nobody@example.test');
    await p.getByRole('button', { name: ja('forgot.send') }).click();
    await p.getByText(ja('forgot.sent')).waitFor();

    await p.reload();
    await p.getByLabel(ja('auth.email')).fill(person.user.email);
    await p.getByRole('button', { name: ja('forgot.send') }).click();
    await p.getByText(ja('forgot.sent')).waitFor();
    const [token] = await mailedLinkTokens(sink, person.user.email, 'reset-password');

    const newPassword = 'a much newer secret';
    await p.goto(`${server.url}/#/reset-password/${token}`);
    await p.getByLabel(ja('reset.password'), { exact: true }).fill(newPassword);
    await p.getByLabel(ja('reset.again')).fill('something else');
    await p.getByRole('button', { name: ja('reset.submit') }).click();
    await p.getByText(ja('reset.mismatch')).waitFor();
    await p.getByLabel(ja('reset.again')).fill(newPassword);
    await p.getByRole('button', { name: ja('reset.submit') }).click();
    await p.getByText(ja('reset.done')).waitFor();
    await p.getByRole('heading', { name: ja('auth.signIn') }).waitFor();
    assert.equal((await server.request('GET', '/api/me', { token: person.token })).status, 401, 'the reset ended the old session');

    await signInInUi(p, 'ja', { email: person.user.email, password: newPassword });
    await p.getByRole('heading', { name: ja('groups.title') }).waitFor();

    await p.goto(`${server.url}/#/reset-password/${token}`);
    await p.getByLabel(ja('reset.password'), { exact: true }).fill(newPassword);
    await p.getByLabel(ja('reset.again')).fill(newPassword);
    await p.getByRole('button', { name: ja('reset.submit') }).click();
    await p.getByText(ja('reset.token_used')).waitFor();
    await p.getByRole('link', { name: ja('reset.askNew') }).click();
    await p.getByRole('heading', { name: ja('forgot.title') }).waitFor();
  });

  test('settings: the session list marks this device and signs out another session; my data downloads', { timeout: 60_000 }, async () => {
    const person = await server.signup('Emi');
    const p = await page('en', { email: person.user.email });
    await p.goto(`${server.url}/#/settings`);
    const sessions = p.getByRole('region', { name: en('sessions.title') }).getByRole('listitem');
    await eventually(async () => assert.equal(await sessions.count(), 2));
    const mine = sessions.filter({ hasText: en('sessions.thisDevice') });
    assert.equal(await mine.count(), 1);
    assert.match((await mine.textContent()) ?? '', /Chrom/, 'the browser is named by its user agent');

    const other = sessions.filter({ hasNotText: en('sessions.thisDevice') });
    await other.getByRole('button', { name: en('sessions.signOut') }).click();
    await eventually(async () => assert.equal(await sessions.count(), 1));
    assert.equal((await server.request('GET', '/api/me', { token: person.token })).status, 401, 'the other session ended');
    await p.reload();
    await p.getByRole('heading', { name: en('settings.title') }).waitFor();
    await eventually(async () => assert.equal(await sessions.count(), 1));

    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: en('export.download') }).click()]);
    assert.equal(download.suggestedFilename(), 'renraku-export.json');
    const exported = JSON.parse(await streamText(await download.createReadStream()));
    assert.equal(exported.profile.email, person.user.email);
  });

  test('leaving: the only representative of a group is shown the group; a member who leaves is shown as a former member', { timeout: 90_000 }, async () => {
    const owner = await server.signup('Fumi');
    const member = await server.signup('Goro');
    const group = await server.createGroup(owner, 'Bazaar team');
    const room = await server.createRoom(owner, group.id, 'general');
    await server.addMember(owner, group.id, member);
    const posted = await server.request('POST', `/api/rooms/${room.id}/messages`, { token: member.token, body: { body: 'see you at the bazaar', client_id: 'c-goro-1', reply_to: null } });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));

    const ownerPage = await page('ja', { email: owner.user.email });
    await ownerPage.goto(`${server.url}/#/settings`);
    const leaving = ownerPage.getByRole('form', { name: ja('delete.title') });
    await leaving.getByText(ja('delete.stays')).waitFor();
    await leaving.getByLabel(ja('password.current')).fill(PASSWORD);
    await leaving.getByRole('button', { name: ja('delete.submit') }).click();
    await leaving.getByText(ja('delete.soleOwner')).waitFor();
    const groupLink = leaving.getByRole('link', { name: 'Bazaar team' });
    assert.equal(await groupLink.getAttribute('href'), `#/g/${group.id}/members`);
    assert.equal((await server.request('GET', '/api/me', { token: owner.token })).status, 200, 'refused: the account stays');

    const memberPage = await page('en', { email: member.user.email });
    await memberPage.goto(`${server.url}/#/settings`);
    const memberLeaving = memberPage.getByRole('form', { name: en('delete.title') });
    await memberLeaving.getByLabel(en('password.current')).fill('not my password');
    await memberLeaving.getByRole('button', { name: en('delete.submit') }).click();
    await memberLeaving.getByText(en('error.wrong_password')).waitFor();
    await memberLeaving.getByLabel(en('password.current')).fill(PASSWORD);
    await memberLeaving.getByRole('button', { name: en('delete.submit') }).click();
    await memberPage.getByText(en('delete.done')).waitFor();
    await memberPage.getByRole('heading', { name: en('auth.signIn') }).waitFor();

    await ownerPage.goto(`${server.url}/#/g/${group.id}/r/${room.id}`);
    const message = ownerPage.locator('.msg', { hasText: 'see you at the bazaar' });
    await message.locator('.msg-author', { hasText: ja('room.formerMember') }).waitFor();
  });
});
