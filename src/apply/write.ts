import { existsSync, mkdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConflictError, InterruptedError, IoError, OutputCheckError } from '../errors';
import { sha256 } from '../sha256';
import type { Plan, PlannedFile } from '../plan/build';
import { MANIFEST_FILE } from './out-state';

/** What applyPlan did. */
export interface ApplyResult {
  written: string[];
  unchanged: number;
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
 * temporary file beside its target, then renames them all into place and writes the manifest
 * last. Identical files are left untouched; no output file is ever deleted.
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
  const conflicts = plan.clusters.flatMap((c) =>
    c.files.filter((f) => f.status === 'conflict').map((f) => join(plan.outDir, f.path)),
  );
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

/** Renames the staged files into place and writes the manifest. */
function commitStaged(plan: Plan, staged: Staged): ApplyResult {
  const written: string[] = [];
  try {
    for (const s of staged.files) {
      renameInto(s.tmp, join(plan.outDir, s.file.path));
      s.tmp = '';
      written.push(s.file.path);
    }
  } catch (err) {
    discardStaged(staged);
    throw err;
  }
  if (plan.manifest.status !== 'unchanged')
    writeAtomic(join(plan.outDir, MANIFEST_FILE), plan.manifest.bytes);
  const unchanged = plan.clusters.reduce(
    (n, c) => n + c.files.filter((f) => f.status === 'unchanged').length,
    0,
  );
  return { written, unchanged };
}

/** Makes `folder` if it is not there, recording every folder made, outermost first. */
function makeFolder(folder: string, madeDirs: string[]): void {
  if (madeDirs.includes(folder) || existsSync(folder)) return;
  const made = mkdirSync(folder, { recursive: true });
  if (!made) return;
  const chain = [folder];
  while (chain[0] !== made && dirname(chain[0]) !== chain[0]) chain.unshift(dirname(chain[0]));
  madeDirs.push(...chain);
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
    throw new IoError(
      `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
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
    throw new IoError(
      `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  return tmp;
}

/** Writes `bytes` to `path` so readers see either the old file or the new one, never half. */
export function writeAtomic(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = writeTemporary(path, bytes);
  try {
    renameInto(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
