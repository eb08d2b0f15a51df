import { readFileSync } from 'node:fs';
import { recordHappyPath, simulateCluster } from '../../src/commands/simulate';
import {
  HAPPY_PATH_FILE,
  happyPathFor,
  partsText,
  type HappyPathData,
  type RunbookHappyPath,
} from '../../src/procedure/happy-path';
import { happyPathData } from '../../src/sim/timeline';
import { pool } from '../helpers/cli';
import { FIXTURE_INVENTORIES, PWSH, describePwsh, fixtureClusters } from '../helpers/pwsh';

/**
 * The runbook's simulated happy path comes from a data file recorded once on a cluster of
 * tokens. These tests run the simulator for real: the file must be what it records now (so it
 * cannot go stale), and for every fixture cluster the stored timeline with the cluster's values
 * put in must read exactly like a simulation of that cluster's own script.
 */

/** A happy path as plain lines, code parts bare, to compare two of them. */
function asText(hp: RunbookHappyPath) {
  return hp.blocks.map((b) => ({
    title: b.title,
    target: b.target,
    status: b.status,
    checks: b.checks,
    lines: b.lines.map(partsText),
    after: b.after,
  }));
}

describePwsh('the simulated happy path stored for the runbooks', () => {
  const stored = JSON.parse(readFileSync(HAPPY_PATH_FILE, 'utf8')) as HappyPathData;
  const fixtures = Object.keys(FIXTURE_INVENTORIES).flatMap((fixture) =>
    fixtureClusters(fixture).clusters.map((cluster) => ({ fixture, cluster })),
  );
  let recorded: HappyPathData;
  let real: HappyPathData[];

  beforeAll(async () => {
    [recorded, ...real] = await pool([
      () => recordHappyPath(PWSH),
      ...fixtures.map(
        ({ fixture, cluster }) =>
          async () =>
            happyPathData(
              (
                await simulateCluster(FIXTURE_INVENTORIES[fixture], {
                  cluster: cluster.name,
                  pwsh: PWSH,
                })
              ).run,
            ),
      ),
    ]);
  });

  it('templates/runbook/happy-path.json is what the simulator records now (else: npm run refresh:timeline)', () => {
    expect(stored).toEqual(recorded);
  });

  it.each(fixtures.map(({ fixture, cluster }, i) => [`${fixture}/${cluster.name}`, cluster, i]))(
    '%s: the stored timeline with its values reads like a simulation of its own script',
    (_name, cluster, i) => {
      const fromStore = asText(happyPathFor(cluster, stored));
      expect(asText(happyPathFor(cluster, real[i]))).toEqual(fromStore);
      // And the comparison sees the values: another cluster's timeline differs.
      const other = fixtures.find((f) => f.cluster.resourceName !== cluster.resourceName)!;
      expect(asText(happyPathFor(other.cluster, stored))).not.toEqual(fromStore);
    },
  );
});
