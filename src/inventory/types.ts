import type { Format, PresetName } from './presets';

/** Timeouts in seconds, each 1..86400. */
export interface Timeouts {
  /** How long the service may take to reach Running. */
  serviceStartSec: number;
  /** How long the engine may take to replay the logs and remove the restore key. */
  recoverySec: number;
  /** How long the cluster resource may take to reach Online. */
  resourceOnlineSec: number;
}

/** One cluster with presets and defaults applied: everything a script needs. */
export interface ClusterConfig {
  /** Cluster network name (NetBIOS). */
  name: string;
  /** Node names (NetBIOS) that may own the Exchange group. */
  nodes: string[];
  preset: PresetName;
  serviceName: string;
  resourceName: string;
  /** The Restore in Progress key, relative to HKEY_LOCAL_MACHINE. */
  restoreKey: string;
  timeouts: Timeouts;
  /** Folder on the node for the log, the key backup and the JSON result. */
  logFolder: string;
  formats: Format[];
  /** Inventory path each resolved setting came from (for located errors). */
  sources: Record<SettingName, (string | number)[]>;
}

export type SettingName =
  | 'name'
  | 'nodes'
  | 'preset'
  | 'serviceName'
  | 'resourceName'
  | 'restoreKey'
  | 'timeouts.serviceStartSec'
  | 'timeouts.recoverySec'
  | 'timeouts.resourceOnlineSec'
  | 'logFolder'
  | 'formats';

/** A validated inventory. */
export interface Inventory {
  /** Path as given by the user, used in messages. */
  file: string;
  /** SHA-256 of the file's bytes. */
  sha256: string;
  /** Clusters sorted by name. */
  clusters: ClusterConfig[];
  /** Maps an inventory path to its line and column. */
  locate: Locator;
}

/** Position of a path's value (or, with `key`, of its key) in the inventory file (1-based). */
export type Locator = (
  path: (string | number)[],
  opts?: { key?: boolean },
) => { line: number; col: number };
