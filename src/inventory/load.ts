import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Alias, Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import { InventoryError, IoError, formatPath, fsErrorText, type Diagnostic } from '../errors';
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

/** The names an inventory in the current folder is looked for under, in this order. */
export const LOCAL_INVENTORIES = ['inventory.yaml', 'inventory.yml', 'inventory.json'];

/**
 * The inventory to read when none is named: ./inventory.yaml (or .yml, .json) when there is one
 * in `cwd`, else the bundled example; `why` says which, for the message every command prints.
 */
export function defaultInventory(cwd: string): { file: string; why: string } {
  const local = LOCAL_INVENTORIES.find((name) => existsSync(join(cwd, name)));
  if (local) return { file: local, why: 'found in this folder; name a file to read another' };
  return {
    file: bundledInventory(),
    why: `the bundled example: no ${LOCAL_INVENTORIES.join(', ')} in this folder (clusrestore init writes one)`,
  };
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
    throw new IoError(`cannot read the inventory ${file}: ${fsErrorText(err)}`);
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
  const encoding = encodingProblem(bytes, file);
  if (encoding) throw new InventoryError([{ file, ...encoding, path: '(file)' }]);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const locate = lazyLocator(text);
  const json = readJson(text);
  if (json !== undefined)
    return { file, sha256: hash, clusters: checkValue(json, locate, file), locate };
  const { doc, lineCounter } = parseYaml(text);
  return { file, sha256: hash, clusters: checkDocument(doc, lineCounter, locate, file), locate };
}

/**
 * Why the bytes are not a UTF-8 text, located, or undefined. Decoding them anyway would turn each
 * bad byte into U+FFFD, which would then reach the scripts as a value.
 */
export function encodingProblem(
  bytes: Buffer,
  file = 'FILE',
): { line: number; col: number; message: string } | undefined {
  const name = basename(file);
  const to = name.replace(/(\.[^.]*)?$/, '.utf8$1');
  const fix = (from: string) =>
    `Save it as UTF-8: in PowerShell, Get-Content -Path ${name} | Set-Content -Encoding UTF8 -Path ${to}; or iconv -f ${from} -t UTF-8 ${name} > ${to}`;
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'UTF-16 little-endian with a byte-order mark'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'UTF-16 big-endian with a byte-order mark'
        : bytes.length >= 4 && bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0
          ? 'UTF-16 little-endian'
          : bytes.length >= 4 &&
              bytes[0] === 0 &&
              bytes[1] !== 0 &&
              bytes[2] === 0 &&
              bytes[3] !== 0
            ? 'UTF-16 big-endian'
            : undefined;
  if (utf16)
    return {
      line: 1,
      col: 1,
      message: `the file is ${utf16}, as Windows PowerShell 5.1's > and Out-File write text; clusrestore reads UTF-8 only. ${fix('UTF-16')}.`,
    };
  if (isUtf8(bytes)) {
    const nul = bytes.indexOf(0);
    if (nul < 0) return undefined;
    return {
      ...bytePosition(bytes, nul),
      message: `byte 0x00 (NUL) at offset ${nul}: this is not a text file. An inventory is a YAML or JSON text file.`,
    };
  }
  const bad = firstInvalidUtf8(bytes);
  return {
    ...bytePosition(bytes, bad),
    message: bytes.includes(0)
      ? `byte 0x${hex(bytes[bad])} at offset ${bad} is not valid UTF-8, and the file holds NUL bytes: this is not a text file. An inventory is a YAML or JSON text file.`
      : `byte 0x${hex(bytes[bad])} at offset ${bad} is not valid UTF-8; the file was perhaps saved in a legacy code page such as Windows-1252. ${fix('WINDOWS-1252')}.`,
  };
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Line and column (in bytes, 1-based) of a byte offset. */
function bytePosition(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1))
    [line, start] = [line + 1, i + 1];
  return { line, col: offset - start + 1 };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(b: Buffer): number {
  // The offset of the sequence's first byte: in a Windows-1252 file that is the byte that shows.
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n =
      c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (i + 1 >= b.length || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return 0;
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
          message:
            e.code === 'MULTIPLE_DOCS'
              ? 'a second YAML document starts here (a line ---): an inventory is one document. Remove the --- line, or keep the clusters of every document under one clusters: list.'
              : firstLine(e.message),
        };
      }),
    );
  }
  return checkValue(documentValue(doc, lineCounter, file) ?? {}, locate, file);
}

/**
 * How many nodes one alias may stand for, counting the aliases inside the node it names (the
 * `yaml` package's `maxAliasCount`, at its own default). Aliases of anchors that hold aliases
 * multiply: nine levels of nine make 387 million strings from a 1 KB file ("billion laughs").
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * The document's value, or an InventoryError located at the alias `yaml` could not resolve: one
 * that stands for too many nodes, or names no anchor before it. Each alias records itself when
 * its resolution throws, since `yaml`'s error says neither which alias nor where.
 */
