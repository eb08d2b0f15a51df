import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConflictError, IoError, OutputCheckError } from './errors';
import { MANIFEST_FILE } from './out-state';
import { discardStaged, type Plan } from './plan/build';
import { sha256 } from './sha256';

/** What applyPlan did. */
export interface ApplyResult {
  written: string[];
  unchanged: number;
}

/**
 * Writes a plan: the one module that writes output files. Refuses the whole plan when an output
 * check failed or a hand-edited file is in the way; writes each changed file atomically
 * (temporary file in the same folder, then rename: a staged plan wrote its temporary files while
 * planning); leaves identical files untouched; writes the manifest last. Never deletes an output
 * file.
 */
export function applyPlan(
  plan: Plan,
  onProgress?: (done: number, total: number) => void,
): ApplyResult {
  if (plan.checkProblems.length) {
    discardPlan(plan);
    throw new OutputCheckError(plan.checkProblems);
  }
  const conflicts = plan.clusters.flatMap((c) =>
    c.files.filter((f) => f.status === 'conflict').map((f) => join(plan.outDir, f.path)),
  );
  if (conflicts.length) {
    discardPlan(plan);
    throw new ConflictError(conflicts);
  }

  const written: string[] = [];
  let unchanged = 0;
  const files = plan.clusters.flatMap((c) => c.files);
  const made = new Set<string>();
  try {
    for (const [i, file] of files.entries()) {
      onProgress?.(i + 1, files.length);
      if (file.status === 'unchanged') {
        unchanged++;
        continue;
      }
      const path = join(plan.outDir, file.path);
      if (file.staged) {
        renameInto(file.staged, path);
        file.staged = undefined;
      } else {
        const bytes = file.content();
        if (sha256(bytes) !== file.sha256)
          throw new Error(`${file.path} rendered differently the second time`);
        if (!made.has(dirname(path)))
          (mkdirSync(dirname(path), { recursive: true }), made.add(dirname(path)));
        writeAtomic(path, bytes, false);
      }
      written.push(file.path);
    }
  } catch (err) {
    discardPlan(plan);
    throw err;
  }
  plan.madeDirs = [];
  if (plan.manifest.status !== 'unchanged')
    writeAtomic(join(plan.outDir, MANIFEST_FILE), plan.manifest.bytes);
  return { written, unchanged };
}

/**
 * Removes what a staged plan wrote while planning and was not (yet) renamed into place: its
 * temporary files, and the folders made for them when they are empty. Output files are never
 * touched.
 */
export function discardPlan(plan: Plan): void {
  discardStaged([{ files: plan.clusters.flatMap((c) => c.files), madeDirs: plan.madeDirs }]);
  plan.madeDirs = [];
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

/** Writes `bytes` to `path` so readers see either the old file or the new one, never half. */
export function writeAtomic(path: string, bytes: Buffer, makeFolder = true): void {
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  try {
    if (makeFolder) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, bytes, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new IoError(
      `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}
