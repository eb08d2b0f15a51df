/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';

/**
 * Headless Chromium for the report's browser tests: Debian's `chromium` package, driven by
 * puppeteer-core (which downloads no browser). CLUSRESTORE_CHROMIUM names another binary.
 */
export const CHROMIUM = [process.env.CLUSRESTORE_CHROMIUM, '/usr/bin/chromium'].find(
  (p): p is string => !!p && existsSync(p),
);

/**
 * A describe() for suites that need Chromium. Without it the suite fails when
 * CLUSRESTORE_REQUIRE_CHROMIUM=1 (CI), and is skipped with a loud warning otherwise.
 */
export function describeChromium(name: string, fn: () => void): void {
  if (CHROMIUM) {
    describe(name, fn);
    return;
  }
  if (process.env.CLUSRESTORE_REQUIRE_CHROMIUM === '1') {
    describe(name, () => {
      it('has chromium', () => {
        throw new Error(
          'CLUSRESTORE_REQUIRE_CHROMIUM=1 but no Chromium was found at /usr/bin/chromium; run `apt-get install chromium` (or set CLUSRESTORE_CHROMIUM).',
        );
      });
    });
    return;
  }
  console.warn(
    `\n!!! SKIPPED "${name}": no Chromium at /usr/bin/chromium, so the report was NOT opened in a browser.\n` +
      '!!! Install it with `apt-get install chromium`; set CLUSRESTORE_REQUIRE_CHROMIUM=1 to make this a failure.\n',
  );
  describe.skip(name, fn);
}

export async function launchChromium(): Promise<Browser> {
  const puppeteer = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI and containers: Chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
  });
}

/** What happened while a page loaded: every request, console message and page error. */
export interface PageLog {
  requests: string[];
  console: { type: string; text: string }[];
  errors: string[];
  dialogs: string[];
}

/** Opens a file in a new page and records what it asks for and says. */
export async function openFile(
  browser: Browser,
  file: string,
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const log: PageLog = { requests: [], console: [], errors: [], dialogs: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('dialog', (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, log };
}
