import { findPwsh, parsePowerShell } from '../checks/powershell';
import { formatDiagnostic, type Diagnostic } from '../errors';
import { bundledInventory, loadInventory } from '../inventory/load';
import { buildPlan } from '../plan/build';
import type { Io, Phase } from './io';

/** What `validate` found. */
export interface ValidateReport {
  schema: 'clusrestore/validate/v1';
  ok: boolean;
  clusters: number;
  files: number;
  /** Whether the .ps1 files went through PowerShell's own parser. */
  pwsh: { found: boolean; path?: string };
  refused: Diagnostic[];
  problems: string[];
  summary: string;
}

/**
 * Inventory checks, rendering and every output check, writing nothing: the byte checks always,
 * PowerShell's parser and the Windows PowerShell 5.1 syntax check when pwsh is found.
 */
export async function validateInventory(
  file: string,
  opts: {
    requirePwsh: boolean;
    /** Progress of rendering the clusters, for a long run. */
    onProgress?: (done: number, total: number) => void;
    /** Progress of PowerShell's parser over the .ps1 files (some 40 s for 3,000). */
    onParseProgress?: (done: number, total: number) => void;
  },
): Promise<ValidateReport> {
  const inventory = loadInventory(file);
  const plan = buildPlan(
    inventory,
    { manifest: undefined, manifestBytes: undefined, read: () => undefined },
    { outDir: '', onProgress: opts.onProgress },
  );
  const problems = [...plan.checkProblems];
  const files = plan.clusters.flatMap((c) => c.files);
  const pwsh = findPwsh();
  if (pwsh) {
    const scripts = files.filter((f) => f.format === 'ps1');
    const results = await parsePowerShell(
      pwsh,
      scripts.map((f) => ({ name: f.path, bytes: () => f.content() })),
      opts.onParseProgress,
    );
    for (const r of results) for (const p of r.problems) problems.push(`${r.name}: ${p}`);
  } else if (opts.requirePwsh) {
    problems.push(
      'no pwsh found on PATH or in .tools/pwsh (npm run setup:pwsh installs it); the .ps1 files were not parsed',
    );
  }
  const refused = plan.clusters.flatMap((c) => c.refused);
  const ok = problems.length === 0 && refused.length === 0;
  const parsed = pwsh
    ? 'parsed by PowerShell'
    : 'NOT parsed by PowerShell (no pwsh found; npm run setup:pwsh)';
  return {
    schema: 'clusrestore/validate/v1',
    ok,
    clusters: plan.clusters.length,
    files: files.length,
    pwsh: pwsh ? { found: true, path: pwsh } : { found: false },
    refused,
    problems,
    summary: `${ok ? 'OK' : 'FAILED'}: ${count(plan.clusters.length, 'cluster')}, ${count(files.length, 'file')} checked, .ps1 ${parsed}; ${count(problems.length + refused.length, 'problem')}.`,
  };
}

/** `1 cluster`, `3 clusters`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `clusrestore validate`: prints the report; exit 1 when anything was found. `phase` gives the
 * progress callbacks (cli.ts: a bar on stderr on a terminal; stdout holds only the report).
 */
export async function validateCommand(
  file: string | undefined,
  opts: { requirePwsh: boolean; json: boolean },
  io: Io,
  phase: Phase = () => undefined,
): Promise<number> {
  const report = await validateInventory(file ?? bundledInventory(), {
    ...opts,
    onProgress: phase('rendering clusters'),
    onParseProgress: phase('parsing .ps1 files'),
  });
  if (opts.json) io.out(JSON.stringify(report, null, 2));
  else {
    for (const r of report.refused) io.err(`clusrestore: ${formatDiagnostic(r)}`);
    for (const p of report.problems) io.err(`clusrestore: ${p}`);
    io.out(report.summary);
  }
  return report.ok ? 0 : 1;
}
