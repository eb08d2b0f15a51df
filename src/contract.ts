import { z } from 'zod';
import { SCRIPT_EXIT_CODES } from './procedure/exit-codes';
import { FORMATS, PRESET_NAMES } from './inventory/presets';
import { IMPORT_KEY_STEP, STEP_DEFS } from './procedure/steps';
import { SCENARIOS } from './sim/run';
import { FINDING_KINDS } from './commands/verify';

/**
 * The JSON contract, version 1: every JSON document clusrestore or one of its scripts writes
 * (`generate --json`, the plan files of `generate --plan-out`, `validate --json`, `verify --json`,
 * `simulate --json`, errors under --json, and the scripts' -ResultPath results) is one of these, told apart by its `schema` field.
 * Additive changes keep v1; anything else makes v2. `clusrestore schema --contract` prints it as
 * JSON Schema.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const diagnostic = z.object({
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  path: z.string(),
  message: z.string(),
});
const planStepId = z.enum(STEP_DEFS.map((s) => s.id) as [string, ...string[]]);
/** A script may also report the -RestoreKeyFrom import. */
const scriptStepId = z.enum([IMPORT_KEY_STEP.id, ...STEP_DEFS.map((s) => s.id)]);
const step = z.object({ id: planStepId, target: z.string(), operation: z.string() });
const fileStatus = z.enum(['create', 'update', 'unchanged', 'conflict']);
const deletion = z.object({
  path: z.string(),
  cluster: z.string(),
  format: z.enum(FORMATS),
  status: z.enum(['delete', 'conflict']),
  forced: z.boolean(),
  /** SHA-256 of the bytes on disk when planned. */
  sha256,
});

export const PlanDocument = z.object({
  schema: z.literal('clusrestore/plan/v1'),
  dryRun: z.boolean(),
  outDir: z.string(),
  inventory: z.object({ file: z.string(), sha256 }),
  summary: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    conflict: z.number().int(),
    /** Orphans this run deletes (generate --prune); absent from documents before it. */
    delete: z.number().int().optional(),
    changes: z.boolean(),
  }),
  clusters: z.array(
    z.object({
      name: z.string(),
      /** SHA-256 of the cluster's resolved settings, named in the header of each of its files. */
      settingsSha256: sha256,
      preset: z.enum(PRESET_NAMES),
      nodes: z.array(z.string()),
      steps: z.array(step),
      files: z.array(
        z.object({
          path: z.string(),
          format: z.enum(FORMATS),
          status: fileStatus,
          forced: z.boolean(),
          sha256,
          diff: z.string().optional(),
        }),
      ),
      refused: z.array(diagnostic),
    }),
  ),
  manifest: z.object({ status: fileStatus }),
  orphans: z.array(z.string()),
  /** The orphans generate --prune deletes, or refuses to (edited by hand); absent before it. */
  deletions: z.array(deletion).optional(),
});

/** A planned file or deletion in a saved plan. */
const savedEntry = z.object({
  path: z.string(),
  cluster: z.string(),
  format: z.enum(FORMATS),
  status: z.enum(['create', 'update', 'unchanged', 'conflict', 'delete']),
  forced: z.boolean(),
  sha256,
});

/**
 * A plan file (`generate --dry-run --plan-out FILE`, applied by `generate --plan FILE`): what the
 * plan does and everything it was made from (src/plan/saved.ts).
 */
export const SavedPlanDocument = z.object({
  schema: z.literal('clusrestore/saved-plan/v1'),
  tool: z.object({ name: z.literal('clusrestore'), version: z.string() }),
  inventory: z.object({ file: z.string(), sha256 }),
  options: z.object({
    outDir: z.string(),
    clusters: z.array(z.string()).nullable(),
    formats: z.array(z.enum(FORMATS)).nullable(),
    force: z.boolean(),
    prune: z.boolean(),
  }),
  /** SHA-256 of manifest.json and of each file the plan touches, as it saw them, or `absent`. */
  outState: z.object({
    manifestSha256: z.union([sha256, z.literal('absent')]),
    files: z.record(z.string(), z.union([sha256, z.literal('absent')])),
  }),
  files: z.array(savedEntry),
  deletions: z.array(savedEntry),
  manifest: z.object({ status: fileStatus, sha256 }),
  summary: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    conflict: z.number().int(),
    delete: z.number().int(),
  }),
});

export const ValidateDocument = z.object({
  schema: z.literal('clusrestore/validate/v1'),
  ok: z.boolean(),
  clusters: z.number().int(),
  files: z.number().int(),
  pwsh: z.object({ found: z.boolean(), path: z.string().optional() }),
  refused: z.array(diagnostic),
  problems: z.array(z.string()),
  summary: z.string(),
});

export const VerifyDocument = z.object({
  schema: z.literal('clusrestore/verify/v1'),
  ok: z.boolean(),
  outDir: z.string(),
  /** What the files were compared with: manifest.json's hashes only, or the inventory re-rendered. */
  against: z
    .enum(['manifest', 'inventory'])
    .describe(
      'manifest: each file compared with the SHA-256 manifest.json records (an edit of a file and of its entry together passes); inventory: each file the inventory makes also re-rendered and compared byte for byte',
    ),
  /** The inventory re-rendered (verify --inventory). */
  inventory: z.object({ file: z.string(), sha256 }).optional(),
  checked: z.number().int(),
  /** Files the manifest lists that the inventory does not make: checked against the manifest only. */
  manifestOnly: z
    .number()
    .int()
    .describe(
      'With --inventory: files manifest.json lists that the inventory does not make (orphans), checked against the manifest only; 0 otherwise',
    ),
  /** Each problem as a sentence, `<path>: <detail>` (kept as it was; `findings` has the parts). */
  problems: z.array(z.string()),
  /** The same problems as objects, sorted by path. */
  findings: z
    .array(
      z.object({
        path: z.string().describe('Relative to outDir, with /'),
        kind: z
          .enum(FINDING_KINDS)
          .describe(
            'changed: not the bytes the manifest records; missing: listed or made, not on disk; added: on disk, not listed; manifest-mismatch: the manifest entry disagrees with the file and the inventory; differs-from-inventory: not the bytes the inventory renders; check-failed: an output check fails',
          ),
        detail: z.string().describe('The words after the path in the matching problems sentence'),
      }),
    )
    .describe('The problems as objects, sorted by path (problems holds the same as sentences)'),
});

