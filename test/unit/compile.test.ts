import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import { HOSTILE } from '../fixtures/hostile';
import { parseInventory } from '../../src/inventory/load';
import type { Format } from '../../src/inventory/presets';
import type { ClusterConfig } from '../../src/inventory/types';
import { compileTemplate, handlebarsTemplate, type Helper } from '../../src/render/compile';
import { TEMPLATE_HELPERS, templateContext, templateSource } from '../../src/render/engine';

const { syntheticCluster } = require('../../bench/synthetic.js') as {
  syntheticCluster: (i: number) => ClusterConfig;
};

/**
 * compile.ts renders the templates in place of Handlebars; Handlebars itself, compiled with the
 * options the project used it with, is the reference it must agree with: the same text, or an
 * error from both.
 */
type Outcome = { text: string } | { error: true };

function outcome(render: () => string): Outcome {
  try {
    return { text: render() };
  } catch {
    return { error: true };
  }
}

function agree(source: string, contexts: object[], helpers: Record<string, Helper> = {}): number {
  const ours = compileTemplate(source, helpers);
  const theirs = handlebarsTemplate(source, helpers);
  let texts = 0;
  for (const context of contexts) {
    const expected = outcome(() => theirs(context));
    expect({ context, out: outcome(() => ours(context)) }).toEqual({ context, out: expected });
    if ('text' in expected) texts++;
  }
  return texts;
}

const ROOT = join(__dirname, '..', '..');
const FORMATS: Format[] = ['ps1', 'cmd', 'runbook'];

describe('compileTemplate renders the project templates as Handlebars does', () => {
  const inventories = [
    join(ROOT, 'examples', 'inventory.yaml'),
    join(ROOT, 'test', 'fixtures', 'store.yaml'),
    join(ROOT, 'test', 'fixtures', 'custom-names.yaml'),
  ].flatMap((f) => parseInventory(readFileSync(f), f).clusters);
  const synthetic = Array.from({ length: 40 }, (_, i) => syntheticCluster(i));
  // Every hostile value in every text field, and formats in every combination: values the
  // inventory would refuse too, so that the helpers' refusals are compared as well.
  const base = inventories[0];
  const hostile = Object.values(HOSTILE)
    .flat()
    .flatMap((value, i): ClusterConfig[] => [
      { ...base, name: value },
      { ...base, resourceName: value, formats: i % 2 ? ['ps1', 'runbook'] : ['runbook'] },
      { ...base, serviceName: value, logFolder: value },
      { ...base, restoreKey: value, nodes: [value, 'B'] },
    ]);

  test.each(FORMATS)('%s', (format) => {
    const contexts = [...inventories, ...synthetic, ...hostile].map((c) =>
      templateContext(c, 'f'.repeat(64)),
    );
    const texts = agree(templateSource(format), contexts, TEMPLATE_HELPERS);
    // Most contexts render; the rest are refused by a helper in both.
    expect(texts).toBeGreaterThan(inventories.length + synthetic.length);
  });
});

