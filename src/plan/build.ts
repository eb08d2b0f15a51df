import { UsageError, formatPath, type Diagnostic } from '../errors';
import type { Format } from '../inventory/presets';
import { CMD_FIELDS, cmdProblem } from '../inventory/rules';
import type { ClusterConfig, Inventory } from '../inventory/types';
import {
  outputFolder,
  outputPath,
  renderText,
  templateContext,
  type TemplateContext,
} from '../render/engine';
import { Scratch, encodeOutput, encodeOutputInto } from '../render/output';
import { sha256 } from '../sha256';
import { checkBytes } from '../checks/bytes';
import { TOOL_VERSION } from '../version';
import { clusterSteps, type Step } from '../procedure/steps';

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
  /** Overwrite hand-edited files. */
  force?: boolean;
  /** Compute a unified diff for each update and conflict (the dry run shows them). */
  diffs?: boolean;
  /** Called after each cluster is rendered. */
  onProgress?: (done: number, total: number) => void;
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

/** Rendered bytes a plan keeps in memory before it renders files again when asked for them. */
const RETAIN_BUDGET = 64 * 1024 * 1024;

/** One cluster's share of the rendering. */
export interface ClusterJob {
  /** Position in the plan. */
  index: number;
  cluster: ClusterConfig;
  /** The formats to render (cmd left out when refused). */
  formats: Format[];
}

/** What rendering and comparing one cluster's files needs from the run. */
export interface FileEnv {
  inventorySha256: string;
  /** Reads a file below the output folder, or undefined when there is none. */
  read(path: string): Buffer | undefined;
  /** False when nothing is at a path below the output folder. */
  exists(path: string): boolean;
  /** The SHA-256 the manifest records for a file, if any. */
  recorded(path: string): string | undefined;
  force: boolean;
  diffs: boolean;
}

/** One planned file without its bytes. */
export type FileRecord = Omit<PlannedFile, 'content'>;

/** One rendered cluster: its files and the problems the output checks found. */
export interface ClusterResult {
  index: number;
  files: FileRecord[];
  problems: string[];
}

/** Each file's bytes are rendered into this buffer and copied only if kept. */
const scratch = new Scratch();

/**
 * Renders one cluster's files, checks their bytes and compares them with the output folder. The
 * one place a file's status is decided. `keep` is offered each file's
 * bytes, a view of a buffer the next file reuses: a caller that keeps them copies them.
 */
export function renderCluster(
  job: ClusterJob,
  env: FileEnv,
  keep: (file: FileRecord, bytes: Buffer) => void = () => {},
): ClusterResult {
  const { cluster: c } = job;
  const context = templateContext(c, env.inventorySha256);
  const result: ClusterResult = { index: job.index, files: [], problems: [] };
  // A file the manifest records is read. For one it does not know (a first run, a new cluster),
  // one look at the cluster's folder saves a failed open per file, and
  // the error Node builds for each.
  let folderThere: boolean | undefined;
  const lookFor = (path: string) => {
    if (env.recorded(path) !== undefined) return true;
    folderThere ??= env.exists(outputFolder(c.name));
    return folderThere;
  };
  for (const format of job.formats) {
    const path = outputPath(c.name, format);
    const bytes = encodeOutputInto(format, renderText(format, context), scratch);
    for (const p of checkBytes(format, bytes)) result.problems.push(`${path}: ${p}`);
    const file = compareWithDisk(path, c.name, format, bytes, env, lookFor(path));
    result.files.push(file);
    keep(file, bytes);
  }
  return result;
}

/** The jobs of a plan: the selected clusters with their formats, and the .cmd refusals. */
export function planJobs(
  inv: Inventory,
  opts: PlanOptions,
): { jobs: ClusterJob[]; refused: Diagnostic[][] } {
  const selected = selectClusters(inv, opts.clusters);
  const refused = selected.map((c) => (c.formats.includes('cmd') ? cmdRefusals(inv, c) : []));
  const jobs = selected.map((cluster, index) => ({
    index,
    cluster,
    formats: cluster.formats.filter(
      (f) => (!opts.formats || opts.formats.includes(f)) && !(f === 'cmd' && refused[index].length),
    ),
  }));
  return { jobs, refused };
}

/**
 * Builds the plan: renders every file in memory and compares it with the output folder.
 */
