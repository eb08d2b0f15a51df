// Synthetic fleets for the benchmark: realistic names, both presets, some overrides.
const name = (prefix, i) => `${prefix}${String(i).padStart(6, '0')}`;

/** The i-th cluster as the inventory writes it. */
function inventoryCluster(i) {
  const c = { name: name('BC', i), nodes: [name('BN', i) + 'A', name('BN', i) + 'B'] };
  if (i % 2) c.preset = 'store';
  if (i % 7 === 0) c.resourceName = `Exchange Directory (${c.name})`;
  if (i % 5 === 0) c.timeouts = { recoverySec: 3600 };
  return c;
}

/** A JSON inventory of n clusters: the form large generated fleets take. */
function inventoryJson(n) {
  const clusters = Array.from({ length: n }, (_, i) => inventoryCluster(i));
  const defaults = { preset: 'directory', logFolder: 'C:\\clusrestore\\logs' };
  return JSON.stringify({ version: 1, defaults, clusters }, null, 2) + '\n';
}

/** The i-th cluster resolved, as the floor renders it without parsing an inventory. */
function syntheticCluster(i) {
  const c = inventoryCluster(i);
  const store = c.preset === 'store';
  const service = store ? 'MSExchangeIS' : 'MSExchangeDS';
  return {
    name: c.name,
    nodes: c.nodes,
    preset: store ? 'store' : 'directory',
    serviceName: service,
    resourceName:
      c.resourceName ??
      (store ? 'Microsoft Exchange Information Store' : 'Microsoft Exchange Directory'),
    restoreKey: `SYSTEM\\CurrentControlSet\\Services\\${service}\\Restore in Progress`,
    timeouts: {
      serviceStartSec: 600,
      recoverySec: c.timeouts?.recoverySec ?? 1800,
      resourceOnlineSec: 300,
    },
    logFolder: 'C:\\clusrestore\\logs',
    formats: ['cmd', 'ps1', 'runbook'],
    sources: {},
  };
}

module.exports = { inventoryJson, syntheticCluster };
