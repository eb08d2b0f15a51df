import { spawnSync, type StdioOptions } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '../../src/inventory/types';
import { findMingwGcc, findWine, type WineTools } from '../helpers/wine';

/**
 * A Wine lab for the generated .cmd script: one template prefix per test file, a fresh copy of it
 * per scenario (a cluster node), and stand-ins for what a node has but Wine lacks:
 * - cluster.exe: stubs/cluster.cmd behind the PE shim, modelling one resource and its registry
 *   checkpoint of the service's key (the KB Q188674 trap);
 * - net.exe: stubs/net.cmd behind the shim, answering the elevation check;
 * - the database engine: stubs/engine.exe, a real service that deletes the Restore in Progress key
 *   after "replaying the logs", and fails as -528 when started without it.
 * reg.exe and sc.exe are Wine's own, backed by the prefix's real registry and service manager; a
 * node with `trace` puts the shim in front of them too (it forwards to the real tool), so the
 * arguments each tool gets can be recorded. A node with an `sc` or `reg` mode puts stubs/sc.cmd or
 * stubs/reg.cmd in front of them instead: a localized sc, a denied read, a failing export. A run
 * can also hide reg.exe or sc.exe altogether, as on a Windows 2000 node without the Support
 * Tools or the Resource Kit.
 * See /work/shared/reference/cmd-under-wine.md for the measurements behind the choices here.
 */

const STUBS_SRC = join(__dirname, 'stubs');
/**
 * npm run mutate sets this to a folder of its scratch space: the first lab is copied there once
 * booted and built, and later labs (one per test file and mutant) copy it instead of booting.
 */
const LAB_CACHE = process.env.CLUSRESTORE_WINE_LAB_CACHE;
/** Long enough for the slowest scenario; a hung run is killed and its prefix shut down. */
const RUN_TIMEOUT_MS = 180_000;

/** The Wine path of a Unix path, through drive Z: (the root of the Unix file system). */
export function winPath(unix: string): string {
  return `Z:${unix.replace(/\//g, '\\')}`;
}

/** The lower-case drive letter of an `X:\...` path; shares and Z: (the host's root) are not modelled. */
function driveLetter(windowsPath: string): string {
  const m = /^([A-Y]):\\/i.exec(windowsPath);
  if (!m) throw new Error(`not a drive path the lab models: ${windowsPath}`);
  return m[1].toLowerCase();
}

/** Batch files are written with CRLF, as the generator writes its own. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function wineEnv(prefix: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WINEPREFIX: prefix,
    // Silences boot noise and the "wine32 is missing" hint; Debian ships no Mono or Gecko, and
    // without a display their download dialog cannot appear: skip them outright.
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
  for (const k of Object.keys(env)) {
    if (k.startsWith('STUB_') || k === 'WINEPATH' || k === 'DISPLAY' || k === 'WAYLAND_DISPLAY')
      delete env[k];
  }
  return env;
}

/**
 * Ends a prefix's wineserver and every Windows process in it (services included, and anything a
 * timed-out run left behind), and waits until it is gone: a server still saving the registry
 * while its prefix is deleted would write the prefix back.
 */
function shutDown(tools: WineTools, env: NodeJS.ProcessEnv): void {
  spawnSync(tools.wineserver, ['-k'], { env, stdio: 'ignore' });
  spawnSync(tools.wineserver, ['-w'], { env, stdio: 'ignore', timeout: 30_000 });
}

function must(what: string, r: ReturnType<typeof spawnSync>): void {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    throw new Error(`${what}: exit ${r.status}${out ? `\n${out}` : ''}`);
  }
}

/** What one run of a script under Wine gave back. */
export interface WineRun {
  /** Exit status as Linux sees it: the script's exit code mod 256 (ours are all below 256). */
  status: number | null;
  /** Output with LF line endings. */
  stdout: string;
  stderr: string;
}

