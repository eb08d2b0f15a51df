// The machinery of `npm run mutate` (scripts/mutate.js) on its own: how a mutant is applied, and
// that the catalogue is well formed. The mutation run itself is not a jest suite.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const { applyMutant, catalogueProblems, exactNames, SUITES } =
  require('../../scripts/mutate.js') as {
    applyMutant: (text: string, m: Mutant) => { text?: string; reason?: string };
    catalogueProblems: () => string[];
    exactNames: (names: string[]) => string;
    SUITES: Record<'ps1' | 'cmd', string[]>;
  };
const { MUTANTS } = require('../mutation/mutants.js') as { MUTANTS: Mutant[] };

interface Mutant {
  id: string;
  template: 'ps1' | 'cmd';
  category: string;
  why: string;
  edits: { search: string; replace: string }[];
  caughtBy: { suite: string; test: string };
}

const ROOT = join(__dirname, '..', '..');
const TEMPLATES = { ps1: 'templates/ps1/restore.ps1.hbs', cmd: 'templates/cmd/restore.cmd.hbs' };

/**
 * The string literals of a test file (escapes read), each as a pattern for a title: an
 * `it.each` title's placeholders (%s, %i...) stand for any text.
 */
function titles(file: string): RegExp[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: RegExp[] = [];
  for (const m of text.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)) {
    const literal = (m[1] ?? m[2])
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\(.)/g, '$1');
    const pattern = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%[sdifjop#]/g, '.+');
    found.push(new RegExp(`^${pattern}$`));
  }
  return found;
}

/** Whether `name` is titles joined by blanks, as jest joins describe titles and the test's. */
function madeOf(name: string, patterns: RegExp[]): boolean {
  if (patterns.some((p) => p.test(name))) return true;
  for (let i = name.indexOf(' '); i > 0; i = name.indexOf(' ', i + 1)) {
    const head = name.slice(0, i);
    if (patterns.some((p) => p.test(head)) && madeOf(name.slice(i + 1), patterns)) return true;
  }
  return false;
}

const mutant = (...edits: [string, string][]): Mutant => ({
  id: 't',
  template: 'ps1',
  category: 'ordering',
  why: 'test',
  edits: edits.map(([search, replace]) => ({ search, replace })),
  caughtBy: { suite: 'test/pwsh/scenarios.test.ts', test: 'a test' },
});

describe('applying a mutant', () => {
  it('replaces a search text that occurs exactly once', () => {
    expect(applyMutant('a\nb\nc\n', mutant(['b\n', 'x\n']))).toEqual({ text: 'a\nx\nc\n' });
  });

  it('no longer applies when the search text is absent or occurs twice', () => {
    expect(applyMutant('a\nb\n', mutant(['z', 'x'])).reason).toMatch(/not found/);
    expect(applyMutant('b\nb\n', mutant(['b', 'x'])).reason).toMatch(/more than once/);
  });

  it('finds every edit in the unchanged text, so two edits swap two lines', () => {
    expect(applyMutant('a\nb\nc\n', mutant(['a\n', 'c\n'], ['c\n', 'a\n']))).toEqual({
      text: 'c\nb\na\n',
    });
  });

  it('refuses overlapping edits', () => {
    expect(applyMutant('abc', mutant(['ab', 'x'], ['bc', 'y'])).reason).toMatch(/overlap/);
  });

  it('finds a test by its exact full name only', () => {
    const re = new RegExp(exactNames(['a (b) $x.', 'c']), 'i');
    expect(['a (b) $x.', 'c'].map((n) => re.test(n))).toEqual([true, true]);
    expect(['a (b) $x. d', 'xa (b) $x.', 'a (b) $xx', 'cc'].some((n) => re.test(n))).toBe(false);
  });

  it('matches and writes the template’s CRLF line ends', () => {
    expect(applyMutant('a\r\nb\r\n', mutant(['a\nb', 'x\ny']))).toEqual({ text: 'x\r\ny\r\n' });
  });
});

describe('the mutant catalogue', () => {
  it('is well formed: unique ids, known templates and categories, a why and an edit each', () => {
    expect(catalogueProblems()).toEqual([]);
  });

  it('covers every category in both templates', () => {
    for (const template of ['ps1', 'cmd']) {
      const categories = new Set(
        MUTANTS.filter((m) => m.template === template).map((m) => m.category),
      );
      expect([...categories].sort()).toEqual(
        ['dry-run', 'exit-code', 'failure-path', 'ordering', 'refusal'].sort(),
      );
    }
  });
});

describe('the mutant catalogue against today’s files', () => {
  it.each(MUTANTS.map((m) => [m.id, m]))(
    '%s applies exactly once to today’s template',
    (_id, m) => {
      const text = readFileSync(join(ROOT, TEMPLATES[m.template]), 'utf8');
      const applied = applyMutant(text, m);
      expect(applied.reason).toBeUndefined();
      expect(applied.text).not.toBe(text);
    },
  );

  it('names, for every mutant, a test of its template’s scenario suites that exists', () => {
    const strings = new Map<string, RegExp[]>();
    const problems: string[] = [];
    for (const m of MUTANTS) {
      const { suite, test } = m.caughtBy;
      if (!SUITES[m.template].includes(suite) || !existsSync(join(ROOT, suite))) {
        problems.push(`${m.id}: ${suite}`);
        continue;
      }
      if (!strings.has(suite)) strings.set(suite, titles(suite));
      if (!madeOf(test, strings.get(suite)!))
        problems.push(`${m.id}: no test "${test}" in ${suite}`);
    }
    expect(problems).toEqual([]);
  });
});
