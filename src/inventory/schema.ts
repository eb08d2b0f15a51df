import { z } from 'zod';
import { FORMATS, PRESET_NAMES } from './presets';
import { RULES, type FieldRule } from './rules';

/** A string checked by one of the naming rules; the message carries the rule's example. */
function named(rule: FieldRule, description: string) {
  return z
    .string()
    .describe(description)
    .superRefine((value, ctx) => {
      const problem = rule.check(value);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value)} ${problem}. Example: ${rule.example}`,
        });
    });
}

const seconds = (description: string) => z.number().int().min(1).max(86400).describe(description);

const Timeouts = z.strictObject({
  serviceStartSec: seconds(
    'Seconds the service may take to reach Running (default 600).',
  ).optional(),
  recoverySec: seconds(
    'Seconds the engine may take to replay logs and remove the restore key (default 1800).',
  ).optional(),
  resourceOnlineSec: seconds(
    'Seconds the cluster resource may take to reach Online (default 300).',
  ).optional(),
});

/** Settings a cluster may override and the defaults block may set for all clusters. */
const settings = {
  preset: z
    .enum(PRESET_NAMES)
    .describe('Which procedure applies: directory (MSExchangeDS) or store (MSExchangeIS).')
    .optional(),
  serviceName: named(
    RULES.serviceName,
    'Service started through the service control manager.',
  ).optional(),
  resourceName: named(
    RULES.resourceName,
    'Cluster resource brought online after recovery.',
  ).optional(),
  restoreKey: named(
    RULES.restoreKey,
    'The Restore in Progress key, relative to HKLM (default SYSTEM\\CurrentControlSet\\Services\\<service>\\Restore in Progress).',
  ).optional(),
  timeouts: Timeouts.optional(),
  logFolder: named(
    RULES.logFolder,
    'Folder on the node for the log, the key backup and the JSON result.',
  ).optional(),
  formats: z
    .array(z.enum(FORMATS))
    .min(1)
    .describe('Which files to generate: ps1, cmd, runbook (default all three).')
    .optional(),
};

const Cluster = z.strictObject({
  name: named(RULES.clusterName, 'Cluster network name (NetBIOS, at most 15 characters).'),
  nodes: z
    .array(named(RULES.nodeName, 'Node name (NetBIOS).'))
    .min(1)
    .describe('Nodes that may own the Exchange group.'),
  ...settings,
});

/** The inventory file as written, before presets and defaults are applied. */
export const InventorySchema = z
  .strictObject({
    version: z.literal(1).describe('Inventory format version; always 1.'),
    defaults: z
      .strictObject(settings)
      .describe('Settings applied to every cluster that does not set them.')
      .optional(),
    clusters: z.array(Cluster).min(1).describe('The clusters to generate scripts for.'),
  })
  .describe(
    'clusrestore inventory: clusters whose Exchange directory or store was restored online.',
  );

export type RawInventory = z.infer<typeof InventorySchema>;
export type RawCluster = z.infer<typeof Cluster>;

/** Examples for messages about a field's type or presence, by the field's key. */
export const FIELD_EXAMPLES: Record<string, string> = {
  version: 'version: 1',
  defaults: 'defaults: { preset: directory }',
  clusters: 'clusters: [{ name: EXCL01, nodes: [EXNODE1, EXNODE2], preset: directory }]',
  name: `name: ${RULES.clusterName.example}`,
  nodes: 'nodes: [EXNODE1, EXNODE2]',
  preset: `preset: directory (one of ${PRESET_NAMES.join(', ')})`,
  serviceName: `serviceName: ${RULES.serviceName.example}`,
  resourceName: `resourceName: ${RULES.resourceName.example}`,
  restoreKey: `restoreKey: ${RULES.restoreKey.example}`,
  timeouts: 'timeouts: { serviceStartSec: 600, recoverySec: 1800, resourceOnlineSec: 300 }',
  serviceStartSec: 'serviceStartSec: 600 (whole seconds, 1 to 86400)',
  recoverySec: 'recoverySec: 1800 (whole seconds, 1 to 86400)',
  resourceOnlineSec: 'resourceOnlineSec: 300 (whole seconds, 1 to 86400)',
  logFolder: `logFolder: ${RULES.logFolder.example}`,
  formats: `formats: [${FORMATS.join(', ')}]`,
};

/** The inventory's JSON Schema, for editor completion (`clusrestore schema`). */
export function inventoryJsonSchema(): object {
  return z.toJSONSchema(InventorySchema, { target: 'draft-2020-12', io: 'input' });
}
