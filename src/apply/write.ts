import {
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConflictError, InterruptedError, IoError, OutputCheckError } from '../errors';
import { sha256 } from '../sha256';
import { manifestText, type Manifest, type Plan, type PlannedFile } from '../plan/build';
import { MANIFEST_FILE } from './out-state';

/** What applyPlan did. */
export interface ApplyResult {
  written: string[];
  unchanged: number;
  /** Orphans deleted (--prune). */
  deleted: string[];
}

/** Files written to temporary names beside their targets, waiting to be renamed into place. */
export interface Staged {
  files: { file: PlannedFile; tmp: string }[];
  /** Folders made for them, outermost first; removed again if the plan is not written. */
  madeDirs: string[];
}

/**
 * Writes a plan: the one module that writes below the output folder. Refuses the whole plan when
 * an output check failed or a hand-edited file is in the way; stages every changed file as a
 * temporary file beside its target, then renames them all into place, deletes the orphans the
 * plan deletes (--prune) and writes the manifest last. Identical files are left untouched; no
 * other file is ever deleted.
 */
export function applyPlan(
  plan: Plan,
  onProgress?: (done: number, total: number) => void,
): ApplyResult {
  return commitStaged(plan, stagePlan(plan, onProgress));
}

/**
 * applyPlan, stopped by `signal` after staging and before any rename: what was staged is removed
 * and it fails with InterruptedError. A signal is only seen between the two (staging is one
 * synchronous pass).
 */
export async function applyPlanUnlessAborted(
  plan: Plan,
  signal: AbortSignal | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<ApplyResult> {
  const staged = stagePlan(plan, onProgress);
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) {
    discardStaged(staged);
    throw InterruptedError.of(signal);
  }
  return commitStaged(plan, staged);
}

/** Checks the plan may be written, then writes each new or changed file to a temporary file. */
export function stagePlan(plan: Plan, onProgress?: (done: number, total: number) => void): Staged {
  if (plan.checkProblems.length) throw new OutputCheckError(plan.checkProblems);
  const conflicts = [
    ...plan.clusters.flatMap((c) => c.files.filter((f) => f.status === 'conflict')),
    ...plan.deletions.filter((d) => d.status === 'conflict'),
    // An orphan whose bytes changed after planning is not deleted: nothing is written either.
    ...plan.deletions.filter((d) => d.status === 'delete' && !stillPlanned(plan.outDir, d)),
  ].map((f) => join(plan.outDir, f.path));
  if (conflicts.length) throw new ConflictError(conflicts);

  const staged: Staged = { files: [], madeDirs: [] };
  const files = plan.clusters.flatMap((c) => c.files);
  try {
    for (const [i, file] of files.entries()) {
      onProgress?.(i + 1, files.length);
      if (file.status !== 'create' && file.status !== 'update') continue;
      const bytes = file.content();
      if (sha256(bytes) !== file.sha256)
        throw new Error(`${file.path} rendered differently the second time`);
      const target = join(plan.outDir, file.path);
      makeFolder(dirname(target), staged.madeDirs);
      staged.files.push({ file, tmp: writeTemporary(target, bytes) });
    }
  } catch (err) {
    discardStaged(staged);
    throw err;
  }
  return staged;
}

/**
 * Renames the staged files into place, deletes the plan's orphans (only once every rename
 * succeeded) and writes the manifest. When a rename fails, the files renamed so far stay (each is
 * whole, and a rerun finds it unchanged), the others are taken back, nothing is deleted, and the
 * manifest is written for what is on disk before the error is thrown; so it is when a deletion
 * fails.
 */
