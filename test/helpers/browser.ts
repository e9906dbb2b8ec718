import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt), never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  /** A new page at the dashboard's 1280x800 reference size; browser errors fail loudly in the log. */
  page(): Promise<Page>;
  /** Full-page PNG in test-artifacts/screenshots/<name>.png (gitignored); returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
}

/**
 * Chromium for one test file (Playwright launches it with a fresh temporary profile), closed by
 * the test's teardown. Page console errors and uncaught exceptions are collected in `errors`
 * so a test can assert the dashboard ran cleanly.
 */
export async function startBrowser(t: Pick<TestContext, 'after'>, errors: string[] = [], options: { ignoreHTTPSErrors?: boolean } = {}): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  t.after(() => browser.close());
  // ignoreHTTPSErrors: for pages that join voice, whose gateway port has the node's internal-CA
  // certificate (Chromium has no per-port exception; see test/compat/voice-browser.test.ts).
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark', ...options });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    context,
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        // A refused request (401 before login, 400 of a wrong password) is logged by the browser itself; those are expected.
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
      });
      return page;
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // From the top, so the sticky sidebar is drawn where a reader sees it first.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
