import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import { InventoryError, IoError, formatPath, type Diagnostic } from '../errors';
import { sha256 } from '../sha256';
import { packageRoot } from '../version';
import { BUILTIN_DEFAULTS, PRESETS, defaultRestoreKey } from './presets';
import { stripHive } from './rules';
import { FIELD_EXAMPLES, InventorySchema, type RawCluster, type RawInventory } from './schema';
import type { ClusterConfig, Inventory, Locator, SettingName } from './types';

type Path = (string | number)[];

/** The inventory that ships with clusrestore, used when none is given. */
export function bundledInventory(): string {
  return join(packageRoot(), 'examples', 'inventory.yaml');
}

/** Reads, parses and validates an inventory file (YAML or JSON). The only inventory I/O. */
export function loadInventory(file: string): Inventory {
  return parseInventory(readInventory(file), file);
}

/** The inventory file's bytes, or an IoError naming it. */
export function readInventory(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new IoError(
      `cannot read the inventory ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  return bytes;
}

/**
 * Parses and validates inventory bytes; `file` is used in messages only. A JSON text is read with
 * JSON.parse (large generated fleets are JSON); YAML, or JSON that JSON.parse refuses, with `yaml`,
 * which locates syntax errors. Problems in the values are located by `yaml` on demand.
 */
export function parseInventory(bytes: Buffer, file: string): Inventory {
  const hash = sha256(bytes);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const locate = lazyLocator(text);
  const json = readJson(text);
  if (json !== undefined)
    return { file, sha256: hash, clusters: checkValue(json, locate, file), locate };
  const { doc, lineCounter } = parseYaml(text);
  return { file, sha256: hash, clusters: checkDocument(doc, lineCounter, locate, file), locate };
}

/** The value of a JSON text, or undefined when it is not JSON (it is then read as YAML). */
function readJson(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `yaml`'s document of a text, with its line counter for locations. */
function parseYaml(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  return { doc, lineCounter };
}

function yamlModule(): typeof import('yaml') {
  // Loaded when first needed: a JSON inventory without problems never needs it.
  return require('yaml') as typeof import('yaml');
}

/**
 * Locates a data path in the text, parsing it with `yaml` on first use: a valid inventory rarely
 * needs a location (a value refused for .cmd), and the document of 10,000 clusters takes 100 MB.
 */
function lazyLocator(text: string): Locator {
  let locate: Locator | undefined;
  return (path, opts) => {
    if (!locate) {
      const { doc, lineCounter } = parseYaml(text);
      locate = makeLocator(doc, lineCounter);
    }
    return locate(path, opts);
  };
}

/** Every problem of a parsed document at once (InventoryError), or its resolved clusters. */
function checkDocument(
  doc: Document,
  lineCounter: LineCounter,
  locate: Locator,
  file: string,
): ClusterConfig[] {
  if (doc.errors.length > 0) {
    throw new InventoryError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: '(syntax)',
          message: firstLine(e.message),
        };
      }),
    );
  }
  return checkValue(doc.toJS() ?? {}, locate, file);
}

/** Every problem of an inventory's value at once (InventoryError), or its resolved clusters. */
function checkValue(value: unknown, locate: Locator, file: string): ClusterConfig[] {
  const parsed = InventorySchema.safeParse(value, { reportInput: true });
  const diagnostics: Diagnostic[] = [];
  const report: Reporter = (path, message, at = path, onKey = false) => {
    const { line, col } = locate(at, { key: onKey });
    diagnostics.push({ file, line, col, path: formatPath(path), message });
  };

  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, report);
    throw new InventoryError(sortDiagnostics(diagnostics));
  }
  const clusters = resolveClusters(parsed.data, report);
  if (diagnostics.length > 0) throw new InventoryError(sortDiagnostics(diagnostics));
  return clusters;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}

type Reporter = (path: Path, message: string, at?: Path, onKey?: boolean) => void;

function reportIssue(issue: z.core.$ZodIssue, report: Reporter): void {
  const path = issue.path as Path;
  const key = String([...path].reverse().find((p) => typeof p === 'string') ?? '');
  const example = FIELD_EXAMPLES[key] ? ` Example: ${FIELD_EXAMPLES[key]}` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const k of issue.keys) {
        const known = knownKeys(path);
        const hint = suggest(k, known);
        report(
          [...path, k],
          `unknown key "${k}".${hint ? ` Did you mean "${hint}"?` : ''} Known keys here: ${known.join(', ')}`,
          [...path, k],
          true,
        );
      }
      return;
    case 'invalid_type':
      if (issue.input === undefined) {
        report(path, `missing required field "${key}".${example}`);
      } else {
        report(
          path,
          `expected ${article(issue.expected)}, got ${describeInput(issue.input)}.${example}`,
        );
      }
      return;
    case 'invalid_value':
      if (issue.input === undefined) {
        report(path, `missing required field "${key}".${example}`);
        return;
      }
      report(
        path,
        `${JSON.stringify(issue.input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.${example}`,
      );
      return;
    case 'too_small':
      report(
        path,
        issue.origin === 'array'
          ? `must list at least ${issue.minimum}.${example}`
          : `must be at least ${issue.minimum}.${example}`,
      );
      return;
    case 'too_big':
      report(path, `must be at most ${issue.maximum}.${example}`);
      return;
    case 'custom':
      report(path, issue.message);
      return;
    default:
      report(path, `${issue.message}.${example}`);
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeInput(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isInteger(v)) return `the fraction ${v}`;
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

const SETTING_KEYS = [
  'preset',
  'serviceName',
  'resourceName',
  'restoreKey',
  'timeouts',
  'logFolder',
  'formats',
];
function knownKeys(path: Path): string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return ['version', 'defaults', 'clusters'];
  if (last === 'timeouts') return ['serviceStartSec', 'recoverySec', 'resourceOnlineSec'];
  if (last === 'defaults') return SETTING_KEYS;
  return ['name', 'nodes', ...SETTING_KEYS];
}

/** The known key closest to a misspelt one (edit distance at most 2), for "Did you mean". */
function suggest(word: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDist) [best, bestDist] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** Applies presets and defaults, and checks what spans clusters (duplicates). */
function resolveClusters(raw: RawInventory, report: Reporter): ClusterConfig[] {
  const defaults = raw.defaults ?? {};
  const seenCluster = new Map<string, number>();
  const seenNode = new Map<string, number>();
  const out: ClusterConfig[] = [];

  raw.clusters.forEach((c: RawCluster, i) => {
    const at = (...p: Path): Path => ['clusters', i, ...p];
    const first = seenCluster.get(c.name.toUpperCase());
    if (first !== undefined) {
      report(
        at('name'),
        `duplicate cluster name "${c.name}" (also clusters[${first}]; names are not case sensitive). Example: name: ${c.name}2`,
      );
    } else seenCluster.set(c.name.toUpperCase(), i);

    const local = new Set<string>();
    c.nodes.forEach((n, j) => {
      const u = n.toUpperCase();
      if (local.has(u))
        report(
          at('nodes', j),
          `node "${n}" is listed twice in this cluster. Example: nodes: [EXNODE1, EXNODE2]`,
        );
      else if (seenNode.has(u) && seenNode.get(u) !== i)
        report(
          at('nodes', j),
          `node "${n}" is already a node of clusters[${seenNode.get(u)}]; a node belongs to one cluster. Example: nodes: [EXNODE3]`,
        );
      local.add(u);
      if (!seenNode.has(u)) seenNode.set(u, i);
    });
    if (c.formats && new Set(c.formats).size !== c.formats.length)
      report(at('formats'), `lists a format twice. Example: ${FIELD_EXAMPLES.formats}`);

    const sources = {} as Record<SettingName, Path>;
    const pick = <T>(
      name: SettingName,
      own: T | undefined,
      def: T | undefined,
      ownPath: Path,
      defPath: Path,
      fallback: () => T,
      fallbackPath: Path,
    ): T => {
      if (own !== undefined) return ((sources[name] = ownPath), own);
      if (def !== undefined) return ((sources[name] = defPath), def);
      sources[name] = fallbackPath;
      return fallback();
    };
    const presetName = pick(
      'preset',
      c.preset,
      defaults.preset,
      at('preset'),
      ['defaults', 'preset'],
      () => undefined,
      at(),
    );
    if (presetName === undefined) {
      report(
        at(),
        `missing required field "preset" (set it here or in defaults). Example: ${FIELD_EXAMPLES.preset}`,
        at(),
      );
      return;
    }
    const preset = PRESETS[presetName];
    const presetPath = sources.preset;
    const serviceName = pick(
      'serviceName',
      c.serviceName,
      defaults.serviceName,
      at('serviceName'),
      ['defaults', 'serviceName'],
      () => preset.serviceName,
      presetPath,
    );
    const timeout = (k: keyof typeof BUILTIN_DEFAULTS.timeouts) =>
      pick(
        `timeouts.${k}`,
        c.timeouts?.[k],
        defaults.timeouts?.[k],
        at('timeouts', k),
        ['defaults', 'timeouts', k],
        () => BUILTIN_DEFAULTS.timeouts[k],
        presetPath,
      );
    const restoreKey = pick(
      'restoreKey',
      c.restoreKey,
      defaults.restoreKey,
      at('restoreKey'),
      ['defaults', 'restoreKey'],
      () => defaultRestoreKey(serviceName),
      sources.serviceName,
    );
    sources.name = at('name');
    sources.nodes = at('nodes');
    out.push({
      name: c.name,
      nodes: c.nodes,
      preset: presetName,
      serviceName,
      resourceName: pick(
        'resourceName',
        c.resourceName,
        defaults.resourceName,
        at('resourceName'),
        ['defaults', 'resourceName'],
        () => preset.resourceName,
        presetPath,
      ),
      restoreKey: stripHive(restoreKey) ?? restoreKey,
      timeouts: {
        serviceStartSec: timeout('serviceStartSec'),
        recoverySec: timeout('recoverySec'),
        resourceOnlineSec: timeout('resourceOnlineSec'),
      },
      logFolder: pick(
        'logFolder',
        c.logFolder,
        defaults.logFolder,
        at('logFolder'),
        ['defaults', 'logFolder'],
        () => BUILTIN_DEFAULTS.logFolder,
        presetPath,
      ),
      formats: [
        ...pick(
          'formats',
          c.formats,
          defaults.formats,
          at('formats'),
          ['defaults', 'formats'],
          () => [...BUILTIN_DEFAULTS.formats],
          presetPath,
        ),
      ].sort(),
      sources,
    });
  });
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** Maps a data path to the line and column of its node, or of its nearest existing parent. */
function makeLocator(doc: Document, lc: LineCounter): Locator {
  return (path, opts) => {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const node =
        prefix.length === 0 ? doc.contents : (doc.getIn(prefix, true) as Node | undefined);
      // An unknown key: point at the key itself, not its value.
      const key = opts?.key && n === path.length && n > 0 ? keyNode(doc, prefix) : undefined;
      const target = key ?? node;
      if (target && (target as Node).range) return lc.linePos((target as Node).range![0]);
    }
    return { line: 1, col: 1 };
  };
}

function keyNode(doc: Document, path: Path): Node | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const { isMap, isScalar } = yamlModule();
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}
