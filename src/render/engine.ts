import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import {
  CMD_EXIT_CODES,
  SCRIPT_EXIT_CODES,
  scriptExitCode,
  type ScriptExitName,
} from '../procedure/exit-codes';
import type { Format } from '../inventory/presets';
import type { ClusterConfig } from '../inventory/types';
import {
  IMPORT_KEY_STEP,
  STEP_DEFS,
  clusterSteps,
  restoreKeyPath,
  stepNumber,
  type Step,
} from '../procedure/steps';
import { templateLeftovers } from '../checks/template';
import { happyPathFor, type RunbookHappyPath } from '../procedure/happy-path';
import { TOOL_VERSION, packageRoot } from '../version';
import { cmdRefused } from '../inventory/rules';
import { sha256 } from '../sha256';
import { Scratch, encodeOutputInto } from './output';
import { cmdText, cmdValue, intLiteral, mdCode, psArray, psHelpName, psLiteral } from './escape';
import { settingsSha256 } from './settings';

/** Template file of each format, below templates/. */
const TEMPLATE_FILES: Record<Format, string> = {
  ps1: 'ps1/restore.ps1.hbs',
  cmd: 'cmd/restore.cmd.hbs',
  runbook: 'runbook/RUNBOOK.md.hbs',
};

/** Everything a template sees. Values reach output only through the escaping helpers. */
export interface TemplateContext {
  tool: { name: 'clusrestore'; version: string };
  /** SHA-256 of the cluster's resolved settings (settings.ts), named in every file's header. */
  settingsSha256: string;
  cluster: Omit<ClusterConfig, 'sources'>;
  /** `HKLM\...` form of the restore key (runbook; the scripts build it themselves). */
  restoreKeyPath: string;
  /** Step words with `{0}` for the timeout, keyed by camel-cased step id (scripts). */
  stepText: Record<string, string>;
  /** Steps with their words filled in (runbook). */
  steps: Step[];
  exitCodes: typeof SCRIPT_EXIT_CODES;
  /** The rows the cmd script can return (its table and usage text). */
  cmdExitCodes: typeof CMD_EXIT_CODES;
  files: Record<Format, string>;
  /** The simulated happy path with this cluster's values (runbook; src/procedure/happy-path.ts). */
  happyPath: RunbookHappyPath;
  /** The scripts this cluster gets: its formats, less a .cmd refused for a value (runbook). */
  scriptFormats: ScriptFormat[];
  /** What the change reviewer approves and the operator runs (runbook). */
  review: ReviewFacts;
}

export type ScriptFormat = 'ps1' | 'cmd';

/** One script as the runbook names it for approval. */
export interface ReviewedScript {
  format: ScriptFormat;
  /** Relative to the output folder, with `/`. */
  path: string;
  /** Where the runbook tells the operator to put it on the node: the log folder. */
  nodePath: string;
  /** SHA-256 of the script's bytes as written; computed when first read. */
  sha256: string;
  /** The exact commands, for a code span. */
  hashCommand: string;
  dryRun: string;
  run: string;
}

/** The reviewer's facts: the scripts with their hashes and commands, and the longest run. */
export interface ReviewFacts {
  scripts: ReviewedScript[];
  /** The timeouts added up: what the PowerShell script can wait at most, in seconds. */
  ps1WaitSec: number;
  /** The same for the cmd script, whose /wait on the online is followed by up to as long polling. */
  cmdWaitSec: number;
  /** Brings the resource online by hand once the key is consumed (cluster.exe, on any version). */
  onlineCommand: string;
}

/** File name of each output, relative to the cluster's folder. */
export function outputFileNames(clusterName: string): Record<Format, string> {
  return {
    ps1: `restore-${clusterName}.ps1`,
    cmd: `restore-${clusterName}.cmd`,
    runbook: 'RUNBOOK.md',
  };
}