describe('compileTemplate has the semantics of Handlebars strict mode', () => {
  // Handlebars warns once per name when a template reads an inherited property (`{{map}}` of a
  // list); compile.ts reads none either, silently. Other messages still come through.
  const consoleError = console.error;
  beforeAll(() => {
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('Handlebars: Access has been denied')) consoleError(...args);
    });
  });
  afterAll(() => jest.restoreAllMocks());

  const helpers: Record<string, Helper> = {
    up: (s) => String(s).toUpperCase(),
    eq: (a, b) => a === b,
    join: (a, b, c) => `${String(a)}-${String(b)}-${String(c)}`,
  };
  const contexts: object[] = [
    {
      name: 'x',
      list: ['a', 'b', 'c'],
      map: { k1: 1, k2: 0 },
      flag: true,
      n: 0,
      deep: { a: { b: 'c' } },
    },
    { name: '', list: [], map: {}, flag: false, n: 1, deep: { a: {} } },
    { name: null, list: [0, '', null], map: { only: [] }, flag: 'no', n: NaN, deep: {} },
    { list: [{ name: 'inner' }, { other: 1 }], map: { a: { name: 'm' } }, deep: { a: { b: 0 } } },
    {},
  ];
  test.each([
    ['text, values and a missing value', 'a {{name}} b\n'],
    ['nested paths', '{{deep.a.b}}'],
    ['this and @root', '{{#each list}}[{{this}}|{{@root.name}}]{{/each}}'],
    [
      // Separated: Handlebars adds adjacent values that are not strings as numbers (0 + true),
      // a quirk the project templates never meet (the test above would show it).
      'each over a list with its data',
      '{{#each list}}{{@index}},{{@key}},{{@first}},{{@last}}:{{this}};{{/each}}',
    ],
    [
      'each over a mapping',
      '{{#each map}}{{@key}}={{this}}@{{@index}}{{#if @last}}.{{/if}} {{/each}}',
    ],
    ['each with else', '{{#each list}}x{{else}}empty{{/each}}'],
    [
      '../ inside each, and inside if inside each',
      '{{#each list}}{{../name}}{{#if ../flag}}{{../name}}{{/if}}{{/each}}',
    ],
    ['nested each and ../../', '{{#each map}}{{#each ../list}}{{../../name}}{{/each}}{{/each}}'],
    [
      'if and else on every kind of value',
      '{{#if flag}}T{{else}}F{{/if}}{{#if n}}N{{/if}}{{#if list}}L{{/if}}{{#if map}}M{{/if}}',
    ],
    ['unless', '{{#unless flag}}U{{else}}u{{/unless}}'],
    [
      'helpers with paths, literals and sub-expressions',
      '{{up name}} {{join "a" 1 true}} {{#if (eq name "x")}}yes{{/if}}',
    ],
    ['a helper given a missing value', '{{up missing}}'],
    ['a missing block value', '{{#if missing}}a{{/if}}{{#each missing}}b{{/each}}'],
    ['a missing part of a path', '{{#if deep.none.b}}a{{/if}}'],
    [
      'standalone block lines',
      'a\n{{#each list}}\n  - {{this}}\n{{/each}}\nb\n{{#if flag}}\nT\n{{else}}\nF\n{{/if}}\n',
    ],
    ['CRLF standalone lines', 'a\r\n  {{#if flag}}\r\nT\r\n  {{/if}}\r\nb\r\n'],
    ['whitespace control', 'a  {{~name~}}  b {{#if flag~}} c {{~/if}}'],
    ['comments', 'a {{! one }} b\n{{!-- two --}}\nc'],
  ])('%s', (_, source) => {
    agree(source, contexts, helpers);
  });

  test.each([
    ['a partial', '{{> other}}'],
    ['an unknown helper', '{{shout name}}'],
    ['an unknown block helper', '{{#with deep}}{{a}}{{/with}}'],
    ['hash arguments', '{{up name case="x"}}'],
    ['block parameters', '{{#each list as |item|}}{{item}}{{/each}}'],
  ])('refuses %s when compiling', (_, source) => {
    expect(() => compileTemplate(source, helpers)).toThrow(/outside the Handlebars subset/);
  });

  const paths = ['name', 'list', 'map', 'n', 'flag', 'deep.a', 'deep.a.b', 'this', 'missing'];
  const scoped = ['../name', '../list', '../../name', '@index', '@key', '@first', '@last'];
  const path = fc.constantFrom(...paths, ...scoped, '@root.name', '@root.list');

  /** Templates of the subset with `text` between tags. */
  const templates = (text: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.letrec<{ body: string; item: string }>((tie) => ({
      body: fc
        .array(fc.tuple(text, tie('item')), { maxLength: 4 })
        .map((items) => items.map(([t, i]) => t + i).join('') + 'x'),
      item: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        path.map((p) => `{{${p}}}`),
        path.map((p) => `{{up ${p}}}`),
        fc
          .tuple(fc.constantFrom('if', 'unless', 'each'), path, tie('body'), fc.option(tie('body')))
          .map(([block, p, yes, no]) =>
            no === null
              ? `{{#${block} ${p}}}${yes}{{/${block}}}`
              : `{{#${block} ${p}}}${yes}{{else}}${no}{{/${block}}}`,
          ),
      ),
    })).body;

  // Text between tags is never empty, nor whitespace when tags may strip it: Handlebars adds
  // adjacent values that are not strings as numbers (see above), a quirk compile.ts does not copy.
  test('the same as Handlebars for random templates of the subset', () => {
    const text = fc.constantFrom('x', ' ', '\n', '  \n', '\r\n', ' - ', '\n  ');
    let texts = 0;
    fc.assert(
      fc.property(templates(text), (source) => {
        texts += agree(source, contexts, helpers);
      }),
      { numRuns: 1500, seed: 1024 },
    );
    expect(texts).toBeGreaterThan(1500);
  });

  test('the same as Handlebars for random templates whose tags strip whitespace ({{~x~}})', () => {
    const text = fc.constantFrom(' x ', '\n x \n', 'x\r\n', ' - x', '\n  x');
    const strip = (source: string, flags: boolean[]) => {
      let n = 0;
      return source.replace(/\{\{|\}\}/g, (tag) =>
        flags[n++ % flags.length] ? (tag === '{{' ? '{{~' : '~}}') : tag,
      );
    };
    let texts = 0;
    fc.assert(
      fc.property(templates(text), fc.array(fc.boolean(), { minLength: 1 }), (source, flags) => {
        texts += agree(strip(source, flags), contexts, helpers);
      }),
      { numRuns: 1000, seed: 2048 },
    );
    expect(texts).toBeGreaterThan(1000);
  });
});
