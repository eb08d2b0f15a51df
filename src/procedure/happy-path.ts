import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterConfig } from '../inventory/types';
import { clusterSteps, stepNumber } from './steps';
import { packageRoot } from '../version';

/**
 * The runbook's "Simulated happy path" without running pwsh at generate time (render/ reads it
 * from here, so rendering never depends on the simulator): the simulator runs
 * once (`npm run refresh:timeline`) on a canonical cluster whose every value is a distinct token,
 * the result is stored in templates/runbook/happy-path.json, and each runbook gets that timeline
 * with the tokens replaced by its own cluster's values. Times are left out: the model fits its
 * engine's timings into each cluster's timeouts, so they differ between clusters, while the
 * order of calls, changes and events does not.
 */

/** The canonical cluster, as an inventory: each value a token that occurs nowhere else. */
export const HAPPY_PATH_INVENTORY = [
  'version: 1',
  'clusters:',
  '  - name: TOKCLUSTER',
  '    preset: directory',
  '    nodes: [TOKNODEA, TOKNODEB]',
  '    serviceName: TOKSERVICE',
  '    resourceName: TOKRESOURCE',
  '    restoreKey: SYSTEM\\CurrentControlSet\\Services\\TOKSERVICE\\TOKKEY',
  '    logFolder: C:\\TOKLOGS',
  // Large enough that the model's engine runs at its usual pace (20 s start, 4 min replay).
  '    timeouts: { serviceStartSec: 86391, recoverySec: 86392, resourceOnlineSec: 86393 }',
  '',
].join('\n');

/** Each token of the canonical cluster and where a cluster keeps the value it stands for. */
const TOKENS: [string, (c: ClusterConfig) => string][] = [
  // Longest first: the key's token holds the service's.
  ['SYSTEM\\CurrentControlSet\\Services\\TOKSERVICE\\TOKKEY', (c) => c.restoreKey],
  ['TOKCLUSTER', (c) => c.name],
  ['TOKNODEA', (c) => c.nodes[0]],
  ['TOKSERVICE', (c) => c.serviceName],
  ['TOKRESOURCE', (c) => c.resourceName],
  ['C:\\TOKLOGS', (c) => c.logFolder],
  ['86391', (c) => String(c.timeouts.serviceStartSec)],
  ['86392', (c) => String(c.timeouts.recoverySec)],
  ['86393', (c) => String(c.timeouts.resourceOnlineSec)],
  // The model's clock at the backup, in the file names the script stamps with the run's time.
  ['20240302-030000', () => 'yyyyMMdd-HHmmss'],
];
const TOKEN_VALUE = new Map(TOKENS);
const TOKEN_PATTERN = new RegExp(
  `(?<![A-Za-z0-9])(${TOKENS.map(([t]) => t.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|')})(?![A-Za-z0-9])`,
  'g',
);

/** One line of the stored happy path. Texts hold tokens. */
export type HappyPathLine =
  | { kind: 'action'; command: string; args: string[]; result: string }
  | { kind: 'change'; text: string }
  | {
      kind: 'event';
      log: string;
      source: string;
      id: number;
      expected: boolean | null;
      message: string;
    };

/** One phase of the stored happy path: the checks, a step, or the final check. */
export interface HappyPathBlock {
  id: string;
  status: string;
  checks: string[];
  lines: HappyPathLine[];
  after: { keyPresent: boolean; service: string; resource: string };
}

/** templates/runbook/happy-path.json. */
export interface HappyPathData {
  comment: string;
  inventory: string;
  scenario: 'restored';
  exitCode: number;
  outcome: string | null;
  verdict: string;
  blocks: HappyPathBlock[];
}

export const HAPPY_PATH_FILE = join(packageRoot(), 'templates', 'runbook', 'happy-path.json');

/** A command line as typed: arguments with blanks in double quotes. */
export function commandLine(name: string, args: string[]): string {
  return [name, ...args.map((a) => (/\s/.test(a) || a === '' ? `"${a}"` : a))].join(' ');
}

/** A piece of a runbook line: plain words of the model, or a value for mdCode. */
export interface RunbookPart {
  text: string;
  code: string | null;
}

/** One step of the happy path as the runbook template renders it. */
export interface RunbookHappyBlock {
  /** 'Read-only checks', `Step N: ` and the step's words, or 'Final check'. */
  title: string;
  target: string | null;
  status: string;
  checks: string;
  lines: RunbookPart[][];
  after: { key: string; service: string; resource: string };
}

/** What the runbook template sees of the happy path. */
export interface RunbookHappyPath {
  node: string;
  exitCode: number;
  outcome: string;
  blocks: RunbookHappyBlock[];
}

let stored: HappyPathData | undefined;

/** The stored happy path, read once per process. */
export function loadHappyPath(): HappyPathData {
  stored ??= JSON.parse(readFileSync(HAPPY_PATH_FILE, 'utf8')) as HappyPathData;
  return stored;
}

/** Replaces every token in a text with the cluster's value. */
export function substituteTokens(text: string, cluster: ClusterConfig): string {
  return fillTokens(splitAtTokens(text), cluster);
}

