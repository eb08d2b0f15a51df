import type { SimBrief, SimTimelineEntry } from '../sim/run';
import {
  clock,
  durationText,
  isOnlineRequest,
  type SimulatedRun,
  type TimelineItem,
} from '../sim/timeline';
import { html } from './escape';

/**
 * A simulated run drawn as a swimlane chart (SVG): the steps as bands, a lane each for the
 * restore key, the service and the resource with their states, the events as markers, and lines
 * at the moments that matter (the key consumed or lost, the online request). The x axis is the
 * order of things, not to scale: each line of the timeline gets a column (a wait two), so steps
 * that take no time stay visible. States are told apart by pattern and by their written name,
 * never by colour alone. Kinds, states and statuses it does not know are drawn plainly.
 */

const COL = 46;
const LEFT = 100;
const ROW = {
  steps: { y: 4, h: 38 },
  key: { y: 50, h: 24 },
  service: { y: 80, h: 24 },
  resource: { y: 110, h: 24 },
  events: { y: 140, h: 40 },
  time: { y: 204 },
  waits: { y: 220 },
  moments: { y: 240 },
};
const LANE_LABELS: [keyof typeof ROW, string][] = [
  ['steps', 'Steps'],
  ['key', 'Restore key'],
  ['service', 'Service'],
  ['resource', 'Resource'],
  ['events', 'Events'],
  ['time', 'Time'],
];

/** Event ids the KB names as the failure: 1002 (-528), 1042, 1069. */
const FAILURE_EVENT_IDS = new Set([1002, 1042, 1069]);

interface Column {
  x: number;
  w: number;
  t: number;
  block: number;
  item?: TimelineItem;
  state: SimBrief;
}

/** Approximate width of a text at the chart's 11 px font. */
function textWidth(s: string): number {
  return s.length * 6.2;
}

function text(x: number, y: number, s: string, cls: string, anchor = 'start'): string {
  return `<text x="${x}" y="${y}" class="${cls}" text-anchor="${anchor}">${html(s)}</text>`;
}

/** One class word for a state: the stylesheet knows the usual ones, any other is `state-other`. */
function stateClass(lane: 'key' | 'service' | 'resource', value: string): string {
  const known: Record<string, string[]> = {
    key: ['present', 'consumed', 'deleted', 'gone', 'missing'],
    service: ['Stopped', 'StartPending', 'Running', 'StopPending'],
    resource: ['Offline', 'OnlinePending', 'Online', 'Failed', 'OfflinePending'],
  };
  return known[lane].includes(value) ? `state-${lane}-${value}` : 'state-other';
}

/** How each event is judged on the chart: the script's own word first, then the KB's ids. */
export function eventJudgment(
  e: { id: number; expected: boolean | null; message?: string },
  level: string,
): 'expected' | 'failure' | 'info' {
  if (e.expected === true) return 'expected';
  if (e.expected === false || level === 'Error' || FAILURE_EVENT_IDS.has(e.id)) return 'failure';
  return 'info';
}

/** The columns of a run: its starting state, then each line of each phase. */
function columnsOf(run: SimulatedRun): Column[] {
  const cols: Omit<Column, 'x'>[] = [];
  let state: SimBrief = run.before;
  cols.push({ w: COL, t: 0, block: -1, state });
  run.blocks.forEach((b, bi) => {
    const first = cols.length;
    if (!b.items.length) {
      state = b.after ?? state;
      cols.push({ w: COL, t: b.t, block: bi, state });
    }
    for (const item of b.items) {
      const lasting = item.tEnd !== undefined && item.tEnd > item.t;
      // A line that took time shows the state it started in: what changed meanwhile follows it.
      if (!lasting && item.state) state = item.state;
      cols.push({ w: item.kind === 'wait' ? 2 * COL : COL, t: item.t, block: bi, item, state });
    }
    // A band is at least as wide as its label: its last column takes the rest.
    const width = cols.slice(first).reduce((n, c) => n + c.w, 0);
    const need = textWidth(blockLabel(run, bi)) + 12;
    if (need > width) cols[cols.length - 1].w += need - width;
  });
  let x = LEFT;
  return cols.map((c) => {
    const col = { ...c, x };
    x += c.w;
    return col;
  });
}

function blockLabel(run: SimulatedRun, bi: number): string {
  const b = run.blocks[bi];
  if (b.id === 'checks') return 'checks';
  if (b.id === 'final-check') return 'final check';
  if (b.id === 'run') return 'the script';
  const n = run.blocks.slice(0, bi + 1).filter((x) => !/^(checks|final-check|run)$/.test(x.id));
  return `${n.length} ${b.id}`;
}

