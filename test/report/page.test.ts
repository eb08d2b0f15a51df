import { createHash } from 'node:crypto';
import { hostileValues } from '../fixtures/hostile';
import { html, visible } from '../../src/report/escape';
import { CONTENT_SECURITY_POLICY, reportHtml, simulateHtml } from '../../src/report/page';
import { PLACEHOLDERS, loadRecordedTimelines, recordedDoc } from '../../src/report/recorded';
import { swimlaneSvg } from '../../src/report/swimlane';
import { fixtureClusters } from '../helpers/pwsh';
import type { SimulatedRun } from '../../src/sim/timeline';
import { hostileReportData } from './hostile-data';
import { planMarkdown } from '../../src/report/markdown';
import type { Plan } from '../../src/plan/build';

/** The report's pure parts: escaping, the page's policy, the recorded timelines, the drawing. */

describe('html() and visible()', () => {
  it.each(hostileValues())('%s: %j leaves no markup character and no invisible one', (_c, v) => {
    const out = html(v);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    expect(out).not.toMatch(
      /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\uFEFF]/,
    );
  });

  it('writes invisible and reordering characters out, keeps tabs, newlines and letters', () => {
    expect(visible('bidi\u202Eevil')).toBe('bidi<U+202E>evil');
    expect(visible('lone\uD800x')).toBe('lone<U+D800>x');
    expect(visible('nul\u0000cr\r')).toBe('nul<U+0000>cr<U+000D>');
    expect(visible('tab\tnew\nline caf\u00e9 \u65E5\u672C \u{1F600}')).toBe(
      'tab\tnew\nline caf\u00e9 \u65E5\u672C \u{1F600}',
    );
    expect(html(`<a href="x">O'Brien & co</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;',
    );
  });
});

describe('the page', () => {
  const values = hostileValues().map(([, v]) => v);
  const page = reportHtml(hostileReportData(values));

  it('carries a policy that allows exactly its own stylesheet and script', () => {
    const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|data:|\*/);
    expect(page).toContain(`content="${CONTENT_SECURITY_POLICY}"`);
  });

  it('has one script, no inline handler, no style attribute and no outside reference', () => {
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\s(src|href)="(?!#)/);
  });

  it('has every hostile value only escaped', () => {
    for (const v of values) expect(page).toContain(html(v));
  });

  it('says what to do with orphans: --prune for those as written, by hand for the rest', () => {
    const text = /<h3>Orphans<\/h3><p>([^]*?)<\/p>/.exec(page)![1];
    expect(text).toContain('<code>clusrestore generate --prune</code> deletes those still as');
    expect(text).toContain('delete any other by hand');
  });

  it('is a function of its data: the same data, the same bytes', () => {
    expect(reportHtml(hostileReportData(values))).toBe(page);
  });
});

describe('the recorded timelines', () => {
  const recorded = loadRecordedTimelines();

  it('are the happy path (SAFE) and the naive order (UNSAFE, the key deleted, -528)', () => {
    expect(recorded.doc.run.verdict.kind).toBe('safe');
    expect(recorded.doc.naive.verdict.kind).toBe('unsafe');
    expect(recorded.doc.naive.keyLostAt).not.toBeNull();
    expect(recorded.doc.naive.events.some((e) => /-528\b/.test(e.message))).toBe(true);
  });

  it.each(fixtureClusters('example').clusters.map((c) => [c.name, c]))(
    '%s: its values replace every token',
    (_n, cluster) => {
      const text = JSON.stringify(recordedDoc(cluster, recorded));
      expect(text).not.toMatch(/TOK[A-Z]|8639[123]/);
      expect(text).toContain(cluster.resourceName);
      expect(text).toContain(JSON.stringify(`restore-${cluster.name}.ps1`));
    },
  );

  it('placeholders stand for every value in the fleet drawing', () => {
    const text = JSON.stringify(recordedDoc(PLACEHOLDERS, recorded));
    expect(text).not.toMatch(/TOK[A-Z]|8639[123]/);
    expect(text).toContain('<resource>');
  });
});

describe('swimlaneSvg', () => {
  const run = recordedDoc(PLACEHOLDERS).run;
  const ids = { id: 'c', labelledBy: 'cap', describedBy: 'txt' };

  it('draws a band per phase, three state lanes and the moments', () => {
    const svg = swimlaneSvg(run, ids);
    expect(svg.match(/class="band /g)).toHaveLength(run.blocks.length);
    for (const s of ['present', 'gone: consumed', 'StartPending', 'Running', 'Offline', 'Online'])
      expect(svg).toContain(`>${s}<`);
    expect(svg).toContain('The engine consumed the key (0:04:30)');
    expect(svg).toContain('aria-describedby="txt"');
  });

  it('draws kinds, states and statuses it does not know plainly, without failing', () => {
    const odd: SimulatedRun = {
      ...run,
      blocks: run.blocks.map((b, i) =>
        i === 2
          ? {
              ...b,
              status: 'skipped',
              items: [
                ...b.items,
                {
                  t: b.t,
                  kind: 'retry' as never,
                  text: 'The cluster retried the resource',
                  state: { ...b.after, service: 'Paused', resource: 'Pending' },
                },
              ],
            }
          : i === 3
            ? { ...b, id: 'new-step', status: 'resumed', items: [] }
            : b,
      ),
    };
    const svg = swimlaneSvg(odd, ids);
    expect(svg).toContain('class="band band-skipped"');
    expect(svg).toContain('class="band band-other"');
    expect(svg).toContain('new-step');
    expect(svg).toContain('retry: The cluster retried the resource');
    expect(svg).toContain('class="seg state-other"');
    expect(svg).toContain('Paused');
  });

  it('simulateHtml draws a live document the same way', () => {
    const d = recordedDoc(PLACEHOLDERS);
    const page = simulateHtml({
      ...d,
      schema: 'clusrestore/simulate/v1',
      tool: { name: 'clusrestore', version: '9.9.9' },
      inventory: { file: 'inv.yaml', sha256: 'abc' },
    });
    expect(page).toContain('id="tl-run-chart"');
    expect(page).toContain('id="tl-naive-chart"');
    expect(page).not.toContain('<script');
  });
});

describe('planMarkdown', () => {
  const plan = {
    outDir: 'out',
    inventory: { file: 'inv.yaml', sha256: 'ab' },
    clusters: [
      {
        name: 'EXCL01',
        preset: 'directory',
        nodes: ['N1'],
        steps: [],
        refused: [],
        files: [
          {
            path: 'EXCL01/RUNBOOK.md',
            status: 'update',
            forced: false,
            diff: '--- a\n+++ b\n@@ -1,3 +1,3 @@\n ```powershell\n-old\n+new\n ````\n',
          },
          { path: 'EXCL01/restore-EXCL01.ps1', status: 'unchanged', forced: false },
        ],
      },
    ],
    orphans: ['EXCL09/restore-EXCL09.ps1'],
    deletions: [],
    prune: false,
    manifest: { status: 'update' },
    summary: { create: 0, update: 1, unchanged: 1, conflict: 0, delete: 0 },
  } as unknown as Plan;

  it('fences each diff with more backticks than it holds, and lists orphans', () => {
    const md = planMarkdown(plan);
    expect(md).toContain('\n`````diff\n--- a\n');
    expect(md).toContain('\n ````\n`````\n');
    expect(md).toContain(
      '| | `EXCL09/restore-EXCL09.ps1` | orphan (no longer generated; left in place) |',
    );
    expect(md).toContain('| 0 | 1 | 1 | 0 | 1 |');
    expect(md).not.toContain('restore-EXCL01.ps1');
  });
});
