import { createHash } from 'node:crypto';
import { SCRIPT_EXIT_CODES } from '../procedure/exit-codes';
import { whatIfLine, type Step } from '../procedure/steps';
import { SCENARIO_TEXT, type SimulateDoc, type SimulatedRun } from '../sim/timeline';
import { compareText, runText } from '../sim/view';
import type { ScenarioName } from '../sim/run';
import { html } from './escape';
import { SWIMLANE_DEFS, swimlaneSvg } from './swimlane';

/**
 * The report as one self-contained HTML page: a pure function of plain data (reportData() in
 * build.ts gathers it from the plan and the recorded timelines). Every value goes through
 * html(); the page loads nothing, runs no inline handler, and its one script (the cluster
 * filter) and one stylesheet are allowed by their SHA-256 in the Content-Security-Policy.
 */

/** The first bytes of every page this module writes: how `report` knows a file is its own. */
export const REPORT_MARKER = '<meta name="generator" content="clusrestore report">';

/** One file of a cluster as the plan has it. */
export interface ReportFile {
  path: string;
  format: string;
  /** create, update, unchanged, conflict. */
  status: string;
  forced: boolean;
  diff?: string;
}

/** One cluster of the report. */
export interface ReportCluster {
  name: string;
  preset: string;
  nodes: string[];
  serviceName: string;
  resourceName: string;
  restoreKey: string;
  logFolder: string;
  timeouts: { serviceStartSec: number; recoverySec: number; resourceOnlineSec: number };
  formats: string[];
  files: ReportFile[];
  steps: Step[];
  /** Formats refused for this cluster, each as a located message. */
  refused: string[];
}

/** A drawn timeline: the run, and the naive order on the same starting node. */
export interface ReportTimeline {
  node: string;
  scenario: ScenarioName | string;
  scenarioText: string;
  run: SimulatedRun;
  naive?: SimulatedRun;
}

/** Everything the report shows. */
export interface ReportData {
  version: string;
  inventory: { file: string; sha256: string };
  outDir: string;
  summaryLine: string;
  clusters: ReportCluster[];
  orphans: string[];
  manifestStatus: string;
  /** Drawn once for the fleet; `placeholders` when it stands for every cluster. */
  timeline: ReportTimeline;
  placeholders: boolean;
}

const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg2: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --info: #0969da; }
* { box-sizing: border-box; }
body { font: 16px/1.5 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.3rem; margin-top: 2rem;
  border-bottom: 1px solid var(--line); } h3 { font-size: 1.1rem; } h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85rem; }
pre { background: var(--bg2); padding: .6rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--bg2); }
td code { overflow-wrap: break-word; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; overflow-wrap: anywhere; }
.verdict { font-weight: 700; padding: .4rem .6rem; border-left: .4rem solid; background: var(--bg2); }
.verdict-safe, .verdict-nothing-to-do { border-color: var(--ok); }
.verdict-unsafe, .verdict-failed { border-color: var(--bad); }
.verdict-stopped, .verdict-check { border-color: var(--warn); }
.status { font-weight: 600; white-space: nowrap; }
.status-create::before { content: "+ "; } .status-update::before { content: "~ "; }
.status-conflict, .status-refused { color: var(--bad); }
.status-conflict::before, .status-refused::before { content: "! "; }
.status-create { color: var(--ok); } .status-update { color: var(--info); }
.status-unchanged, .status-none { color: var(--muted); }
.filter { margin: 1rem 0; } .filter input { font: inherit; padding: .3rem .5rem; min-width: 18rem; }
.fleet-table { overflow-x: auto; } .fleet-table table { min-width: 100%; }
details.cluster { border: 1px solid var(--line); margin: .4rem 0; padding: 0 .8rem;
  content-visibility: auto; contain-intrinsic-size: auto 2.6rem; }
