import type { Format } from '../inventory/presets';
import { sha256 } from '../sha256';
import { TOOL_VERSION } from '../version';
import type { FileStatus, Plan, PlanOptions, PlanSummary } from './build';

/**
 * A saved plan (`generate --dry-run --plan-out FILE`), as `terraform plan -out` keeps one: what a
 * reviewer approved, and everything it was made from, so that `generate --plan FILE` writes
 * exactly that or refuses, naming what changed since.
 */
export const SAVED_PLAN_SCHEMA = 'clusrestore/saved-plan/v1';

/** The options that shape a plan, as a saved plan records them. */
export interface SavedOptions {
  outDir: string;
  /** --cluster, upper-cased and sorted; null for every cluster. */
  clusters: string[] | null;
  /** --format (file formats), sorted; null for every format. */
  formats: Format[] | null;
  force: boolean;
  prune: boolean;
}

/** A planned file or deletion, as the saved plan holds it. */
interface SavedEntry {
  path: string;
  cluster: string;
  format: Format;
  status: FileStatus | 'delete';
  forced: boolean;
  /** The bytes to write, or (a deletion) the bytes to delete. */
  sha256: string;
}

/** The document in a plan file. */
export interface SavedPlan {
  schema: typeof SAVED_PLAN_SCHEMA;
  tool: { name: 'clusrestore'; version: string };
  inventory: { file: string; sha256: string };
  options: SavedOptions;
  /**
   * The output folder as the plan saw it: the SHA-256 of manifest.json's bytes, and of each file
   * the plan writes, compares with or deletes; `absent` where there was none.
   */
  outState: { manifestSha256: string; files: Record<string, string> };
  files: SavedEntry[];
  deletions: SavedEntry[];
  manifest: { status: FileStatus; sha256: string };
  summary: PlanSummary;
}

/** What a saved plan records for a file that was not there. */
export const ABSENT = 'absent';

/** The options a plan was made with, in the one form two plans are compared in. */
export function savedOptions(opts: PlanOptions): SavedOptions {
  return {
    outDir: opts.outDir,
    clusters: sortedSet(opts.clusters?.map((c) => c.toUpperCase())),
    formats: sortedSet(opts.formats),
    force: !!opts.force,
    prune: !!opts.prune,
  };
}

/** The saved plan of `plan`; `manifestBytes` is the manifest.json the plan compared with. */
export function savedPlan(
  plan: Plan,
  opts: PlanOptions,
  manifestBytes: Buffer | undefined,
): SavedPlan {
  const files: SavedEntry[] = plan.clusters.flatMap((c) =>
    c.files.map((f) => ({
      path: f.path,
      cluster: c.name,
      format: f.format,
      status: f.status,
      forced: f.forced,
      sha256: f.sha256,
    })),
  );
  const deletions: SavedEntry[] = plan.deletions.map((d) => ({ ...d }));
  const onDisk: Record<string, string> = {};
  for (const c of plan.clusters) for (const f of c.files) onDisk[f.path] = f.diskSha256 ?? ABSENT;
  for (const d of plan.deletions) onDisk[d.path] = d.sha256;
  return {
    schema: SAVED_PLAN_SCHEMA,
    tool: { name: 'clusrestore', version: TOOL_VERSION },
    inventory: plan.inventory,
    options: savedOptions(opts),
    outState: {
      manifestSha256: manifestBytes ? sha256(manifestBytes) : ABSENT,
      files: Object.fromEntries(Object.entries(onDisk).sort(([a], [b]) => (a < b ? -1 : 1))),
    },
    files,
    deletions,
    manifest: { status: plan.manifest.status, sha256: sha256(plan.manifest.bytes) },
    summary: plan.summary,
  };
}

/** The bytes of a plan file. */
export function savedPlanText(doc: SavedPlan): Buffer {
  return Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8');
}

/** The first 12 hex digits of a SHA-256, or `absent`: enough to tell two apart in a message. */
function short(hash: string): string {
  return hash === ABSENT ? ABSENT : `${hash.slice(0, 12)}...`;
}

