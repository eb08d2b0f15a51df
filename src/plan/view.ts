import { formatDiagnostic } from '../errors';
import { whatIfLine } from '../procedure/steps';
import type { FileStatus, Plan } from './build';
import { createColors, type Colors } from './colors';

const LABEL: Record<FileStatus, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  conflict: 'CONFLICT',
};

/** The summary line, as Terraform prints one. */
export function summaryLine(plan: Plan, dryRun: boolean): string {
  const s = plan.summary;
  const verb = dryRun ? 'Plan' : 'Done';
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (plan.prune) parts.push(`${s.delete} to delete`);
  parts.push(`${s.unchanged} unchanged`);
  if (s.conflict) parts.push(`${s.conflict} hand-edited (blocked)`);
  const refused = plan.clusters.reduce((n, c) => n + c.refused.length, 0);
  if (refused) parts.push(`${refused} value${refused === 1 ? '' : 's'} refused for .cmd`);
  const orphans = keptOrphans(plan).length;
  if (orphans) parts.push(`${orphans} orphan${orphans === 1 ? '' : 's'} left in place`);
  return `${verb}: ${parts.join(', ')} in ${plan.clusters.length} cluster${plan.clusters.length === 1 ? '' : 's'}.`;
}

/** The orphans a run leaves in place: all of them, but those --prune deletes (or refuses to). */
export function keptOrphans(plan: Plan): string[] {
  if (!plan.deletions.length) return plan.orphans;
  const pruned = new Set(plan.deletions.map((d) => d.path));
  return plan.orphans.filter((o) => !pruned.has(o));
}

/** True when a real run would change (or delete) a file. */
export function hasChanges(plan: Plan): boolean {
  return (
    plan.summary.create + plan.summary.update + plan.summary.conflict + plan.summary.delete > 0 ||
    plan.manifest.status !== 'unchanged'
  );
}

/** How planText prints. */
export interface PlanTextOptions {
  /** The unified diff of every update and conflict. */
  diffs: boolean;
  /** The steps each shown cluster's scripts take (the same words as -WhatIf and /dryrun). */
  steps: boolean;
  /**
   * Every cluster, the manifest and each orphan, changed or not. Without it only what a run
   * changes or refuses is printed; the summary line counts the rest.
   */
  verbose?: boolean;
  /** Colours for a terminal (see colors.ts); none when absent. */
  colors?: Colors;
}

/**
 * The plan as text: per cluster its files with their status, the steps its scripts take and,
 * with `diffs`, the unified diff of every update. Unless `verbose`, a cluster whose files are
 * all unchanged is left out.
 */
export function planText(plan: Plan, opts: PlanTextOptions): string {
  const c = opts.colors ?? createColors(false);
  const label: Record<FileStatus, (s: string) => string> = {
    create: c.green,
    update: c.yellow,
    unchanged: c.dim,
    conflict: (s) => c.bold(c.red(s)),
  };
  const status = (s: FileStatus, text = LABEL[s]) => label[s](text.padEnd(9));
  const out: string[] = [];
  for (const cluster of plan.clusters) {
    if (!opts.verbose && !clusterChanges(cluster)) continue;
    out.push(c.bold(`${cluster.name} (${cluster.preset}; nodes ${cluster.nodes.join(', ')})`));
    for (const f of cluster.files) {
      if (!opts.verbose && f.status === 'unchanged') continue;
      out.push(
        `  ${status(f.status)} ${f.path}${f.forced ? ' (hand-edited, overwritten by --force)' : ''}`,
      );
    }
    for (const d of cluster.refused)
      out.push(`  ${c.red('refused  ')} .cmd: ${formatDiagnostic(d)}`);
    if (opts.steps) {
      out.push('  steps on the owner node, after the read-only checks:');
      cluster.steps.forEach((s, i) => out.push(`    ${i + 1}. ${whatIfLine(s)}`));
    }
    if (opts.diffs)
      for (const f of cluster.files) if (f.diff) out.push(indent(colorDiff(f.diff.trimEnd(), c)));
  }
  // Deletions are changes: each is printed, verbose or not.
  for (const d of plan.deletions)
    out.push(
      d.status === 'conflict'
        ? `  ${status('conflict')} ${d.path} (an orphan edited by hand since clusrestore wrote it: not deleted; --force deletes it)`
        : `  ${c.red('delete   ')} ${d.path} (no longer generated from this inventory${d.forced ? '; hand-edited, deleted by --force' : ''})`,
    );
  if (opts.verbose || plan.manifest.status !== 'unchanged')
    out.push(`  ${status(plan.manifest.status)} manifest.json`);
  const orphans = keptOrphans(plan);
  if (opts.verbose)
    for (const o of orphans)
      out.push(
        `  ${c.magenta('orphan   ')} ${o} (no longer generated from this inventory; left in place, delete it by hand or with --prune)`,
      );
  else if (orphans.length)
    out.push(
      `  ${c.magenta('orphan   ')} ${orphans.length} file${orphans.length === 1 ? '' : 's'} no longer generated from this inventory, left in place (--verbose lists them, --prune deletes them)`,
    );
  return out.join('\n');
}

