import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { UsageError, formatPath, type Diagnostic } from '../errors';
import type { Format } from '../inventory/presets';
import { cmdProblem, type CmdField } from '../inventory/rules';
import type { ClusterConfig, Inventory, SettingName } from '../inventory/types';
import {
  renderText,
  templateContext,
  outputFileNames,
  type TemplateContext,
} from '../render/engine';
import { encodeOutput } from '../render/output';
import { checkBytes } from '../validate/bytes';
import { TOOL_VERSION } from '../version';
import { clusterSteps, type Step } from './steps';

/** What a run does to one file. */
export type FileStatus = 'create' | 'update' | 'unchanged' | 'conflict';

/** One output file of the plan. */
export interface PlannedFile {
  /** Path relative to the output folder, with `/`. */
  path: string;
  cluster: string;
  format: Format;
  status: FileStatus;
  /** True when --force turned a hand-edited file into an update. */
  forced: boolean;
  sha256: string;
  /** The file's bytes: kept from planning for small runs, rendered again for large ones. */
  content(): Buffer;
  /** Unified diff against the file on disk, for updates and conflicts (text formats only). */
  diff?: string;
}

/** One cluster's part of the plan. */
export interface ClusterPlan {
  name: string;
  preset: string;
  nodes: string[];
  steps: Step[];
  files: PlannedFile[];
  /** Formats refused for this cluster (cmd allow-list), each located. */
  refused: Diagnostic[];
}

/** The manifest written to `<out>/manifest.json`. */
export interface Manifest {
  tool: 'clusrestore';
  version: string;
  inventorySha256: string;
  files: Record<
    string,
    { sha256: string; cluster: string; format: Format; inventorySha256: string }
  >;
}

/** The whole plan: what a real run writes, what a dry run shows. */
export interface Plan {
  outDir: string;
  inventory: { file: string; sha256: string };
  clusters: ClusterPlan[];
  /** Files an earlier run wrote that this inventory no longer produces: left in place, named. */
  orphans: string[];
  manifest: { status: FileStatus; bytes: Buffer };
  /** Problems the output checks found (a template bug): the run must not write. */
  checkProblems: string[];
  summary: Record<FileStatus, number>;
}

/** The state of the output folder that a plan compares against (see out-state.ts). */
export interface OutState {
  manifest: Manifest | undefined;
  manifestBytes: Buffer | undefined;
  /** Reads a file below the output folder, or undefined when there is none. */
  read(path: string): Buffer | undefined;
}

export interface PlanOptions {
  outDir: string;
  /** Only these clusters (names as in the inventory, any case). */
  clusters?: string[];
  /** Only these formats. */
  formats?: Format[];
  /** Overwrite hand-edited files. */
  force?: boolean;
  /** Compute a unified diff for each update and conflict (the dry run shows them). */
  diffs?: boolean;
  /** Called after each cluster is rendered. */
  onProgress?: (done: number, total: number) => void;
}

const CMD_FIELDS: {
  setting: SettingName;
  field: CmdField;
  values: (c: ClusterConfig) => string[];
}[] = [
  { setting: 'name', field: 'clusterName', values: (c) => [c.name] },
  { setting: 'nodes', field: 'nodeName', values: (c) => c.nodes },
  { setting: 'serviceName', field: 'serviceName', values: (c) => [c.serviceName] },
  { setting: 'resourceName', field: 'resourceName', values: (c) => [c.resourceName] },
  { setting: 'restoreKey', field: 'restoreKey', values: (c) => [c.restoreKey] },
  { setting: 'logFolder', field: 'logFolder', values: (c) => [c.logFolder] },
];

/** Why this cluster gets no .cmd: each value outside its cmd allow-list, located. */
export function cmdRefusals(inv: Inventory, c: ClusterConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { setting, field, values } of CMD_FIELDS) {
    values(c).forEach((value, i) => {
      const problem = cmdProblem(field, value);
      if (!problem) return;
      const path = setting === 'nodes' ? [...c.sources.nodes, i] : c.sources[setting];
      const { line, col } = inv.locate(path);
      out.push({
        file: inv.file,
        line,
        col,
        path: formatPath(path),
        message: `${JSON.stringify(value)}: ${problem}. No .cmd is written for cluster ${c.name}; remove cmd from its formats to silence this.`,
      });
    });
  }
  return out;
}

// Made outside buildPlan's loop on purpose: a closure over `bytes` created in the loop's scope
// would make V8 keep every file's bytes alive through the other closures there too.
function renderer(format: Format, context: TemplateContext): () => Buffer {
  return () => encodeOutput(format, renderText(format, context));
}

function constant(bytes: Buffer): () => Buffer {
  return () => bytes;
}

