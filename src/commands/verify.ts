import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MANIFEST_FILE, readOutState } from '../apply/out-state';
import { checkBytes } from '../checks/bytes';
import { IoError } from '../errors';
import { isReportFile } from '../report/file';
import { sha256 } from '../sha256';
import type { Io } from './io';

/** What `verify` found: an empty `problems` means the folder is as clusrestore wrote it. */
export interface VerifyReport {
  outDir: string;
  checked: number;
  problems: string[];
}

/**
 * Checks an output folder against its manifest: every listed file present with its recorded
 * SHA-256 and passing the output checks, and no file the manifest does not list.
 */
export function verifyOutput(outDir: string): VerifyReport {
  const state = readOutState(outDir);
  if (!state.manifest)
    throw new IoError(
      `${join(outDir, MANIFEST_FILE)} not found: nothing to verify (run generate first)`,
    );
  const problems: string[] = [];
  const listed = state.manifest.files;
  for (const [path, entry] of Object.entries(listed)) {
    const bytes = state.read(path);
    if (!bytes) {
      problems.push(`${path}: missing`);
      continue;
    }
    if (sha256(bytes) !== entry.sha256)
      problems.push(`${path}: changed (SHA-256 ${sha256(bytes)}, manifest ${entry.sha256})`);
    for (const p of checkBytes(entry.format, bytes)) problems.push(`${path}: ${p}`);
  }
  for (const path of listFiles(outDir)) {
    if (path !== MANIFEST_FILE && !(path in listed) && !isOwnReport(outDir, path))
      problems.push(`${path}: not in the manifest (added by hand?)`);
  }
  return { outDir, checked: Object.keys(listed).length, problems: problems.sort() };
}

/** `clusrestore report` writes out/report.html by default: that page is not an added file. */
function isOwnReport(outDir: string, path: string): boolean {
  return path === 'report.html' && isReportFile(readFileSync(join(outDir, path)));
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** `clusrestore verify`: prints the problems; exit 1 when there are any. */
export function verifyCommand(outDir: string, opts: { json: boolean }, io: Io): number {
  const report = verifyOutput(outDir);
  const ok = report.problems.length === 0;
  if (opts.json)
    io.out(JSON.stringify({ schema: 'clusrestore/verify/v1', ...report, ok }, null, 2));
  else {
    for (const p of report.problems) io.err(`clusrestore: ${outDir}/${p}`);
    const n = report.problems.length;
    io.out(
      `${ok ? 'OK' : 'FAILED'}: ${report.checked} files checked, ${n} problem${n === 1 ? '' : 's'}.`,
    );
  }
  return ok ? 0 : 1;
}
