import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';

const VALID = [
  'version: 1',
  'clusters:',
  '  - name: EXCL01',
  '    nodes: [EXNODE1]',
  '    preset: directory',
  '    resourceName: Cafe directory',
  '',
].join('\n');

function validate(bytes: Buffer): { code: number | null; stderr: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'inventory.yaml'), bytes);
  return cli(['validate', 'inventory.yaml'], dir);
}

describe('inventory bytes that are not UTF-8 text', () => {
  it('accepts the plain UTF-8 inventory the cases below break', () => {
    expect(validate(Buffer.from(VALID)).code).toBe(0);
  });

  it('refuses an invalid UTF-8 byte with its offset, instead of writing U+FFFD into the script', () => {
    const latin1 = Buffer.from(VALID.replace('Cafe', 'Caf\u00e9'), 'latin1');
    const offset = latin1.indexOf(0xe9);
    const r = validate(latin1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `inventory.yaml:6:22 (file): byte 0xE9 at offset ${offset} is not valid UTF-8;`,
    );
    expect(r.stderr).toContain('iconv -f WINDOWS-1252 -t UTF-8 inventory.yaml');
    expect(r.stderr).not.toContain('\uFFFD');
  });

  it('names a UTF-16 inventory as Windows PowerShell 5.1 writes it, and the fix', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]);
    const r = validate(utf16);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "inventory.yaml:1:1 (file): the file is UTF-16 little-endian with a byte-order mark, as Windows PowerShell 5.1's > and Out-File write text",
    );
    expect(r.stderr).toContain('Set-Content -Encoding UTF8 -Path inventory.utf8.yaml');
    const noBom = validate(Buffer.from(VALID, 'utf16le'));
    expect(noBom.stderr).toContain('the file is UTF-16 little-endian,');
  });

  it('says a binary file is not a text file, without printing its bytes', () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xd0, 0x8f, 0xff]);
    const r = validate(binary);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /byte 0xFF at offset 10 is not valid UTF-8, and the file holds NUL bytes: this is not a text file/,
    );
    expect(r.stderr).not.toMatch(/[\x00-\x08\x7f\uFFFD]/);
  });
});

describe('every problem at once', () => {
  it('reports a node listed twice in a cluster together with the other problems', () => {
    const text = [
      'version: 1',
      'clusters:',
      '  - name: excl01',
      '    nodes: [N13A, n13a]',
      '    preset: directory',
      '    serviceName: "bad name"',
      '  - name: EXCL01',
      '    nodes: [N14A]',
      '    preset: directory',
      '  - name: EXCL02',
      '    nodes: [N15A]',
      '    preset: nope',
      '',
    ].join('\n');
    const r = validate(Buffer.from(text));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('4 problems in the inventory:');
    expect(r.stderr).toContain(
      'inventory.yaml:4:19 clusters[0].nodes[1]: node "n13a" is listed twice in this cluster',
    );
    expect(r.stderr).toContain('clusters[0].serviceName: "bad name" is not a service name');
    expect(r.stderr).toContain('clusters[2].preset: "nope" is not one of');
    // The example is a name no cluster has: not EXCL012, and not EXCL02, which is taken.
    expect(r.stderr).toContain(
      'clusters[1].name: duplicate cluster name "EXCL01" (also clusters[0]; names are not case sensitive). Example: name: EXCL03',
    );
  });

  it('words a multi-document YAML file itself', () => {
    const r = validate(Buffer.from('version: 1\n---\nclusters: []\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'inventory.yaml:2:1 (syntax): a second YAML document starts here (a line ---): an inventory is one document.',
    );
    expect(r.stderr).not.toContain('parseAllDocuments');
  });
});

describe('YAML aliases', () => {
  it('refuses a "billion laughs" of nested aliases with a located error (exit 1), not an internal error', () => {
    // Nine levels of nine aliases: 387 million strings if expanded.
    const levels = ['    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`    ${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const text = [
      'version: 1',
      'clusters:',
      '  - name: EXCL01',
      '    nodes: [EXNODE1]',
      '    preset: directory',
      '    junk:',
      ...levels.map((l) => '  ' + l),
      '',
    ].join('\n');
    const r = validate(Buffer.from(text));
    expect(r).toMatchObject({ code: 1, stdout: '' });
    // The first alias whose expansion passes the limit: *c in d's list, on line 10.
    expect(r.stderr).toContain(
      'inventory.yaml:10:14 clusters[0].junk.d[0]: the alias *c stands for more than 100 nodes',
    );
    expect(r.stderr).toContain('Write the values out, or alias only a node that holds no alias.');
    expect(r.stderr).not.toContain('internal error');
  });

  it('names an alias without its anchor (exit 1), and accepts aliases used as intended', () => {
    const r = validate(Buffer.from(VALID.replace('EXNODE1]', '*nodes]')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'inventory.yaml:4:13 clusters[0].nodes[0]: the alias *nodes names no anchor set before it. Put &nodes on the node it stands for',
    );
    const dir = tempDir();
    const shared = [
      'version: 1',
      'clusters:',
      '  - { name: EXCL01, nodes: [EXNODE1], preset: directory, timeouts: &t { recoverySec: 900 } }',
      '  - { name: EXCL02, nodes: [EXNODE2], preset: directory, timeouts: *t }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'inventory.yaml'), shared);
    const plan = cli(['generate', 'inventory.yaml', '--dry-run', '--json'], dir);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).clusters).toHaveLength(2);
  });
});
