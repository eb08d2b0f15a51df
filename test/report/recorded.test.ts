import { readFileSync } from 'node:fs';
import { simulateCluster } from '../../src/commands/simulate';
import {
  RECORDED_TIMELINES_FILE,
  recordTimelines,
  recordedDoc,
  type RecordedTimelines,
} from '../../src/report/recorded';
import { FIXTURE_INVENTORIES, PWSH, describePwsh, fixtureClusters } from '../helpers/pwsh';

/**
 * The report draws timelines recorded once on the canonical cluster. The simulator runs for
 * real here: the file must be what it records now (else `npm run refresh:timeline`), and a
 * cluster's values put into it must give what a simulation of that cluster's own script gives.
 */
/** Two pwsh simulations each, on a shared machine: a generous limit, not a speed test. */
const SIMULATION_TIMEOUT_MS = 15 * 60 * 1000;

describePwsh('the timelines recorded for the report', () => {
  it(
    'templates/report/timelines.json is what the simulator records now (else: npm run refresh:timeline)',
    async () => {
      const stored = JSON.parse(readFileSync(RECORDED_TIMELINES_FILE, 'utf8')) as RecordedTimelines;
      expect(stored).toEqual(await recordTimelines(PWSH));
    },
    SIMULATION_TIMEOUT_MS,
  );

  it(
    'with EXCL03 values put in, reads like a simulation of its own script',
    async () => {
      const cluster = fixtureClusters('example').clusters.find((c) => c.name === 'EXCL03')!;
      const live = await simulateCluster(FIXTURE_INVENTORIES.example, {
        cluster: 'EXCL03',
        compareNaive: true,
        pwsh: PWSH,
      });
      const { tool: _t, inventory: _i, ...rest } = live;
      // The recording writes the run's time stamp in file names as its pattern.
      const stamped = JSON.parse(
        JSON.stringify(rest).replaceAll('20240302-030000', 'yyyyMMdd-HHmmss'),
      );
      expect(recordedDoc(cluster)).toEqual(stamped);
    },
    SIMULATION_TIMEOUT_MS,
  );
});