details.cluster > summary { padding: .4rem 0; cursor: pointer; }
details.cluster > summary h3 { display: inline; font-size: 1.05rem; }
.figure { overflow-x: auto; border: 1px solid var(--line); padding: .5rem; margin: .5rem 0; }
figcaption { font-weight: 600; margin: .3rem 0; }
.diff .add { color: #116329; background: #dafbe1; } .diff .del { color: #82071e; background: #ffebe9; }
.diff .hunk { color: #0550ae; } .diff span { display: block; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; list-style: none; font-size: .9rem; }
.legend svg { vertical-align: middle; margin-right: .3rem; }
.swimlane { font: 11px "DejaVu Sans", system-ui, sans-serif; }
.swimlane .lane-label { font-weight: 700; fill: var(--fg); }
.band rect { fill: #eaeef2; stroke: #8c959f; } .band-failed rect { fill: url(#p-cross); stroke: var(--bad); stroke-width: 2; }
.band-skipped rect { fill: #fff; stroke-dasharray: 4 3; } .band-label { font-weight: 700; }
.band-failed text { paint-order: stroke; stroke: #fff; stroke-width: 3px; fill: #82071e; }
.band-status, .tick, .wait-label, .event-word { fill: var(--muted); }
.wait-label { font-size: 10px; }
.seg rect { stroke: #fff; stroke-width: 1; }
.seg-label { fill: #000; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.state-key-present rect { fill: #b6d4fe; }
.state-key-consumed rect { fill: url(#p-dots); }
.state-key-deleted rect, .state-key-missing rect { fill: url(#p-cross); }
.state-key-gone rect { fill: #fff; stroke: #8c959f; }
.state-service-Stopped rect, .state-resource-Offline rect { fill: #e1e4e8; }
.state-service-StartPending rect, .state-service-StopPending rect, .state-resource-OnlinePending rect,
.state-resource-OfflinePending rect { fill: url(#p-hatch); }
.state-service-Running rect, .state-resource-Online rect { fill: #aceebb; }
.state-resource-Failed rect { fill: url(#p-cross); }
.state-other rect { fill: #fff; stroke: #57606a; stroke-dasharray: 2 2; }
.p-bg { fill: #fff1c2; } .p-line { stroke: #bf8700; stroke-width: 2; }
.p-bg-bad { fill: #ffd8d3; } .p-line-bad { stroke: #cf222e; stroke-width: 1.2; }
.p-bg-gone { fill: #f0fff4; } .p-dot { fill: #1a7f37; }
.event-failure path { fill: var(--bad); } .event-expected circle { fill: #fff; stroke: var(--ok); stroke-width: 3; }
.event-info rect { fill: var(--info); } .event-other rect { fill: var(--muted); }
.event-id { font-weight: 700; }
.event-failure .event-word { fill: var(--bad); font-weight: 700; } .event-expected .event-word { fill: var(--ok); }
.moment line { stroke-width: 2; } .moment-label { font-weight: 700; }
.moment-consumed line { stroke: var(--ok); } .moment-consumed .moment-label { fill: var(--ok); }
.moment-online line { stroke: var(--info); stroke-dasharray: 5 3; } .moment-online .moment-label { fill: var(--info); }
.moment-lost line { stroke: var(--bad); stroke-dasharray: 2 2; stroke-width: 3; } .moment-lost .moment-label { fill: var(--bad); }
svg.defs { position: absolute; }
[hidden] { display: none !important; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .filter { display: none; }
  details.cluster { break-inside: avoid-page; }
  .figure { overflow: visible; } .swimlane { max-width: 100%; height: auto; }
}
`;

/** The cluster filter: hides summary rows and sections whose name does not hold the text. */
const SCRIPT = `
(function () {
  var form = document.getElementById('filter');
  var input = document.getElementById('filter-input');
  var count = document.getElementById('filter-count');
  if (!form || !input || !count) return;
  var items = document.querySelectorAll('[data-cluster]');
  var total = document.querySelectorAll('tr[data-cluster]').length;
  form.hidden = false;
  function apply() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = q === '' || items[i].getAttribute('data-cluster').indexOf(q) >= 0;
      items[i].hidden = !hit;
      if (hit && items[i].tagName === 'TR') shown++;
    }
    count.textContent = shown + ' of ' + total + ' clusters shown';
  }
  input.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  apply();
})();
`;

function sha256Base64(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

/** The policy: nothing from anywhere, the one stylesheet and the one script by their hashes. */
export const CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src 'sha256-${sha256Base64(STYLE)}'; ` +
  `script-src 'sha256-${sha256Base64(SCRIPT)}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

/** The page around a body: head, policy, stylesheet, patterns, and the script at the end. */
export function pageShell(title: string, body: string, withScript: boolean): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head>${REPORT_MARKER}`,
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    SWIMLANE_DEFS,
    body,
    withScript ? `<script>${SCRIPT}</script>` : '',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A key and its swatch for the chart legend. */
const LEGEND: [string, string][] = [
  ['state-key-present', 'key present'],
  ['state-key-consumed', 'key gone: consumed by the engine (dots)'],
  ['state-key-deleted', 'key gone without recovery, resource Failed, step failed (cross-hatch)'],
  ['state-service-Stopped', 'Stopped / Offline'],
  ['state-service-StartPending', 'StartPending / OnlinePending (stripes)'],
  ['state-service-Running', 'Running / Online'],
];

function legend(): string {
  const swatch = (cls: string) =>
    `<svg width="28" height="14" aria-hidden="true" class="swimlane"><g class="seg ${cls}"><rect width="28" height="14"/></g></svg>`;
  return (
    '<ul class="legend">' +
    LEGEND.map(([cls, word]) => `<li>${swatch(cls)}${html(word)}</li>`).join('') +
    '<li><svg width="16" height="14" aria-hidden="true" class="swimlane"><g class="event event-failure"><path d="M8 1 L15 13 L1 13 Z"/></g></svg>event that is a failure</li>' +
    '<li><svg width="16" height="14" aria-hidden="true" class="swimlane"><g class="event event-expected"><circle cx="8" cy="7" r="5"/></g></svg>event the script expects</li>' +
    '<li><svg width="16" height="14" aria-hidden="true" class="swimlane"><g class="event event-info"><rect x="3" y="2" width="10" height="10"/></g></svg>informational event</li>' +
    '</ul>'
  );
}

/** One run drawn, captioned, with its text equivalent (the lines `simulate` prints). */
export function runFigure(run: SimulatedRun, id: string, caption: string): string {
  return [
    '<figure>',
    `<figcaption id="${id}-caption">${html(caption)}</figcaption>`,
    `<p class="verdict verdict-${html(run.verdict.kind)}">${html(run.verdict.text)}</p>`,
    `<div class="figure">${swimlaneSvg(run, { id: `${id}-chart`, labelledBy: `${id}-caption`, describedBy: `${id}-text` })}</div>`,
    `<details><summary>The timeline as text (what the chart shows, line by line)</summary>`,
    `<pre id="${id}-text">${html(runText(run))}</pre></details>`,
    '</figure>',
  ].join('\n');
}

/** The drawn timeline section: the run, the naive order under it, and the two side by side. */
export function timelineSection(tl: ReportTimeline, intro: string): string {
  const out = [
    `<p>${html(intro)}</p>`,
    `<p>Scenario ${html(tl.scenario)}: ${html(tl.scenarioText)}. Node ${html(tl.node)}. Times are virtual, from the start of the run; the x axis is the order of things, not to scale (each line a column, a wait two).</p>`,
    legend(),
    `<h3 id="tl-run-h">${html(tl.run.order === 'naive' ? 'The naive order' : "clusrestore's order: the service first, the resource online last")}</h3>`,
    runFigure(tl.run, 'tl-run', `${tl.run.script} ${tl.run.args.join(' ')}`),
  ];
  if (tl.naive) {
    out.push(
      '<h3 id="tl-naive-h">The naive order on the same starting node: the resource online first</h3>',
      runFigure(tl.naive, 'tl-naive', `${tl.naive.script} ${tl.naive.args.join(' ')}`),
      '<h3>Side by side</h3>',
      `<pre>${html(compareText(tl.run, tl.naive))}</pre>`,
    );
  }
  return out.join('\n');
}

function statusCell(c: ReportCluster, format: string): string {
  const f = c.files.find((x) => x.format === format);
  if (f)
    return `<td class="status status-${html(f.status)}">${html(f.status)}${f.forced ? ' (forced)' : ''}</td>`;
  if (c.refused.length && format === 'cmd') return '<td class="status status-refused">refused</td>';
  return '<td class="status status-none">not generated</td>';
}

function clusterAnchor(name: string): string {
  return `cluster-${name.toLowerCase().replace(/[^a-z0-9-]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`)}`;
}

function diffBlock(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    '<pre class="diff">' +
    lines
      .map((l) => {
        const cls =
          l.startsWith('+++') || l.startsWith('---')
            ? 'head'
            : l.startsWith('+')
              ? 'add'
              : l.startsWith('-')
                ? 'del'
                : l.startsWith('@@')
                  ? 'hunk'
                  : 'ctx';
        return `<span class="${cls}">${html(l) || ' '}</span>`;
      })
      .join('') +
    '</pre>'
  );
}

/** The values a cluster puts in place of the shared timeline's placeholders. */
function placeholderTable(c: ReportCluster): string {
  const rows: [string, string][] = [
    ['<cluster>', c.name],
    ['<node>', c.nodes[0] ?? ''],
    ['<service>', c.serviceName],
    ['<resource>', c.resourceName],
    ['<restore key>', c.restoreKey],
    ['<log folder>', c.logFolder],
    ['<serviceStartSec>', String(c.timeouts.serviceStartSec)],
    ['<recoverySec>', String(c.timeouts.recoverySec)],
    ['<resourceOnlineSec>', String(c.timeouts.resourceOnlineSec)],
  ];
  return (
    '<table><thead><tr><th scope="col">In the drawn timeline</th><th scope="col">In this cluster</th></tr></thead><tbody>' +
    rows
      .map(([k, v]) => `<tr><td><code>${html(k)}</code></td><td><code>${html(v)}</code></td></tr>`)
      .join('') +
    '</tbody></table>'
  );
}

function clusterSection(c: ReportCluster, placeholders: boolean): string {
  const statuses = c.files.map((f) => f.status);
  const brief = ['create', 'update', 'conflict', 'unchanged']
    .map((s) => [s, statuses.filter((x) => x === s).length] as const)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}`);
  if (c.refused.length) brief.push(`${c.refused.length} refused`);
  const out = [
    `<details class="cluster" id="${clusterAnchor(c.name)}" data-cluster="${html(c.name.toLowerCase())}">`,
    `<summary><h3>${html(c.name)}</h3> <span>(${html(c.preset)}; ${html(brief.join(', ') || 'no files')})</span></summary>`,
    '<h4>Settings</h4>',
    '<dl class="meta">',
    ...(
      [
        ['Preset', c.preset],
        ['Nodes', c.nodes.join(', ')],
        ['Service', c.serviceName],
        ['Resource', c.resourceName],
        ['Restore key', `HKLM\\${c.restoreKey}`],
        ['Log folder', c.logFolder],
        [
          'Timeouts',
          `service start ${c.timeouts.serviceStartSec} s, recovery ${c.timeouts.recoverySec} s, resource online ${c.timeouts.resourceOnlineSec} s`,
        ],
        ['Formats', c.formats.join(', ')],
      ] as [string, string][]
    ).map(([k, v]) => `<dt>${html(k)}</dt><dd><code>${html(v)}</code></dd>`),
    '</dl>',
    '<h4>Files</h4>',
    '<table><thead><tr><th scope="col">File</th><th scope="col">Plan</th></tr></thead><tbody>',
    ...c.files.map(
      (f) =>
        `<tr><td><code>${html(f.path)}</code></td><td class="status status-${html(f.status)}">${html(f.status)}${f.forced ? ' (hand-edited, overwritten by --force)' : ''}</td></tr>`,
    ),
    ...c.refused.map(
      (r) => `<tr><td>.cmd</td><td class="status status-refused">refused: ${html(r)}</td></tr>`,
    ),
    '</tbody></table>',
    '<h4>Steps on the owner node, after the read-only checks (the words of -WhatIf)</h4>',
    '<ol>',
    ...c.steps.map((s) => `<li><code>${html(whatIfLine(s))}</code></li>`),
    '</ol>',
  ];
  if (placeholders) out.push('<h4>Its values in the drawn timeline</h4>', placeholderTable(c));
  const diffs = c.files.filter((f) => f.diff);
  if (diffs.length) {
    out.push('<h4>Changes against the output folder</h4>');
    for (const f of diffs)
      out.push(
        `<details><summary>Diff of <code>${html(f.path)}</code> (${html(f.status)})</summary>${diffBlock(f.diff!)}</details>`,
      );
  }
  out.push('</details>');
  return out.join('\n');
}

/** The whole report page. */
export function reportHtml(d: ReportData): string {
  const formats = ['ps1', 'cmd', 'runbook'];
  const body = [
    '<header>',
    '<h1>clusrestore report: what the restore will do</h1>',
    '<dl class="meta">',
    `<dt>Tool</dt><dd>clusrestore ${html(d.version)}</dd>`,
    `<dt>Inventory</dt><dd><code>${html(d.inventory.file)}</code></dd>`,
    `<dt>Inventory SHA-256</dt><dd><code>${html(d.inventory.sha256)}</code></dd>`,
    `<dt>Compared with</dt><dd><code>${html(d.outDir)}</code> (what <code>generate --dry-run</code> computes)</dd>`,
    `<dt>Plan</dt><dd>${html(d.summaryLine)}</dd>`,
    '</dl>',
    '<p>KB Q188674: the restore key must be consumed by the database engine before the cluster resource comes online; bringing the resource online first lets the cluster write its registry checkpoint over the key, and the engine fails with -528. The drawings below show both orders.</p>',
    '<nav aria-label="Sections"><ul><li><a href="#fleet">Fleet</a></li><li><a href="#timeline">The timeline, drawn</a></li><li><a href="#clusters">Clusters</a></li><li><a href="#exit-codes">Exit codes of the scripts</a></li></ul></nav>',
    '</header>',
    '<main>',
    '<section aria-labelledby="fleet"><h2 id="fleet">Fleet</h2>',
    '<form id="filter" class="filter" role="search" hidden><label for="filter-input">Filter clusters by name </label>',
    '<input id="filter-input" type="search" autocomplete="off" spellcheck="false"> <output id="filter-count" aria-live="polite"></output></form>',
    '<div class="fleet-table"><table><thead><tr>',
    ...['Cluster', 'Preset', 'Nodes', 'Service', 'Resource', 'Restore key', ...formats].map(
      (h) => `<th scope="col">${html(h)}</th>`,
    ),
    '</tr></thead><tbody>',
    ...d.clusters.map(
      (c) =>
        `<tr data-cluster="${html(c.name.toLowerCase())}"><th scope="row"><a href="#${clusterAnchor(c.name)}">${html(c.name)}</a></th>` +
        `<td>${html(c.preset)}</td><td>${html(c.nodes.join(', '))}</td><td><code>${html(c.serviceName)}</code></td>` +
        `<td><code>${html(c.resourceName)}</code></td><td><code>${html(c.restoreKey)}</code></td>` +
        formats.map((f) => statusCell(c, f)).join('') +
        '</tr>',
    ),
    '</tbody></table></div>',
    `<p>manifest.json: <span class="status status-${html(d.manifestStatus)}">${html(d.manifestStatus)}</span></p>`,
    d.orphans.length
      ? `<h3>Orphans</h3><p>Files an earlier run wrote that this inventory no longer produces; left in place. <code>clusrestore generate --prune</code> deletes those still as clusrestore wrote them; delete any other by hand:</p><ul>${d.orphans
          .map((o) => `<li class="status status-orphan"><code>${html(o)}</code> (orphan)</li>`)
          .join('')}</ul>`
      : '',
    '</section>',
    '<section aria-labelledby="timeline"><h2 id="timeline">The timeline, drawn</h2>',
    timelineSection(
      d.timeline,
      d.placeholders
        ? "Drawn once for the whole fleet: every cluster's script takes the same steps and gets the same answers in the same order; <cluster>, <service>, <resource> and the other names in angle brackets stand for each cluster's own values, listed in its section. Recorded from the simulated node (clusrestore simulate --compare-naive), without running PowerShell now."
        : "Recorded from the simulated node (clusrestore simulate --compare-naive) with this cluster's values, without running PowerShell now.",
    ),
    '</section>',
    '<section aria-labelledby="clusters"><h2 id="clusters">Clusters</h2>',
    '<p>Each section opens to the settings, the files and their plan, the steps in the words of -WhatIf, and the diff of each changed file.</p>',
    ...d.clusters.map((c) => clusterSection(c, d.placeholders)),
    '</section>',
    '<section aria-labelledby="exit-codes"><h2 id="exit-codes">Exit codes of the scripts</h2>',
    '<table><thead><tr><th scope="col">Code</th><th scope="col">Outcome</th><th scope="col">Meaning</th><th scope="col">Node changed</th></tr></thead><tbody>',
    ...SCRIPT_EXIT_CODES.map(
      (e) =>
        `<tr><td>${e.code}</td><td><code>${html(e.name)}</code></td><td>${html(e.meaning)}</td><td>${html(e.changed)}</td></tr>`,
    ),
    '</tbody></table></section>',
    '</main>',
  ].join('\n');
  return pageShell(`clusrestore report: ${d.inventory.file}`, body, true);
}

/** `simulate --html`: one live simulation drawn, with the naive order when it was run. */
export function simulateHtml(doc: SimulateDoc): string {
  const body = [
    '<header>',
    `<h1>clusrestore simulate: cluster ${html(doc.cluster)}, scenario ${html(doc.scenario)}</h1>`,
    '<dl class="meta">',
    `<dt>Tool</dt><dd>clusrestore ${html(doc.tool.version)}</dd>`,
    `<dt>Inventory</dt><dd><code>${html(doc.inventory.file)}</code></dd>`,
    `<dt>Inventory SHA-256</dt><dd><code>${html(doc.inventory.sha256)}</code></dd>`,
    '</dl></header>',
    '<main><section aria-labelledby="timeline"><h2 id="timeline">The timeline, drawn</h2>',
    timelineSection(
      { ...doc, scenarioText: doc.scenarioText || SCENARIO_TEXT[doc.scenario] },
      'The generated script ran unchanged in pwsh against the simulated cluster node.',
    ),
    '</section></main>',
  ].join('\n');
  return pageShell(`clusrestore simulate: ${doc.cluster}`, body, false);
}