/** What the key lane shows: present, or why it is gone. */
function keyValue(run: SimulatedRun, s: SimBrief, t: number): string {
  if (s.keyPresent) return 'present';
  if (!run.before.keyPresent) return 'missing';
  if (run.keyLostAt !== null && t >= run.keyLostAt) return 'deleted';
  if (run.keyConsumedAt !== null && t >= run.keyConsumedAt) return 'consumed';
  return 'gone';
}

const KEY_WORDS: Record<string, string> = {
  present: 'present',
  consumed: 'gone: consumed',
  deleted: 'gone: deleted, not consumed',
  gone: 'gone',
  missing: 'missing',
};

/** The SVG of one run. `id` prefixes the ids inside it; `labelledBy` names its caption. */
export function swimlaneSvg(
  run: SimulatedRun,
  opts: { id: string; labelledBy: string; describedBy: string },
): string {
  const cols = columnsOf(run);
  const right = cols[cols.length - 1].x + cols[cols.length - 1].w;
  // Wide enough for the longest label of a moment (set below).
  const width = Math.max(right + 16, 600);
  const out: string[] = [];
  const levels = new Map(run.events.map((e) => [`${e.t}|${e.id}|${e.source}`, e.level]));

  // Lane labels and guides.
  for (const [row, label] of LANE_LABELS) {
    const r = ROW[row] as { y: number; h?: number };
    const y = r.h ? r.y + r.h / 2 + 4 : r.y;
    out.push(text(8, y, label, 'lane-label'));
  }

  // Steps as bands.
  let bi = 0;
  while (bi < run.blocks.length) {
    const span = cols.filter((c) => c.block === bi);
    if (span.length) {
      const b = run.blocks[bi];
      const x = span[0].x;
      const w = span[span.length - 1].x + span[span.length - 1].w - x;
      const status = /^(done|passed|failed|skipped)$/.test(b.status) ? b.status : 'other';
      const title = [
        blockLabel(run, bi),
        b.operation,
        b.target ? `on ${b.target}` : '',
        b.status,
        b.detail,
      ]
        .filter(Boolean)
        .join(': ');
      out.push(
        `<g class="band band-${status}"><title>${html(title)}</title>` +
          `<rect x="${x + 1}" y="${ROW.steps.y}" width="${w - 2}" height="${ROW.steps.h}" rx="3"/>` +
          text(x + 5, ROW.steps.y + 15, fit(blockLabel(run, bi), w - 8), 'band-label') +
          text(x + 5, ROW.steps.y + 31, fit(statusWord(b.status), w - 8), 'band-status') +
          `</g>`,
      );
    }
    bi++;
  }
  // The starting column.
  out.push(text(cols[0].x + 5, ROW.steps.y + 23, 'before', 'band-status'));

  // State lanes.
  const lanes: ['key' | 'service' | 'resource', (c: Column) => string, string][] = [
    ['key', (c) => keyValue(run, c.state, c.t), 'Restore key'],
    ['service', (c) => c.state.service, 'Service'],
    ['resource', (c) => c.state.resource, 'Resource'],
  ];
  for (const [lane, value, name] of lanes) {
    const r = ROW[lane];
    let i = 0;
    while (i < cols.length) {
      let j = i;
      const v = value(cols[i]);
      while (j + 1 < cols.length && value(cols[j + 1]) === v) j++;
      const x = cols[i].x;
      const w = cols[j].x + cols[j].w - x;
      const word = lane === 'key' ? (KEY_WORDS[v] ?? v) : v;
      out.push(
        `<g class="seg ${stateClass(lane, v)}"><title>${html(`${name}: ${word} (from ${clock(cols[i].t)})`)}</title>` +
          `<rect x="${x}" y="${r.y}" width="${w}" height="${r.h}"/>` +
          (textWidth(word) * 1.12 + 8 <= w
            ? text(x + 4, r.y + r.h / 2 + 4, word, 'seg-label')
            : textWidth(v) * 1.12 + 8 <= w
              ? text(x + 4, r.y + r.h / 2 + 4, v, 'seg-label')
              : '') +
          `</g>`,
      );
      i = j + 1;
    }
  }

  // Events as markers, other lines of unknown kinds as small ticks.
  for (const c of cols) {
    const item = c.item;
    if (!item) continue;
    const cx = c.x + c.w / 2;
    if (item.kind === 'event' && item.event) {
      const e = item.event;
      const judged = eventJudgment(e, levels.get(`${item.t}|${e.id}|${e.source}`) ?? '');
      const y = ROW.events.y + 10;
      const shape =
        judged === 'failure'
          ? `<path d="M${cx} ${y - 8} L${cx + 8} ${y + 6} L${cx - 8} ${y + 6} Z"/>`
          : judged === 'expected'
            ? `<circle cx="${cx}" cy="${y}" r="7"/>`
            : `<rect x="${cx - 5}" y="${y - 5}" width="10" height="10"/>`;
      const word = judged === 'info' ? e.source : judged;
      const extra = /-528\b/.test(e.message) ? '(-528)' : '';
      out.push(
        `<g class="event event-${judged}"><title>${html(`${item.text} (${judged}): ${e.message}`)}</title>${shape}` +
          text(cx, y + 20, String(e.id), 'event-id', 'middle') +
          text(cx, y + 31, fit(word, c.w + 20), 'event-word', 'middle') +
          (extra ? text(cx, y + 42, extra, 'event-word', 'middle') : '') +
          `</g>`,
      );
    } else if (!['action', 'wait', 'change', 'event'].includes(item.kind)) {
      out.push(
        `<g class="event event-other"><title>${html(`${item.kind}: ${item.text}`)}</title>` +
          `<rect x="${cx - 2}" y="${ROW.events.y + 4}" width="4" height="12"/></g>`,
      );
    }
  }

  // The time axis: a clock reading wherever the time moved on, and each wait's length.
  let lastT = -1;
  let lastX = -Infinity;
  for (const c of cols) {
    if (c.t !== lastT && c.x >= lastX + 48) {
      out.push(text(c.x + 2, ROW.time.y, clock(c.t), 'tick'));
      lastX = c.x;
    }
    lastT = c.t;
    if (c.item?.kind === 'wait' && c.item.tEnd !== undefined)
      out.push(
        text(
          c.x + 2,
          ROW.waits.y,
          fit(`waited ${durationText(c.item.tEnd - c.item.t)}`, (c.w + 8) * 1.1),
          'wait-label',
        ),
      );
  }

  // The moments that matter, as lines across the lanes, each labelled on a row of its own.
  const moments: { col: Column; label: string; cls: string }[] = [];
  const keyCol = cols.find((c, i) => i > 0 && !c.state.keyPresent && cols[i - 1].state.keyPresent);
  if (keyCol && run.keyLostAt !== null)
    moments.push({
      col: keyCol,
      label: `The key was deleted by the checkpoint before the engine consumed it (${clock(run.keyLostAt)})`,
      cls: 'moment-lost',
    });
  else if (keyCol && run.keyConsumedAt !== null)
    moments.push({
      col: keyCol,
      label: `The engine consumed the key (${clock(run.keyConsumedAt)})`,
      cls: 'moment-consumed',
    });
  const onlineCol = cols.find(
    (c) =>
      c.item?.kind === 'action' &&
      c.item.command &&
      isOnlineRequest({
        kind: 'call',
        command: c.item.command.name,
        args: c.item.command.args,
      } as SimTimelineEntry),
  );
  if (onlineCol && run.onlineRequestedAt !== null)
    moments.push({
      col: onlineCol,
      label: `The resource was asked to come online (${clock(run.onlineRequestedAt)})`,
      cls: 'moment-online',
    });
  moments.forEach((m, i) => {
    const x = m.col.x;
    const y = ROW.moments.y + i * 16;
    // The label starts at its line, moved left as far as it must to stay inside the chart.
    const lx = Math.max(4, Math.min(x + 4, width - textWidth(m.label) * 1.12 - 4));
    out.push(
      `<g class="moment ${m.cls}"><line x1="${x}" y1="${ROW.steps.y}" x2="${x}" y2="${y - 10}"/>` +
        text(lx, y, m.label, 'moment-label') +
        `</g>`,
    );
  });

  const height = ROW.moments.y + Math.max(0, moments.length - 1) * 16 + 10;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="swimlane" id="${html(opts.id)}" role="img" ` +
    `aria-labelledby="${html(opts.labelledBy)}" aria-describedby="${html(opts.describedBy)}" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    out.join('') +
    `</svg>`
  );
}

function statusWord(status: string): string {
  return /^(failed)$/.test(status) ? status.toUpperCase() : status;
}

/** A label cut to a width, with an ellipsis. */
function fit(s: string, width: number): string {
  const max = Math.max(1, Math.floor(width / 6.2));
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}\u2026`;
}

/** The patterns and the legend swatches share: defined once per page. */
export const SWIMLANE_DEFS =
  '<svg xmlns="http://www.w3.org/2000/svg" class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>' +
  '<pattern id="p-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="p-bg"/><line x1="0" y1="0" x2="0" y2="6" class="p-line"/></pattern>' +
  '<pattern id="p-cross" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="p-bg-bad"/><path d="M0 0L6 6M6 0L0 6" class="p-line-bad"/></pattern>' +
  '<pattern id="p-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" class="p-bg-gone"/><circle cx="2.5" cy="2.5" r="0.9" class="p-dot"/></pattern>' +
  '</defs></svg>';
