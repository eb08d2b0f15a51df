import { UsageError, formatPath, type Diagnostic } from '../errors';
import type { Format } from '../inventory/presets';
import { CMD_FIELDS, cmdProblem } from '../inventory/rules';
import type { ClusterConfig, Inventory } from '../inventory/types';
import {
  outputFolder,
  outputPath,
  renderFile,
  renderText,
  templateContext,
} from '../render/engine';
import { Scratch, encodeOutput } from '../render/output';
import { sha256 } from '../sha256';
import { checkBytes } from '../checks/bytes';
import { TOOL_VERSION } from '../version';
import { clusterSteps, type Step } from '../procedure/steps';
import { isPrunablePath, planDeletion, type PlannedDeletion } from './prune';

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
  /** SHA-256 of the file on disk when planned; absent when there was none (a create). */
  diskSha256?: string;
}

/** One cluster's part of the plan. */
export interface ClusterPlan {
  name: string;
  /** SHA-256 of the resolved settings the cluster's files are made from, named in their headers. */
  settingsSha256: string;
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
  /** SHA-256 of the inventory the last run read. */
  inventorySha256: string;
  files: Record<string, ManifestEntry>;
}

/** What the manifest records of one file. */
export interface ManifestEntry {
  /** SHA-256 of the bytes written. */
  sha256: string;
  cluster: string;
  format: Format;
  /** SHA-256 of the cluster settings the file was made from (its header names it). */
  settingsSha256?: string;
}

/** The whole plan: what a real run writes, what a dry run shows. */
export interface Plan {
  outDir: string;
  inventory: { file: string; sha256: string };
  clusters: ClusterPlan[];
  /** Files an earlier run wrote that this inventory no longer produces: left in place, named. */
  orphans: string[];
  /** With `prune`: the orphans this run deletes (or, edited by hand, refuses to). */
  deletions: PlannedDeletion[];
  /** The plan was made with --prune. */
  prune: boolean;
  manifest: {
    status: FileStatus;
    bytes: Buffer;
    /** What the bytes hold. */
    content: Manifest;
    /** The entries of the manifest the plan was compared with (none on a first run). */
    previous: Record<string, ManifestEntry>;
  };
  /** Problems the output checks found (a template bug): the run must not write. */
  checkProblems: string[];
  summary: PlanSummary;
}

/** How many files have each status, and how many orphans are deleted (status `delete`). */
export type PlanSummary = Record<FileStatus, number> & { delete: number };

/** The state of the output folder that a plan compares against (see out-state.ts). */
export interface OutState {
  manifest: Manifest | undefined;
  manifestBytes: Buffer | undefined;
  /** Reads a file below the output folder, or undefined when there is none. */
  read(path: string): Buffer | undefined;
  /**
   * False when nothing is at a path below the output folder (see out-state.ts); without it, a
   * plan reads each file to find out.
   */
  exists?(path: string): boolean;
}

export interface PlanOptions {
  outDir: string;
  /** Only these clusters (names as in the inventory, any case). */
  clusters?: string[];
  /** Only these formats. */
  formats?: Format[];
  /** Overwrite hand-edited files (and, with prune, delete hand-edited orphans). */
  force?: boolean;
  /** Delete the orphans in scope (see prune.ts) whose bytes are what clusrestore wrote. */
  prune?: boolean;
  /** Compute a unified diff for each update and conflict (the dry run shows them). */
  diffs?: boolean;
  /** Called after each cluster is rendered. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Rendered bytes to keep for content() (RETAIN_BUDGET when not given). A dry run reads no
   * content and keeps none.
   */
  retainBytes?: number;
}

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

/**
 * Rendered bytes a plan keeps in memory before it renders files again when asked for them:
 * enough for the files of 1,000 clusters (some 130 MB), whose first run rendered half of them
 * twice with 64 MB (about 10% of its CPU time).
 */
const RETAIN_BUDGET = 160 * 1024 * 1024;

/** Each file's bytes are rendered into this buffer and copied only if kept. */
const scratch = new Scratch();

/**
 * Builds the plan: renders every file in memory, checks its bytes and compares it with the
 * output folder (the one place a file's status is decided), then lists the orphans and the new
 * manifest. Writes nothing.
 */