/** How a scenario's node starts out. */
export interface NodeSpec {
  /** The cluster as the inventory describes it; the stand-ins model the same names. */
  cluster: ClusterConfig;
  /** What %COMPUTERNAME% says on this node. */
  computerName: string;
  /** The node that owns the resource's group (default: this node). */
  owner?: string;
  /** The resource's state word in the status table, e.g. Offline, Failed or Online Pending. */
  resourceState?: string;
  /** engine: starts and recovers; broken: its binary is missing, so it never starts. */
  service?: 'engine' | 'broken';
  /**
   * consume: the engine deletes the key after replay (default); keep: it never does; crash: the
   * replay fails and the service stops while starting.
   */
  engineMode?: 'consume' | 'keep' | 'crash';
  /** How long the engine runs before it deletes the key, in ms (engine.c's HoldMs). */
  engineHoldMs?: number;
  /**
   * The resource fails to come online (fail), /online returns while it is Online Pending, or the
   * service ends right after the resource came online (service-dies).
   */
  online?: 'ok' | 'fail' | 'pending' | 'stuck' | 'service-dies';
  /** At the Nth status read the resource is found in this state (stubs/cluster.cmd STUB_FLIP). */
  flip?: { read: number; state: string };
  /**
   * The cluster's restart policy acts on a Failed resource right before or right after the
   * table of the Nth status read (stubs/cluster.cmd STUB_RESTART), with the resource's
   * RestartAction and RestartThreshold (defaults 2 and 3, as Microsoft documents them).
   */
  restart?: { read: number; when: 'before' | 'after'; action?: number; threshold?: number };
  /**
   * The resources the resource depends on (stubs/cluster.cmd deps.txt, printed by /listdep):
   * `of` is the dependent resource (default: the cluster's resource), `state` the word the
   * table shows (default Online), `node` its owner (default: the group's owner).
   */
  dependencies?: { of?: string; name: string; state?: string; node?: string }[];
  /** The local cluster's name in HKLM\Cluster (default: the inventory's). */
  localCluster?: string;
  /** stubs/sc.cmd's mode: translated labels and words, or a stopped service reported as StopPending or Paused. */
  sc?: 'localized' | 'stop-pending' | 'paused';
  /**
   * stubs/reg.cmd's mode: reads of the key denied once the service started, export fails, the
   * key denied from the start (its parent still lists it), or the key and its parent denied.
   */
  reg?:
    | 'deny-while-started'
    | 'export-fails'
    | 'deny-key'
    | 'deny-parent'
    | 'gone-after-export'
    | 'back-before-online'
    | 'absent-once';
  /** Whether the online restore left the Restore in Progress key (default true). */
  key?: boolean;
  /** Whether the user is an administrator (default true). */
  elevated?: boolean;
  /** The resource fails to come online even when the checkpoint is harmless (online: 'fail'). */
  onlineFails?: boolean;
  /**
   * Record, for each run, the arguments cluster.exe, net.exe, sc.exe and reg.exe get, as their C
   * runtime splits the command line (see argv()).
   */
  trace?: boolean;
}

/** Stand-in answers changed for one run, on a node whose state they do not touch. */
export interface RunOverrides {
  owner?: string;
  elevated?: boolean;
  /** The Server service is stopped, so net session fails with 2114. */
  serverStopped?: boolean;
  /** cluster.exe prints its status table translated. */
  localized?: boolean;
  /** These tools are taken out of system32 for the run (restored after it). */
  absent?: ('reg' | 'sc')[];
  /**
   * Windows NT 4.0's cmd: verify with a bad argument sets ERRORLEVEL to 1 and NT 4.0's setlocal
   * leaves it there (setlocal /? of Windows 2000 and later). Wine 8.0's verify leaves ERRORLEVEL
   * at 0 (measured) and its setlocal resets it, so the run gets the script with its setlocal line
   * replaced by a command that ends with 1: ERRORLEVEL is then what NT 4.0 leaves.
   */
  nt4?: boolean;
}

/**
 * The lines the script's NT 4.0 check starts with; nt4 runs neutralise the setlocal line. The
 * test of ERRORLEVEL that follows is the script's own and stays as it is, so a script that tests
 * it wrongly is seen running on, not refused by the harness.
 */