export const ErrorDocument = z.object({
  schema: z.literal('clusrestore/error/v1'),
  error: z.object({
    code: z.string(),
    message: z.string(),
    diagnostics: z.array(diagnostic).optional(),
  }),
});

const outcome = z.enum(SCRIPT_EXIT_CODES.map((e) => e.name) as [string, ...string[]]);

/** What a generated script writes to -ResultPath. */
export const ResultDocument = z.object({
  schema: z.literal('clusrestore/result/v1'),
  tool: z.object({ name: z.literal('clusrestore'), version: z.string() }),
  cluster: z.string(),
  node: z.string(),
  service: z.string(),
  resource: z.string(),
  restoreKey: z.string(),
  mode: z.enum(['run', 'whatif']),
  exitCode: z.number().int(),
  outcome,
  message: z.string(),
  steps: z.array(
    z.object({
      id: scriptStepId,
      target: z.string(),
      operation: z.string(),
      status: z.enum(['done', 'whatif', 'skipped', 'failed', 'declined', 'not-needed']),
      detail: z.string(),
    }),
  ),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  events: z.array(
    z.object({
      log: z.string(),
      source: z.string(),
      id: z.number().int(),
      time: z.string(),
      expected: z.boolean(),
      message: z.string(),
    }),
  ),
  keyBackup: z.string().nullable(),
  logPath: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

/** The simulated node's brief state (src/sim/run.ts SimBrief). */
const simBrief = z.object({
  keyPresent: z.boolean(),
  service: z.string(),
  resource: z.string(),
  /**
   * `restored`: the restored files, not yet recovered by the engine (after a run that lost the
   * key they never will be: the restore is lost); `consistent`: recovered.
   */
  database: z
    .enum(['restored', 'consistent'])
    .describe(
      'restored: the restored files, not yet recovered by the engine (after a run that lost the restore key they never will be, and the restore must be repeated); consistent: recovered',
    ),
});

/** One simulated run as `simulate` shows it (src/sim/timeline.ts SimulatedRun). */
const simulatedRun = z.object({
  order: z.enum(['clusrestore', 'naive']),
  script: z.string(),
  args: z.array(z.string()),
  exitCode: z.number().int(),
  outcome: outcome.nullable(),
  message: z.string().nullable(),
  verdict: z.object({
    kind: z.enum(['safe', 'nothing-to-do', 'stopped', 'failed', 'unsafe', 'check']),
    text: z.string(),
  }),
  before: simBrief,
  after: simBrief,
  keyConsumedAt: z.number().nullable(),
  keyLostAt: z.number().nullable(),
  onlineRequestedAt: z.number().nullable(),
  duration: z.number(),
  events: z.array(
    z.object({
      t: z.number(),
      log: z.string(),
      source: z.string(),
      id: z.number().int(),
      level: z.string(),
      expected: z.boolean().nullable(),
      message: z.string(),
    }),
  ),
  blocks: z.array(
    z.object({
      id: z.string(),
      operation: z.string().nullable(),
      target: z.string().nullable(),
      status: z.string(),
      detail: z.string(),
      checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
      t: z.number(),
      tEnd: z.number(),
      calls: z.number().int(),
      items: z.array(
        z.object({
          t: z.number(),
          tEnd: z.number().optional(),
          kind: z.enum(['action', 'wait', 'change', 'event']),
          text: z.string(),
          result: z.string().optional(),
          command: z.object({ name: z.string(), args: z.array(z.string()) }).optional(),
          event: z
            .object({
              log: z.string(),
              source: z.string(),
              id: z.number().int(),
              expected: z.boolean().nullable(),
              message: z.string(),
            })
            .optional(),
          state: simBrief,
        }),
      ),
      after: simBrief,
    }),
  ),
});

/** `clusrestore simulate --json`: a script run against the simulated node, with its verdict. */
export const SimulateDocument = z.object({
  schema: z.literal('clusrestore/simulate/v1'),
  tool: z.object({ name: z.literal('clusrestore'), version: z.string() }),
  inventory: z.object({ file: z.string(), sha256 }),
  cluster: z.string(),
  node: z.string(),
  scenario: z.enum(SCENARIOS),
  scenarioText: z.string(),
  clockStart: z.string(),
  run: simulatedRun,
  naive: simulatedRun.optional(),
});

export const ContractDocument = z.discriminatedUnion('schema', [
  PlanDocument,
  SavedPlanDocument,
  ValidateDocument,
  VerifyDocument,
  ErrorDocument,
  ResultDocument,
  SimulateDocument,
]);

/** The contract as JSON Schema (draft 2020-12). */
export function contractJsonSchema(): object {
  return {
    title: 'clusrestore JSON contract v1',
    ...z.toJSONSchema(ContractDocument, { target: 'draft-2020-12' }),
  };
}