function commitStaged(plan: Plan, staged: Staged): ApplyResult {
  const written: string[] = [];
  const deleted: string[] = [];
  const total = staged.files.length;
  const manifestPath = join(plan.outDir, MANIFEST_FILE);
  try {
    for (const s of staged.files) {
      renameInto(s.tmp, join(plan.outDir, s.file.path));
      s.tmp = '';
      written.push(s.file.path);
    }
  } catch (err) {
    discardStaged(staged);
    if (!written.length || !(err instanceof IoError)) throw err;
    const recorded = recordWritten(plan, new Set(written), new Set(), manifestPath);
    throw new IoError(
      `${err.message}. ${written.length} of ${total} files had been written before it` +
        (recorded === true
          ? `; ${MANIFEST_FILE} records them`
          : `, and ${MANIFEST_FILE} could not record them (${recorded}), so verify reports them as changed until then`) +
        (plan.deletions.length ? ', and no orphan was deleted' : '') +
        `. Fix the cause and run generate again: it finds those files unchanged and writes the other ${total - written.length}.`,
    );
  }
  const deletions = plan.deletions.filter((d) => d.status === 'delete');
  try {
    for (const d of deletions) {
      deleteOrphan(plan.outDir, d);
      deleted.push(d.path);
    }
  } catch (err) {
    if ((!written.length && !deleted.length) || !(err instanceof IoError)) throw err;
    const recorded = recordWritten(plan, new Set(written), new Set(deleted), manifestPath);
    throw new IoError(
      `${err.message}. All ${total} files were written and ${deleted.length} of ${deletions.length} orphans deleted before it` +
        (recorded === true
          ? `; ${MANIFEST_FILE} records that`
          : `, and ${MANIFEST_FILE} could not record that (${recorded}), so verify reports them until then`) +
        `. Fix the cause and run generate --prune again: it deletes the other ${deletions.length - deleted.length}.`,
    );
  } finally {
    removeEmptyFolders(plan.outDir, deleted);
  }
  if (plan.manifest.status !== 'unchanged') {
    try {
      writeAtomic(manifestPath, plan.manifest.bytes);
    } catch (err) {
      if (!(err instanceof IoError) || (!total && !deleted.length)) throw err;
      throw new IoError(
        `${err.message}. All ${total} files were written` +
          (deleted.length ? ` and ${deleted.length} orphans deleted` : '') +
          `, but ${MANIFEST_FILE} still describes the earlier run, so verify reports them as changed. Fix the cause and run generate again: it finds the files unchanged and writes ${MANIFEST_FILE}.`,
      );
    }
  }
  const unchanged = plan.clusters.reduce(
    (n, c) => n + c.files.filter((f) => f.status === 'unchanged').length,
    0,
  );
  return { written, unchanged, deleted };
}

/** True when an orphan to delete still holds the bytes the plan saw. */
function stillPlanned(outDir: string, d: Plan['deletions'][number]): boolean {
  const full = join(outDir, d.path);
  try {
    return sha256(readFileSync(full)) === d.sha256;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw new IoError(`cannot read ${full}: ${errnoText(err)}`);
  }
}

/** Deletes one orphan, if it still holds the bytes the plan saw (one already gone is fine). */
function deleteOrphan(outDir: string, d: Plan['deletions'][number]): void {
  const full = join(outDir, d.path);
  if (!stillPlanned(outDir, d))
    throw new IoError(`not deleting ${full}: it changed after the plan was made`);
  try {
    unlinkSync(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new IoError(`cannot delete ${full}: ${errnoText(err)}`);
  }
}

/**
 * Removes the folder of each deleted orphan if that left it empty: rmdir, which refuses a folder
 * that holds anything, never a recursive delete; never the output folder itself.
 */
function removeEmptyFolders(outDir: string, deleted: string[]): void {
  const folders = new Set(deleted.map((p) => dirname(join(outDir, p))));
  folders.delete(join(outDir));
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(folder);
    } catch {
      // Not empty: it holds something (a file of ours, or of someone else) that stays.
    }
  }
}

/**
 * Writes the manifest of a run that stopped part way: the plan's entry for each file written or
 * unchanged, the earlier manifest's for each file not written (or none, for a file not created)
 * and for each orphan not deleted, so that it describes what is on disk. True, or why it could not
 * be written.
 */
