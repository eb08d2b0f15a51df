// The floor for comparison: render the same templates with Handlebars for N synthetic clusters
// and write the files, with no inventory parsing, checks, manifest or comparison. Each file is
// rendered once: the runbook takes its scripts' hashes from renderFile, as generate's plan does.
// Usage: node bench/floor.js N OUTDIR
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { outputFileNames, renderFile, templateContext } = require('../dist/render/engine');
const { Scratch } = require('../dist/render/output');
const { syntheticCluster } = require('./synthetic');

const [n, out] = [Number(process.argv[2]), process.argv[3]];
const scratch = new Scratch();
for (let i = 0; i < n; i++) {
  const c = syntheticCluster(i);
  const ctx = templateContext(c);
  const names = outputFileNames(c.name);
  mkdirSync(join(out, c.name), { recursive: true });
  for (const f of ['ps1', 'cmd', 'runbook'])
    writeFileSync(join(out, c.name, names[f]), renderFile(f, ctx, scratch).bytes);
}
