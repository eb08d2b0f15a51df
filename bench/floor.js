// The floor for comparison: render the same templates with Handlebars for N synthetic clusters
// and write the files, with no inventory parsing, no checks, no manifest and no comparison.
// Usage: node bench/floor.js N OUTDIR
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  compileTemplate,
  outputFileNames,
  templateContext,
  templateSource,
} = require('../dist/render/engine');
const { encodeOutput } = require('../dist/render/output');
const { syntheticCluster } = require('./synthetic');

const [n, out] = [Number(process.argv[2]), process.argv[3]];
const sha = '0'.repeat(64);
const templates = Object.fromEntries(
  ['ps1', 'cmd', 'runbook'].map((f) => [f, compileTemplate(templateSource(f))]),
);
for (let i = 0; i < n; i++) {
  const c = syntheticCluster(i);
  const ctx = templateContext(c, sha);
  const names = outputFileNames(c.name);
  mkdirSync(join(out, c.name), { recursive: true });
  for (const f of ['ps1', 'cmd', 'runbook'])
    writeFileSync(join(out, c.name, names[f]), encodeOutput(f, templates[f](ctx)));
}
