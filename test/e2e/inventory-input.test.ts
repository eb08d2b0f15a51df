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
