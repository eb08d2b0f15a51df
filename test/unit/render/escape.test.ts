import fc from 'fast-check';
import {
  cmdText,
  cmdValue,
  intLiteral,
  mdCode,
  psArray,
  psHelpName,
  psLiteral,
} from '../../../src/render/escape';
import { scanSingleQuoted } from '../../../src/checks/ps-literal';

describe('psHelpName', () => {
  it('writes a NetBIOS cluster name as its literal', () => {
    expect(psHelpName('EXCL-01')).toBe("'EXCL-01'");
  });

  // Everything else could end the help's comment block or its line; the rules refuse it first.
  it.each(['a#>b', '#>', 'a\nb', "O'Brien", 'EXCL 01', '', 'A234567890123456'])(
    'refuses %j',
    (value) => {
      expect(() => psHelpName(value)).toThrow('psHelpName: not a NetBIOS name');
    },
  );
});

describe('psLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ['it\u2019s', "'it\u2019\u2019s'"],
    ['\u2018\u2019\u201A\u201B', "'\u2018\u2018\u2019\u2019\u201A\u201A\u201B\u201B'"],
    ['$(calc) `n "x"', '\'$(calc) `n "x"\''],
  ])('%j -> %j', (input, expected) => {
    expect(psLiteral(input)).toBe(expected);
  });

  it('refuses a missing value and ill-formed UTF-16 (a template bug, never silent)', () => {
    expect(() => psLiteral(undefined)).toThrow('psq: expected a string, got undefined');
    expect(() => psLiteral('a\uD800b')).toThrow('not well-formed');
  });

  // What follows a literal in a template is never a quote character (a space, a comma, a bracket
  // or a line end), so the literal must end exactly where psLiteral ended it.
  it('round-trips any well-formed string through PowerShell\u2019s scanning rule, consuming exactly the literal', () => {
    const after = fc.string().filter((s) => !/^['\u2018-\u201B]/.test(s));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), after, (value, after) => {
        const lit = psLiteral(value);
        const text = lit + after;
        const scanned = scanSingleQuoted(text, 0);
        expect(scanned).toEqual({ value, end: lit.length });
      }),
      { numRuns: 5000 },
    );
  });

  it('psArray writes a list of literals', () => {
    expect(psArray(['A', "B'"])).toBe("@('A', 'B''')");
  });
});

describe('the other helpers', () => {
  it('int writes whole numbers only', () => {
    expect(intLiteral(600)).toBe('600');
    for (const bad of [1.5, -1, '600', NaN, undefined])
      expect(() => intLiteral(bad)).toThrow('int: expected a whole number');
  });

  it('cmdValue passes allow-listed values and throws on anything else', () => {
    expect(cmdValue('resourceName', 'SQL Server (MSSQLSERVER)')).toBe('SQL Server (MSSQLSERVER)');
    for (const bad of [
      'a%b',
      'a!b',
      'a^b',
      'a&b',
      'a|b',
      'a<b',
      'a>b',
      'a"b',
      'a\nb',
      'caf\u00e9',
    ]) {
      expect(() => cmdValue('resourceName', bad)).toThrow(
        'is not allowed in values written to .cmd scripts',
      );
    }
  });

  it('cmdText refuses cmd metacharacters and parentheses in fixed text', () => {
    expect(cmdText('Start the service')).toBe('Start the service');
    expect(() => cmdText('Export (reg.exe)')).toThrow('not safe for cmd');
  });

  it('mdCode fences backticks and leaves everything else as it is', () => {
    expect(mdCode('MSExchangeDS')).toBe('`MSExchangeDS`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('a|b')).toBe('`a|b`');
  });
});
