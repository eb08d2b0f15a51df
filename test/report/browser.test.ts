/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { HOSTILE } from '../fixtures/hostile';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { visible } from '../../src/report/escape';
import { reportHtml } from '../../src/report/page';
import { describeChromium, launchChromium, openFile } from './chromium';
import { blockLuminance, decodePng } from './png';
import { hostileReportData } from './hostile-data';

/**
 * The report opened in real headless Chromium: it loads nothing but itself and logs no error,
 * its charts are there with their text equivalents, the filter works, hostile values stay text,
 * and the bundled example looks as docs/report.png shows it (UPDATE_GOLDEN=1 refreshes that).
 */

const REFERENCE = join(ROOT, 'docs', 'report.png');

describeChromium('the report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let example: string;

  beforeAll(async () => {
    dir = tempDir('clusrestore-report-');
    example = join(dir, 'report.html');
    // From the package folder with relative paths, so the page names no temporary folder.
    const r = cli([
      'report',
      'examples/inventory.yaml',
      '--out',
      example,
      '--against',
      'test/report/no-output-folder',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no request beyond the file, no console message and no error', async () => {
    const { page, log } = await openFile(browser, example);
    expect(log.requests).toEqual([`file://${example}`]);
    expect(log.console).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(await page.title()).toBe('clusrestore report: examples/inventory.yaml');
    await page.close();
  });

  it('draws both orders, each with its text equivalent', async () => {
    const { page } = await openFile(browser, example);
    const charts = await page.$$eval('svg.swimlane[role="img"]', (svgs) =>
      svgs.map((s) => {
        const caption = document.getElementById(s.getAttribute('aria-labelledby') ?? '');
        const text = document.getElementById(s.getAttribute('aria-describedby') ?? '');
        const box = s.getBoundingClientRect();
        return {
          id: s.id,
          caption: caption?.textContent ?? null,
          text: text?.textContent ?? null,
          width: box.width,
          height: box.height,
          bands: s.querySelectorAll('.band').length,
          failures: s.querySelectorAll('.event-failure').length,
          expected: s.querySelectorAll('.event-expected').length,
          moments: [...s.querySelectorAll('.moment-label')].map((m) => m.textContent),
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['tl-run-chart', 'tl-naive-chart']);
    const [ours, naive] = charts;
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(400);
      expect(c.height).toBeGreaterThan(200);
    }
    expect(ours.caption).toBe('restore-<cluster>.ps1 -Confirm:$false');
    expect(ours.text).toContain('Step 2 start-service: DONE');
    expect(ours.text).toContain('SAFE: the engine consumed the restore key');
    expect(ours.bands).toBe(6);
    expect(ours.expected).toBe(1); // 1024
    expect(ours.failures).toBe(0);
    expect(ours.moments).toEqual([
      expect.stringMatching(/^The engine consumed the key/),
      expect.stringMatching(/^The resource was asked to come online/),
    ]);
    expect(naive.text).toContain('UNSAFE');
    expect(naive.failures).toBe(2); // 1002 (-528) and 1042
    expect(naive.moments[0]).toMatch(/^The key was deleted by the checkpoint/);
    await page.close();
  });

  it('filters the fleet table and the cluster sections by name', async () => {
    const { page } = await openFile(browser, example);
    const shown = () =>
      page.$$eval('[data-cluster]', (els) =>
        els
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .map((e) => e.tagName + ' ' + e.getAttribute('data-cluster')),
      );
    expect(await shown()).toHaveLength(6);
    await page.type('#filter-input', 'xcl02');
    expect(await shown()).toEqual(['TR excl02', 'DETAILS excl02']);
    expect(await page.$eval('#filter-count', (e) => e.textContent)).toBe('1 of 3 clusters shown');
    await page.$eval('#filter-input', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#filter-input', 'nothing');
    expect(await shown()).toEqual([]);
    expect(await page.$eval('#filter-count', (e) => e.textContent)).toBe('0 of 3 clusters shown');
    await page.close();
  });

  it('shows every hostile value as inert text', async () => {
    const values = [
      ...Object.values(HOSTILE).flat(),
      '<img src=x onerror=alert(1)>',
      '"><svg onload=alert(2)>',
      '</pre><script>alert(3)</script>',
      'javascript:alert(4)',
    ];
    const file = join(dir, 'hostile.html');
    writeFileSync(file, reportHtml(hostileReportData(values)), 'utf8');
    const { page, log } = await openFile(browser, file);
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.console).toEqual([]);
    expect(log.requests).toEqual([`file://${file}`]);
    const dom = await page.evaluate(() => ({
      scripts: document.scripts.length,
      handlers: [...document.querySelectorAll('*')].flatMap((e) =>
        [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`),
      ),
      images: document.images.length,
      text: document.body.textContent ?? '',
    }));
    expect(dom.scripts).toBe(1);
    expect(dom.handlers).toEqual([]);
    expect(dom.images).toBe(0);
    for (const v of values) expect(dom.text).toContain(visible(v));
    await page.close();
  });

  it('renders the bundled example as docs/report.png shows it', async () => {
    const { page } = await openFile(browser, example);
    const height = await page.evaluate(() =>
      Math.ceil(
        document.getElementById('tl-naive-chart')!.getBoundingClientRect().bottom +
          window.scrollY +
          16,
      ),
    );
    const png = Buffer.from(await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height } }));
    await page.close();
    const shot = decodePng(png);
    // Not blank: a good share of the pixels is ink, in many shades.
    const blocks = blockLuminance(shot, 16);
    const inked = blocks.filter((l) => l < 245).length / blocks.length;
    expect(inked).toBeGreaterThan(0.15);
    expect(new Set(blocks.map((l) => Math.round(l / 8))).size).toBeGreaterThan(10);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(REFERENCE, png);
      return;
    }
    const ref = decodePng(readFileSync(REFERENCE));
    expect([shot.width, Math.abs(shot.height - ref.height) <= 48]).toEqual([ref.width, true]);
    // Compared block by block over the common height: fonts may move a pixel, not a layout.
    const refBlocks = blockLuminance({ ...ref, height: Math.min(ref.height, shot.height) }, 16);
    const ours = blockLuminance({ ...shot, height: Math.min(ref.height, shot.height) }, 16);
    const differing = ours.filter((l, i) => Math.abs(l - refBlocks[i]) > 24).length;
    expect(differing / ours.length).toBeLessThan(0.03);
  });
});
