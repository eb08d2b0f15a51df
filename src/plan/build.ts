import { existsSync, mkdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InterruptedError, IoError, UsageError, formatPath, type Diagnostic } from '../errors';
import type { Format } from '../inventory/presets';
import { cmdProblem, type CmdField } from '../inventory/rules';
import type { ClusterConfig, Inventory, SettingName } from '../inventory/types';
import {
  outputFolder,
  outputPath,
  renderText,
  templateContext,
  type TemplateContext,
} from '../render/engine';
import { Scratch, encodeOutput, encodeOutputInto } from '../render/output';
import { sha256 } from '../sha256';
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
  /** Where the bytes were staged for writing (PlanOptions.stage): a temporary file beside the target. */
  staged?: string;
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
  /** Folders created to stage files in; removed again when the plan is not written. */
  madeDirs: string[];
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
  /**
   * Write each new or changed file to a temporary file beside its target while planning, so that
   * applyPlan only renames (one render per file). A plan that is not written must be given to
   * discardPlan, which removes them.
   */
  stage?: boolean;
  /**
   * Aborted (with the signal's name as reason) to stop planning: no more clusters are sent to
   * render, what was staged is removed, and the plan fails with InterruptedError.
   */
  signal?: AbortSignal;
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

/** Rendered bytes a plan keeps in memory before it renders files again when asked for them. */
const RETAIN_BUDGET = 64 * 1024 * 1024;

/** One cluster's share of the rendering, as the main thread or a worker thread runs it. */
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
  /**
   * Reads a file below the output folder, or undefined when there is none. The bytes may be
   * overwritten by the next read (worker.ts reuses one buffer).
   */
  read(path: string): Buffer | undefined;
  /** False when nothing is at a path below the output folder. */
  exists(path: string): boolean;
  /** The SHA-256 the manifest records for a file, if any. */
  recorded(path: string): string | undefined;
  force: boolean;
  diffs: boolean;
  /**
   * With an output folder: each file to create or update is written to a temporary file beside
   * its target while planning, so that writing the plan is a rename (see write.ts).
   */
  stageIn?: string;
}

/** One planned file without its bytes: what a worker thread sends back. */
export type FileRecord = Omit<PlannedFile, 'content'>;

/** One rendered cluster: its files and the problems the output checks found. */
export interface ClusterResult {
  index: number;
  files: FileRecord[];
  problems: string[];
  /** Folders created to stage files in (removed again if the plan is not written). */
  madeDirs: string[];
}

let stageCounter = 0;

/** Each file's bytes are rendered into this buffer (one per thread) and copied only if kept. */
const scratch = new Scratch();

/**
 * Renders one cluster's files, checks their bytes and compares them with the output folder. The
 * one place a file's status is decided, whichever thread runs it. `keep` is offered each file's
 * bytes, a view of a buffer the next file reuses: a caller that keeps them copies them.
 */
export function renderCluster(
  job: ClusterJob,
  env: FileEnv,
  keep: (file: FileRecord, bytes: Buffer) => void = () => {},
): ClusterResult {
  const { cluster: c } = job;
  const context = templateContext(c, env.inventorySha256);
  const result: ClusterResult = { index: job.index, files: [], problems: [], madeDirs: [] };
  // A file the manifest records is read. For one it does not know (a first run, a new cluster),
  // one look at the cluster's folder, before staging makes it, saves a failed open per file, and
  // the error Node builds for each.
  let folderThere: boolean | undefined;
  const lookFor = (path: string) => {
    if (env.recorded(path) !== undefined) return true;
    folderThere ??= env.exists(outputFolder(c.name));
    return folderThere;
  };
  try {
    for (const format of job.formats) {
      const path = outputPath(c.name, format);
      const bytes = encodeOutputInto(format, renderText(format, context), scratch);
      const problems = checkBytes(format, bytes);
      for (const p of problems) result.problems.push(`${path}: ${p}`);
      const file = compareWithDisk(path, c.name, format, bytes, env, lookFor(path));
      const changes = file.status === 'create' || file.status === 'update';
      if (env.stageIn && problems.length === 0 && changes)
        file.staged = stage(env.stageIn, path, bytes, result.madeDirs);
      result.files.push(file);
      keep(file, bytes);
    }
  } catch (err) {
    discardStaged([result]);
    throw err;
  }
  return result;
}