export const OLD_CMD_CHECK =
  'verify other 2>nul\r\nsetlocal EnableExtensions DisableDelayedExpansion\r\n';

/** The state a scenario ends with. */
export interface NodeState {
  keyPresent: boolean;
  /** sc query's state word, e.g. STOPPED or RUNNING. */
  service: string;
  resource: string;
}

export class WineLab {
  readonly root: string;
  readonly template: string;
  readonly stubs: string;
  /** Shims named after Wine's own tools, forwarding to them: first on PATH of traced nodes. */
  readonly trace: string;
  /** Shims for sc.exe and reg.exe that run stubs/sc.cmd and stubs/reg.cmd: first on nodes with a mode. */
  readonly toolStubs: string;
  private nodes: WineNode[] = [];

  private constructor(readonly tools: WineTools) {
    this.root = mkdtempSync(join(tmpdir(), 'clusrestore-wine-'));
    // Wine turns argv into a command line that cmd reads its own way: keep paths free of blanks.
    if (/\s/.test(this.root)) throw new Error(`temporary folder has blanks: ${this.root}`);
    this.template = join(this.root, 'template');
    this.stubs = join(this.root, 'stubs');
    this.trace = join(this.root, 'trace');
    this.toolStubs = join(this.root, 'tools');
  }

  /** Boots the template prefix and builds the stand-ins (about 5-10 s). */
  static create(): WineLab {
    const tools = findWine();
    const gcc = findMingwGcc();
    if (!tools || !gcc) throw new Error('Wine or MinGW-w64 missing (describeWine checks first)');
    const lab = new WineLab(tools);
    try {
      if (LAB_CACHE && existsSync(LAB_CACHE)) {
        must('copying the cached lab', spawnSync('cp', ['-a', `${LAB_CACHE}/.`, lab.root]));
        return lab;
      }
      const env = wineEnv(lab.template);
      must('wineboot', spawnSync(tools.wine, ['wineboot', '--init'], { env, stdio: 'ignore' }));
      // Right after wineboot the service manager is unreliable while boot's wineserver lives on.
      shutDown(tools, env);
      lab.buildStubs(gcc);
      if (LAB_CACHE) lab.saveTo(LAB_CACHE);
    } catch (err) {
      lab.dispose();
      throw err;
    }
    return lab;
  }

  /** Copies the booted template and the stand-ins to `dir` whole: renamed into place when complete. */
  private saveTo(dir: string): void {
    const partial = `${dir}.${process.pid}`;
    must('caching the lab', spawnSync('cp', ['-a', this.root, partial]));
    try {
      renameSync(partial, dir);
    } catch {
      // another test file cached it first
      rmSync(partial, { recursive: true, force: true });
    }
  }

  private buildStubs(gcc: string): void {
    mkdirSync(this.stubs);
    mkdirSync(this.trace);
    mkdirSync(this.toolStubs);
    const build = (out: string, src: string, libs: string[] = []) =>
      must(
        `building ${src}`,
        spawnSync(
          gcc,
          ['-municode', '-Os', '-s', '-o', join(this.stubs, out), join(STUBS_SRC, src), ...libs],
          { encoding: 'utf8' },
        ),
      );
    build('shim.exe', 'shim.c', ['-lshell32']);
    build('engine.exe', 'engine.c', ['-ladvapi32']);
    // One shim under each name it stands in for: NAME.exe runs NAME.cmd from its own folder.
    for (const name of ['cluster', 'net']) {
      copyFileSync(join(this.stubs, 'shim.exe'), join(this.stubs, `${name}.exe`));
      writeFileSync(
        join(this.stubs, `${name}.cmd`),
        crlf(readFileSync(join(STUBS_SRC, `${name}.cmd`), 'latin1')),
        'latin1',
      );
    }
    // No NAME.cmd next to these, so the shim runs the real tool from system32.
    for (const name of ['sc', 'reg']) {
      copyFileSync(join(this.stubs, 'shim.exe'), join(this.trace, `${name}.exe`));
      copyFileSync(join(this.stubs, 'shim.exe'), join(this.toolStubs, `${name}.exe`));
      writeFileSync(
        join(this.toolStubs, `${name}.cmd`),
        crlf(readFileSync(join(STUBS_SRC, `${name}.cmd`), 'latin1')),
        'latin1',
      );
    }
  }

