import { CMD_EXIT_CODES, scriptExitCode, SCRIPT_EXIT_CODES } from '../../src/procedure/exit-codes';
import { parseInventory } from '../../src/inventory/load';
import type { ClusterConfig } from '../../src/inventory/types';
import { clusterSteps, whatIfLine } from '../../src/procedure/steps';
import { renderText, templateContext } from '../../src/render/engine';
import { encodeOutput } from '../../src/render/output';
import { describeWine } from '../helpers/wine';
import { useWineLab, type NodeSpec, type WineNode } from './harness';

/**
 * The generated .cmd script run by Wine's cmd.exe against a modelled cluster node: real reg.exe
 * and sc.exe, a real service standing in for the engine, and stand-ins for cluster.exe and
 * net.exe (see harness.ts). Each scenario gets a fresh prefix; every assertion is about the exit
 * code, the stand-ins' call log and the state the node is left in.
 */

interface Generated {
  cluster: ClusterConfig;
  script: Buffer;
  fileName: string;
}

function generate(yaml: string): Generated {
  const inv = parseInventory(Buffer.from(yaml), 'inv.yaml');
  const cluster = inv.clusters[0];
  const ctx = templateContext(cluster);
  return {
    cluster,
    script: encodeOutput('cmd', renderText('cmd', ctx)),
    fileName: ctx.files.cmd,
  };
}

/** The examples' first cluster: default names, default timeouts. */
const PLAIN = generate(`version: 1
defaults: { preset: directory }
clusters:
  - name: EXCL01
    nodes: [EXNODE1, EXNODE2]
`);

/** Names with every character the cmd allow-lists let through that means something to cmd. */
const ODD = generate(`version: 1
defaults: { preset: directory }
clusters:
  - name: EXCL03
    nodes: [EXNODE5, EXNODE6]
    resourceName: "Exchange Directory (EXCL03), main: #1"
    logFolder: 'C:\\Restore Logs (cmd)\\run.1'
    timeouts: { serviceStartSec: 60, recoverySec: 60, resourceOnlineSec: 30 }
`);

/** A recovery window shorter than the engine's replay, for recovery-not-confirmed. */
const SHORT = generate(`version: 1
defaults: { preset: directory }
clusters:
  - name: EXCL01
    nodes: [EXNODE1, EXNODE2]
    timeouts: { serviceStartSec: 60, recoverySec: 1, resourceOnlineSec: 30 }
`);

const code = scriptExitCode;

/** What the stand-ins log for the calls the script makes. */
function expectedCall(c: ClusterConfig, what: 'status' | 'listdep' | 'online'): string {
  const base = `cluster resource "${c.resourceName}"`;
  if (what === 'online') return `${base} /online /wait:${c.timeouts.resourceOnlineSec}`;
  return `${base} /${what}`;
}
const ENGINE_FOUND = (c: ClusterConfig) =>
  `engine ${c.serviceName}: Restore in Progress key found: replaying the restored logs`;
const ENGINE_RUNNING = (c: ClusterConfig) => `engine ${c.serviceName}: running`;
const ENGINE_CONSUMED = (c: ClusterConfig) =>
  `engine ${c.serviceName}: recovery complete: deleting the Restore in Progress key`;
const CHECKPOINT_HARMLESS = (c: ClusterConfig) =>
  `cluster: checkpoint of SYSTEM\\CurrentControlSet\\Services\\${c.serviceName} not restored, the running service holds the key open: event 1024`;
const CHECKPOINT_RESTORED = (c: ClusterConfig) =>
  `cluster: checkpoint of SYSTEM\\CurrentControlSet\\Services\\${c.serviceName} restored over the registry, Restore in Progress key deleted: -528, events 1002 and 1042`;

/** What KB Q188674 warns of: the resource brought online first, with cluster.exe alone. */
function onlineFirst(node: WineNode) {
  return node.runBatch(
    'naive-online.cmd',
    `@echo off\ncluster resource "${node.spec.cluster.resourceName}" /online /wait:30\nexit /b %ERRORLEVEL%\n`,
  );
}

function backups(node: WineNode): string[] {
  return node.logFiles().filter((f) => f.endsWith('.reg'));
}

