import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEP_DEFS, stepNumber } from '../../src/procedure/steps';
import type { SimulatedRun, TimelineBlock } from '../../src/sim/timeline';
import { runText } from '../../src/sim/view';
import { ROOT, cli, tempDir } from '../helpers/cli';

/** The operation's words before its timeout, enough to find the step in any output. */
const WORDS = STEP_DEFS.map((d) => ({ id: d.id, words: d.operation.split('{0}')[0] }));

/** The numbers of an ordered Markdown or text list, in order. */
function listNumbers(lines: string[], pattern: RegExp): number[] {
  return lines.map((l) => pattern.exec(l)).flatMap((m) => (m ? [Number(m[1])] : []));
}

describe('one step numbering everywhere (src/procedure/steps.ts)', () => {
  const dir = tempDir();
  const gen = cli(['generate', '--out', 'out', '--cluster', 'EXCL01'], dir);
  const folder = join(dir, 'out', 'EXCL01');

  it('numbers the steps 1 to 4 in STEP_DEFS order', () => {
    expect(gen.code).toBe(0);
    expect(STEP_DEFS.map((d) => stepNumber(d.id))).toEqual([1, 2, 3, 4]);
    expect(stepNumber('import-key')).toBe(0);
  });

  it('the runbook numbers each step with its number and never reads 1. 1. 1.', () => {
    const md = readFileSync(join(folder, 'RUNBOOK.md'), 'utf8').split('\n');
    for (const { id, words } of WORDS)
      expect(md).toContainEqual(expect.stringMatching(`^${stepNumber(id)}\\. ${escape(words)}`));
    // Every numbered line of the raw Markdown is one of the four steps.
    expect(listNumbers(md, /^(\d+)\. /)).toEqual([1, 2, 3, 4]);
    // The happy path names its steps with the same numbers.
    for (const { id, words } of WORDS)
      expect(md).toContainEqual(
        expect.stringMatching(`^- Step ${stepNumber(id)}: ${escape(words)}`),
      );
    expect(md.join('\n')).toMatch(/comes online in step 4\./);
  });

  it('the PowerShell and cmd help list the steps 1 to 4 with the same numbers', () => {
    const ps1 = readFileSync(join(folder, 'restore-EXCL01.ps1'), 'utf8');
    const help = ps1.slice(ps1.indexOf('.DESCRIPTION'), ps1.indexOf('.PARAMETER')).split('\r\n');
    expect(listNumbers(help, /^ {6}(\d+)\. /)).toEqual([1, 2, 3, 4]);
    expect(help.find((l) => /^ {6}1\. /.test(l))).toMatch(/exports the key/);
    expect(help.find((l) => /^ {6}4\. /.test(l))).toMatch(/brings the cluster resource online/);
    const cmd = readFileSync(join(folder, 'restore-EXCL01.cmd'), 'latin1').split('\r\n');
    expect(listNumbers(cmd, /^rem {3}(\d+)\. /)).toEqual([1, 2, 3, 4]);
    expect(cmd.find((l) => /^rem {3}1\. /.test(l))).toMatch(/backs the key up/);
    // The manual steps printed on Windows NT 4.0 follow the same numbers.
    expect(listNumbers(cmd, /^echo {2}(\d+)\. /)).toEqual([1, 2, 3, 4]);
    expect(cmd.find((l) => /^echo {2}1\. /.test(l))).toMatch(/save the key/);
  });

  it('the README numbers each step text as the dry run does', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    for (const { id, words } of WORDS)
      expect(readme).toContainEqual(
        expect.stringMatching(`^${stepNumber(id)}\\. \`${escape(words)}`),
      );
    // --verbose: after the run above nothing changes, and a quiet plan shows no cluster.
    const dry = cli(
      ['generate', '--out', 'out', '--cluster', 'EXCL01', '--dry-run', '--verbose'],
      dir,
    );
    const lines = dry.stdout.split('\n');
    for (const { id, words } of WORDS)
      expect(lines).toContainEqual(
        expect.stringMatching(
          `^ {4}${stepNumber(id)}\\. What if: Performing the operation "${escape(words)}`,
        ),
      );
  });

  it('simulate numbers a step by its number even when an earlier step did not run (resume, -RestoreKeyFrom)', () => {
    const block = (id: string): TimelineBlock => ({
      id,
      operation: 'words',
      target: 'target',
      status: 'done',
      detail: '',
      checks: [],
      t: 0,
      tEnd: 0,
      calls: 0,
      items: [],
      after: {} as TimelineBlock['after'],
    });
    const run = {
      before: { key: 'present', service: 'Running', resource: 'Offline' },
      exitCode: 0,
      duration: 0,
      verdict: { kind: 'safe', text: 'SAFE' },
      blocks: [
        block('import-key'),
        block('backup-key'),
        block('confirm-recovery'),
        block('online-resource'),
      ],
    } as unknown as SimulatedRun;
    const text = runText(run);
    expect(text).toMatch(/Step 0 import-key/);
    expect(text).toMatch(/Step 1 backup-key/);
    expect(text).toMatch(/Step 3 confirm-recovery/);
    expect(text).toMatch(/Step 4 online-resource/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
