import { formatDiagnostic, shownText } from '../../src/errors';

describe('shownText', () => {
  it('shows invisible and bidirectional characters as U+XXXX', () => {
    expect(shownText('"EX\u202ECL" and "a\u200Bb\u0007"')).toBe(
      '"EXU+202ECL" and "aU+200BbU+0007"',
    );
  });

  it('shortens a long quoted value and says how long it was', () => {
    const shown = shownText(`${JSON.stringify('x'.repeat(9000))}: is too long`);
    expect(shown).toBe(`"${'x'.repeat(59)}..." (9000 characters): is too long`);
  });

  it('is what formatDiagnostic prints', () => {
    const d = {
      file: 'inv.yaml',
      line: 3,
      col: 5,
      path: 'clusters[0].name',
      message: '"A\u202EB"',
    };
    expect(formatDiagnostic(d)).toBe('inv.yaml:3:5 clusters[0].name: "AU+202EB"');
  });
});