/** Rendered bytes a plan keeps in memory before it renders files again when writing them. */
const RETAIN_BUDGET = 64 * 1024 * 1024;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Builds the plan: renders every file in memory and compares it with the output folder. */
export function buildPlan(inv: Inventory, state: OutState, opts: PlanOptions): Plan {
  const selected = selectClusters(inv, opts.clusters);
  const summary: Record<FileStatus, number> = { create: 0, update: 0, unchanged: 0, conflict: 0 };
  const checkProblems: string[] = [];
  const oldFiles = state.manifest?.files ?? {};
  const manifestFiles: Manifest['files'] = { ...oldFiles };
  const clusters: ClusterPlan[] = [];

  // Large fleets would hold hundreds of megabytes of rendered bytes; past this budget a file is
  // rendered again when written instead of kept (rendering is deterministic and cheap).
  let retained = 0;
  selected.forEach((c, index) => {
    const names = outputFileNames(c.name);
    const refused = c.formats.includes('cmd') ? cmdRefusals(inv, c) : [];
    const formats = c.formats.filter(
      (f) => (!opts.formats || opts.formats.includes(f)) && !(f === 'cmd' && refused.length),
    );
    const context = templateContext(c, inv.sha256);
    const files = formats.map((format): PlannedFile => {
      const path = `${c.name}/${names[format]}`;
      const render = renderer(format, context);
      const bytes = render();
      for (const p of checkBytes(format, bytes)) checkProblems.push(`${path}: ${p}`);
      const keep = retained + bytes.length <= RETAIN_BUDGET;
      if (keep) retained += bytes.length;
      const content = keep ? constant(bytes) : render;
      const file = compareWithDisk(path, c.name, format, bytes, content, state, opts);
      summary[file.status]++;
      manifestFiles[path] = {
        sha256: file.sha256,
        cluster: c.name,
        format,
        inventorySha256: inv.sha256,
      };
      return file;
    });
    clusters.push({
      name: c.name,
      preset: c.preset,
      nodes: c.nodes,
      steps: clusterSteps(c),
      files,
      refused,
    });
    opts.onProgress?.(index + 1, selected.length);
  });

  // Files an earlier run wrote that this one no longer produces: their cluster left the
  // inventory, or the cluster no longer gets that format (removed, or refused for .cmd). They stay
  // on disk and in the manifest (nothing is deleted), and the plan names them so nobody runs a
  // stale script by mistake.
  const known = new Set(inv.clusters.map((c) => c.name.toUpperCase()));
  const selectedNames = new Set(selected.map((c) => c.name.toUpperCase()));
  const produced = new Set(clusters.flatMap((c) => c.files.map((f) => f.path)));
  const orphans = Object.entries(oldFiles)
    .filter(([path, f]) => {
      const cluster = f.cluster.toUpperCase();
      if (!known.has(cluster)) return true;
      const inScope =
        selectedNames.has(cluster) && (!opts.formats || opts.formats.includes(f.format));
      return inScope && !produced.has(path);
    })
    .map(([p]) => p)
    .sort();
  const manifest: Manifest = {
    tool: 'clusrestore',
    version: TOOL_VERSION,
    inventorySha256: inv.sha256,
    files: Object.fromEntries(
      Object.entries(manifestFiles).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const manifestStatus: FileStatus = !state.manifestBytes
    ? 'create'
    : state.manifestBytes.equals(manifestBytes)
      ? 'unchanged'
      : 'update';
  return {
    outDir: opts.outDir,
    inventory: { file: inv.file, sha256: inv.sha256 },
    clusters,
    orphans,
    manifest: { status: manifestStatus, bytes: manifestBytes },
    checkProblems,
    summary,
  };
}

function selectClusters(inv: Inventory, names: string[] | undefined): ClusterConfig[] {
  if (!names || names.length === 0) return inv.clusters;
  const wanted = new Set(names.map((n) => n.toUpperCase()));
  const unknown = names.filter(
    (n) => !inv.clusters.some((c) => c.name.toUpperCase() === n.toUpperCase()),
  );
  if (unknown.length) {
    throw new UsageError(
      `--cluster ${unknown.join(', ')}: not in ${inv.file}. Clusters there: ${inv.clusters.map((c) => c.name).join(', ')}`,
    );
  }
  return inv.clusters.filter((c) => wanted.has(c.name.toUpperCase()));
}

function compareWithDisk(
  path: string,
  cluster: string,
  format: Format,
  bytes: Buffer,
  content: () => Buffer,
  state: OutState,
  opts: PlanOptions,
): PlannedFile {
  const hash = sha256(bytes);
  const base = { path, cluster, format, sha256: hash, content, forced: false };
  const current = state.read(path);
  if (!current) return { ...base, status: 'create' };
  if (current.equals(bytes)) return { ...base, status: 'unchanged' };
  const diff = opts.diffs ? unifiedDiff(path, current, bytes, format) : undefined;
  const recorded = state.manifest?.files[path]?.sha256;
  // A file whose bytes are not what clusrestore last wrote was edited by hand (or is not ours).
  if (recorded !== sha256(current)) {
    return opts.force
      ? { ...base, status: 'update', forced: true, diff }
      : { ...base, status: 'conflict', diff };
  }
  return { ...base, status: 'update', diff };
}

function unifiedDiff(path: string, before: Buffer, after: Buffer, format: Format): string {
  const decode = (b: Buffer) =>
    b
      .toString(format === 'cmd' ? 'latin1' : 'utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\r\n/g, '\n');
  return createTwoFilesPatch(
    `a/${path}`,
    `b/${path}`,
    decode(before),
    decode(after),
    undefined,
    undefined,
    { context: 3 },
  );
}
