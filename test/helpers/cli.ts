import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended the run, if one did (cliAsync). */
  signal?: NodeJS.Signals | null;
}

/** Runs the built CLI (npm test builds it first) in `cwd`; uncoloured unless `env` says. */
export function cli(args: string[], cwd: string = ROOT, env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '', ...env },
    // A dry run of a large fleet prints megabytes; spawnSync's default stops at 1 MB.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'clusrestore-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The built CLI of a package folder, asynchronously, so several runs can overlap. */
export function cliAsync(
  args: string[],
  opts: {
    root?: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Given the running child, to signal it. */
    started?: (child: ChildProcess) => void;
  } = {},
): Promise<CliRun> {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, [join(opts.root ?? ROOT, 'dist', 'cli.js'), ...args], {
      cwd: opts.cwd ?? tempDir(),
      env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, signal }));
    opts.started?.(child);
  });
}

/** Runs jobs at most `limit` at a time (two cores, shared with other suites). */
export async function pool<T>(jobs: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}
