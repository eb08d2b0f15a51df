import { formatDiagnostic } from '../errors';
import { whatIfLine } from '../procedure/steps';
import type { FileStatus, Plan } from './build';

/** The summary line, as Terraform prints one. */
export function summaryLine(plan: Plan, dryRun: boolean): string {
  const s = plan.summary;
  const verb = dryRun ? 'Plan' : 'Done';
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.unchanged} unchanged`];
  if (s.conflict) parts.push(`${s.conflict} hand-edited (blocked)`);
  const refused = plan.clusters.reduce((n, c) => n + c.refused.length, 0);
  if (refused) parts.push(`${refused} value${refused === 1 ? '' : 's'} refused for .cmd`);
  return `${verb}: ${parts.join(', ')} in ${plan.clusters.length} cluster${plan.clusters.length === 1 ? '' : 's'}.`;
}

/** True when a real run would change a file. */
export function hasChanges(plan: Plan): boolean {
  return (
    plan.summary.create + plan.summary.update + plan.summary.conflict > 0 ||
    plan.manifest.status !== 'unchanged'
  );
}

const LABEL: Record<FileStatus, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  conflict: 'CONFLICT',
};

/**
 * The plan as text: per cluster its files with their status, the steps its scripts take (the
 * same words as -WhatIf and /dryrun) and, with `diffs`, the unified diff of every update.
 */
export function planText(plan: Plan, opts: { diffs: boolean; steps: boolean }): string {
  const out: string[] = [];
  for (const c of plan.clusters) {
    out.push(`${c.name} (${c.preset}; nodes ${c.nodes.join(', ')})`);
    for (const f of c.files) {
      out.push(
        `  ${LABEL[f.status].padEnd(9)} ${f.path}${f.forced ? ' (hand-edited, overwritten by --force)' : ''}`,
      );
    }
    for (const d of c.refused) out.push(`  refused   .cmd: ${formatDiagnostic(d)}`);
    if (opts.steps) {
      out.push('  steps on the owner node, after the read-only checks:');
      c.steps.forEach((s, i) => out.push(`    ${i + 1}. ${whatIfLine(s)}`));
    }
    if (opts.diffs) for (const f of c.files) if (f.diff) out.push(indent(f.diff.trimEnd()));
  }
  out.push(`  ${LABEL[plan.manifest.status].padEnd(9)} manifest.json`);
  for (const o of plan.orphans)
    out.push(
      `  orphan    ${o} (no longer generated from this inventory; left in place, delete it by hand)`,
    );
  return out.join('\n');
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
  return { manifest: { status: plan.manifest.status }, orphans: plan.orphans };
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
