import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parseInventoryParts, parsePlainInventory } from '../../src/inventory/load';
import { readPlainYaml } from '../../src/inventory/plain-yaml';

const { inventoryYaml } = require('../../bench/synthetic.js') as {
  inventoryYaml: (n: number) => string;
};

/**
 * readPlainYaml against `yaml`, the parser it stands in for: whenever it gives a value, `yaml`
 * must read the same text without an error and give the same value. It may leave any text to
 * `yaml` (undefined), so every test also counts how much it took on, lest it pass by refusing all.
 */
function agrees(text: string): boolean {
  const plain = readPlainYaml(text);
  if (plain === undefined) return false;
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  expect({ text, errors: doc.errors.map((e) => e.message) }).toEqual({ text, errors: [] });
  expect({ text, value: plain }).toStrictEqual({ text, value: doc.toJS() });
  return true;
}

/** Scalars as inventories write them. */
const WORDS = [
  'a',
  'EXNODE1',
  'C:\\clusrestore\\logs',
  'Microsoft Exchange Directory',
  'Exchange Directory (BC1)',
  "O'Brien",
  'say "hi"',
  'a  b',
  '3600',
  "'quoted'",
];

/** Scalars as written in YAML source: everything YAML gives a meaning to. */
const SCALARS = [
  'null',
  'Null',
  'NULL',
  '~',
  'true',
  'True',
  'TRUE',
  'false',
  'FALSE',
  'yes',
  'no',
  'on',
  'off',
  'y',
  '0',
  '1',
  '42',
  '3600',
  '999999999999999',
  '9999999999999999999',
  '007',
  '0x1F',
  '0o17',
  '1e3',
  '1.5',
  '.5',
  '-1',
  '+1',
  '1_000',
  '.inf',
  '.nan',
  '-.inf',
  'NaN',
  'Infinity',
  '=',
  '<<',
  'a: b',
  'a:b',
  'a :b',
  'x:',
  '1:30',
  '-a',
  '- a',
  '?a',
  ':a',
  'a,b',
  'a]',
  'a[1]',
  '[a]',
  '[a, b]',
  '[]',
  '{}',
  '{a: b}',
  '{ a: 1, b: 2 }',
  "'q'",
  "'it''s'",
  "'a,b'",
  "'a: b'",
  "''",
  '"dq"',
  '"d\\"q"',
  '"a\\nb"',
  '""',
  '&x a',
  '*x',
  '!x a',
  '!!str 1',
  '|',
  '>',
  '%a',
  '@a',
  '`a',
  'a #c',
  'a#b',
  'a\tb',
  '\u00e9t\u00e9',
  '12abc',
  '2001-12-14',
  '__proto__',
];

const NAMES = ['version', 'clusters', 'name', 'nodes', 'timeouts', 'recoverySec', 'a', 'B_1'];

const KEYS = [
  'null',
  'true',
  'on',
  '__proto__',
  'hasOwnProperty',
  'x-y',
  '1a',
  "'q'",
  '<<',
  '? k',
  'k'.repeat(1100),
];

type Node = { scalar: string } | { list: Node[] } | { map: [string, Node][] };

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      scalar: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
        fc.constantFrom(...SCALARS),
      ),
    }),
    fc.record({ list: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({
      map: fc.array(
        fc.tuple(
          fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...NAMES) }, fc.constantFrom(...KEYS)),
          tie('node'),
        ),
        { maxLength: 4 },
      ),
    }),
  ),
})).node;