/** The folder of a cluster's files, relative to the output folder. */
export function outputFolder(clusterName: string): string {
  return clusterName;
}

/** Where a cluster's file of `format` goes, relative to the output folder, with `/`. */
export function outputPath(clusterName: string, format: Format): string {
  return `${outputFolder(clusterName)}/${outputFileNames(clusterName)[format]}`;
}

export function templateContext(cluster: ClusterConfig): TemplateContext {
  const { sources: _sources, ...plain } = cluster;
  const scriptFormats = (['ps1', 'cmd'] as const).filter(
    (f) => cluster.formats.includes(f) && !(f === 'cmd' && cmdRefused(cluster)),
  );
  const context: TemplateContext = {
    tool: { name: 'clusrestore', version: TOOL_VERSION },
    settingsSha256: settingsSha256(cluster),
    cluster: plain,
    restoreKeyPath: restoreKeyPath(cluster),
    stepText: STEP_TEXT,
    steps: clusterSteps(cluster),
    exitCodes: SCRIPT_EXIT_CODES,
    cmdExitCodes: CMD_EXIT_CODES,
    files: outputFileNames(cluster.name),
    happyPath: happyPathFor(cluster),
    scriptFormats,
    review: undefined as unknown as ReviewFacts,
  };
  context.review = reviewFacts(cluster, scriptFormats, context);
  return context;
}

/**
 * The runbook's approval facts. Each script's hash is the one renderFile took of its bytes for
 * this context; only a script not rendered yet (a runbook planned alone) is rendered for it.
 */
function reviewFacts(
  cluster: ClusterConfig,
  formats: ScriptFormat[],
  context: TemplateContext,
): ReviewFacts {
  const { serviceStartSec: s, recoverySec: r, resourceOnlineSec: o } = cluster.timeouts;
  const folder = cluster.logFolder.replace(/\\+$/, '');
  const scripts = formats.map((format): ReviewedScript => {
    const file = outputFileNames(cluster.name)[format];
    const nodePath = `${folder}\\${file}`;
    let hash: string | undefined;
    const script = {
      format,
      path: outputPath(cluster.name, format),
      nodePath,
      hashCommand:
        format === 'ps1'
          ? `Get-FileHash -Algorithm SHA256 -LiteralPath ${psLiteral(nodePath)}`
          : `certutil -hashfile "${nodePath}" SHA256`,
      dryRun: format === 'ps1' ? `& ${psLiteral(nodePath)} -WhatIf` : `"${nodePath}" /dryrun`,
      run:
        format === 'ps1'
          ? `& ${psLiteral(nodePath)} -ResultPath ${psLiteral(`${folder}\\restore-${cluster.name}-result.json`)}`
          : `"${nodePath}"`,
    } as ReviewedScript;
    Object.defineProperty(script, 'sha256', {
      enumerable: true,
      get: () =>
        (hash ??=
          scriptHashes.get(context)?.[format] ?? renderFile(format, context, hashScratch).sha256),
    });
    return script;
  });
  return {
    scripts,
    ps1WaitSec: s + r + o,
    cmdWaitSec: s + r + 2 * o,
    onlineCommand: `cluster resource "${cluster.resourceName}" /online`,
  };
}

/** The bytes a runbook's hash is taken of, encoded into one reused buffer. */
const hashScratch = new Scratch();

/** Each context's script hashes, for the runbook (dropped with the context). */
const scriptHashes = new WeakMap<TemplateContext, Partial<Record<ScriptFormat, string>>>();

/** `90` -> `90 seconds`, `600` -> `10 minutes`, `5400` -> `90 minutes`. */
export function timeoutText(value: unknown): string {
  const s = Number(intLiteral(value));
  if (s < 120 || s % 60 !== 0) return `${s} seconds`;
  return `${s / 60} minutes`;
}

