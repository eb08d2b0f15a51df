// Part of `npm run refresh:timeline`: simulates the canonical cluster's script and the naive
// order once in pwsh and writes templates/report/timelines.json, which every report draws with
// its own values. test/report/recorded.test.ts fails while the file is stale.
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, relative } = require('node:path');
const { RECORDED_TIMELINES_FILE, recordTimelines } = require('../dist/report/recorded');

recordTimelines().then(
  (data) => {
    mkdirSync(dirname(RECORDED_TIMELINES_FILE), { recursive: true });
    writeFileSync(RECORDED_TIMELINES_FILE, JSON.stringify(data, null, 2) + '\n', 'utf8');
    console.log(`Wrote ${relative(process.cwd(), RECORDED_TIMELINES_FILE)}.`);
  },
  (err) => {
    console.error(`refresh:timeline: ${err.message}`);
    process.exitCode = 1;
  },
);
