/** A JSON inventory of n valid clusters, both presets, for tests that need a fleet. */
export function fleetJson(n: number): string {
  const clusters = Array.from({ length: n }, (_, i) => {
    const name = `FC${String(i).padStart(4, '0')}`;
    return { name, nodes: [`${name}A`, `${name}B`], ...(i % 2 ? { preset: 'store' } : {}) };
  });
  const defaults = { preset: 'directory', logFolder: 'C:\\clusrestore\\logs' };
  return JSON.stringify({ version: 1, defaults, clusters }, null, 2) + '\n';
}