function camel(id: string): string {
  return id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** The scripts' step words, the same for every cluster. */
const STEP_TEXT: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([...STEP_DEFS, IMPORT_KEY_STEP].map((def) => [camel(def.id), def.operation])),
);

/** A helper as the templates call it: its own arguments, without Handlebars' options object. */
export type Helper = (...args: unknown[]) => unknown;

/** The helpers the templates call; values reach output only through the escaping ones. */
export const TEMPLATE_HELPERS: Readonly<Record<string, Helper>> = Object.freeze({
  psq: psLiteral,
  psArray,
  psHelpName,
  int: intLiteral,
  cmdValue,
  cmdText,
  mdCode,
  /** `{{#each (codes)}}` helpers stay out: templates iterate context data only. */
  eq: (a: unknown, b: unknown) => a === b,
  minutes: timeoutText,
  /** A step's number (src/procedure/steps.ts), so no template spells one out. */
  stepNo: (id: unknown) => String(stepNumber(String(id))),
  exitCode: (name: unknown) => String(scriptExitCode(name as ScriptExitName)),
  has: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
});

/**
 * A format's template source. Scripts get CRLF here, so rendering 10,000 of them needs no second
 * pass over their text; encodeOutput converts LF text from other callers, and checkBytes rejects
 * any line ending that is not CRLF.
 */
export function templateSource(format: Format): string {
  const raw = readFileSync(join(packageRoot(), 'templates', TEMPLATE_FILES[format]), 'utf8');
  return format === 'runbook' ? raw : raw.replace(/\r?\n/g, '\r\n');
}

/** The one Handlebars instance: our helpers only, registered once. */
let handlebars: typeof Handlebars | undefined;

/**
 * Compiles a template with Handlebars: `strict` (a missing field throws), `noEscape` (the
 * helpers do all escaping) and only our helpers known.
 */
export function compileTemplate(source: string): HandlebarsTemplateDelegate {
  if (!handlebars) {
    handlebars = Handlebars.create();
    for (const [name, fn] of Object.entries(TEMPLATE_HELPERS))
      // Handlebars passes its options object last; our helpers take only their own arguments.
      handlebars.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
  }
  return handlebars.compile(source, {
    strict: true,
    noEscape: true,
    knownHelpers: Object.fromEntries(Object.keys(TEMPLATE_HELPERS).map((h) => [h, true])),
    knownHelpersOnly: true,
  });
}

/** Each format's template, compiled on first use. */
const compiled = new Map<Format, HandlebarsTemplateDelegate>();

function templateError(format: Format, err: unknown): Error {
  return new Error(`templates/${TEMPLATE_FILES[format]}: ${(err as Error).message}`);
}

/** Renders one format for one cluster as text: CRLF for the scripts, LF for the runbook (output.ts makes bytes). */
export function renderText(format: Format, context: TemplateContext): string {
  let template = compiled.get(format);
  if (!template) {
    const source = templateSource(format);
    const leftovers = templateLeftovers(format, source);
    if (leftovers.length) throw templateError(format, new Error(leftovers.join('; ')));
    template = compileTemplate(source);
    compiled.set(format, template);
  }
  try {
    return template(context);
  } catch (err) {
    throw templateError(format, err);
  }
}

/** One file as written: its bytes (a view of `scratch`, valid until its next use) and their SHA-256. */
export interface RenderedFile {
  bytes: Buffer;
  sha256: string;
}

/**
 * Renders one format for one cluster, encodes it into `scratch` and hashes the bytes. A script's
 * hash is kept with the context, so its runbook names it without encoding and hashing it again.
 */
export function renderFile(
  format: Format,
  context: TemplateContext,
  scratch: Scratch,
): RenderedFile {
  const bytes = encodeOutputInto(format, renderText(format, context), scratch);
  const hash = sha256(bytes);
  if (format !== 'runbook')
    scriptHashes.set(context, { ...scriptHashes.get(context), [format]: hash });
  return { bytes, sha256: hash };
}
