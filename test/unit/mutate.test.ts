// The machinery of `npm run mutate` (scripts/mutate.js) on its own: how a mutant is applied, and
// that the catalogue is well formed. The mutation run itself is not a jest suite.
const { applyMutant, catalogueProblems } = require('../../scripts/mutate.js') as {
  applyMutant: (text: string, m: Mutant) => { text?: string; reason?: string };
  catalogueProblems: () => string[];
};
const { MUTANTS } = require('../mutation/mutants.js') as { MUTANTS: Mutant[] };

interface Mutant {
  id: string;
  template: 'ps1' | 'cmd';
  category: string;
  why: string;
  edits: { search: string; replace: string }[];
}

const mutant = (...edits: [string, string][]): Mutant => ({
  id: 't',
  template: 'ps1',
  category: 'ordering',
  why: 'test',
  edits: edits.map(([search, replace]) => ({ search, replace })),
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