/** `EXCL01` or `(every cluster)`. */
function optionText(name: keyof SavedOptions, value: SavedOptions[keyof SavedOptions]): string {
  const flag = { outDir: '--out', clusters: '--cluster', formats: '--format' }[name as string];
  if (typeof value === 'boolean') return value ? `--${name}` : `no --${name}`;
  if (value === null) return `no ${flag}`;
  return Array.isArray(value) ? value.map((v) => `${flag} ${v}`).join(' ') : `${flag} ${value}`;
}

/** The values once each, sorted; null for none (no filter). */
function sortedSet<T extends string>(xs: T[] | undefined | null): T[] | null {
  return xs?.length ? [...new Set(xs)].sort() : null;
}

/**
 * Each option given on the command line that differs from the saved plan's. `given` holds only
 * the options the command line named (the others undefined).
 */
export function optionDifferences(saved: SavedOptions, given: Partial<SavedOptions>): string[] {
  const out: string[] = [];
  const named: Partial<SavedOptions> = {
    ...given,
    clusters: given.clusters && sortedSet(given.clusters.map((c) => c.toUpperCase())),
    formats: given.formats && sortedSet(given.formats),
  };
  for (const key of Object.keys(named) as (keyof SavedOptions)[]) {
    const now = named[key];
    if (now === undefined) continue;
    if (JSON.stringify(now) !== JSON.stringify(saved[key]))
      out.push(
        `options differ: ${optionText(key, now)} on the command line, the plan has ${optionText(key, saved[key])}`,
      );
  }
  return out;
}

/**
 * How the output folder differs from what the saved plan saw: `current(path)` is the SHA-256 of
 * the file below the output folder now, or ABSENT.
 */
export function outStateDifferences(
  saved: SavedPlan,
  current: (path: string) => string,
  manifestFile: string,
): string[] {
  const out: string[] = [];
  const outDir = saved.options.outDir;
  const changed = (path: string, then: string, now: string) =>
    `${outDir}/${path} changed since the plan (SHA-256 ${short(then)} then, ${short(now)} now)`;
  const manifestNow = current(manifestFile);
  if (manifestNow !== saved.outState.manifestSha256)
    out.push(changed(manifestFile, saved.outState.manifestSha256, manifestNow));
  for (const [path, then] of Object.entries(saved.outState.files)) {
    const now = current(path);
    if (now !== then) out.push(changed(path, then, now));
  }
  return out;
}

/**
 * How a plan made again differs from the saved one in what it would do: the files it writes,
 * their bytes, the deletions and the manifest. Empty when it would do exactly what was approved.
 */
export function outcomeDifferences(saved: SavedPlan, now: SavedPlan): string[] {
  const out: string[] = [];
  const compare = (what: string, a: SavedEntry[], b: SavedEntry[]) => {
    const then = new Map(a.map((e) => [e.path, e]));
    const later = new Map(b.map((e) => [e.path, e]));
    for (const [path, e] of then) {
      const n = later.get(path);
      if (!n) out.push(`${path}: ${what} planned (${e.status}), now not`);
      else if (n.status !== e.status || n.forced !== e.forced)
        out.push(`${path}: ${e.status} planned, ${n.status} now`);
      else if (n.sha256 !== e.sha256)
        out.push(
          `${path}: other bytes than planned (SHA-256 ${short(e.sha256)} planned, ${short(n.sha256)} now)`,
        );
    }
    for (const [path, n] of later)
      if (!then.has(path)) out.push(`${path}: not planned, now ${what} (${n.status})`);
  };
  compare('a file', saved.files, now.files);
  compare('a deletion', saved.deletions, now.deletions);
  if (saved.manifest.sha256 !== now.manifest.sha256)
    out.push(
      `manifest.json: other bytes than planned (SHA-256 ${short(saved.manifest.sha256)} planned, ${short(now.manifest.sha256)} now)`,
    );
  return out;
}
