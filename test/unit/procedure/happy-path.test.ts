import { readFileSync } from 'node:fs';
import {
  HAPPY_PATH_FILE,
  happyPathFor,
  partsText,
  proseParts,
  type HappyPathData,
} from '../../../src/procedure/happy-path';
import { STEP_DEFS } from '../../../src/procedure/steps';
import { fixtureClusters } from '../../helpers/pwsh';

/**
 * The runbook's happy path, stored once with tokens: each cluster's copy has its own values, and
 * only in code parts. test/pwsh/happy-path.test.ts proves the stored file is what the simulator
 * records now.
 */

const STEP_IDS = STEP_DEFS.map((s) => s.id);

describe('the stored happy path in each runbook', () => {
  const data = JSON.parse(readFileSync(HAPPY_PATH_FILE, 'utf8')) as HappyPathData;
  const clusters = ['example', 'store', 'custom-names'].flatMap((f) => fixtureClusters(f).clusters);

  it('was recorded as a SAFE run of the four steps', () => {
    expect(data.verdict).toBe('safe');
    expect(data.blocks.map((b) => b.id)).toEqual(['checks', ...STEP_IDS, 'final-check']);
  });

  it.each(clusters.map((c) => [c.name, c] as const))(
    '%s: every token replaced by the cluster\u2019s value, values only in code parts',
    (_name, cluster) => {
      const hp = happyPathFor(cluster, data);
      const lines = hp.blocks.flatMap((b) => b.lines);
      const text = lines.map(partsText).join('\n');
      expect(text).not.toMatch(/TOK[A-Z]|8639[123]|20240302/);
      expect(text).toContain(cluster.resourceName);
      expect(text).toContain(`-Wait ${cluster.timeouts.resourceOnlineSec}`);
      const plain = lines.flatMap((l) => l.filter((p) => p.code === null).map((p) => p.text));
      for (const p of plain) {
        expect(p).not.toMatch(/[\\`*_[\]<>|]/);
        for (const value of [cluster.serviceName, cluster.resourceName, cluster.logFolder])
          expect(p).not.toContain(value);
      }
    },
  );

  it('turns a chunk with a token or a Markdown character into code, keeping its punctuation', () => {
    const [cluster] = fixtureClusters('custom-names').clusters;
    expect(proseParts('Resource TOKRESOURCE Online, see C:\\TOKLOGS\\x_y.', cluster)).toEqual([
      { text: 'Resource ', code: null },
      { text: '', code: cluster.resourceName },
      { text: ' Online, see ', code: null },
      { text: '', code: `${cluster.logFolder}\\x_y` },
      { text: '.', code: null },
    ]);
  });
});
