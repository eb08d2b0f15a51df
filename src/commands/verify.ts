import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { IoError } from './errors';
import { MANIFEST_FILE, readOutState } from './out-state';
import { sha256 } from './sha256';
import { checkBytes } from './validate/bytes';

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
    if (path !== MANIFEST_FILE && !(path in listed))
      problems.push(`${path}: not in the manifest (added by hand?)`);
  }
  return { outDir, checked: Object.keys(listed).length, problems: problems.sort() };
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
