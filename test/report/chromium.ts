/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { describeWhen } from '../helpers/gate';

/**
 * Headless Chromium for the report's browser tests: Debian's `chromium` package, driven by
 * puppeteer-core (which downloads no browser). CLUSRESTORE_CHROMIUM names another binary.
 */
export const CHROMIUM = [process.env.CLUSRESTORE_CHROMIUM, '/usr/bin/chromium'].find(
  (p): p is string => !!p && existsSync(p),
);

/** describe() for suites that open the report in Chromium (gate.ts: skipped loudly, or failed in CI). */
export function describeChromium(name: string, fn: () => void): void {
  describeWhen(
    {
      env: 'CHROMIUM',
      missing: CHROMIUM ? [] : ['Chromium at /usr/bin/chromium or $CLUSRESTORE_CHROMIUM'],
      notRun: 'the report was NOT opened in a browser',
      install: 'Install it with `apt-get install chromium` (or set CLUSRESTORE_CHROMIUM)',
    },
    name,
    fn,
  );
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
