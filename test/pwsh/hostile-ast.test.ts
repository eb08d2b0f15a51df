import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hostileValues, quoteRichString } from '../fixtures/hostile';
import { BENIGN, FIELDS, runField, type Field } from '../helpers/hostile';
import { PWSH, describePwsh } from '../helpers/pwsh';

/**
 * The .ps1 half of "nothing in an inventory can change what a script does", judged by
 * PowerShell's own parser: a script generated with a hostile value has the same AST node types
 * and token kinds as the one generated with a benign value, and where the benign one has the
 * benign value as a single-quoted constant the hostile one has exactly the hostile value.
 */
const pwsh = PWSH;

interface Shape {
  path: string;
  errors: string[];
  nodes: string;
  tokens: string;
  strings: { type: string; value: string }[];
}

/** One pwsh process parses the whole batch. */
function shapes(scripts: string[]): Shape[] {
  const dir = mkdtempSync(join(tmpdir(), 'clusrestore-ast-'));
  try {
    const paths = scripts.map((s, i) => {
      const p = join(dir, `${i}.ps1`);
      writeFileSync(
        p,
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(s.replace(/^\uFEFF/, ''), 'utf8'),
        ]),
      );
      return p;
    });
    writeFileSync(join(dir, 'list.txt'), paths.join('\n'));
    const r = spawnSync(
      pwsh!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-File',
        join(__dirname, 'Get-ScriptShape.ps1'),
        '-ListPath',
        join(dir, 'list.txt'),
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Shape);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cases whose value every tier lets into the .ps1, with the benign script of their field. */
function accepted(cases: [Field, string][]): { field: Field; value: string; ps1: string }[] {
  return cases.flatMap(([field, value]) => {
    const o = runField(field, value);
    return o.kind === 'accepted' ? [{ field, value, ps1: o.ps1 }] : [];
  });
}

function compare(cases: { field: Field; value: string; ps1: string }[]): string[] {
  const benign = FIELDS.map((f) => (runField(f, BENIGN[f]) as { ps1: string }).ps1);
  const all = shapes([...benign, ...cases.map((c) => c.ps1)]);
  const problems: string[] = [];
  cases.forEach((c, i) => {
    const b = all[FIELDS.indexOf(c.field)];
    const h = all[FIELDS.length + i];
    const label = `${c.field}=${JSON.stringify(c.value)}`;
    if (h.errors.length) problems.push(`${label}: parse errors ${h.errors.join('; ')}`);
    if (h.nodes !== b.nodes) problems.push(`${label}: AST node types differ`);
    if (h.tokens !== b.tokens) problems.push(`${label}: token kinds differ`);
    if (h.strings.length !== b.strings.length)
      return void problems.push(`${label}: a different number of string constants`);
    b.strings.forEach((s, j) => {
      const expected = s.value === BENIGN[c.field] ? { type: 'SingleQuoted', value: c.value } : s;
      if (h.strings[j].type !== expected.type || h.strings[j].value !== expected.value)
        problems.push(`${label}: string ${j} is ${JSON.stringify(h.strings[j])}`);
    });
    if (!b.strings.some((s) => s.value === BENIGN[c.field] && s.type === 'SingleQuoted'))
      problems.push(`${c.field}: the benign value is not a single-quoted constant`);
  });
  return problems;
}

describePwsh('hostile values, judged by PowerShell\u2019s parser', () => {
  it('every accepted corpus value in every field leaves the script\u2019s structure unchanged', () => {
    const cases = accepted(
      FIELDS.flatMap((f) => hostileValues().map(([, v]): [Field, string] => [f, v])),
    );
    expect(cases.length).toBeGreaterThan(50);
    expect(compare(cases)).toEqual([]);
  });

  it('so do 1,000 random strings rich in quotes and metacharacters', () => {
    const text = quoteRichString({ minLength: 1, maxLength: 30 });
    const samples = fc.sample(fc.tuple(fc.constantFrom(...FIELDS), text), {
      numRuns: 1000,
      seed: 20261125,
    });
    const cases = accepted(samples);
    expect(cases.length).toBeGreaterThan(100);
    expect(compare(cases)).toEqual([]);
  });
});
