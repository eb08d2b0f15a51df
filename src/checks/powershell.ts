import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../version';

/**
 * The pwsh to use: $CLUSRESTORE_PWSH, then the one `npm run setup:pwsh` installs into
 * .tools/pwsh, then PATH. Undefined when there is none.
 */
export function findPwsh(): string | undefined {
  const candidates = [
    process.env.CLUSRESTORE_PWSH,
    join(packageRoot(), '.tools', 'pwsh', 'pwsh'),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'pwsh')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next candidate */
    }
  }
  return undefined;
}

/** A script to check, by name (for messages) and exact bytes (a thunk, so a big batch is never all in memory). */
export interface ScriptInput {
  name: string;
  bytes: Buffer | (() => Buffer);
}

export interface ScriptCheck {
  name: string;
  problems: string[];
}

/**
 * Parses scripts with PowerShell's own parser and checks Windows PowerShell 5.1 syntax, in one
 * pwsh process for the whole batch (starting pwsh costs about a second). The files are written
 * to a temporary folder byte for byte, so the parser sees the BOM and line endings as Windows will.
 */
export async function parsePowerShell(
  pwsh: string,
  scripts: ScriptInput[],
  onProgress?: (done: number, total: number) => void,
): Promise<ScriptCheck[]> {
  if (scripts.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'clusrestore-parse-'));
  try {
    const paths = scripts.map((s, i) => {
      const p = join(dir, `${i}.ps1`);
      writeFileSync(p, typeof s.bytes === 'function' ? s.bytes() : s.bytes);
      return p;
    });
    // One pwsh per core for big batches: parsing is CPU-bound, and each process costs a start.
    const processes = Math.max(1, Math.min(cpus().length, Math.floor(paths.length / 200)));
    const size = Math.ceil(paths.length / processes);
    const checker = join(packageRoot(), 'src', 'checks', 'Test-GeneratedScript.ps1');
    // The checker prints one line per script as it goes: each line is one more script parsed.
    let done = 0;
    const onLines = onProgress ? (n: number) => onProgress((done += n), paths.length) : undefined;
    const outputs = await Promise.all(
      Array.from({ length: processes }, (_, k) => {
        const list = join(dir, `list-${k}.txt`);
        writeFileSync(list, paths.slice(k * size, (k + 1) * size).join('\n') + '\n', 'utf8');
        return runPwsh(
          pwsh,
          ['-NoProfile', '-NonInteractive', '-File', checker, '-ListPath', list],
          onLines,
        );
      }),
    );
    const byPath = new Map<string, string[]>();
    for (const line of outputs.join('\n').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { path: string; problems: string[] | null };
      byPath.set(r.path, r.problems ?? []);
    }
    return scripts.map((s, i) => {
      const problems = byPath.get(paths[i]);
      return {
        name: s.name,
        problems: problems ?? ['the PowerShell parser gave no result for this file'],
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What one pwsh process printed and how it ended. */
export interface PwshRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs pwsh with `args` (and `input` on its standard input), quiet: no telemetry, no update
 * check, no colours. The one place clusrestore and its tests start PowerShell.
 */
export function spawnPwsh(
  pwsh: string,
  args: string[],
  input?: string,
  onStdout?: (chunk: string) => void,
): Promise<PwshRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(pwsh, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        POWERSHELL_TELEMETRY_OPTOUT: '1',
        POWERSHELL_UPDATECHECK: 'Off',
        NO_COLOR: '1',
        TERM: 'dumb',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      onStdout?.(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs pwsh for its output; `onLines` is told how many lines each chunk of output ended. */
async function runPwsh(
  pwsh: string,
  args: string[],
  onLines?: (n: number) => void,
): Promise<string> {
  const count = onLines
    ? (chunk: string) => {
        const n = chunk.split('\n').length - 1;
        if (n) onLines(n);
      }
    : undefined;
  const { code, stdout, stderr } = await spawnPwsh(pwsh, args, undefined, count);
  if (code !== 0)
    throw new Error(`pwsh exited with ${code}: ${stderr.trim().split('\n').slice(0, 5).join(' ')}`);
  return stdout;
}
