import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IoError, ManifestError } from '../errors';
import { FORMATS } from '../inventory/presets';
import type { Manifest, ManifestEntry, OutState } from '../plan/build';

export const MANIFEST_FILE = 'manifest.json';

/** Reads what the output folder holds, lazily and read-only. A missing folder is an empty one. */
export function readOutState(outDir: string): OutState {
  const read = outFileReader(outDir);
  const manifestBytes = read(MANIFEST_FILE);
  const manifest = manifestBytes
    ? parseManifest(join(outDir, MANIFEST_FILE), manifestBytes)
    : undefined;
  return { manifest, manifestBytes, read, exists: outPathExists(outDir) };
}

/**
 * A manifest.json as clusrestore wrote it, or a ManifestError naming each problem with its line:
 * a manifest that is not JSON, not clusrestore's, or with an entry missing a field.
 */
export function parseManifest(file: string, bytes: Buffer): Manifest {
  const text = bytes.toString('utf8');
  const fail = (problems: string[]) =>
    new ManifestError(
      `${file} cannot be used:\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
        'It is not as clusrestore writes it: restore it from version control, or move it away ' +
        '(the next run then treats every file already there as edited by hand), or choose another --out.',
    );
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (err) {
    throw fail([`${file}: not JSON (${(err as Error).message})`]);
  }
  const m = manifest as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || m.tool !== 'clusrestore')
    throw fail([`${file}:1:1 tool: not "clusrestore": not a clusrestore manifest`]);
  if (!m.files || typeof m.files !== 'object' || Array.isArray(m.files))
    throw fail([`${file}:${lineOf(text, '"files"')}:1 files: missing or not an object`]);
  const problems: string[] = [];
  for (const [path, entry] of Object.entries(m.files)) {
    const wrong = entryProblems(entry);
    if (!wrong.length) continue;
    // Located only when wrong: searching the text for every entry made a big manifest quadratic.
    const at = `${file}:${lineOf(text, `${JSON.stringify(path)}:`)}:1 files[${JSON.stringify(path)}]`;
    problems.push(...wrong.map((w) => at + w));
  }
  if (problems.length) throw fail(problems);
  return m as Manifest;
}

/** What is wrong with one manifest entry, each as `.field: why` (or `: not an object`). */
function entryProblems(entry: unknown): string[] {
  const e = entry as Partial<ManifestEntry> | null;
  if (!e || typeof e !== 'object') return [': not an object'];
  const problems: string[] = [];
  if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
    problems.push(`.sha256: ${e.sha256 === undefined ? 'missing' : 'not a SHA-256 in hex'}`);
  if (typeof e.cluster !== 'string' || !e.cluster)
    problems.push(`.cluster: ${e.cluster === undefined ? 'missing' : 'not a name'}`);
  if (!(FORMATS as readonly unknown[]).includes(e.format))
    problems.push(
      `.format: ${e.format === undefined ? 'missing' : `not one of ${FORMATS.join(', ')}`}`,
    );
  return problems;
}

/** The 1-based line where `needle` first occurs in `text` (1 when it does not). */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Reads a file below the output folder, or undefined when there is none. */
export function outFileReader(outDir: string): (path: string) => Buffer | undefined {
  return (path) => {
    const full = join(outDir, path);
    try {
      return readFileSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new IoError(`cannot read ${full}: ${code ?? String(err)}`);
    }
  };
}

/**
 * Whether anything is at a path below the output folder: false only when nothing is (one stat,
 * no exception), true otherwise, also when the stat fails for another reason, which a read then
 * reports. On a first run this answers for a cluster's folder once, where each of its files
 * would cost a failed open and the error Node builds for it.
 */
export function outPathExists(outDir: string): (path: string) => boolean {
  return (path) => {
    try {
      return statSync(join(outDir, path), { throwIfNoEntry: false }) !== undefined;
    } catch {
      return true;
    }
  };
}
