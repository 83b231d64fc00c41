import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { measureFirstVisit } from '../../web/scripts/size.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { REPO_ROOT, startRenraku } from '../servers/renraku-target.ts';
import { median, Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';

const run = promisify(execFile);

/** Where `npm run prepare` builds the client and `renraku start` serves it from. */
const DIST = join(REPO_ROOT, 'web', 'dist');

/** Debian's Chromium, as the browser tests use it (test/web/support/browser.ts); never downloaded. */
const CHROMIUM_PATH = process.env.RENRAKU_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The phone the screenshots use: the first screen is measured at that size. */
const VIEWPORT = { width: 390, height: 844 };

/** The `elementtiming` name on the sign-in button (web/src/screens/auth-form.tsx). */
const MARKER = 'auth-submit';

/**
 * Runs in the page before its own scripts (DevTools adds it, so the CSP does not apply): records
 * when the marker was painted (Element Timing) and the first contentful paint, both in ms since
 * navigation start (`performance.timeOrigin`).
 */
const PAGE_PROBE = `(() => {
  const seen = { marker: null, fcp: null };
  window.__renrakuBench = seen;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.identifier === ${JSON.stringify(MARKER)} && seen.marker === null) seen.marker = e.renderTime || e.loadTime;
  }).observe({ type: 'element', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') seen.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
})();`;

interface PageLoad {
  markerMs: number;
  fcpMs: number | null;
  /** bytes of JavaScript (decoded) the page had fetched when the marker was painted */
  jsBytes: number;
}

const kb = (bytes: number) => round(bytes / 1024, 1);

/** gzip -9 bytes of every built file with this suffix, lazily loaded chunks included. */
function allGzip(dist: string, suffix: string): number {
  const dir = join(dist, 'assets');
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
}

/**
 * One cold visit of a signed-out person: a new browser context (empty HTTP and code caches),
 * the renderer's CPU slowed `throttle`×, then `/` until the sign-in button has been painted.
 */
async function loadOnce(browser: Browser, url: string, throttle: number): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.addInitScript(PAGE_PROBE);
    await page.goto(url, { waitUntil: 'commit', timeout: BENCH_LIMITS.webRenderMs });
    await page.waitForFunction(() => (window as unknown as { __renrakuBench: { marker: number | null } }).__renrakuBench.marker !== null, undefined, { timeout: BENCH_LIMITS.webRenderMs, polling: 100 });
    return await page.evaluate(() => {
      const seen = (window as unknown as { __renrakuBench: { marker: number; fcp: number | null } }).__renrakuBench;
      const scripts = performance.getEntriesByType('resource').filter((e) => (e as PerformanceResourceTiming).initiatorType === 'script' || e.name.endsWith('.js')) as PerformanceResourceTiming[];
      const jsBytes = scripts.filter((e) => e.responseEnd <= seen.marker).reduce((n, e) => n + e.decodedBodySize, 0);
      return { markerMs: seen.marker, fcpMs: seen.fcp, jsBytes };
    });
  } finally {
    await context.close();
  }
}

/**
 * `web`: the web client's weight and first render. Builds web/dist as `npm run prepare` does
 * (unless `--build=false`), measures the gzip size of what a first visit loads (web/scripts/size.ts)
 * and of every chunk, then serves it from a real Renraku (`renraku start`) and opens `/` signed
 * out in Debian's Chromium, `runs` times: each run a cold cache and the CPU throttled 4× over
 * the DevTools protocol (`Emulation.setCPUThrottlingRate`), timed from navigation start to the
 * paint of the sign-in button (Element Timing), the first screen a person can use. The server is
 * its own, not the run's shared one: it must serve the build just made.
 */
export const webScenario = defineScenario({
  name: 'web',
  summary: 'web client gzip size and first render under 4× CPU throttling in Chromium',
  options: {
    runs: { kind: 'int', default: 7, doc: 'cold page loads; the median and max are reported' },
    throttle: { kind: 'number', default: 4, doc: 'CPU slowdown of the page (DevTools CPU throttling rate)' },
    build: { kind: 'flag', default: true, doc: 'build web/dist from the sources first (as `npm run prepare`); --build=false measures the web/dist that is there' },
  },
  async run(o) {
    if (o.runs < 1) throw new Error('--runs must be at least 1');
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`web: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium; a browser is never downloaded)`);
    if (o.build) {
      await run(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(REPO_ROOT, 'web/vite.config.ts'), '--logLevel', 'warn'], { cwd: REPO_ROOT, timeout: BENCH_LIMITS.webBuildMs });
    }
    if (!existsSync(join(DIST, 'index.html'))) throw new Error(`web: no build in ${DIST}: run \`npm run prepare\` or leave out --build=false`);
    const first = measureFirstVisit(DIST);

    const target = await startRenraku({ store: 'sqlite', postgresUrl: '' });
    let browser: Browser | undefined;
    let chromiumVersion = 'unknown';
    const loads: PageLoad[] = [];
    const problems = new Problems();
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
      chromiumVersion = browser.version();
      const url = `${target.base.replace(/^ws/, 'http')}/`;
      for (let i = 0; i < o.runs; i++) {
        try {
          loads.push(await loadOnce(browser, url, o.throttle));
        } catch (e) {
          problems.add(`load ${i + 1}: the sign-in screen was not painted: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }
    } finally {
      await browser?.close();
      await target.stop();
    }
    const firstJsBytes = first.js.reduce((n, a) => n + a.bytes, 0);
    for (const l of loads.filter((x) => x.jsBytes !== firstJsBytes)) {
      problems.add(`the first screen loaded ${l.jsBytes} bytes of scripts, web/scripts/size.ts counts ${firstJsBytes} as the first visit`);
    }
    const render = loads.map((l) => l.markerMs);
    const fcp = loads.flatMap((l) => (l.fcpMs === null ? [] : [l.fcpMs]));
    const record: RunRecord = {
      scenario: 'web',
      server: 'renraku',
      params: { runs: o.runs, cpu_throttle: o.throttle, viewport: `${VIEWPORT.width}x${VIEWPORT.height}`, marker: 'sign-in button painted', chromium: chromiumVersion },
      metrics: {
        first_js_kb: kb(firstJsBytes),
        first_js_gzip_kb: kb(first.jsGzip),
        first_js_budget_kb: kb(first.budget),
        first_css_gzip_kb: kb(first.cssGzip),
        all_js_gzip_kb: kb(allGzip(DIST, '.js')),
        all_css_gzip_kb: kb(allGzip(DIST, '.css')),
        first_js_loaded_kb: loads.length ? kb(Math.max(...loads.map((l) => l.jsBytes))) : null,
        first_render_p50_ms: render.length ? round(median(render), 0) : null,
        first_render_max_ms: render.length ? round(Math.max(...render), 0) : null,
        fcp_p50_ms: fcp.length ? round(median(fcp), 0) : null,
      },
      ok: problems.list.length === 0,
      problems: problems.list,
    };
    return { runs: [record], save: true };
  },
});
