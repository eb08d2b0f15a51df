#!/usr/bin/env node
/**
 * The command line: yargs parses argv, src/commands/ does the work and returns data, this
 * file prints it and sets the exit code. The only module that touches process.argv, exitCode
 * and yargs.
 */
// yargs/yargs, not yargs: the package's main entry also builds a singleton parser, unused here.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import {
  ClusrestoreError,
  InterruptedError,
  InventoryError,
  UsageError,
  fileSystemError,
} from './errors';
import { CLI_EXIT_CODES } from './procedure/exit-codes';
import { FORMATS, type Format } from './inventory/presets';
import type { ScenarioName } from './sim/run';
import { processIo as io } from './commands/io';

const EXIT_EPILOGUE =
  'Exit codes: ' +
  CLI_EXIT_CODES.map((e) => `${e.code} ${e.name}`).join(', ') +
  '. Docs: README.md.';

/**
 * SIGINT and SIGTERM abort a run before it renames anything into place (its staged files are
 * removed, and it fails with InterruptedError) instead of ending the process at once. `release` gives them their default.
 */
function interruptOnSignals(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => controller.abort(name);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs one command, mapping named errors to their exit codes; stack traces only with --debug. */
async function run(
  debug: boolean,
  json: boolean,
  body: () => Promise<number> | number,
): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (caught) {
    const err = fileSystemError(caught) ?? caught;
    if (err instanceof InterruptedError) {
      // Nothing was written and what was staged is gone: end by the same signal, as if unhandled.
      io.err(`clusrestore: ${err.message}`);
      process.kill(process.pid, err.signal);
      return;
    }
    if (err instanceof ClusrestoreError) {
      if (json) io.out(JSON.stringify(errorJson(err), null, 2));
      io.err(`clusrestore: ${err.message}`);
      if (debug) io.err(err.stack ?? '');
      process.exitCode = err.exitCode;
    } else {
      io.err(`clusrestore: internal error: ${(err as Error).message ?? String(err)}`);
      io.err(
        debug
          ? ((err as Error).stack ?? '')
          : 'Rerun with --debug for the stack trace, and report it.',
      );
      process.exitCode = 4;
    }
  }
}

function errorJson(err: ClusrestoreError): object {
  return {
    schema: 'clusrestore/error/v1',
    error: {
      code: err.code,
      message: err.message,
      ...(err instanceof InventoryError ? { diagnostics: err.diagnostics } : {}),
    },
  };
}

/**
 * A progress bar on stderr for long runs, only on a terminal: piped output stays quiet.
 * `phase(label)` returns the callback for one phase (rendering, writing).
 */