/** A text split at its tokens: the text between them at even indexes, the tokens at odd ones. */
type SplitText = string[];

function splitAtTokens(text: string): SplitText {
  // The pattern's one capturing group is the token, so split keeps the tokens.
  return text.split(TOKEN_PATTERN);
}

function fillTokens(split: SplitText, cluster: ClusterConfig): string {
  let out = split[0];
  for (let i = 1; i < split.length; i += 2)
    out += TOKEN_VALUE.get(split[i])!(cluster) + split[i + 1];
  return out;
}

/**
 * A line of model words with tokens in it, as parts: each blank-separated chunk that holds a
 * token or a character Markdown would read (`\` `*` `_` ...) becomes a code part for mdCode, so
 * the plain parts are words only. Without a cluster the tokens stay in.
 */
export function proseParts(text: string, cluster: ClusterConfig | null): RunbookPart[] {
  const parts: RunbookPart[] = [];
  const plain = (s: string) => {
    if (!s) return;
    const last = parts[parts.length - 1];
    if (last && last.code === null) last.text += s;
    else parts.push({ text: s, code: null });
  };
  for (const chunk of text.split(/(\s+)/)) {
    const m = /^(.*?)([.,:;]?)$/s.exec(chunk)!;
    const [, body, tail] = m;
    TOKEN_PATTERN.lastIndex = 0;
    if (body && (TOKEN_PATTERN.test(body) || /[\\`*_[\]<>|#&~!{}]/.test(body))) {
      parts.push({ text: '', code: cluster ? substituteTokens(body, cluster) : body });
      plain(tail);
    } else {
      plain(chunk);
    }
  }
  return parts;
}

/** A part of a stored line: plain words, or a code part split at its tokens. */
type CompiledPart = { text: string; code: null } | { text: ''; code: SplitText };

/** A stored line split once into parts, tokens still in: values are put in per cluster. */
type CompiledLine =
  | { kind: 'prose'; parts: CompiledPart[] }
  | { kind: 'action'; command: string; args: SplitText[]; tail: CompiledPart[] };

/** proseParts without a cluster, each code part split at its tokens. */
function compiledParts(text: string): CompiledPart[] {
  return proseParts(text, null).map((p) =>
    p.code === null ? { text: p.text, code: null } : { text: '', code: splitAtTokens(p.code) },
  );
}

const compiledCache = new WeakMap<HappyPathData, CompiledLine[][]>();

/** Splitting the words is the same for every cluster: done once per data file, not per runbook. */
function compile(data: HappyPathData): CompiledLine[][] {
  let compiled = compiledCache.get(data);
  if (!compiled) {
    // The code parts keep their tokens until happyPathFor fills them in.
    compiled = data.blocks.map((b) =>
      b.lines.map((l): CompiledLine => {
        switch (l.kind) {
          case 'action':
            return {
              kind: 'action',
              command: l.command,
              args: l.args.map(splitAtTokens),
              tail: l.result
                ? compiledParts(`, answer: ${l.result}.`)
                : [{ text: '.', code: null }],
            };
          case 'change':
            return { kind: 'prose', parts: compiledParts(l.text) };
          case 'event':
            return {
              kind: 'prose',
              parts: compiledParts(
                `${l.log} event ${l.id} from ${l.source}${l.expected === true ? ' (expected, harmless)' : ''}: ${l.message}`,
              ),
            };
        }
      }),
    );
    compiledCache.set(data, compiled);
  }
  return compiled;
}

/** The happy path for one cluster's runbook. */
export function happyPathFor(
  cluster: ClusterConfig,
  data: HappyPathData = loadHappyPath(),
): RunbookHappyPath {
  const compiled = compile(data);
  const steps = new Map(clusterSteps(cluster).map((s) => [s.id as string, s]));
  const fill = (parts: CompiledPart[]): RunbookPart[] =>
    parts.map((p) => (p.code === null ? p : { text: '', code: fillTokens(p.code, cluster) }));
  return {
    node: cluster.nodes[0],
    exitCode: data.exitCode,
    outcome: data.outcome ?? '',
    blocks: data.blocks.map((b, i) => {
      const step = steps.get(b.id);
      return {
        title:
          b.id === 'checks'
            ? 'Read-only checks'
            : b.id === 'final-check'
              ? 'Final check'
              : step
                ? `Step ${stepNumber(step.id)}: ${step.operation}`
                : b.id,
        target: step?.target ?? null,
        status: b.status,
        checks: b.checks.join(', '),
        lines: compiled[i].map((l) =>
          l.kind === 'prose'
            ? fill(l.parts)
            : [
                { text: 'Called ', code: null },
                {
                  text: '',
                  code: commandLine(
                    l.command,
                    l.args.map((a) => fillTokens(a, cluster)),
                  ),
                },
                ...fill(l.tail),
              ],
        ),
        after: {
          key: b.after.keyPresent ? 'present' : 'gone',
          service: b.after.service,
          resource: b.after.resource,
        },
      };
    }),
  };
}

/** A runbook line as plain text (code parts bare), to compare with a real run. */
export function partsText(parts: RunbookPart[]): string {
  return parts.map((p) => p.code ?? p.text).join('');
}