  /**
   * A fresh node in its own prefix, seeded as `spec` says. A test that describeWine retries asks
   * again for the node its failed attempt left behind (the attempt threw before its dispose):
   * that node is ended and deleted first, so every attempt starts from the seeded state.
   */
  node(name: string, spec: NodeSpec): WineNode {
    for (const old of this.nodes.filter((n) => n.name === name)) old.dispose();
    this.nodes = this.nodes.filter((n) => n.name !== name);
    const node = new WineNode(this, name, spec);
    this.nodes.push(node);
    return node;
  }

  /** Shuts every prefix's wineserver down and deletes the lab. */
  dispose(): void {
    for (const n of this.nodes) n.dispose();
    shutDown(this.tools, wineEnv(this.template));
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A lab for the calling describe block: created before its tests, disposed after them. */
export function useWineLab(): () => WineLab {
  let lab: WineLab | undefined;
  beforeAll(() => {
    lab = WineLab.create();
  });
  afterAll(() => {
    lab?.dispose();
  });
  return () => {
    if (!lab) throw new Error('no Wine lab: creating it failed');
    return lab;
  };
}

export class WineNode {
  readonly dir: string;
  readonly prefix: string;
  private readonly state: string;
  private readonly callLog: string;
  private readonly argvLog: string;
  private readonly env: NodeJS.ProcessEnv;
  private disposed = false;

  constructor(
    private readonly lab: WineLab,
    readonly name: string,
    readonly spec: NodeSpec,
  ) {
    this.dir = join(lab.root, name);
    this.prefix = join(this.dir, 'prefix');
    this.state = join(this.dir, 'state');
    this.callLog = join(this.dir, 'calls.log');
    this.argvLog = join(this.dir, 'argv.log');
    // Not recursive: a folder left from an earlier node would mix its prefix and call log in.
    mkdirSync(this.dir);
    mkdirSync(this.state);
    // Hard links make the copy instant; the registry files are copied for real because Wine
    // rewrites them in place, which through a link would change the template.
    must('copying the template prefix', spawnSync('cp', ['-al', lab.template, this.prefix]));
    for (const f of readdirSync(this.prefix).filter((f) => f.endsWith('.reg'))) {
      unlinkSync(join(this.prefix, f));
      copyFileSync(join(lab.template, f), join(this.prefix, f));
    }
    writeFileSync(join(this.state, 'resource.txt'), `${spec.resourceState ?? 'Offline'}\r\n`);
    if (spec.dependencies) this.setDependencies(spec.dependencies);

    const c = spec.cluster;
    // A log folder on another drive than C: gets that drive, as a folder of its own.
    const drive = driveLetter(c.logFolder);
    if (drive !== 'c') {
      mkdirSync(join(this.prefix, `drive_${drive}`));
      symlinkSync(`../drive_${drive}`, join(this.prefix, 'dosdevices', `${drive}:`));
    }
    const path = spec.trace ? [lab.trace, lab.stubs] : [lab.stubs];
    if (spec.sc || spec.reg) path.unshift(lab.toolStubs);
    this.env = {
      ...wineEnv(this.prefix),
      WINEPATH: path.map(winPath).join(';'),
      STUB_LOG: winPath(this.callLog),
      STUB_STATE: winPath(this.state),
      STUB_CLUSTER: c.name,
      STUB_RESOURCE: c.resourceName,
      STUB_GROUP: 'Exchange Group',
      STUB_SERVICE: c.serviceName,
      STUB_KEY: c.restoreKey,
      STUB_OWNER: spec.owner ?? spec.computerName,
      STUB_ONLINE: spec.onlineFails ? 'fail' : (spec.online ?? 'ok'),
      STUB_ELEVATED: spec.elevated === false ? '0' : '1',
      STUB_FLIP: spec.flip ? `${spec.flip.read}:${spec.flip.state}` : '',
      STUB_RESTART: spec.restart ? `${spec.restart.read}:${spec.restart.when}` : '',
      STUB_RESTART_ACTION: String(spec.restart?.action ?? 2),
      STUB_RESTART_THRESHOLD: String(spec.restart?.threshold ?? 3),
      STUB_SC: spec.sc ?? '',
      STUB_REG: spec.reg ?? '',
    };

    // A persistent server, and a first Wine process (the seeding) with no pipes attached: the
    // services Wine starts then do not inherit the test runner's pipes, which would make every
    // later call wait for them.
    spawnSync(lab.tools.wineserver, ['-p'], { env: this.env, stdio: 'ignore' });
    const seed = this.writeCmd('seed.cmd', this.seedScript());
    this.wine([winPath(seed)], 'ignore', 'seeding the node');
    const log = join(this.dir, 'seed.log');
    const seeded = existsSync(log) ? readFileSync(log, 'latin1') : '';
    if (!seeded.includes('SEEDED')) throw new Error(`seeding the node failed:\n${seeded}`);
  }

  private seedScript(): string {
    const c = this.spec.cluster;
    const log = winPath(join(this.dir, 'seed.log'));
    const binary =
      this.spec.service === 'broken'
        ? 'C:\\missing\\dsamain.exe'
        : winPath(join(this.lab.stubs, 'engine.exe'));
    const key = `HKLM\\${c.restoreKey}`;
    const engineKey = 'HKLM\\SOFTWARE\\clusrestore-stub\\engine';
    const lines = [
      `reg add "${engineKey}" /v LogFile /d "${winPath(this.callLog)}" /f`,
      `reg add "${engineKey}" /v Mode /d "${this.spec.engineMode ?? 'consume'}" /f`,
      `reg add "${engineKey}" /v RestoreKey /d "${c.restoreKey}" /f`,
      `reg add "${engineKey}" /v HoldMs /d "${this.spec.engineHoldMs ?? 1500}" /f`,
      // The cluster database's hive, loaded at HKLM\Cluster on every node (MSDN "Cluster
      // Database"); its ClusterName value names the local cluster. No Microsoft page found
      // documents that value: the script refuses when it cannot read it, changing nothing.
      `reg add "HKLM\\Cluster" /v ClusterName /d "${this.spec.localCluster ?? c.name}" /f`,
      `sc create "${c.serviceName}" binPath= "${binary}" start= demand`,
      // The resource's checkpoint of the service's subtree, taken before the restore.
      `reg export "HKLM\\SYSTEM\\CurrentControlSet\\Services\\${c.serviceName}" "${winPath(join(this.state, 'checkpoint.reg'))}" /y`,
    ];
    if (this.spec.key !== false) {
      // The values an online restore leaves (Q200941), data shaped like Q296229's example.
      const add = (name: string, type: string, data: string, extra = '') =>
        `reg add "${key}" /v "${name}" /t ${type} /d "${data}"${extra} /f`;
      lines.push(
        add('BackupLogPath', 'REG_SZ', '\\\\EXNODE1\\C$\\exchsrvr\\DSADATA'),
        add('CheckpointFilePath', 'REG_SZ', '\\\\EXNODE1\\C$\\exchsrvr\\DSADATA'),
        add('LogPath', 'REG_SZ', '\\\\EXNODE1\\C$\\exchsrvr\\DSADATA'),
        add(
          'EDB_RstMap',
          'REG_MULTI_SZ',
          '\\\\BACKUP1\\C$\\exchsrvr\\DSADATA\\dir.edb;\\\\EXNODE1\\C$\\exchsrvr\\DSADATA\\dir.edb',
          ' /s ;',
        ),
        add('EDB_RstMap Size', 'REG_DWORD', '1'),
        add('LowLog Number', 'REG_DWORD', '0x1'),
        add('HighLog Number', 'REG_DWORD', '0x2'),
        add('EDB Database recovered', 'REG_BINARY', '00'),
      );
    }
    lines.push(`sc query "${c.serviceName}"`);
    // The real tools by full path: a node's stubs may deny or fail on purpose.
    const real = (l: string) => l.replace(/^(reg|sc) /, '"%SystemRoot%\\system32\\$1.exe" ');
    // Under load Wine's cmd now and then fails to start a tool at all ("Can't recognize ... as an
    // internal or external command", seen in CI runs): each line is tried once more. Every line
    // is safe to repeat (reg add /f, reg export /y), and a line that really fails fails twice.
    return [
      '@echo off',
      ...lines
        .map(real)
        .map((l) => `${l} >>"${log}" 2>&1`)
        .flatMap((l) => [l, `if errorlevel 1 ${l}`, 'if errorlevel 1 exit /b 1']),
      `>>"${log}" echo SEEDED`,
      'exit /b 0',
    ].join('\n');
  }

  private writeCmd(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, crlf(text), 'latin1');
    return file;
  }

  private wine(
    cmdArgs: string[],
    stdio: StdioOptions | undefined,
    what: string,
    env: NodeJS.ProcessEnv = this.env,
  ): WineRun {
    const r = spawnSync(this.lab.tools.wine, ['cmd', '/c', ...cmdArgs], {
      env,
      encoding: 'latin1',
      stdio,
      timeout: RUN_TIMEOUT_MS,
    });
    if (r.error) throw new Error(`${what}: ${r.error.message}`);
    const lf = (s: string | null) => (s ?? '').replace(/\r\n/g, '\n');
    return { status: r.status, stdout: lf(r.stdout), stderr: lf(r.stderr) };
  }

  /**
   * Runs a generated script on this node with plain arguments. A wrapper sets %COMPUTERNAME%
   * and runs the script in a child cmd, because under Wine 8.0 the computer name comes from the
   * host name whatever the environment says, and a batch file run with `call` hands its
   * `exit /b` code back as 1.
   */
  run(script: Buffer, fileName: string, args: string[] = [], once: RunOverrides = {}): WineRun {
    if (/[\s"%!^&|<>]/.test(fileName)) throw new Error(`unsafe script name ${fileName}`);
    const file = join(this.dir, fileName);
    if (once.nt4) {
      const text = script.toString('latin1');
      if (!text.includes(OLD_CMD_CHECK)) throw new Error('the script has no NT 4.0 check');
      script = Buffer.from(
        text.replace(OLD_CMD_CHECK, OLD_CMD_CHECK.replace(/^setlocal .*$/m, 'cmd /d /c exit 1')),
        'latin1',
      );
    }
    writeFileSync(file, script);
    const wrapper = this.writeCmd(
      'run-script.cmd',
      [
        '@echo off',
        `set "COMPUTERNAME=${this.spec.computerName}"`,
        `cmd /d /c ${winPath(file)} %*`,
        'exit /b %ERRORLEVEL%',
      ].join('\n'),
    );
    const env = { ...this.env };
    if (this.spec.trace) env.STUB_ARGV = winPath(this.argvLog);
    if (once.owner !== undefined) env.STUB_OWNER = once.owner;
    if (once.elevated !== undefined) env.STUB_ELEVATED = once.elevated ? '1' : '0';
    if (once.serverStopped) env.STUB_SERVER = 'stopped';
    if (once.localized) env.STUB_LANG = 'fr';
    const hidden = (once.absent ?? []).map((t) => {
      const exe = join(this.prefix, 'drive_c', 'windows', 'system32', `${t}.exe`);
      renameSync(exe, `${exe}.hidden`);
      return exe;
    });
    try {
      return this.wine([winPath(wrapper), ...args], undefined, `running ${fileName}`, env);
    } finally {
      for (const exe of hidden) renameSync(`${exe}.hidden`, exe);
    }
  }

  /** Runs batch text of the test's own on this node (same stand-ins, same environment). */
  runBatch(name: string, text: string): WineRun {
    return this.wine([winPath(this.writeCmd(name, text))], undefined, `running ${name}`);
  }

  /** The stand-ins' call log: one line per call or decision, in order. */
  calls(): string[] {
    if (!existsSync(this.callLog)) return [];
    return readFileSync(this.callLog, 'latin1')
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l !== '');
  }

  /**
   * The traced tools' calls, one line each in order: the tool's name, then every argument in
   * brackets as its C runtime reads it, e.g. `sc [query] [MSExchangeDS]`. Empty without `trace`.
   */
  argv(): string[] {
    if (!existsSync(this.argvLog)) return [];
    return readFileSync(this.argvLog, 'latin1')
      .split(/\r?\n/)
      .filter((l) => l !== '');
  }

  /** The key, service and resource as they are now. */
  inspect(): NodeState {
    const c = this.spec.cluster;
    const query = () =>
      this.runBatch(
        'inspect.cmd',
        [
          '@echo off',
          // The real tools by full path: a node's stubs may translate or deny.
          `"%SystemRoot%\\system32\\reg.exe" query "HKLM\\${c.restoreKey}" >nul 2>&1`,
          'echo KEYRC=%ERRORLEVEL%',
          `for /f "tokens=3,4" %%a in ('%SystemRoot%\\system32\\sc.exe query "${c.serviceName}" ^| find "STATE"') do (echo SERVICE=%%b)`,
        ].join('\n'),
      );
    const field = (r: WineRun, name: string) =>
      new RegExp(`^${name}=(\\S+)$`, 'm').exec(r.stdout)?.[1];
    // Under load Wine's cmd has ended this batch with no output at all, and has failed to start
    // reg.exe or sc.exe ("Can't recognize ..."), which read as a missing key or service. The
    // query only reads, so it is asked again until reg answered 0 (present) or 1 (absent) and sc
    // named a state, three times at most; what is still unanswered then is the test's.
    let r = query();
    for (let tries = 1; tries < 3; tries++) {
      const rc = field(r, 'KEYRC');
      if ((rc === '0' || rc === '1') && field(r, 'SERVICE') !== undefined) break;
      r = query();
    }
    const rc = field(r, 'KEYRC');
    if (rc !== '0' && rc !== '1')
      throw new Error(`inspect could not read the key (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    const key = rc === '0' ? 'present' : 'absent';
    return {
      keyPresent: key === 'present',
      service: field(r, 'SERVICE') ?? 'MISSING',
      resource: readFileSync(join(this.state, 'resource.txt'), 'latin1').trim(),
    };
  }

  /** Replaces the resources the resource depends on (NodeSpec.dependencies). */
  setDependencies(deps: NonNullable<NodeSpec['dependencies']>): void {
    const owner = this.spec.owner ?? this.spec.computerName;
    const rows = deps.map(
      (d) =>
        `${d.of ?? this.spec.cluster.resourceName}|${d.name}|${d.state ?? 'Online'}|${d.node ?? owner}\r\n`,
    );
    writeFileSync(join(this.state, 'deps.txt'), rows.join(''), 'latin1');
  }

  /** Sets the resource's state word, as if it changed outside the script. */
  setResource(state: string): void {
    writeFileSync(join(this.state, 'resource.txt'), `${state}\r\n`);
  }

  /** The Unix folder behind a drive path of this node (C:, or the log folder's drive). */
  hostPath(windowsPath: string): string {
    const rest = windowsPath.slice(3).split('\\').filter(Boolean);
    return join(this.prefix, `drive_${driveLetter(windowsPath)}`, ...rest);
  }

  /** Files in the cluster's log folder on this node. */
  logFiles(): string[] {
    const dir = this.hostPath(this.spec.cluster.logFolder);
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  }

  readLog(name: string): Buffer {
    return readFileSync(join(this.hostPath(this.spec.cluster.logFolder), name));
  }

  /** Ends this prefix's Wine processes (services included) and deletes the node. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    shutDown(this.lab.tools, this.env);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
