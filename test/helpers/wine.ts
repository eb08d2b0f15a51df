import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describeWhen } from './gate';

/** The first executable named `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Wine's launcher and server. Debian's `wine` package puts both on PATH (wine64 alone does not). */
export interface WineTools {
  wine: string;
  wineserver: string;
}

export function findWine(): WineTools | undefined {
  const wine = which('wine');
  const wineserver = which('wineserver');
  return wine && wineserver ? { wine, wineserver } : undefined;
}

/** The MinGW-w64 compiler that builds the PE stand-ins (Debian: gcc-mingw-w64-x86-64-win32). */
export function findMingwGcc(): string | undefined {
  return which('x86_64-w64-mingw32-gcc');
}

export interface WineNeeds {
  /** The suite also compiles PE programs with MinGW-w64. */
  mingw?: boolean;
}

/**
 * describe() for suites that run scripts under Wine (with `mingw`, also compiling PE stand-ins);
 * gate.ts: skipped loudly, or failed in CI.
 */
export function describeWine(name: string, fn: () => void, needs: WineNeeds = {}): void {
  // Under load Wine's cmd now and then cannot start a program at all: exit code 9009 and "Can't
  // recognize ... as an internal or external command" for reg.exe, seen in CI runs. That is
  // Wine's failure, not the script's (which treats it as a failed read and stops safely), so a
  // failed test runs up to twice more, its first errors printed. The mutation run counts
  // failures itself (two in a row make a catch) and sets CLUSRESTORE_MUTATE_ORDER: no retries.
  if (!process.env.CLUSRESTORE_MUTATE_ORDER) jest.retryTimes(2, { logErrorsBeforeRetry: true });
  const missing: string[] = [];
  if (!findWine()) missing.push('wine and wineserver on PATH (apt-get install wine64 wine)');
  if (needs.mingw && !findMingwGcc())
    missing.push('x86_64-w64-mingw32-gcc on PATH (apt-get install gcc-mingw-w64-x86-64-win32)');
  describeWhen(
    {
      env: 'WINE',
      missing,
      notRun: 'the generated cmd scripts were NOT run under Wine',
      install: 'Install the packages named',
    },
    name,
    fn,
  );
}
