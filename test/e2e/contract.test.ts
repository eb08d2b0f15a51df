import Ajv2020 from 'ajv/dist/2020';
import { CONTRACT_SCHEMA, checkContract } from '../helpers/contract';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractJsonSchema } from '../../src/contract';
import { inventoryJsonSchema } from '../../src/inventory/schema';
import { ROOT, cli, tempDir } from '../helpers/cli';

const CONTRACT = CONTRACT_SCHEMA;
const INVENTORY = join(ROOT, 'schema', 'inventory.schema.json');

describe('the shipped schemas', () => {
  it('are what the code generates (refresh: node dist/cli.js schema [--contract] > schema/...)', () => {
    expect(JSON.parse(readFileSync(CONTRACT, 'utf8'))).toEqual(contractJsonSchema());
    expect(JSON.parse(readFileSync(INVENTORY, 'utf8'))).toEqual(inventoryJsonSchema());
  });

  it('the inventory schema accepts the bundled example (as JSON) and rejects an unknown key', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(INVENTORY, 'utf8')));
    const example = {
      version: 1,
      defaults: { preset: 'directory' },
      clusters: [{ name: 'EXCL01', nodes: ['EXNODE1'] }],
    };
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, colour: 'blue' })).toBe(false);
  });
});

describe('every --json output of the CLI validates against the contract', () => {
  const check = checkContract;
  const dir = tempDir();

  it.each([
    ['generate --dry-run --json', ['generate', '--out', 'out', '--dry-run', '--json'], 0],
    ['generate --json', ['generate', '--out', 'out', '--json'], 0],
    [
      'generate --dry-run --json after a run',
      ['generate', '--out', 'out', '--dry-run', '--json'],
      0,
    ],
    ['validate --json', ['validate', '--json'], 0],
    ['verify --json', ['verify', 'out', '--json'], 0],
    [
      'verify --inventory --json',
      ['verify', 'out', '--inventory', join(ROOT, 'examples', 'inventory.yaml'), '--json'],
      0,
    ],
    ['an inventory error', ['generate', 'bad.yaml', '--json'], 1],
  ])('%s', (_name, args, code) => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nclusters: [{ name: "A B" }]\n');
    const r = cli(args as string[], dir);
    expect(r.code).toBe(code);
    expect(check(JSON.parse(r.stdout))).toEqual([]);
  });

  it('and the validator does reject a document that breaks it', () => {
    expect(check({ schema: 'clusrestore/verify/v1', ok: 'yes' })).not.toEqual([]);
    expect(check({ schema: 'clusrestore/nope/v1' })).not.toEqual([]);
  });
});
