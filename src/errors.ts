/**
 * Named errors. The core throws them; src/cli.ts catches them once and maps each to its exit
 * code (see CLI_EXIT_CODES). Stack traces are printed only with --debug.
 */

import { INVISIBLE } from './inventory/rules';

/** One located problem: `file:line:col path: message`. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Inventory path such as `clusters[1].nodes[0]`. */
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.path}: ${shownText(d.message)}`;
}

/** Quoted values longer than this are shortened in messages. */
const SHOWN_VALUE_MAX = 80;

/**
 * Text safe to print on a terminal: invisible, control and bidirectional characters as `U+XXXX`
 * (U+202E would reorder the line), and each long quoted value shortened with its length.
 */
export function shownText(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) =>
      quoted.length - 2 > SHOWN_VALUE_MAX
        ? `${quoted.slice(0, SHOWN_VALUE_MAX - 20)}..." (${quoted.length - 2} characters)`
        : quoted,
    )
    .replace(new RegExp(INVISIBLE.source, 'gu'), (c) => {
      const cp = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      return `U+${cp}`;
    });
}

/** `['clusters', 1, 'nodes', 0]` -> `clusters[1].nodes[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(document)';
}

export abstract class ClusrestoreError extends Error {
  /** Exit code of the CLI for this error. */
  abstract readonly exitCode: number;
  /** Stable identifier for --json output. */
  abstract readonly code: string;
}

/** The inventory cannot be used: every problem, located. */
export class InventoryError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'inventory-invalid';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the inventory:\n` +
        diagnostics.map(formatDiagnostic).join('\n'),
    );
  }
}

/** Bad command-line use that yargs cannot catch (an unknown --cluster, an existing file for init). */
export class UsageError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'usage';
}

/** Files in the output folder were edited by hand and would be overwritten. */
export class ConflictError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'hand-edited';
  constructor(readonly files: string[]) {
    super(
      `${files.length} file${files.length === 1 ? ' was' : 's were'} changed since clusrestore wrote ${files.length === 1 ? 'it' : 'them'} ` +
        `(the bytes no longer match manifest.json); nothing was written:\n` +
        files.map((f) => `  ${f}`).join('\n') +
        `\nKeep your changes elsewhere, or rerun with --force to overwrite them (an orphan that --prune would delete: to delete it).`,
    );
  }
}

/** A saved plan (generate --plan) no longer holds: what it was made from changed since. */
export class SavedPlanError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'saved-plan-stale';
  constructor(
    file: string,
    readonly differences: string[],
  ) {
    super(
      `the saved plan ${file} cannot be applied: ${differences.length} difference${differences.length === 1 ? '' : 's'} since it was made; nothing was written:\n` +
        differences.map((d) => `  ${d}`).join('\n') +
        `\nMake a new plan (generate --dry-run --plan-out ${file}), have it reviewed, and apply that.`,
    );
  }
}

/** A rendered file failed an output check: a bug in a template, never the user's fault. */
export class OutputCheckError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'output-check-failed';
  constructor(readonly problems: string[]) {
    super(`generated output failed its checks:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** The output folder no longer matches the manifest (verify). */
export class VerifyError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'verify-failed';
  constructor(readonly problems: string[]) {
    super(`output does not match its manifest:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** The output folder's manifest.json cannot be used: each problem, located by line. */
export class ManifestError extends ClusrestoreError {
  readonly exitCode = 1;
  readonly code = 'manifest-invalid';
}

/** Reading or writing a file failed. */
export class IoError extends ClusrestoreError {
  readonly exitCode = 3;
  readonly code = 'io-error';
}

/**
 * An ordinary file-system error that no command turned into an IoError (a Node error with a
 * system call and an errno code, such as ENOTDIR from mkdir) as an IoError, exit code 3: the
 * file system said no, which is not a bug in clusrestore. Undefined for any other error.
 */
export function fileSystemError(err: unknown): IoError | undefined {
  const e = err as NodeJS.ErrnoException | null;
  if (!(e instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string')
    return undefined;
  const target = typeof e.path === 'string' ? ` ${e.path}` : '';
  return new IoError(`cannot ${SYSCALL_WORDS[e.syscall] ?? e.syscall}${target}: ${fsErrorText(e)}`);
}

/** What a system call was doing, for fileSystemError's message. */
const SYSCALL_WORDS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'move into place',
  unlink: 'remove',
  rmdir: 'remove the folder',
  stat: 'look at',
  lstat: 'look at',
  scandir: 'list the folder',
  opendir: 'list the folder',
  copyfile: 'copy',
};

/** A file-system error in words, with its code: `no such file or folder (ENOENT)`. */
export function fsErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'it is a folder, not a file',
    ENOTDIR: 'a part of its path is a file, not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EMFILE: 'too many open files',
    ELOOP: 'too many symbolic links (a loop?)',
    ENAMETOOLONG: 'the name is too long',
    EEXIST: 'something is already there',
    ENOTEMPTY: 'the folder is not empty',
    EBUSY: 'it is busy',
    EXDEV: 'it would move across file systems',
  };
  if (!code) return String((err as Error).message ?? err);
  return `${words[code] ?? (err as Error).message ?? 'error'} (${code})`;
}

/** `simulate` needs PowerShell to run the generated script, and none was found. */
export class PwshMissingError extends ClusrestoreError {
  readonly exitCode = 5;
  readonly code = 'pwsh-missing';
  constructor() {
    super(
      'simulate runs the generated PowerShell script in pwsh, and no pwsh was found ' +
        '($CLUSRESTORE_PWSH, .tools/pwsh/pwsh in the clusrestore package, or PATH). ' +
        'Install PowerShell 7 into .tools/pwsh with `npm run setup:pwsh` (needs the .NET SDK), ' +
        'or put pwsh on PATH, or set CLUSRESTORE_PWSH to its path.',
    );
  }
}

/**
 * A run stopped by a signal (PlanOptions.signal) before it wrote anything: what it had staged is
 * removed. Not a ClusrestoreError: the CLI has no exit code for it, it ends by the same signal.
 */
export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(
      `interrupted by ${signal}: nothing was written, and the files staged so far were removed`,
    );
  }

  /** The error for an aborted PlanOptions.signal, whose reason is the signal's name. */
  static of(aborted: AbortSignal): InterruptedError {
    return new InterruptedError(aborted.reason as NodeJS.Signals);
  }
}