function recordWritten(
  plan: Plan,
  written: Set<string>,
  deleted: Set<string>,
  manifestPath: string,
): true | string {
  const { content, previous } = plan.manifest;
  const files: Manifest['files'] = {};
  const planned = new Map(plan.clusters.flatMap((c) => c.files.map((f) => [f.path, f])));
  for (const [path, entry] of Object.entries(content.files)) {
    const file = planned.get(path);
    if (!file || file.status === 'unchanged' || written.has(path)) files[path] = entry;
    else if (Object.hasOwn(previous, path)) files[path] = previous[path];
  }
  for (const d of plan.deletions)
    if (!deleted.has(d.path) && Object.hasOwn(previous, d.path)) files[d.path] = previous[d.path];
  const sorted = Object.fromEntries(
    Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  try {
    writeAtomic(manifestPath, manifestText({ ...content, files: sorted }));
    return true;
  } catch (err) {
    return err instanceof IoError ? err.message : String(err);
  }
}

/**
 * Makes `folder` if it is not there, one level at a time (Node's recursive mkdir loops for ever
 * below /proc), recording every folder made, outermost first.
 */
function makeFolder(folder: string, madeDirs: string[]): void {
  // A cluster's files come one after another: the folder made last is the usual answer, and
  // searching the whole list for each file cost about 3% of a first run of 1,000 clusters.
  if (madeDirs[madeDirs.length - 1] === folder || existsSync(folder)) return;
  const chain: string[] = [];
  for (let d = folder; !existsSync(d) && dirname(d) !== d; d = dirname(d)) chain.unshift(d);
  for (const d of chain) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new IoError(`cannot make the folder ${d}: ${errnoText(err)}`);
    }
    madeDirs.push(d);
  }
}

/** `EPERM (operation not permitted)` from a Node file-system error. */
function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (!e.code) return String(err);
  const words = e.message.startsWith(`${e.code}: `)
    ? e.message.slice(e.code.length + 2).split(',')[0]
    : '';
  return words ? `${e.code} (${words})` : e.code;
}

/** stat, or undefined when nothing is there (also when a parent is a file). */
function statIfThere(path: string, link = false) {
  try {
    return (link ? lstatSync : statSync)(path, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new IoError(`cannot use ${path}: ${errnoText(err)}`);
  }
}

/**
 * Checks before planning that the output folder is a folder or can be made: not a file, not a
 * symbolic link to nothing, below a folder (not a file such as /dev/null). With `probe` (a real
 * run), the first missing level is made and removed again, so a folder that cannot be made (below
 * /proc or /sys, or in an immutable or read-only folder) fails here, with exit code 3.
 */
export function checkOutputFolder(outDir: string, probe: boolean): void {
  const full = resolve(outDir);
  const st = statIfThere(full);
  if (st) {
    if (!st.isDirectory())
      throw new IoError(`--out ${outDir} is a file, not a folder: choose another --out`);
    return;
  }
  let missing = full;
  for (;;) {
    if (statIfThere(missing, true)?.isSymbolicLink())
      throw new IoError(
        `--out ${outDir}: ${missing} is a symbolic link to ${readlinkSync(missing)}, which does not exist: create that folder or choose another --out`,
      );
    const parent = dirname(missing);
    if (parent === missing) break;
    const up = statIfThere(parent);
    if (up && !up.isDirectory())
      throw new IoError(
        `--out ${outDir} cannot be made: ${parent} is a file, not a folder; choose another --out`,
      );
    if (up) break;
    missing = parent;
  }
  if (!probe) return;
  try {
    mkdirSync(missing);
  } catch (err) {
    throw new IoError(`--out ${outDir} cannot be made: ${missing}: ${errnoText(err)}`);
  }
  rmdirSync(missing);
}

/** Removes staged temporary files not yet renamed, and the folders made for them once empty. */
export function discardStaged(staged: Staged): void {
  for (const s of staged.files) if (s.tmp) rmSync(s.tmp, { force: true });
  for (const dir of [...staged.madeDirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (or already gone): it holds something that is not ours to remove.
    }
  }
  staged.files = [];
  staged.madeDirs = [];
}

function renameInto(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (err) {
    throw new IoError(`cannot write ${path}: ${errnoText(err)}`);
  }
}

let counter = 0;

/** Writes `bytes` to a new temporary file beside `path`; returns its name. */
function writeTemporary(path: string, bytes: Buffer): string {
  const tmp = `${path}.${process.pid}-${++counter}.tmp`;
  try {
    writeFileSync(tmp, bytes, { flag: 'wx' });
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new IoError(`cannot write ${path}: ${errnoText(err)}`);
  }
  return tmp;
}

/** Writes `bytes` to `path` so readers see either the old file or the new one, never half. */
export function writeAtomic(path: string, bytes: Buffer): void {
  makeFolder(dirname(path), []);
  const tmp = writeTemporary(path, bytes);
  try {
    renameInto(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
