import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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
 * `describe` for suites that run scripts under Wine. When Wine (or, with `mingw`, the MinGW-w64
 * compiler) is missing, the suite fails if CLUSRESTORE_REQUIRE_WINE=1 (CI sets it), and is skipped
 * with a loud warning otherwise, so a developer without Wine still sees what did not run.
 */
export function describeWine(name: string, fn: () => void, needs: WineNeeds = {}): void {
  const missing: string[] = [];
  if (!findWine()) missing.push('wine and wineserver (apt-get install wine64 wine)');
  if (needs.mingw && !findMingwGcc())
    missing.push('x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64-win32)');
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const why = `${name}: not found on PATH: ${missing.join('; ')}`;
  if (process.env.CLUSRESTORE_REQUIRE_WINE === '1') {
    describe(name, () => {
      it('has the Wine tools it needs (CLUSRESTORE_REQUIRE_WINE=1)', () => {
        throw new Error(why);
      });
    });
    return;
  }
  const rule = '!'.repeat(78);
  console.warn(
    `${rule}\n!! SKIPPED, Wine suite not run. ${why}\n!! Set CLUSRESTORE_REQUIRE_WINE=1 to make this a failure.\n${rule}`,
  );
  describe.skip(name, fn);
}