function documentValue(doc: Document, lineCounter: LineCounter, file: string): unknown {
  const { visit } = yamlModule();
  let culprit: Alias | undefined;
  visit(doc, {
    Alias: (_key, node) => {
      const own = node.toJSON;
      node.toJSON = function (this: Alias, ...args: Parameters<Alias['toJSON']>) {
        try {
          return own.apply(this, args) as unknown;
        } catch (err) {
          culprit ??= this;
          throw err;
        }
      };
    },
  });
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (err) {
    if (!culprit || !(err instanceof ReferenceError)) throw err;
    const at = culprit.range ? lineCounter.linePos(culprit.range[0]) : { line: 1, col: 1 };
    const path = pathOfNode(doc.contents, culprit, []);
    const name = `*${culprit.source}`;
    throw new InventoryError([
      {
        file,
        line: at.line,
        col: at.col,
        path: path ? formatPath(path) : '(syntax)',
        message: /excessive alias count/i.test(err.message)
          ? `the alias ${name} stands for more than ${MAX_ALIAS_COUNT} nodes once the aliases inside it are counted: aliases of anchors that hold aliases multiply (a "billion laughs") and would exhaust memory, so the file is refused. Write the values out, or alias only a node that holds no alias.`
          : `the alias ${name} names no anchor set before it. Put &${culprit.source} on the node it stands for, above this line, or write the value out.`,
      },
    ]);
  }
}

/** The data path of a node in a document (a map key's node gives its map's path), or undefined. */
function pathOfNode(node: unknown, target: Node, path: Path): Path | undefined {
  if (node === target) return path;
  const { isMap, isSeq, isScalar } = yamlModule();
  if (isMap(node))
    for (const pair of node.items) {
      if (pair.key === target) return path;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const found = pathOfNode(pair.value, target, [...path, key]);
      if (found) return found;
    }
  if (isSeq(node))
    for (const [i, item] of node.items.entries()) {
      const found = pathOfNode(item, target, [...path, i]);
      if (found) return found;
    }
  return undefined;
}

/** Every problem of an inventory's value at once (InventoryError), or its resolved clusters. */
function checkValue(value: unknown, locate: Locator, file: string): ClusterConfig[] {
  const parsed = InventorySchema.safeParse(value, { reportInput: true });
  const diagnostics: Diagnostic[] = [];
  const report: Reporter = (path, message, at = path, onKey = false) => {
    const { line, col } = locate(at, { key: onKey });
    diagnostics.push({ file, line, col, path: formatPath(path), message });
  };

  // Read from the raw value, so that a duplicate shows with every other problem, not after them.
  reportDuplicates(value, report);
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

/**
 * Names given twice: a cluster name across the inventory, a node across clusters or within one,
 * a format within a list. Read from the raw value, whatever else is wrong with it.
 */
function reportDuplicates(value: unknown, report: Reporter): void {
  const clusters = (value as { clusters?: unknown } | null)?.clusters;
  if (!Array.isArray(clusters)) return;
  const raw = clusters.map((c) =>
    c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {},
  );
  const taken = new Set(
    raw.flatMap((c) => (typeof c.name === 'string' ? [c.name.toUpperCase()] : [])),
  );
  const seenCluster = new Map<string, number>();
  const seenNode = new Map<string, number>();
  raw.forEach((c, i) => {
    const at = (...p: Path): Path => ['clusters', i, ...p];
    if (typeof c.name === 'string') {
      const first = seenCluster.get(c.name.toUpperCase());
      if (first !== undefined) {
        const free = freeName(c.name, taken);
        taken.add(free.toUpperCase());
        report(
          at('name'),
          `duplicate cluster name "${c.name}" (also clusters[${first}]; names are not case sensitive). Example: name: ${free}`,
        );
      } else seenCluster.set(c.name.toUpperCase(), i);
    }
    const local = new Set<string>();
    if (Array.isArray(c.nodes))
      c.nodes.forEach((n: unknown, j) => {
        if (typeof n !== 'string') return;
        const u = n.toUpperCase();
        if (local.has(u))
          report(
            at('nodes', j),
            `node "${n}" is listed twice in this cluster (names are not case sensitive). Example: nodes: [EXNODE1, EXNODE2]`,
          );
        else if (seenNode.has(u) && seenNode.get(u) !== i)
          report(
            at('nodes', j),
            `node "${n}" is already a node of clusters[${seenNode.get(u)}]; a node belongs to one cluster. Example: nodes: [EXNODE3]`,
          );
        local.add(u);
        if (!seenNode.has(u)) seenNode.set(u, i);
      });
    if (Array.isArray(c.formats) && new Set(c.formats).size !== c.formats.length)
      report(at('formats'), `lists a format twice. Example: ${FIELD_EXAMPLES.formats}`);
  });
}

/**
 * A cluster name no other cluster has, for the example of a duplicate: the trailing number
 * counted up (EXCL01 -> EXCL02), or a 2 added; at most 15 characters, as NetBIOS allows.
 */
export function freeName(name: string, taken: Set<string>): string {
  const m = /^(.*?)(\d*)$/.exec(name)!;
  const [stem, digits] = [m[1], m[2]];
  for (let n = digits ? Number(digits) + 1 : 2; n < 100000; n++) {
    const num = String(n).padStart(digits.length, '0');
    const candidate = stem.slice(0, 15 - num.length) + num;
    if (!taken.has(candidate.toUpperCase())) return candidate;
  }
  return name;
}

/** Applies presets and defaults. */
function resolveClusters(raw: RawInventory, report: Reporter): ClusterConfig[] {
  const defaults = raw.defaults ?? {};
  const out: ClusterConfig[] = [];

  raw.clusters.forEach((c: RawCluster, i) => {
    const at = (...p: Path): Path => ['clusters', i, ...p];
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
