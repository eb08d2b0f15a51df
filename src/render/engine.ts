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
import { cmdText, cmdValue, intLiteral, mdCode, psArray, psLiteral } from './escape';

/** Template file of each format, below templates/. */
const TEMPLATE_FILES: Record<Format, string> = {
  ps1: 'ps1/restore.ps1.hbs',
  cmd: 'cmd/restore.cmd.hbs',
  runbook: 'runbook/RUNBOOK.md.hbs',
};

/** Everything a template sees. Values reach output only through the escaping helpers. */
export interface TemplateContext {
  tool: { name: 'clusrestore'; version: string };
  inventorySha256: string;
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

export function templateContext(cluster: ClusterConfig, inventorySha256: string): TemplateContext {
  const { sources: _sources, ...plain } = cluster;
  return {
    tool: { name: 'clusrestore', version: TOOL_VERSION },
    inventorySha256,
    cluster: plain,
    restoreKeyPath: restoreKeyPath(cluster),
    stepText: STEP_TEXT,
    steps: clusterSteps(cluster),
    exitCodes: SCRIPT_EXIT_CODES,
    cmdExitCodes: CMD_EXIT_CODES,
    files: outputFileNames(cluster.name),
    happyPath: happyPathFor(cluster),
  };
}

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
