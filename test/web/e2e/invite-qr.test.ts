import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { decodeQr } from '../support/qr-reading.ts';
import { phone, signInContext, texts } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: an invitation link as a QR code';
const en = texts('en');

/**
 * The pixels of a PNG as Chromium decodes them, in a blank page of the same browser (no CSP
 * there, and no PNG decoder needed in Node): RGBA, row by row.
 */
async function pixelsOf(browser: Browser, png: Buffer): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }> {
  const page = await browser.newPage();
  try {
    const { base64, width, height } = await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let binary = '';
      for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return { base64: btoa(binary), width: canvas.width, height: canvas.height };
    }, `data:image/png;base64,${png.toString('base64')}`);
    return { rgba: new Uint8ClampedArray(Buffer.from(base64, 'base64')), width, height };
  } finally {
    await page.close();
  }
}

/**
 * A representative makes an invitation link; the page shows it with a QR code. A screenshot of
 * the code, as a phone camera would see the screen, is read by jsQR (an independent decoder)
 * and must be exactly the link shown in the text field. No CSP violation on the way.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let groupId: string;
  const violations: string[] = [];

  before(async () => {
    const webRoot = await buildWebClient();
    server = await startTestServer({ webRoot });
    const aiko = await server.signup('Aiko');
    groupId = (await server.createGroup(aiko, '3-B')).id;
    browser = await launchChromium();
    const context = await browser.newContext(phone('en'));
    await signInContext(context, server.url, aiko.user.email, 'correct horse battery');
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the QR code shown beside a new invitation link reads back as that link', { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/#/g/${groupId}/invites`);
    assert.equal(await page.getByRole('img', { name: en('invites.qr') }).count(), 0, 'no code before a link exists');
    await page.getByRole('button', { name: en('invites.create') }).click();
    const link = await page.getByLabel(en('invites.link')).inputValue();
    assert.match(link, new RegExp(`^${server.url}/#/invite/[\\w-]+$`));

    const code = page.getByRole('img', { name: en('invites.qr') });
    await code.waitFor();
    const box = await code.boundingBox();
    assert.ok(box && box.width >= 200 && Math.abs(box.width - box.height) < 1, `a square big enough to scan: ${JSON.stringify(box)}`);
    const { rgba, width, height } = await pixelsOf(browser, await code.screenshot());
    const read = decodeQr(rgba, width, height);
    assert.ok(read, 'jsQR finds a QR code in the screenshot');
    assert.equal(read.text, link);

    // a second link replaces the first, and so does its code
    await page.getByRole('button', { name: en('invites.create') }).click();
    await page.getByLabel(en('invites.link')).and(page.locator(`:not([value="${link}"])`)).waitFor();
    const second = await page.getByLabel(en('invites.link')).inputValue();
    assert.notEqual(second, link);
    const again = await pixelsOf(browser, await code.screenshot());
    assert.equal(decodeQr(again.rgba, again.width, again.height)?.text, second);
    assert.deepEqual(violations, []);
  });
});