/** A small deterministic generator of style choices. */
function chooser(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const isScalar = (n: Node): n is { scalar: string } => 'scalar' in n;

/** `n` as YAML source lines at `indent`, in styles picked by `pick`. */
function emit(n: Node, indent: number, pick: (n: number) => number): string[] {
  const pad = ' '.repeat(indent);
  const step = [2, 2, 3, 4][pick(4)];
  const sp = () => ' '.repeat(1 + (pick(5) === 0 ? 1 : 0));
  const flow = (m: Node): string | undefined => {
    if (isScalar(m)) return m.scalar;
    if ('list' in m && m.list.every(isScalar) && (m.list.length === 0 || pick(2))) {
      return `[${m.list.map((i) => i.scalar).join(pick(2) ? ', ' : ',')}]`;
    }
    if ('map' in m && m.map.every(([, v]) => isScalar(v)) && (m.map.length === 0 || pick(2))) {
      return `{ ${m.map.map(([k, v]) => `${k}: ${(v as { scalar: string }).scalar}`).join(', ')} }`;
    }
    return undefined;
  };
  if (isScalar(n)) return [pad + n.scalar];
  const lines: string[] = [];
  if ('list' in n) {
    if (n.list.length === 0) return [pad + '[]'];
    for (const item of n.list) {
      const inline = flow(item);
      if (inline !== undefined) lines.push(`${pad}-${sp()}${inline}`);
      else if ('map' in item && pick(3)) {
        const own = emit(item, indent + 2, pick);
        lines.push(`${pad}- ${own[0].slice(indent + 2)}`, ...own.slice(1));
      } else lines.push(`${pad}-`, ...emit(item, indent + step, pick));
    }
    return lines;
  }
  if (n.map.length === 0) return [pad + '{}'];
  for (const [key, value] of n.map) {
    const inline = flow(value);
    if (inline !== undefined) lines.push(`${pad}${key}:${sp()}${inline}`);
    else if ('list' in value && pick(3) === 0)
      lines.push(`${pad}${key}:`, ...emit(value, indent, pick));
    else lines.push(`${pad}${key}:`, ...emit(value, indent + step, pick));
  }
  return lines;
}

/** A document: the lines, sometimes with comments, blank lines, trailing spaces or CRLF. */
function documentText(n: Node, seed: number): string {
  const pick = chooser(seed);
  const lines = emit(n, 0, pick).flatMap((line) => {
    const extra = pick(12);
    if (extra === 0) return ['# a comment', line];
    if (extra === 1) return ['', line];
    if (extra === 2) return ['   # indented comment', line];
    if (extra === 3) return [line + '  '];
    return [line];
  });
  return lines.join(pick(4) === 0 ? '\r\n' : '\n') + (pick(3) ? '\n' : '');
}

describe('readPlainYaml', () => {
  test('reads the benchmark inventory and every inventory in the repository like yaml', () => {
    expect(agrees(inventoryYaml(300))).toBe(true);
    const root = join(__dirname, '..', '..');
    const files = [
      join(root, 'examples', 'inventory.yaml'),
      ...readdirSync(join(root, 'test', 'fixtures'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(root, 'test', 'fixtures', f)),
    ];
    const taken = files.filter((f) => agrees(readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
    // The bundled example has comments after values and custom-names.yaml non-ASCII names: both
    // are left to `yaml`.
    expect(taken.map((f) => f.slice(root.length + 1))).toEqual(['test/fixtures/store.yaml']);
  });

  test('makes the same inventory as yaml of the benchmark fleet and store.yaml', () => {
    const fixture = join(__dirname, '..', 'fixtures', 'store.yaml');
    for (const bytes of [Buffer.from(inventoryYaml(500)), readFileSync(fixture)]) {
      const plain = parsePlainInventory(bytes, 'inv.yaml');
      expect(plain).toBeDefined();
      const { text: _text, ...full } = parseInventoryParts(bytes, 'inv.yaml');
      expect({ ...plain, locate: undefined }).toStrictEqual({ ...full, locate: undefined });
    }
  });

  test('gives the same values as yaml for random documents of every style it may meet', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(node, fc.integer(), (n, seed) => {
        runs++;
        if (agrees(documentText(n, seed))) taken++;
      }),
      { numRuns: 3000, seed: 188674 },
    );
    expect(taken / runs).toBeGreaterThan(0.1);
  });

  test('gives the same values as yaml after random damage to a document', () => {
    let taken = 0;
    fc.assert(
      fc.property(
        node,
        fc.integer(),
        fc.nat(),
        fc.constantFrom(
          ' ',
          '  ',
          '-',
          ':',
          ': ',
          '#',
          '[',
          ']',
          '{',
          ',',
          "'",
          '"',
          '\t',
          '\r',
          '',
        ),
        (n, seed, where, insert) => {
          const text = documentText(n, seed);
          const at = where % (text.length + 1);
          if (agrees(text.slice(0, at) + insert + text.slice(at + (insert ? 0 : 1)))) taken++;
        },
      ),
      { numRuns: 6000, seed: 5528 },
    );
    expect(taken).toBeGreaterThan(300);
  });

  test.each([
    ['a key written twice', 'a: 1\na: 2\n'],
    ['a continued plain scalar', 'a: b\n  c\n'],
    ['a tab', 'a:\tb\n'],
    ['a comment after a value', 'a: b # c\n'],
    ['an anchor and an alias', 'a: &x b\nc: *x\n'],
    ['a number that is not a plain decimal', 'a: 0x1F\n'],
    ['non-ASCII text', 'a: \u00e9\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a flow list over two lines', 'a: [b,\n  c]\n'],
    ['an escape in double quotes', 'a: "b\\tc"\n'],
    ['a null written as ~', 'a: ~\n'],
    ['a key longer than YAML allows', `${'k'.repeat(1100)}: 1\n`],
  ])('leaves %s to yaml', (_, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  test('leaves nesting deeper than its stack to yaml instead of failing', () => {
    const deep = Array.from({ length: 6000 }, (_, k) => `${' '.repeat(k)}a:`).join('\n');
    expect(() => readPlainYaml(deep)).not.toThrow();
    expect(readPlainYaml(deep)).toBeUndefined();
  });

  test('reads the shapes an inventory is written in', () => {
    expect(
      readPlainYaml(
        [
          'version: 1',
          'defaults:',
          "  logFolder: 'D:\\logs'",
          'clusters:',
          '- name: A',
          '  nodes: [N1, N2]',
          '  timeouts: { recoverySec: 60 }',
          '-   name: B',
          '    nodes:',
          '      - N3',
          '    formats:',
          '    - ps1',
          '',
        ].join('\r\n'),
      ),
    ).toStrictEqual({
      version: 1,
      defaults: { logFolder: 'D:\\logs' },
      clusters: [
        { name: 'A', nodes: ['N1', 'N2'], timeouts: { recoverySec: 60 } },
        { name: 'B', nodes: ['N3'], formats: ['ps1'] },
      ],
    });
  });
});