/** True when a run writes, or refuses, something of this cluster. */
function clusterChanges(cluster: Plan['clusters'][number]): boolean {
  return cluster.refused.length > 0 || cluster.files.some((f) => f.status !== 'unchanged');
}

/** A unified diff with added lines green, removed red and hunk heads cyan. */
function colorDiff(diff: string, c: Colors): string {
  if (!c.isColorSupported) return diff;
  return diff
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---') || l.startsWith('===')
        ? c.bold(l)
        : l.startsWith('+')
          ? c.green(l)
          : l.startsWith('-')
            ? c.red(l)
            : l.startsWith('@@')
              ? c.cyan(l)
              : l,
    )
    .join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The plan as JSON for automation (no file bytes). */
export function planJson(plan: Plan, dryRun: boolean): object {
  return { ...planHead(plan, dryRun, plan.clusters.map(clusterJson)), ...planTail(plan) };
}

function planHead(plan: Plan, dryRun: boolean, clusters: unknown) {
  return {
    schema: 'clusrestore/plan/v1',
    dryRun,
    outDir: plan.outDir,
    inventory: plan.inventory,
    summary: { ...plan.summary, changes: hasChanges(plan) },
    clusters,
  };
}

function planTail(plan: Plan) {
  return {
    manifest: { status: plan.manifest.status },
    orphans: plan.orphans,
    // Additive to v1: the orphans --prune deletes (or, edited by hand, refuses to).
    // A PlannedDeletion holds just the fields the document gives.
    deletions: plan.deletions.map((d) => ({ ...d })),
  };
}

function clusterJson(c: Plan['clusters'][number]): object {
  return {
    name: c.name,
    settingsSha256: c.settingsSha256,
    preset: c.preset,
    nodes: c.nodes,
    steps: c.steps,
    files: c.files.map((f) => ({
      path: f.path,
      format: f.format,
      status: f.status,
      forced: f.forced,
      sha256: f.sha256,
      ...(f.diff ? { diff: f.diff } : {}),
    })),
    refused: c.refused,
  };
}

/** Clusters stringified at once in planJsonText: a few hundred kilobytes of text. */
const CLUSTERS_PER_PIECE = 100;

/**
 * `JSON.stringify(planJson(plan, dryRun), null, 2)`, the same text, in pieces of up to
 * CLUSTERS_PER_PIECE clusters: the plan of 10,000 clusters is never one object and one string in
 * memory. Each piece is stringified inside an object of its own, `{ "clusters": [...] }`, so
 * JSON.stringify indents its clusters as deep as they stand in the whole plan.
 */
export function* planJsonText(plan: Plan, dryRun: boolean): Generator<string> {
  const marker = '\u0000clusters\u0000';
  const whole = JSON.stringify({ ...planHead(plan, dryRun, marker), ...planTail(plan) }, null, 2);
  const [head, tail] = whole.split(JSON.stringify(marker));
  const { clusters } = plan;
  if (clusters.length === 0) {
    yield `${head}[]${tail}`;
    return;
  }
  const open = '{\n  "clusters": [\n';
  const close = '\n  ]\n}';
  yield `${head}[\n`;
  for (let i = 0; i < clusters.length; i += CLUSTERS_PER_PIECE) {
    const piece = clusters.slice(i, i + CLUSTERS_PER_PIECE).map(clusterJson);
    const text = JSON.stringify({ clusters: piece }, null, 2);
    const last = i + CLUSTERS_PER_PIECE >= clusters.length;
    yield `${text.slice(open.length, -close.length)}${last ? '' : ','}\n`;
  }
  yield `  ]${tail}`;
}
