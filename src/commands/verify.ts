import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MANIFEST_FILE, readOutState } from '../apply/out-state';
import { checkBytes } from '../checks/bytes';
import { IoError } from '../errors';
import { loadInventory } from '../inventory/load';
import type { Format } from '../inventory/presets';
import { buildPlan, type ManifestEntry, type PlannedFile } from '../plan/build';
import { isReportFile } from '../report/file';
import { sha256 } from '../sha256';
import type { Io, Phase } from './io';

/** What is wrong with one file, in a word (the `kind` of a finding). */
export const FINDING_KINDS = [
  /** Its bytes are not those the manifest records (edited by hand). */
  'changed',
  /** The manifest lists it, or the inventory makes it, and it is not there. */
  'missing',
  /** On disk below the output folder, and not in the manifest. */
  'added',
  /** The manifest's entry says other than the file and the inventory do (an edited manifest). */
  'manifest-mismatch',
  /** Its bytes are not what the inventory renders now (with --inventory only). */
  'differs-from-inventory',
  /** It fails an output check (encoding, line endings, cmd's character set). */
  'check-failed',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

/** One problem of one file: the same problem as a sentence in `problems`. */
export interface Finding {
  /** Path relative to the output folder, with `/`. */
  path: string;
  kind: FindingKind;
  /** The words after the path in the matching `problems` sentence. */
  detail: string;
}

/** What `verify` found: an empty `problems` means the folder is as clusrestore wrote it. */
export interface VerifyReport {
  outDir: string;
  /**
   * `manifest`: each file compared with the SHA-256 manifest.json records, which an edit of the
   * manifest can make agree with an edited file. `inventory`: each file also compared byte for
   * byte with what the inventory renders now.
   */
  against: 'manifest' | 'inventory';
  /** The inventory re-rendered (with --inventory). */
  inventory?: { file: string; sha256: string };
  /** How many files were looked at: those the manifest lists and those the inventory makes. */
  checked: number;
  /**
   * Files the manifest lists that the inventory does not make (orphans, or another inventory's
   * files): checked against the manifest only. With --inventory; 0 otherwise.
   */
  manifestOnly: number;
  /** Each problem as a sentence, `<path>: <detail>`, sorted. */
  problems: string[];
  /** The same problems as objects, sorted by path. */
  findings: Finding[];
}

/** Options of verifyOutput. */
export interface VerifyOptions {
  /** Re-render this inventory and compare every file it makes byte for byte. */
  inventory?: string;
  /**
   * With `inventory`: re-render only these clusters (any case), as `generate --cluster` wrote
   * them; the manifest's other files are checked against the manifest only.
   */
  clusters?: string[];
  /** With `inventory`: re-render only these formats, as `generate --format` wrote them. */
  formats?: Format[];
  /** Called after each cluster is rendered (with `inventory`). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Checks an output folder against its manifest: every listed file present with its recorded
 * SHA-256 and passing the output checks, and no file the manifest does not list. With
 * `inventory`, also renders every file that inventory makes (the planner generate uses) and
 * compares the bytes on disk with them, so a file edited together with its manifest entry is
 * found, and so is a manifest entry that names another hash than the file it lists.
 */
export function verifyOutput(outDir: string, opts: VerifyOptions = {}): VerifyReport {
  const state = readOutState(outDir);
  if (!state.manifest)
    throw new IoError(
      `${join(outDir, MANIFEST_FILE)} not found: nothing to verify (run generate first)`,
    );
  const findings: Finding[] = [];
  const add = (path: string, kind: FindingKind, detail: string) =>
    findings.push({ path, kind, detail });
  const listed = state.manifest.files;
  const recorded = (path: string): ManifestEntry | undefined =>
    Object.hasOwn(listed, path) ? listed[path] : undefined;

  // Paths whose bytes on disk are exactly what the inventory renders.
  const proven = new Set<string>();
  const made = new Set<string>();
  let inventory: VerifyReport['inventory'];
  if (opts.inventory !== undefined) {
    const inv = loadInventory(opts.inventory);
    inventory = { file: inv.file, sha256: inv.sha256 };
    const plan = buildPlan(
      inv,
      { manifest: undefined, manifestBytes: undefined, read: () => undefined },
      { outDir, clusters: opts.clusters, formats: opts.formats, onProgress: opts.onProgress },
    );
    for (const c of plan.clusters)
      for (const f of c.files) {
        made.add(f.path);
        compareWithInventory(f, c.settingsSha256, state.read(f.path), recorded(f.path), inv.file, {
          add,
          proven,
        });
      }
  }

  for (const [path, entry] of Object.entries(listed)) {
    const bytes = state.read(path);
    if (!bytes) {
      if (!made.has(path)) add(path, 'missing', 'missing');
      continue;
    }
    const hash = sha256(bytes);
    if (hash !== entry.sha256) {
      if (proven.has(path))
        add(
          path,
          'manifest-mismatch',
          `the manifest records SHA-256 ${entry.sha256}, but the file is what the inventory makes (SHA-256 ${hash}): manifest.json was edited`,
        );
      else add(path, 'changed', `changed (SHA-256 ${hash}, manifest ${entry.sha256})`);
    }
    for (const p of checkBytes(entry.format, bytes)) add(path, 'check-failed', p);
  }
  for (const path of listFiles(outDir)) {
    if (path === MANIFEST_FILE || path in listed || isOwnReport(outDir, path)) continue;
    if (proven.has(path))
      add(
        path,
        'manifest-mismatch',
        'not in the manifest, though it is what the inventory makes: manifest.json was edited',
      );
    else add(path, 'added', 'not in the manifest (added by hand?)');
  }

  findings.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0,
  );
  const paths = new Set([...Object.keys(listed), ...made]);
  return {
    outDir,
    against: inventory ? 'inventory' : 'manifest',
    ...(inventory ? { inventory } : {}),
    checked: paths.size,
    manifestOnly: inventory ? Object.keys(listed).filter((p) => !made.has(p)).length : 0,
    problems: findings.map((f) => `${f.path}: ${f.detail}`).sort(),
    findings,
  };
}

/**
 * One file the inventory makes against the folder: missing, other bytes, or a manifest entry
 * that disagrees with it. `proven` collects the files whose bytes are the rendered ones.
 */
function compareWithInventory(
  file: PlannedFile,
  settingsSha256: string,
  disk: Buffer | undefined,
  entry: ManifestEntry | undefined,
  inventoryFile: string,
  out: { add: (path: string, kind: FindingKind, detail: string) => void; proven: Set<string> },
): void {
  const { path } = file;
  if (!disk) {
    out.add(path, 'missing', `missing (${inventoryFile} makes it; generate writes it)`);
    return;
  }
  if (disk.equals(file.content())) out.proven.add(path);
  else
    out.add(
      path,
      'differs-from-inventory',
      `differs from what ${inventoryFile} makes (SHA-256 ${sha256(disk)} on disk, ${file.sha256} rendered)`,
    );
  if (!entry) return;
  const wrong = [
    entry.cluster !== file.cluster ? `cluster ${entry.cluster}, not ${file.cluster}` : '',
    entry.format !== file.format ? `format ${entry.format}, not ${file.format}` : '',
    entry.settingsSha256 !== undefined && entry.settingsSha256 !== settingsSha256
      ? `settings SHA-256 ${entry.settingsSha256}, not ${settingsSha256}`
      : '',
  ].filter(Boolean);
  if (wrong.length)
    out.add(path, 'manifest-mismatch', `the manifest's entry records ${wrong.join(', ')}`);
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

/** `1 file`, `3 files`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The summary line, and what it was checked against. */
export function verifySummary(report: VerifyReport): string {
  const ok = report.problems.length === 0;
  const problems = count(report.problems.length, 'problem');
  if (report.against === 'manifest')
    return [
      `${ok ? 'OK' : 'FAILED'}: ${count(report.checked, 'file')} checked against manifest.json only, ${problems}.`,
      'An edit of a file and of its manifest entry together passes this check: add --inventory FILE to re-render every file from the inventory and compare it byte for byte.',
    ].join('\n');
  const made = report.checked - report.manifestOnly;
  const others = report.manifestOnly
    ? `, ${report.manifestOnly} more it does not re-render (orphans, another inventory's files, or left out by --cluster or --format) checked against manifest.json only`
    : '';
  return `${ok ? 'OK' : 'FAILED'}: ${count(made, 'file')} re-rendered from ${report.inventory!.file} and compared byte for byte${others}, ${problems}.`;
}

/** `clusrestore verify`: prints the problems; exit 1 when there are any. */
export function verifyCommand(
  outDir: string,
  opts: Omit<VerifyOptions, 'onProgress'> & { json: boolean },
  io: Io,
  phase: Phase = () => undefined,
): number {
  const { json, ...options } = opts;
  const report = verifyOutput(outDir, { ...options, onProgress: phase('rendering clusters') });
  const ok = report.problems.length === 0;
  if (json) io.out(JSON.stringify({ schema: 'clusrestore/verify/v1', ...report, ok }, null, 2));
  else {
    for (const p of report.problems) io.err(`clusrestore: ${outDir}/${p}`);
    io.out(verifySummary(report));
  }
  return ok ? 0 : 1;
}