export function buildPlan(inv: Inventory, state: OutState, opts: PlanOptions): Plan {
  const { jobs, refused } = planJobs(inv, opts);
  const files = state.manifest?.files ?? {};
  const env: FileEnv = {
    inventorySha256: inv.sha256,
    read: state.read,
    exists: state.exists ?? (() => true),
    recorded: (path) => (Object.hasOwn(files, path) ? files[path].sha256 : undefined),
    force: !!opts.force,
    diffs: !!opts.diffs,
  };
  const results: ClusterResult[] = [];
  const kept = new Map<FileRecord, Buffer>();
  let retained = 0;
  // Large fleets would hold hundreds of megabytes of rendered bytes; past this budget a file is
  // rendered again when asked for instead of kept (rendering is deterministic).
  const keep = (file: FileRecord, bytes: Buffer) => {
    if (retained + bytes.length > RETAIN_BUDGET) return;
    retained += bytes.length;
    kept.set(file, Buffer.from(bytes));
  };
  const assembler = new PlanAssembler(inv, state, opts, jobs, refused);
  for (const job of jobs) {
    const result = renderCluster(job, env, keep);
    results.push(result);
    assembler.add(result, (f) => kept.get(f));
    opts.onProgress?.(results.length, jobs.length);
  }
  return assembler.finish();
}

// Made outside PlanAssembler.add's loop on purpose: a closure over a file's bytes created in the
// loop's scope would make V8 keep every file's bytes alive through the other closures there too.
function renderer(format: Format, context: () => TemplateContext): () => Buffer {
  return () => encodeOutput(format, renderText(format, context()));
}

function constant(bytes: Buffer): () => Buffer {
  return () => bytes;
}

function contextOf(cluster: ClusterConfig, inventorySha256: string): () => TemplateContext {
  return () => templateContext(cluster, inventorySha256);
}

/**
 * Assembles the plan from the rendered clusters: each cluster's part as its result comes in,
 * then summary, manifest and orphans.
 */
export class PlanAssembler {
  private readonly clusters: ClusterPlan[] = [];
  private readonly problems: string[][] = [];

  constructor(
    private readonly inv: Inventory,
    private readonly state: OutState,
    private readonly opts: PlanOptions,
    private readonly jobs: ClusterJob[],
    private readonly refused: Diagnostic[][],
  ) {}

  /** Adds one cluster's result; `keptBytes` gives the bytes kept of a file, if any. */
  add(
    result: ClusterResult,
    keptBytes: (file: FileRecord) => Buffer | undefined = () => undefined,
  ) {
    const i = result.index;
    const c = this.jobs[i].cluster;
    const context = contextOf(c, this.inv.sha256);
    const files = result.files.map((record): PlannedFile => {
      const bytes = keptBytes(record);
      // The record becomes the planned file (no copy: 30,000 of them in a large plan).
      return Object.assign(record, {
        content: bytes ? constant(bytes) : renderer(record.format, context),
      });
    });
    this.clusters[i] = {
      name: c.name,
      preset: c.preset,
      nodes: c.nodes,
      steps: clusterSteps(c),
      files,
      refused: this.refused[i],
    };
    this.problems[i] = result.problems;
  }

  finish(): Plan {
    const { inv, state, opts, jobs } = this;
    const clusters = this.clusters;
    const summary: Record<FileStatus, number> = { create: 0, update: 0, unchanged: 0, conflict: 0 };
    const oldFiles = state.manifest?.files ?? {};
    // The manifest's entries: this run's files, then the old manifest's others as they were.
    const entries: [string, Manifest['files'][string]][] = [];
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
            inventorySha256: inv.sha256,
          },
        ]);
      }
    }

    // Files an earlier run wrote that this one no longer produces: their cluster left the
    // inventory, or the cluster no longer gets that format (removed, or refused for .cmd). They
    // stay on disk and in the manifest (nothing is deleted), and the plan names them so nobody
    // runs a stale script by mistake.
    const known = new Set(inv.clusters.map((c) => c.name.toUpperCase()));
    const selectedNames = new Set(jobs.map((j) => j.cluster.name.toUpperCase()));
    const orphans: string[] = [];
    for (const [path, f] of Object.entries(oldFiles)) {
      const cluster = f.cluster.toUpperCase();
      const inScope =
        selectedNames.has(cluster) && (!opts.formats || opts.formats.includes(f.format));
      if (!known.has(cluster) || (inScope && !produced.has(path))) orphans.push(path);
      if (!produced.has(path)) entries.push([path, f]);
    }
    orphans.sort();
    const manifest: Manifest = {
      tool: 'clusrestore',
      version: TOOL_VERSION,
      inventorySha256: inv.sha256,
      files: Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
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
      checkProblems: this.problems.flat(),
      summary,
    };
  }
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
  env: FileEnv,
  mayExist: boolean,
): FileRecord {
  const hash = sha256(bytes);
  const base = { path, cluster, format, sha256: hash, forced: false };
  const current = mayExist ? env.read(path) : undefined;
  if (!current) return { ...base, status: 'create' };
  if (current.equals(bytes)) return { ...base, status: 'unchanged' };
  const diff = env.diffs ? unifiedDiff(path, current, bytes, format) : undefined;
  // A file whose bytes are not what clusrestore last wrote was edited by hand (or is not ours).
  if (env.recorded(path) !== sha256(current)) {
    return env.force
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
