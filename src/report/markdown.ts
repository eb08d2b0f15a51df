import { formatDiagnostic } from '../errors';
import type { Plan } from '../plan/build';
import { keptOrphans, summaryLine } from '../plan/view';

/**
 * `generate --dry-run --format markdown`: the plan as a comment for a pull request or a change
 * ticket, the way plan bots post plans: the counts, a table of the files that would change, and
 * each diff in a collapsible block. Values are names the inventory validated, still written as
 * code spans and fenced blocks so no Markdown or HTML in them is read.
 */

/** A code span that holds `s` whatever backticks it has (CommonMark: a longer run around it). */
function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A fenced block longer than any backtick run inside it. */
function fenced(body: string, info: string): string {
  const longest = Math.max(2, ...(body.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body.replace(/\n$/, '')}\n${fence}`;
}

/** HTML text inside <summary>: the five special characters escaped. */
function htmlText(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The plan of a dry run (built with diffs) as Markdown. */
export function planMarkdown(plan: Plan): string {
  const s = plan.summary;
  const out: string[] = ['### clusrestore plan', '', `**${summaryLine(plan, true)}**`, ''];
  const orphans = keptOrphans(plan);
  // The delete column only with --prune, so the table of every other plan stays as it was.
  const [dHead, dRule, dCount] = plan.prune
    ? [' delete |', ' -----: |', ` ${s.delete} |`]
    : ['', '', ''];
  out.push(
    `| create | update |${dHead} unchanged | conflict | orphan |`,
    `| -----: | -----: |${dRule} --------: | -------: | -----: |`,
    `| ${s.create} | ${s.update} |${dCount} ${s.unchanged} | ${s.conflict} | ${orphans.length} |`,
    '',
    `Inventory ${code(plan.inventory.file)} (SHA-256 ${code(plan.inventory.sha256)}), compared with ${code(plan.outDir)}.`,
    '',
  );
  const changed = plan.clusters.flatMap((c) =>
    c.files.filter((f) => f.status !== 'unchanged').map((f) => ({ c, f })),
  );
  const refused = plan.clusters.flatMap((c) => c.refused.map((d) => ({ c, d })));
  if (changed.length || plan.orphans.length || refused.length) {
    out.push('| Cluster | File | Plan |', '| ------- | ---- | ---- |');
    for (const { c, f } of changed)
      out.push(
        `| ${code(c.name)} | ${code(f.path)} | ${f.status === 'conflict' ? '**CONFLICT** (hand-edited)' : f.status}${f.forced ? ' (forced)' : ''} |`,
      );
    for (const d of plan.deletions)
      out.push(
        `| ${code(d.cluster)} | ${code(d.path)} | ${d.status === 'conflict' ? '**CONFLICT** (hand-edited orphan; not deleted)' : `delete (no longer generated)${d.forced ? ' (forced)' : ''}`} |`,
      );
    for (const o of orphans)
      out.push(`| | ${code(o)} | orphan (no longer generated; left in place) |`);
    for (const { c, d } of refused)
      out.push(`| ${code(c.name)} | .cmd | refused: ${code(formatDiagnostic(d))} |`);
    if (plan.manifest.status !== 'unchanged')
      out.push(`| | ${code('manifest.json')} | ${plan.manifest.status} |`);
    out.push('');
  } else {
    out.push('No file would change.', '');
  }
  for (const { f } of changed) {
    if (!f.diff) continue;
    out.push(
      '<details>',
      `<summary>${htmlText(f.path)} (${f.status})</summary>`,
      '',
      fenced(f.diff, 'diff'),
      '',
      '</details>',
      '',
    );
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