/** Writes `bytes` to a new temporary file beside `path`'s target; returns its full path. */
function stage(outDir: string, path: string, bytes: Buffer, madeDirs: string[]): string {
  const target = join(outDir, path);
  const folder = dirname(target);
  if (!madeDirs.includes(folder) && !existsSync(folder)) {
    // Every folder made, down from the outermost; discardStaged removes the deepest first.
    // undefined: another thread of this run made it first, and records it itself.
    const made = mkdirSync(folder, { recursive: true });
    if (made) {
      const chain = [folder];
      while (chain[0] !== made && dirname(chain[0]) !== chain[0]) chain.unshift(dirname(chain[0]));
      madeDirs.push(...chain);
    }
  }
  const tmp = `${target}.${process.pid}-${++stageCounter}.tmp`;
  try {
    writeFileSync(tmp, bytes, { flag: 'wx' });
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new IoError(`cannot write ${tmp}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return tmp;
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

/** The settings of a run that every rendering thread shares (worker threads get them cloned). */
export interface RunSettings {
  outDir: string;
  inventorySha256: string;
  force: boolean;
  diffs: boolean;
  stage: boolean;
}

export function runSettings(inv: Inventory, opts: PlanOptions): RunSettings {
  return {
    outDir: opts.outDir,
    inventorySha256: inv.sha256,
    force: !!opts.force,
    diffs: !!opts.diffs,
    stage: !!opts.stage,
  };
}

/**
 * The environment renderCluster needs: the run's settings, what the output folder holds, the
 * recorded hashes.
 */
export function fileEnv(
  s: RunSettings,
  out: Pick<OutState, 'read' | 'exists'>,
  recorded: FileEnv['recorded'],
): FileEnv {
  return {
    inventorySha256: s.inventorySha256,
    read: out.read,
    exists: out.exists ?? (() => true),
    recorded,
    force: s.force,
    diffs: s.diffs,
    stageIn: s.stage ? s.outDir : undefined,
  };
}

/**
 * Builds the plan: renders every file in memory and compares it with the output folder.
 */
export function buildPlan(inv: Inventory, state: OutState, opts: PlanOptions): Plan {
  const { jobs, refused } = planJobs(inv, opts);
  const files = state.manifest?.files ?? {};
  const env = fileEnv(runSettings(inv, opts), state, (path) =>
    Object.hasOwn(files, path) ? files[path].sha256 : undefined,
  );
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
  try {
    for (const job of jobs) {
      const result = renderCluster(job, env, keep);
      results.push(result);
      assembler.add(result, (f) => kept.get(f));
      opts.onProgress?.(results.length, jobs.length);
    }
    // Rendering in this thread cannot be interrupted; what it staged is taken back here.
    if (opts.signal?.aborted) throw InterruptedError.of(opts.signal);
  } catch (err) {
    discardStaged(results);
    throw err;
  }
  return assembler.finish();
}

/** Removes the temporary files and folders a plan staged (a plan that is not written). */
export function discardStaged(results: Pick<ClusterResult, 'files' | 'madeDirs'>[]): void {
  for (const r of results) for (const f of r.files) if (f.staged) rmSync(f.staged, { force: true });
  // Deepest first: the cluster that made `out/` itself may come after clusters whose folders are
  // in it (worker threads stage in any order), and a folder goes only once it is empty.
  const dirs = results.flatMap((r) => r.madeDirs).sort((a, b) => b.length - a.length);
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (or already gone): it holds something that is not ours to remove.
    }
  }
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
 * Assembles the plan from the rendered clusters: each cluster's part as its result comes in (in
 * any order; worker threads answer while others still render), then summary, manifest and
 * orphans.
 */
export class PlanAssembler {
  private readonly clusters: ClusterPlan[] = [];
  private readonly problems: string[][] = [];
  private readonly madeDirs: string[][] = [];

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
    this.madeDirs[i] = result.madeDirs;
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
      madeDirs: this.madeDirs.flat(),
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
