// Preloaded into a benchmarked node process: records its CPU time and peak RSS on exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.BENCH_USAGE_FILE)
    writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage()));
});
