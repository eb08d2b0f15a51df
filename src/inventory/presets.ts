/** The procedures clusrestore knows. Each fills the settings an inventory does not override. */
export interface Preset {
  /** Service started through the service control manager. */
  serviceName: string;
  /** Cluster resource brought online after recovery. */
  resourceName: string;
  /** One line for --help and the runbook. */
  description: string;
}

export const PRESETS = {
  directory: {
    serviceName: 'MSExchangeDS',
    resourceName: 'Microsoft Exchange Directory',
    description: 'Exchange directory (MSExchangeDS), the case of KB Q188674',
  },
  store: {
    serviceName: 'MSExchangeIS',
    resourceName: 'Microsoft Exchange Information Store',
    description: 'Exchange information store (MSExchangeIS), same checkpoint trap',
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** The restore key of a service, relative to HKLM, as the backup API writes it. */
export function defaultRestoreKey(serviceName: string): string {
  return `SYSTEM\\CurrentControlSet\\Services\\${serviceName}\\Restore in Progress`;
}

/** Settings that neither a preset nor the inventory has to give. */
export const BUILTIN_DEFAULTS = {
  logFolder: 'C:\\clusrestore\\logs',
  timeouts: { serviceStartSec: 600, recoverySec: 1800, resourceOnlineSec: 300 },
  formats: ['ps1', 'cmd', 'runbook'],
} as const;

export const FORMATS = ['ps1', 'cmd', 'runbook'] as const;
/** An output format: the PowerShell script, the cmd script or the Markdown runbook. */
export type Format = (typeof FORMATS)[number];
