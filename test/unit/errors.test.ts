import { fileSystemError, formatDiagnostic, shownText } from '../../src/errors';

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

describe('fileSystemError', () => {
  it('says in words what failed, on which path, and keeps the code', () => {
    const err = Object.assign(new Error("ENOTDIR: not a directory, mkdir '/tmp/f/x'"), {
      code: 'ENOTDIR',
      syscall: 'mkdir',
      path: '/tmp/f/x',
    });
    const io = fileSystemError(err);
    expect(io?.exitCode).toBe(3);
    expect(io?.message).toBe(
      'cannot create the folder /tmp/f/x: a part of its path is a file, not a folder (ENOTDIR)',
    );
  });

  it('leaves errors that are not from the file system alone', () => {
    expect(fileSystemError(new Error('a bug'))).toBeUndefined();
    expect(fileSystemError(Object.assign(new Error('x'), { code: 'ERR_X' }))).toBeUndefined();
  });
});
