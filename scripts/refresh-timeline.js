// `npm run refresh:timeline`: runs the happy path once in pwsh against the simulated node, on the
// canonical cluster of tokens, and writes templates/runbook/happy-path.json, which every runbook
// renders with its own values. test/pwsh/happy-path.test.ts fails while the file is stale.
const { writeFileSync } = require('node:fs');
const { relative } = require('node:path');
const { recordHappyPath } = require('../dist/commands/simulate');
const { HAPPY_PATH_FILE } = require('../dist/procedure/happy-path');

recordHappyPath().then(
  (data) => {
    writeFileSync(HAPPY_PATH_FILE, JSON.stringify(data, null, 2) + '\n', 'utf8');
    console.log(`Wrote ${relative(process.cwd(), HAPPY_PATH_FILE)}: ${data.blocks.length} phases.`);
  },
  (err) => {
    console.error(`refresh:timeline: ${err.message}`);
    process.exitCode = 1;
  },
);