export function buildPlan(inv: Inventory, state: OutState, opts: PlanOptions): Plan {
  const selected = selectClusters(inv, opts.clusters);
  const oldFiles = state.manifest?.files ?? {};
  const disk: Disk = {
    read: state.read,
    recorded: (path) => (Object.hasOwn(oldFiles, path) ? oldFiles[path].sha256 : undefined),
    force: !!opts.force,
    diffs: !!opts.diffs,
  };
  const exists = state.exists ?? (() => true);
  const clusters: ClusterPlan[] = [];
  const checkProblems: string[] = [];
  // Large fleets would hold hundreds of megabytes of rendered bytes; past this budget a file is
  // rendered again when asked for instead of kept (rendering is deterministic).
  const budget = opts.retainBytes ?? RETAIN_BUDGET;
  let retained = 0;
  for (const [i, c] of selected.entries()) {
    const refused = c.formats.includes('cmd') ? cmdRefusals(inv, c) : [];
    const formats = c.formats.filter(
      (f) => (!opts.formats || opts.formats.includes(f)) && !(f === 'cmd' && refused.length),
    );
    const context = templateContext(c);
    // A file the manifest records is read. For one it does not know (a first run, a new
    // cluster), one look at the cluster's folder saves a failed open per file, and the error
    // Node builds for each.
    let folderThere: boolean | undefined;
    const files: PlannedFile[] = [];
    for (const format of formats) {
      const path = outputPath(c.name, format);
      const { bytes, sha256: hash } = renderFile(format, context, scratch);
      for (const p of checkBytes(format, bytes)) checkProblems.push(`${path}: ${p}`);
      const mayExist =
        disk.recorded(path) !== undefined || (folderThere ??= exists(outputFolder(c.name)));
      let kept: Buffer | undefined;
      if (retained + bytes.length <= budget) {
        retained += bytes.length;
        kept = Buffer.from(bytes);
      }
      files.push({
        ...compareWithDisk(path, c.name, format, bytes, hash, disk, mayExist),
        content: contentOf(c, format, kept),
      });
    }
    clusters.push({
      name: c.name,
      settingsSha256: context.settingsSha256,
      preset: c.preset,
      nodes: c.nodes,
      steps: clusterSteps(c),
      files,
      refused,
    });
    opts.onProgress?.(i + 1, selected.length);
  }

  const summary: PlanSummary = { create: 0, update: 0, unchanged: 0, conflict: 0, delete: 0 };
  // The manifest's entries: this run's files, then the old manifest's others as they were.
  const entries: [string, ManifestEntry][] = [];
  const produced = new Set<string>();
  for (const c of clusters) {
    for (const file of c.files) {
      summary[file.status]++;
      produced.add(file.path);
      entries.push([
        file.path,
        {
          sha256: file.sha256,
          cluster: c.name,
          format: file.format,
          settingsSha256: c.settingsSha256,
        },
      ]);
    }
  }

  // Files an earlier run wrote that this one no longer produces: their cluster left the
  // inventory, or the cluster no longer gets that format (removed, or refused for .cmd). They
  // stay on disk and in the manifest, and the plan names them so nobody runs a stale script by
  // mistake; once deleted by hand, they leave the manifest too. --prune deletes those in scope
  // (of a cluster that left the inventory only when no --cluster narrows the run).
  const known = new Set(inv.clusters.map((c) => c.name.toUpperCase()));
  const selectedNames = new Set(selected.map((c) => c.name.toUpperCase()));
  const orphans: string[] = [];
  const deletions: PlannedDeletion[] = [];
  for (const [path, f] of Object.entries(oldFiles)) {
    if (produced.has(path)) continue;
    const cluster = f.cluster.toUpperCase();
    const formatInScope = !opts.formats || opts.formats.includes(f.format);
    const inScope = selectedNames.has(cluster) && formatInScope;
    const orphan = !known.has(cluster) || inScope;
    // An orphan deleted as advised is forgotten: the manifest lists only what is on disk.
    if (orphan && !exists(path)) continue;
    if (orphan) orphans.push(path);
    // Deleted by the run, so it leaves the manifest (a blocked run writes none).
    const pruned = opts.prune && formatInScope && (inScope || !opts.clusters?.length);
    if (orphan && pruned && isPrunablePath(path)) {
      const d = planDeletion(path, f, state.read(path), !!opts.force);
      if (d) (deletions.push(d), summary[d.status]++);
      continue;
    }
    entries.push([path, f]);
  }
  orphans.sort();
  deletions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = {
    tool: 'clusrestore',
    version: TOOL_VERSION,
    inventorySha256: inv.sha256,
    files: Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  const manifestBytes = manifestText(manifest);
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
    deletions,
    prune: !!opts.prune,
    manifest: {
      status: manifestStatus,
      bytes: manifestBytes,
      content: manifest,
      previous: oldFiles,
    },
    checkProblems,
    summary,
  };
}

/** The bytes of manifest.json. */
export function manifestText(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}

/**
 * A planned file's bytes: the copy kept from planning, or rendered again. A function of its own
 * so that the closure holds only these values, not the planning loop's variables.
 */
function contentOf(cluster: ClusterConfig, format: Format, kept: Buffer | undefined): () => Buffer {
  if (kept) return () => kept;
  return () => encodeOutput(format, renderText(format, templateContext(cluster)));
}

/** What comparing a rendered file with the output folder needs. */
interface Disk {
  /** Reads a file below the output folder, or undefined when there is none. */
  read(path: string): Buffer | undefined;
  /** The SHA-256 the manifest records for a file, if any. */
  recorded(path: string): string | undefined;
  force: boolean;
  diffs: boolean;
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
  hash: string,
  disk: Disk,
  mayExist: boolean,
): Omit<PlannedFile, 'content'> {
  const base = { path, cluster, format, sha256: hash, forced: false };
  const current = mayExist ? disk.read(path) : undefined;
  if (!current) return { ...base, status: 'create' };
  if (current.equals(bytes)) return { ...base, status: 'unchanged', diskSha256: hash };
  const diff = disk.diffs ? unifiedDiff(path, current, bytes, format) : undefined;
  const diskSha256 = sha256(current);
  // A file whose bytes are not what clusrestore last wrote was edited by hand (or is not ours).
  if (disk.recorded(path) !== diskSha256) {
    return disk.force
      ? { ...base, status: 'update', forced: true, diff, diskSha256 }
      : { ...base, status: 'conflict', diff, diskSha256 };
  }
  return { ...base, status: 'update', diff, diskSha256 };
}

function unifiedDiff(path: string, before: Buffer, after: Buffer, format: Format): string {
  const decode = (b: Buffer) =>
    b
      .toString(format === 'cmd' ? 'latin1' : 'utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\r\n/g, '\n');
  // Loaded here: most runs show no diff.
  const { createTwoFilesPatch } = require('diff') as typeof import('diff');
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
