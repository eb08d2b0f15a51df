import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultDocument } from '../../src/contract';
import { scriptExitCode } from '../../src/procedure/exit-codes';
import { IMPORT_KEY_STEP } from '../../src/procedure/steps';
import { runScenario } from '../../src/sim/run';
import {
  askedOnline,
  calls,
  describePwsh,
  generatedPs1,
  nodeState,
  runEntries,
} from '../helpers/pwsh';

/**
 * -RestoreKeyFrom: the key is missing (key-lost-offline: lost, the resource taken offline since) and the operator has an export of
 * it. A good export is imported and the restore goes on; anything else is refused unchanged.
 */
const EXAMPLE = generatedPs1('example', 'EXCL01');
const KEY = `HKEY_LOCAL_MACHINE\\${EXAMPLE.cluster.restoreKey}`;

/** `hex(7):` bytes of a REG_MULTI_SZ, as reg.exe writes them. */
function multiSz(lines: string[]): string {
  const bytes = Buffer.from(lines.map((l) => l + '\0').join('') + '\0', 'utf16le');
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',');
}

/** A correct export of the restore key, written by hand from KB Q200941's list of values. */
function goodExport(): string[] {
  const unc = '\\\\\\\\EXNODE1\\\\C$\\\\exchsrvr\\\\DSADATA';
  return [
    'Windows Registry Editor Version 5.00',
    '',
    `[${KEY}]`,
    `"BackupLogPath"="${unc}"`,
    `"CheckpointFilePath"="${unc}"`,
    `"LogPath"="${unc}"`,
    `"EDB_RstMap"=hex(7):${multiSz(['C:\\exchsrvr\\DSADATA\\dir.edb', '\\\\EXNODE1\\C$\\exchsrvr\\DSADATA\\dir.edb'])}`,
    '"EDB_RstMap Size"=dword:00000001',
    '"LowLog Number"=dword:000001a2',
    '"HighLog Number"=dword:000001a9',
    '"EDB Database recovered"=hex:00',
    '',
  ];
}

const utf16 = (lines: string[]) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]);

const BAD: [string, Buffer, string][] = [
  [
    'deletes the service key',
    utf16([
      ...goodExport(),
      '[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS]',
      '',
    ]),
    'line 13 deletes the key [-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS]',
  ],
  [
    'is the key of another service',
    utf16(goodExport().map((l) => l.replace('\\MSExchangeDS\\', '\\MSExchangeIS\\'))),
    `line 3 names the key [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\Restore in Progress], not [${KEY}]`,
  ],
  [
    'lacks a value and has one of the wrong type',
    utf16(
      goodExport()
        .filter((l) => !l.startsWith('"LowLog Number"'))
        .map((l) =>
          l.replace('"EDB Database recovered"=hex:00', '"EDB Database recovered"=dword:00000000'),
        ),
    ),
    'the value "LowLog Number" (DWord) is missing; the value "EDB Database recovered" is DWord, not Binary',
  ],
  [
    'is UTF-8, not what reg.exe export writes',
    Buffer.from(goodExport().join('\r\n'), 'utf8'),
    'it is not UTF-16LE with a byte-order mark, the encoding reg.exe export writes',
  ],
];

describePwsh('-RestoreKeyFrom against the simulated node', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clusrestore-keyfile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a good export (this script\u2019s own backup): checked, imported before the service starts, then recovered', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost-offline',
      cluster: EXAMPLE.cluster,
      args: ['-Confirm:$false', '-RestoreKeyFrom', '{scenario:keyExport}'],
    });
    expect(run.exitCode).toBe(scriptExitCode('success'));
    const r = ResultDocument.parse(run.result);
    expect(r.checks.filter((c) => c.name.startsWith('key-')).map((c) => [c.name, c.ok])).toEqual([
      ['key-file', true],
      ['key-import', true],
      ['key-values', true],
    ]);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['import-key', 'done'],
      ['backup-key', 'done'],
      ['start-service', 'done'],
      ['confirm-recovery', 'done'],
      ['online-resource', 'done'],
    ]);
    const called = calls(runEntries(run.timeline, 1));
    const imported = called.findIndex((c) => c.startsWith('reg.exe import '));
    const started = called.findIndex((c) => c.startsWith('ServiceController.Start'));
    expect(imported).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(imported);
    expect(run.initialState.restoreKey.present).toBe(false);
    expect(run.finalState.restoreKey.present).toBe(false);
    expect(run.finalState.database).toBe('consistent');
    expect(run.finalState.resource.state).toBe('Online');
    const log = run.files[r.logPath!].toString('utf8');
    expect(log).toContain('The key was imported from');
    expect(r.events.map((e) => [e.id, e.expected])).toEqual([[1024, true]]);
  });

  it('a good export under -WhatIf: checked, the import listed with the other steps, nothing changed', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost-offline',
      cluster: EXAMPLE.cluster,
      args: ['-WhatIf', '-RestoreKeyFrom', '{scenario:keyExport}'],
    });
    expect(run.exitCode).toBe(scriptExitCode('success'));
    expect(run.stdout).toContain(
      `What if: Performing the operation "${IMPORT_KEY_STEP.operation}" on target "HKLM\\${EXAMPLE.cluster.restoreKey}".`,
    );
    expect(run.stdout.split(/\r?\n/).filter((l) => l.startsWith('What if: '))).toHaveLength(5);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
  });

  it.each(BAD)('a file that %s is refused and nothing changes', async (_what, bytes, problem) => {
    const file = join(dir, `bad-${BAD.findIndex((b) => b[1] === bytes)}.reg`);
    writeFileSync(file, bytes);
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost-offline',
      cluster: EXAMPLE.cluster,
      args: ['-Confirm:$false', '-RestoreKeyFrom', file],
    });
    expect(run.exitCode).toBe(scriptExitCode('key-file-rejected'));
    const r = ResultDocument.parse(run.result);
    const keyFile = r.checks.find((c) => c.name === 'key-file')!;
    expect(keyFile.ok).toBe(false);
    // Exactly the one problem planted: the rest of the hand-written export is accepted.
    expect(keyFile.detail).toBe(`${file} is refused: ${problem}.`);
    expect(r.message).toContain('Nothing was imported or changed');
    expect(r.steps.map((s) => s.status)).toEqual([
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    const entries = runEntries(run.timeline, 1);
    expect(calls(entries).filter((c) => c.startsWith('reg.exe'))).toEqual([]);
    expect(askedOnline(entries)).toBe(false);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
  });

  it('without -RestoreKeyFrom, a missing key on an Offline resource: exit key-missing, naming -RestoreKeyFrom, nothing changed', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost-offline',
      cluster: EXAMPLE.cluster,
      args: ['-Confirm:$false'],
    });
    expect(run.exitCode).toBe(scriptExitCode('key-missing'));
    const r = ResultDocument.parse(run.result);
    expect(r.outcome).toBe('key-missing');
    expect(r.message).toContain('-RestoreKeyFrom');
    expect(r.checks.find((c) => c.name === 'restore-key')?.ok).toBe(false);
    expect(calls(runEntries(run.timeline, 1)).filter((c) => c.startsWith('reg.exe'))).toEqual([]);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
  });

  it('a -RestoreKeyFrom that names no file is a usage error before anything runs', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost-offline',
      cluster: EXAMPLE.cluster,
      args: ['-Confirm:$false', '-RestoreKeyFrom', join(dir, 'no-such.reg')],
    });
    expect(run.exitCode).toBe(scriptExitCode('usage'));
    expect(calls(runEntries(run.timeline, 1))).toEqual([]);
  });
});