function progressReporter(enabled: boolean): {
  phase: (label: string) => ((done: number, total: number) => void) | undefined;
  stop: () => void;
} {
  if (!enabled || !process.stderr.isTTY) return { phase: () => undefined, stop: () => {} };
  // Loaded only when a terminal will show it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar(
    { stream: process.stderr, format: '{phase} {bar} {value}/{total}', clearOnComplete: true },
    Presets.shades_classic,
  );
  let running = false;
  let shown: string | undefined;
  return {
    phase: (label) => (done, total) => {
      if (total < 500) return;
      if (!running) (bar.start(total, 0, { phase: label }), (running = true), (shown = label));
      // A new phase starts the bar again, at whatever count its first callback brings.
      if (label !== shown) (bar.setTotal(total), bar.update(0, { phase: label }), (shown = label));
      bar.update(done);
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** The inventory named, or the one a command reads without one, said on stderr. */
async function inventoryFor(arg: string | undefined): Promise<string> {
  if (arg !== undefined) return arg;
  const { defaultInventory } = await import('./inventory/load.js');
  const { file, why } = defaultInventory(process.cwd());
  io.err(`clusrestore: reading the inventory ${file} (${why})`);
  return file;
}

/** --format without `markdown`, which names the dry run's output, not a file format. */
function fileFormats(formats: string[] | undefined): Format[] | undefined {
  const files = formats?.filter((f) => f !== 'markdown');
  return files?.length ? (files as Format[]) : undefined;
}

/** generate's output folder when --out is not given (not a yargs default: see the option). */
const DEFAULT_OUT = 'out';

/** True when `path` is `folder` or below it. */
function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('clusrestore')
    .usage(
      '$0 <command> [options]\n\nGenerates scripts that restore an Exchange directory or store onto a cluster node in the safe order of KB Q188674: confirm the Restore in Progress key, start the service through the service control manager, let the engine recover, then bring the cluster resource online.',
    )
    .option('debug', { type: 'boolean', default: false, describe: 'Print stack traces of errors' })
    .command(
      'generate [inventory]',
      'Write the scripts and runbooks for every cluster of an inventory (./inventory.yaml or .json when there is one, else the bundled example)',
      (y) =>
        y
          .positional('inventory', { type: 'string', describe: 'Inventory file (YAML or JSON)' })
          // No yargs default for out, force and prune: --plan must tell a given option from none.
          .option('out', {
            type: 'string',
            defaultDescription: DEFAULT_OUT,
            describe: 'Output folder',
          })
          .option('cluster', {
            type: 'string',
            array: true,
            describe: 'Only this cluster (repeatable)',
          })
          .option('format', {
            choices: [...FORMATS, 'markdown'],
            array: true,
            describe:
              'Only this format (repeatable); with --dry-run, markdown prints the plan as Markdown',
          })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'Render and check everything, print the plan and diffs, write nothing',
          })
          .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON' })
          .option('force', {
            type: 'boolean',
            defaultDescription: 'false',
            describe:
              'Overwrite files edited by hand since clusrestore wrote them (with --prune: delete hand-edited orphans too)',
          })
          .option('prune', {
            type: 'boolean',
            defaultDescription: 'false',
            describe:
              'Delete orphans (files an earlier run wrote that the inventory no longer produces) whose bytes are as clusrestore wrote them; with --cluster or --format only theirs',
          })
          .option('detailed-exitcode', {
            type: 'boolean',
            default: false,
            describe: 'With --dry-run: exit 2 when files would change',
          })
          .option('verbose', {
            type: 'boolean',
            default: false,
            describe:
              'List every cluster, the manifest and each orphan, not only what changes (the summary line counts the rest)',
          })
          .option('plan-out', {
            type: 'string',
            describe:
              'With --dry-run: also save the plan to this file, outside the output folder (never replacing a file that is not a plan file), for --plan',
          })
          .option('plan', {
            type: 'string',
            describe:
              'Write exactly the plan saved in this file, or refuse (exit 1) naming what changed since: the inventory, the tool version, a file in the output folder, an option',
          })
          .option('jobs', {
            type: 'number',
            describe: 'Ignored: rendering runs on one thread since 0.2; removed in a later release',
          })
          // A UsageError: .fail prints it as a usage message (any other error there is a crash).
          .check((a) => {
            if (a.plan !== undefined && (a.dryRun || a.planOut !== undefined))
              return new UsageError(
                '--plan writes a saved plan: it takes no --dry-run or --plan-out (the saved plan was the dry run)',
              );
            if (a.format?.includes('markdown') && (!a.dryRun || a.json))
              return new UsageError(
                '--format markdown prints a dry run: add --dry-run (and no --json)',
              );
            if (a.planOut !== undefined && !a.dryRun)
              return new UsageError('--plan-out saves the plan of a dry run: add --dry-run');
            const out = a.out ?? DEFAULT_OUT;
            if (typeof a.planOut === 'string' && isInside(a.planOut, out))
              return new UsageError(
                `--plan-out ${a.planOut} is inside the output folder ${out}, which holds only what generate writes (verify would report the plan as a file clusrestore did not write): save it beside the folder, e.g. --plan-out plan.json`,
              );
            return true;
          })
          .example('$0 generate', 'Generate from the bundled example into out/')
          .example(
            '$0 generate inventory.yaml --dry-run --detailed-exitcode',
            'Show what would change; exit 2 if anything would',
          )
          .example(
            '$0 generate inventory.yaml --dry-run --plan-out change.plan.json',
            'Save the plan a reviewer approves, for generate --plan change.plan.json to write exactly it',
          )
          .epilogue(EXIT_EPILOGUE),
      (argv) =>
        run(argv.debug, argv.json, async () => {
          const { generateCommand } = await import('./commands/generate.js');
          const { colorWanted } = await import('./plan/colors.js');
          const progress = progressReporter(!argv.json);
          const interrupt = argv.dryRun ? undefined : interruptOnSignals();
          try {
            return await generateCommand(
              {
                // A saved plan names its inventory.
                inventory:
                  argv.plan === undefined ? await inventoryFor(argv.inventory) : argv.inventory,
                outDir: argv.out ?? DEFAULT_OUT,
                clusters: argv.cluster,
                formats: fileFormats(argv.format),
                force: !!argv.force,
                prune: !!argv.prune,
                planOut: argv.planOut,
                planFile: argv.plan,
                given: {
                  outDir: argv.out,
                  clusters: argv.cluster,
                  formats: fileFormats(argv.format),
                  force: argv.force,
                  prune: argv.prune,
                },
                dryRun: argv.dryRun,
                json: argv.json,
                markdown: !!argv.format?.includes('markdown'),
                detailedExitcode: argv.detailedExitcode,
                verbose: argv.verbose,
                color: colorWanted(process.env, !!process.stdout.isTTY),
                signal: interrupt?.signal,
              },
              io,
              progress.phase,
            );
          } finally {
            progress.stop();
            interrupt?.release();
          }
        }),
    )
    .command(
      'validate [inventory]',
      'Check an inventory and every file it renders (PowerShell parser when pwsh is found), writing nothing',
      (y) =>
        y
          .positional('inventory', { type: 'string', describe: 'Inventory file (YAML or JSON)' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
          .option('require-pwsh', {
            type: 'boolean',
            default: false,
            describe: 'Fail when no pwsh is found to parse the .ps1 files',
          })
          .epilogue(EXIT_EPILOGUE),
      (argv) =>
        run(argv.debug, argv.json, async () => {
          const { validateCommand } = await import('./commands/validate.js');
          // On stderr, and only on a terminal: --json's stdout stays the one document.
          const progress = progressReporter(true);
          try {
            return await validateCommand(
              await inventoryFor(argv.inventory),
              { requirePwsh: argv.requirePwsh, json: argv.json },
              io,
              progress.phase,
            );
          } finally {
            progress.stop();
          }
        }),
    )
    .command(
      'verify [out]',
      'Check an output folder: against its manifest.json (changed, missing and added files, and the output checks), and with --inventory against a fresh rendering of every file, byte for byte',
      (y) =>
        y
          .positional('out', { type: 'string', default: 'out', describe: 'Output folder' })
          .option('inventory', {
            type: 'string',
            describe:
              'Re-render every file this inventory makes and compare it byte for byte with the folder (without it, verify trusts the hashes in manifest.json)',
          })
          .option('cluster', {
            type: 'string',
            array: true,
            describe:
              'With --inventory: re-render only this cluster (repeatable), as generate --cluster wrote it',
          })
          .option('format', {
            choices: FORMATS,
            array: true,
            describe:
              'With --inventory: re-render only this format (repeatable), as generate --format wrote it',
          })
          .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
          .check((a) =>
            (a.cluster !== undefined || a.format !== undefined) && a.inventory === undefined
              ? new UsageError(
                  '--cluster and --format choose what --inventory re-renders: add --inventory FILE',
                )
              : true,
          )
          .example(
            '$0 verify out --inventory inventory.yaml',
            'Prove out/ is what the inventory makes',
          )
          .epilogue(EXIT_EPILOGUE),
      (argv) =>
        run(argv.debug, argv.json, async () => {
          const { verifyCommand } = await import('./commands/verify.js');
          const progress = progressReporter(true);
          try {
            return verifyCommand(
              argv.out,
              {
                json: argv.json,
                inventory: argv.inventory,
                clusters: argv.cluster,
                formats: argv.format,
              },
              io,
              progress.phase,
            );
          } finally {
            progress.stop();
          }
        }),
    )
    .command(
      'simulate [inventory]',
      "Run a cluster's PowerShell script, unchanged, in pwsh against a simulated cluster node and print the timeline with a verdict; writes nothing",
      (y) =>
        y
          .positional('inventory', {
            type: 'string',
            describe: 'Inventory file (YAML or JSON); the bundled example when absent',
          })
          .option('cluster', {
            type: 'string',
            describe: 'The cluster to simulate (required when the inventory has more than one)',
          })
          .option('scenario', {
            // Loaded here, when simulate is run or its help shown: --help alone never needs it.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            choices: (require('./sim/run') as typeof import('./sim/run')).SCENARIOS,
            default: 'restored' as ScenarioName,
            describe: "The node's state before the script runs",
          })
          .option('compare-naive', {
            type: 'boolean',
            default: false,
            describe:
              'Also run the naive order (resource online first) on the same node, side by side',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'Print the timeline as JSON (clusrestore/simulate/v1)',
          })
          .option('html', {
            type: 'string',
            describe: 'Also write the timeline drawn, as a self-contained HTML page, to this file',
          })
          .example('$0 simulate --cluster EXCL01', 'The happy path of the bundled example')
          .example(
            '$0 simulate inventory.yaml --cluster EXCL01 --scenario key-lost --compare-naive',
            'What the script does when the key was lost, and the naive order beside it',
          )
          .epilogue(
            "Exit code 0 whenever the simulation ran, whatever the script's own exit code (read it and the verdict in the output). " +
              EXIT_EPILOGUE,
          ),
      (argv) =>
        run(argv.debug, argv.json, async () => {
          const { simulateCommand } = await import('./commands/simulate.js');
          return simulateCommand(
            await inventoryFor(argv.inventory),
            {
              cluster: argv.cluster,
              scenario: argv.scenario as ScenarioName,
              compareNaive: argv.compareNaive,
              json: argv.json,
              html: argv.html,
            },
            io,
          );
        }),
    )
    .command(
      'report [inventory]',
      "Write one self-contained HTML page for the change reviewer: the fleet, each cluster's plan, steps and diffs, and the timeline drawn beside the naive order; writes only that page",
      (y) =>
        y
          .positional('inventory', { type: 'string', describe: 'Inventory file (YAML or JSON)' })
          .option('out', {
            type: 'string',
            default: 'out/report.html',
            describe: 'The page to write (replaces only a report clusrestore wrote)',
          })
          .option('against', {
            type: 'string',
            default: 'out',
            describe: 'The output folder the plan compares with, as generate --dry-run does',
          })
          .option('cluster', {
            type: 'string',
            array: true,
            describe: 'Only this cluster (repeatable)',
          })
          .example('$0 report', 'The report of the bundled example in out/report.html')
          .epilogue(EXIT_EPILOGUE),
      (argv) =>
        run(argv.debug, false, async () => {
          const { reportCommand } = await import('./commands/report.js');
          io.out(
            await reportCommand({
              inventory: await inventoryFor(argv.inventory),
              out: argv.out,
              against: argv.against,
              cluster: argv.cluster,
            }),
          );
          return 0;
        }),
    )
    .command(
      'schema',
      "Print the inventory's JSON Schema (for editor completion), or with --contract the JSON output contract",
      (y) =>
        y.option('contract', {
          type: 'boolean',
          default: false,
          describe: 'The schema of every --json output and script -ResultPath result instead',
        }),
      (argv) =>
        run(argv.debug, false, async () => {
          const { schemaDocument } = await import('./commands/schema.js');
          io.out(JSON.stringify(schemaDocument(argv.contract), null, 2));
          return 0;
        }),
    )
    .command(
      'init [file]',
      'Write a commented example inventory (never overwrites)',
      (y) =>
        y.positional('file', {
          type: 'string',
          default: 'inventory.yaml',
          describe: 'Where to write it',
        }),
      (argv) =>
        run(argv.debug, false, async () => {
          const { initCommand } = await import('./commands/init.js');
          return initCommand(argv.file, io);
        }),
    )
    .demandCommand(
      1,
      'Name a command: generate, validate, verify, simulate, report, schema or init.',
    )
    .strict()
    // yargs hands an option given twice over as an array; only the options declared `array`
    // take more than one value, so for the others that is a usage error, not a crash inside.
    .check((argv, options) => {
      const twice = Object.keys(options.key).filter(
        (k) => !options.array.includes(k) && Array.isArray(argv[k]),
      );
      return (
        twice.length === 0 ||
        new UsageError(
          `${twice.map((k) => `--${k}`).join(', ')} given more than once: give each once`,
        )
      );
    }, true)
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .alias('v', 'version')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err, y) => {
      if (err && !(err instanceof UsageError)) throw err;
      const text = err?.message ?? msg;
      io.err(y.help() ? `${text}\nRun clusrestore --help for usage.` : text);
      process.exit(1);
    })
    .parseAsync();
}

void main();