describeWine(
  'the cmd script under Wine',
  () => {
    const lab = useWineLab();

    function node(name: string, g: Generated, spec: Omit<NodeSpec, 'cluster'>): WineNode {
      return lab().node(name, { cluster: g.cluster, ...spec });
    }

    describe('happy path, with parentheses, a comma, a colon and # in the names', () => {
      let n: WineNode;
      const c = ODD.cluster;
      afterAll(() => n?.dispose());

      it('consumes the key through the service before the resource comes online, exit success', () => {
        // Made here, not in beforeAll: a retry of this test then starts from the seeded node.
        n = node('happy', ODD, { computerName: 'EXNODE5' });
        const r = n.run(ODD.script, ODD.fileName);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(code('success'));
        expect(n.calls()).toEqual([
          'net session',
          expectedCall(c, 'status'),
          expectedCall(c, 'listdep'),
          expectedCall(c, 'status'),
          ENGINE_FOUND(c),
          ENGINE_RUNNING(c),
          ENGINE_CONSUMED(c),
          expectedCall(c, 'status'),
          expectedCall(c, 'online'),
          CHECKPOINT_HARMLESS(c),
          'cluster: resource Online',
          expectedCall(c, 'status'),
        ]);
        expect(n.inspect()).toEqual({ keyPresent: false, service: 'RUNNING', resource: 'Online' });
        expect(r.stdout).not.toContain('What if:');

        // The backup is reg export's UTF-16LE file of exactly the restore key.
        expect(backups(n)).toEqual([`restore-${c.name}-key-1.reg`]);
        const reg = n.readLog(backups(n)[0]);
        expect([...reg.subarray(0, 2)]).toEqual([0xff, 0xfe]);
        const text = reg.subarray(2).toString('utf16le');
        expect(text).toContain(`[HKEY_LOCAL_MACHINE\\${c.restoreKey}]`);
        expect(text).toContain('"LowLog Number"=dword:00000001');

        // The log records every step with its result.
        const log = n.readLog(`restore-${c.name}.log`).toString('latin1');
        for (const step of clusterSteps(c))
          expect(log).toContain(`Step: ${step.operation} - "${step.target}".`);
        expect(log).toContain('Result: success, exit code 0.');
      });

      it('a second run finds the work done, changes nothing and exits success', () => {
        if (!n) throw new Error('the first run made no node');
        const before = n.calls().length;
        const r = n.run(ODD.script, ODD.fileName);
        expect(r.status).toBe(code('success'));
        expect(r.stdout).toContain('Already done');
        expect(n.calls().slice(before)).toEqual(['net session', expectedCall(c, 'status')]);
        expect(n.inspect()).toEqual({ keyPresent: false, service: 'RUNNING', resource: 'Online' });
        expect(backups(n)).toHaveLength(1);
      });
    });

    it('key missing: stops before any change, explains the checkpoint, exit key-missing', () => {
      const c = PLAIN.cluster;
      const n = node('key-missing', PLAIN, { computerName: 'EXNODE1', key: false });
      const r = n.run(PLAIN.script, PLAIN.fileName);
      expect(r.status).toBe(code('key-missing'));
      expect(r.stdout).toContain('checkpoint');
      expect(r.stdout).toContain('"Start services after restore"');
      expect(n.calls()).toEqual(['net session', expectedCall(c, 'status')]);
      expect(n.inspect()).toEqual({ keyPresent: false, service: 'STOPPED', resource: 'Offline' });
      expect(backups(n)).toEqual([]);
      n.dispose();
    });

    it('service fails to start: the resource is never brought online, exit service-failed', () => {
      const c = PLAIN.cluster;
      const n = node('service-fails', PLAIN, { computerName: 'EXNODE1', service: 'broken' });
      const r = n.run(PLAIN.script, PLAIN.fileName);
      expect(r.status).toBe(code('service-failed'));
      expect(n.calls()).toEqual([
        'net session',
        expectedCall(c, 'status'),
        expectedCall(c, 'listdep'),
        expectedCall(c, 'status'),
      ]);
      expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
      expect(backups(n)).toHaveLength(1);
      // Stopped is never a start: the script stops at the start step, the recovery wait never begins.
      expect(r.stdout).toContain('The service did not start, it is Stopped');
      const log = n.readLog(`restore-${c.name}.log`).toString('latin1');
      const recover = clusterSteps(c).find((s) => s.id === 'confirm-recovery')!;
      expect(log).toContain('Step: Start the service');
      expect(log).not.toContain(`Step: ${recover.operation}`);
      expect(log).not.toContain('Done: the service is');
      n.dispose();
    });

    it('resource fails to come online after recovery: exit resource-failed', () => {
      const c = ODD.cluster;
      const n = node('resource-fails', ODD, { computerName: 'EXNODE6', onlineFails: true });
      const r = n.run(ODD.script, ODD.fileName);
      expect(r.status).toBe(code('resource-failed'));
      expect(n.calls()).toEqual([
        'net session',
        expectedCall(c, 'status'),
        expectedCall(c, 'listdep'),
        expectedCall(c, 'status'),
        ENGINE_FOUND(c),
        ENGINE_RUNNING(c),
        ENGINE_CONSUMED(c),
        expectedCall(c, 'status'),
        expectedCall(c, 'online'),
        CHECKPOINT_HARMLESS(c),
        'cluster: resource Failed',
        expectedCall(c, 'status'),
      ]);
      expect(n.inspect()).toEqual({ keyPresent: false, service: 'RUNNING', resource: 'Failed' });
      n.dispose();
    });

    it('the engine keeps the key past the recovery timeout: resource left offline, exit recovery-not-confirmed', () => {
      const c = SHORT.cluster;
      const n = node('recovery', SHORT, { computerName: 'EXNODE2', engineMode: 'keep' });
      const r = n.run(SHORT.script, SHORT.fileName);
      expect(r.status).toBe(code('recovery-not-confirmed'));
      const calls = n.calls();
      expect(calls.slice(0, 6)).toEqual([
        'net session',
        expectedCall(c, 'status'),
        expectedCall(c, 'listdep'),
        expectedCall(c, 'status'),
        ENGINE_FOUND(c),
        ENGINE_RUNNING(c),
      ]);
      expect(calls.filter((l) => l.startsWith('cluster '))).toEqual([
        expectedCall(c, 'status'),
        expectedCall(c, 'listdep'),
        expectedCall(c, 'status'),
      ]);
      expect(n.inspect()).toEqual({ keyPresent: true, service: 'RUNNING', resource: 'Offline' });
      n.dispose();
    });

    describe('one node for the runs that must change nothing', () => {
      let n: WineNode;
      const c = PLAIN.cluster;
      beforeAll(() => {
        n = node('dryrun', PLAIN, { computerName: 'EXNODE2' });
      });
      afterAll(() => n?.dispose());

      it('/dryrun runs the checks, prints each step in the plan\u2019s words and changes nothing', () => {
        const r = n.run(PLAIN.script, PLAIN.fileName, ['/dryrun']);
        expect(r.status).toBe(code('success'));
        const whatIf = r.stdout.split('\n').filter((l) => l.startsWith('What if:'));
        expect(whatIf).toEqual(clusterSteps(c).map(whatIfLine));
        expect(n.calls()).toEqual([
          'net session',
          expectedCall(c, 'status'),
          expectedCall(c, 'listdep'),
        ]);
        expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
        expect(backups(n)).toEqual([]);
      });

      it('another node owns the resource: nothing changed, exit not-owner-node', () => {
        const before = n.calls().length;
        const r = n.run(PLAIN.script, PLAIN.fileName, [], { owner: 'EXNODE1' });
        expect(r.status).toBe(code('not-owner-node'));
        expect(r.stdout).toContain('run the script on node "EXNODE1"');
        expect(n.calls().slice(before)).toEqual(['net session', expectedCall(c, 'status')]);
        expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
      });

      it('not elevated: stops at the first check, exit preflight-failed', () => {
        const before = n.calls().length;
        const r = n.run(PLAIN.script, PLAIN.fileName, [], { elevated: false });
        expect(r.status).toBe(code('preflight-failed'));
        expect(r.stdout).toContain('Not elevated');
        expect(n.calls().slice(before)).toEqual(['net session']);
        expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
      });

      // Issue 17 item 18: the elevation check fails as a check, not as a stop before anything is shown.
      it('/dryrun not elevated: runs the other checks, prints each step, says a real run would stop, exit preflight-failed, changes nothing', () => {
        const before = n.calls().length;
        const r = n.run(PLAIN.script, PLAIN.fileName, ['/dryrun'], { elevated: false });
        expect(r.status).toBe(code('preflight-failed'));
        expect(r.stdout).toContain('Not elevated');
        expect(r.stdout).toContain('Check FAILED: running elevated.');
        expect(r.stdout).toContain('Check: the local cluster is');
        expect(r.stdout).toContain('Every check but the elevation check passed.');
        expect(r.stdout).not.toContain('All checks passed.');
        const whatIf = r.stdout.split('\n').filter((l) => l.startsWith('What if:'));
        expect(whatIf).toEqual(clusterSteps(c).map(whatIfLine));
        expect(r.stdout).toContain(
          'This command prompt is not elevated, so a real run here would stop at the elevation check, before any change',
        );
        expect(r.stdout).toContain(
          `Result: preflight-failed, exit code ${code('preflight-failed')}.`,
        );
        expect(n.calls().slice(before)).toEqual([
          'net session',
          expectedCall(c, 'status'),
          expectedCall(c, 'listdep'),
        ]);
        expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
        expect(backups(n)).toEqual([]);
        // A later refusal keeps its own code, and says the prompt is not elevated too.
        const refused = n.run(PLAIN.script, PLAIN.fileName, ['/dryrun'], {
          elevated: false,
          owner: 'EXNODE1',
        });
        expect(refused.status).toBe(code('not-owner-node'));
        expect(refused.stdout).toContain('run the script on node "EXNODE1"');
        expect(refused.stdout).toContain('This command prompt is not elevated');
        expect(refused.stdout).not.toContain('What if:');
        expect(n.inspect()).toEqual({ keyPresent: true, service: 'STOPPED', resource: 'Offline' });
      });

      it('/?, -? and /help print the script\u2019s usage with the codes the cmd script returns, never echo\u2019s own help; an unknown switch is a usage error', () => {
        const before = n.calls().length;
        const help = n.run(PLAIN.script, PLAIN.fileName, ['/?']);
        expect(help.status).toBe(0);
        expect(help.stdout).toContain('/dryrun');
        // echo prints its own help for text that starts with /?: none of it may show.
        expect(help.stdout).not.toMatch(/ECHO/);
        expect(help.stdout).toContain('/help    show this help, as -? and /? do');
        expect(help.stdout).toMatch(/^Usage: "restore-[A-Za-z0-9-]+\.cmd" \[\/dryrun\]\r?$/m);
        for (const other of ['-?', '/HELP']) {
          const again = n.run(PLAIN.script, PLAIN.fileName, [other]);
          expect([other, again.status]).toEqual([other, 0]);
          expect(again.stdout).toBe(help.stdout);
        }
        const listed = help.stdout
          .split('\n')
          .map((l) => /^ {2}(\d+) {2}([a-z-]+)$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => `${m[1]} ${m[2]}`);
        expect(listed).toEqual(CMD_EXIT_CODES.map((e) => `${e.code} ${e.name}`));
        // Issue 15 item 7: no -RestoreKeyFrom, no prompts, and no path ends in unexpected-error.
        for (const name of ['unexpected-error', 'key-file-rejected', 'declined'])
          expect(listed.some((l) => l.endsWith(` ${name}`))).toBe(false);
        expect(SCRIPT_EXIT_CODES.length).toBeGreaterThan(CMD_EXIT_CODES.length);
        const bad = n.run(PLAIN.script, PLAIN.fileName, ['/force']);
        expect(bad.status).toBe(code('usage'));
        expect(n.calls()).toHaveLength(before);
      });
    });

    // On a node of its own: it consumes the key, so a retry on a shared node could not pass.
    it('the stand-in reproduces KB Q188674: online first restores the checkpoint over the key', () => {
      const c = PLAIN.cluster;
      const n = node('naive-online', PLAIN, { computerName: 'EXNODE2' });
      const r = onlineFirst(n);
      expect(r.status).not.toBe(0);
      expect(n.calls()).toEqual([
        expectedCall(c, 'online').replace(/\d+$/, '30'),
        CHECKPOINT_RESTORED(c),
        'cluster: resource Failed',
      ]);
      expect(n.inspect()).toEqual({ keyPresent: false, service: 'STOPPED', resource: 'Failed' });
      n.dispose();
    });

    // A retried test asks for its node again by name. In stop 23's CI run the second attempt got
    // the first one's prefix and call log, and the third found the key already consumed (exit 20).
    it('a node asked for again by name, as a retried test does, starts from the seeded state', () => {
      const first = node('again', PLAIN, { computerName: 'EXNODE1' });
      onlineFirst(first);
      expect(first.inspect()).toEqual({
        keyPresent: false,
        service: 'STOPPED',
        resource: 'Failed',
      });
      expect(first.calls()).not.toEqual([]);
      const second = node('again', PLAIN, { computerName: 'EXNODE1' });
      expect(second.calls()).toEqual([]);
      expect(second.inspect()).toEqual({
        keyPresent: true,
        service: 'STOPPED',
        resource: 'Offline',
      });
      second.dispose();
    });
  },
  { mingw: true },
);
