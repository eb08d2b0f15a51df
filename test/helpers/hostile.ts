import { InventoryError } from '../../src/errors';
import { parseInventory } from '../../src/inventory/load';
import { buildPlan, type ClusterPlan } from '../../src/plan/build';
import { psLiteral } from '../../src/render/escape';
import { scanSingleQuoted } from '../../src/checks/ps-literal';

/** Benign values, one per templated field, each unique in the output. */
export const BENIGN = {
  name: 'SAFECLUS01',
  nodes: 'SAFENODE01',
  serviceName: 'SafeService01',
  resourceName: 'Safe Resource 01',
  restoreKey: 'SYSTEM\\Safe\\Key01',
  logFolder: 'C:\\SafeLogs01',
} as const;

export type Field = keyof typeof BENIGN;
export const FIELDS = Object.keys(BENIGN) as Field[];

function inventoryJson(field: Field, value: string): Buffer {
  const cluster: Record<string, unknown> = { preset: 'directory', formats: ['ps1', 'cmd'] };
  for (const f of FIELDS) {
    const v = f === field ? value : BENIGN[f];
    cluster[f] = f === 'nodes' ? [v] : v;
  }
  return Buffer.from(JSON.stringify({ version: 1, clusters: [cluster] }));
}

/** The path validation must name when it refuses `field`. */
export function fieldPath(field: Field): string {
  return field === 'nodes' ? 'clusters[0].nodes[0]' : `clusters[0].${field}`;
}

export type Outcome =
  | { kind: 'rejected'; paths: string[]; messages: string[] }
  | { kind: 'accepted'; ps1: string; cmd: string | undefined; cmdRefusedPaths: string[] };

const EMPTY = { manifest: undefined, manifestBytes: undefined, read: () => undefined };

/** Runs `value` in `field` through validation and both generators. */
export function runField(field: Field, value: string): Outcome {
  let inv;
  try {
    inv = parseInventory(inventoryJson(field, value), 'inv.json');
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    return {
      kind: 'rejected',
      paths: err.diagnostics.map((d) => d.path),
      messages: err.diagnostics.map((d) => d.message),
    };
  }
  const plan: ClusterPlan = buildPlan(inv, EMPTY, { outDir: '' }).clusters[0];
  const file = (format: string) => plan.files.find((f) => f.format === format);
  // The header names the SHA-256 of the cluster's settings, which every changed value changes:
  // pin it, once, in the header only.
  const pinned = (text: string | undefined) => text?.replace(plan.settingsSha256, '0'.repeat(64));
  return {
    kind: 'accepted',
    ps1: pinned(file('ps1')!.content().toString('utf8'))!,
    cmd: pinned(file('cmd')?.content().toString('latin1')),
    cmdRefusedPaths: plan.refused.map((d) => d.path),
  };
}

const benignCache = new Map<Field, { ps1: string; cmd: string }>();
export function benignOutput(field: Field): { ps1: string; cmd: string } {
  let b = benignCache.get(field);
  if (!b) {
    const o = runField(field, BENIGN[field]);
    if (o.kind !== 'accepted' || !o.cmd) throw new Error('benign inventory refused');
    b = { ps1: o.ps1, cmd: o.cmd };
    benignCache.set(field, b);
  }
  return b;
}

function positions(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length))
    out.push(i);
  return out;
}

/**
 * The .ps1 property: the hostile script is the benign one with each literal of the benign value
 * replaced by the hostile value's literal, and PowerShell's quoting rule reads each of those back
 * as exactly the hostile value, ending where the literal ends. Returns the problems.
 */
export function ps1Differential(field: Field, value: string, hostilePs1: string): string[] {
  const benign = benignOutput(field).ps1;
  const benignLit = psLiteral(BENIGN[field]);
  const lit = psLiteral(value);
  const uses = positions(benign, benignLit).length;
  const problems: string[] = [];
  if (uses === 0) problems.push(`the benign value of ${field} is not in the script as a literal`);
  if (benign.split(benignLit).join(lit) !== hostilePs1)
    problems.push('the script differs beyond the value\u2019s literal');
  const delta = lit.length - benignLit.length;
  positions(benign, benignLit).forEach((p, i) => {
    const at = p + i * delta;
    const scanned = scanSingleQuoted(hostilePs1, at);
    if (!scanned || scanned.value !== value || scanned.end !== at + lit.length)
      problems.push(`literal ${i + 1} does not read back as the value`);
  });
  return problems;
}

/** The .cmd property: the value appears only inside `set "NAME=value"` lines, and nothing else changes. */
export function cmdDifferential(field: Field, value: string, hostileCmd: string): string[] {
  const benign = benignOutput(field).cmd;
  const problems: string[] = [];
  const lines = hostileCmd.split('\r\n');
  const setLine = /^set "[A-Z_]+=[^"]*"$/;
  const benignLines = benign.split('\r\n');
  if (lines.length !== benignLines.length) return ['the .cmd has a different number of lines'];
  lines.forEach((line, i) => {
    if (line === benignLines[i]) return;
    if (!setLine.test(line) || !setLine.test(benignLines[i]))
      problems.push(`line ${i + 1} changed outside a set "NAME=value" line: ${line}`);
    else if (line !== benignLines[i].split(BENIGN[field]).join(value))
      problems.push(`line ${i + 1} holds more than the value`);
  });
  return problems;
}
