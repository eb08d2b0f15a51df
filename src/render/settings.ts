import type { ClusterConfig } from '../inventory/types';
import { sha256 } from '../sha256';

/**
 * The resolved settings one cluster's files are made from, as plain data in a fixed order:
 * presets and defaults applied, where each came from left out. With the tool version (whose
 * templates turn them into text), they decide every byte of the cluster's files.
 */
export function clusterSettings(c: ClusterConfig): object {
  return {
    name: c.name,
    nodes: c.nodes,
    preset: c.preset,
    serviceName: c.serviceName,
    resourceName: c.resourceName,
    restoreKey: c.restoreKey,
    timeouts: {
      serviceStartSec: c.timeouts.serviceStartSec,
      recoverySec: c.timeouts.recoverySec,
      resourceOnlineSec: c.timeouts.resourceOnlineSec,
    },
    logFolder: c.logFolder,
    formats: c.formats,
  };
}

/**
 * The SHA-256 of `JSON.stringify(clusterSettings(c))` (UTF-8), named in each file's header: an
 * edit elsewhere in the inventory (another cluster, a comment) leaves it, and so the file, alone.
 */
export function settingsSha256(c: ClusterConfig): string {
  return sha256(Buffer.from(JSON.stringify(clusterSettings(c)), 'utf8'));
}
