/** A program a suite needs, and what to say when it is missing. */
export interface Requirement {
  /** The X of CLUSRESTORE_REQUIRE_X: with it set to 1 (CI), a missing program fails the suite. */
  env: 'PWSH' | 'WINE' | 'CHROMIUM';
  /** What was not found, one entry each; empty when everything is there. */
  missing: string[];
  /** What the suite would have proven, for the skip notice. */
  notRun: string;
  /** How to install what is missing. */
  install: string;
}

/**
 * The one gate for the interpreter suites (pwsh, Wine, Chromium): the suite runs when its
 * programs are there; otherwise it fails under CLUSRESTORE_REQUIRE_<X>=1 and is skipped with a
 * loud notice, so a developer without the program still sees what did not run.
 */
export function describeWhen(req: Requirement, name: string, fn: () => void): void {
  if (req.missing.length === 0) {
    describe(name, fn);
    return;
  }
  const variable = `CLUSRESTORE_REQUIRE_${req.env}`;
  const missing = `not found: ${req.missing.join('; ')}`;
  if (process.env[variable] === '1') {
    describe(name, () => {
      it(`has what it needs (${variable}=1)`, () => {
        throw new Error(`${variable}=1 but ${missing}. ${req.install}.`);
      });
    });
    return;
  }
  const rule = '!'.repeat(78);
  console.warn(
    `${rule}\n!! SKIPPED "${name}": ${missing}, so ${req.notRun}.\n` +
      `!! ${req.install}; set ${variable}=1 to make this a failure.\n${rule}`,
  );
  describe.skip(name, fn);
}
