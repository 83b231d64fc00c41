import type { BrowserContext, Page } from 'playwright-core';
import { en, type MessageKey } from '../../../web/src/i18n/en.ts';
import { ja } from '../../../web/src/i18n/ja.ts';
import { format } from '../../../web/src/i18n/language.ts';

export type Lang = 'en' | 'ja';

/** The client's own texts, so tests find controls as a person does: by their labels. */
export function texts(lang: Lang): (key: MessageKey, params?: Record<string, string | number>) => string {
  const dict: Record<MessageKey, string> = lang === 'ja' ? ja : en;
  return (key, params) => format(dict[key], params);
}

/** Browser-context options of a phone (the screenshots' size too). */
export function phone(lang: Lang) {
  return { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, locale: lang === 'ja' ? 'ja-JP' : 'en-US' };
}

/** Fills and submits the sign-up form shown on the page. */
export async function signUpInUi(page: Page, lang: Lang, person: { name: string; email: string; password: string }): Promise<void> {
  const t = texts(lang);
  await page.getByLabel(t('auth.name')).fill(person.name);
  await page.getByLabel(t('auth.email')).fill(person.email);
  await page.getByLabel(t('auth.password')).fill(person.password);
  await page.getByRole('button', { name: t('auth.signUp'), exact: true }).and(page.locator('[type=submit]')).click();
}

/** Fills and submits the sign-in form shown on the page. */
export async function signInInUi(page: Page, lang: Lang, person: { email: string; password: string }): Promise<void> {
  const t = texts(lang);
  await page.getByLabel(t('auth.email')).fill(person.email);
  await page.getByLabel(t('auth.password')).fill(person.password);
  await page.getByRole('button', { name: t('auth.signIn'), exact: true }).and(page.locator('[type=submit]')).click();
}

/** Sends a message from the room's composer. */
export async function send(page: Page, lang: Lang, body: string): Promise<void> {
  const t = texts(lang);
  await page.getByRole('textbox', { name: t('room.message') }).fill(body);
  await page.getByRole('button', { name: t('room.send'), exact: true }).click();
}

/** The message bodies on screen, in order (the list renders what is on screen and near it). */
export function bodies(page: Page): Promise<string[]> {
  return page.locator('.msg:not(.pending) .msg-body').allTextContents();
}

/** Signs a browser context in over the API (the session cookie lands in the context). */
export async function signInContext(context: BrowserContext, baseUrl: string, email: string, password: string): Promise<void> {
  const res = await context.request.post(`${baseUrl}/api/login`, { data: { email, password } });
  if (!res.ok()) throw new Error(`sign-in of ${email} failed: ${res.status()} ${await res.text()}`);
}
