// A restore job embedding clusrestore: after the backup program finished an online restore of
// one cluster, generate that cluster's script, run it on the owner node (here: only printed),
// and map the script's exit code to what the job reports. Run: node examples/restore-job.js
const clusrestore = require('clusrestore');

const inventory = process.argv[2] ?? clusrestore.bundledInventory();
const cluster = process.argv[3] ?? 'EXCL01';

async function main() {
  // Plan first: the same plan `generate --dry-run` prints. Nothing is written yet.
  const { plan } = await clusrestore.planGeneration(inventory, {
    outDir: 'out',
    clusters: [cluster],
    formats: ['ps1'],
  });
  const [target] = plan.clusters;
  console.log(clusrestore.summaryLine(plan, true));
  for (const step of target.steps) console.log('  ' + clusrestore.whatIfLine(step));

  // Then write: atomically, refusing hand-edited files.
  clusrestore.applyPlan(plan);
  const script = target.files.find((f) => f.format === 'ps1');
  console.log(
    `Run on the owner node: .\\${script.path.split('/').pop()} -WhatIf, then -Confirm:$false -ResultPath result.json`,
  );

  // The script's exit code, read back by the job, means one thing everywhere:
  const byCode = new Map(clusrestore.SCRIPT_EXIT_CODES.map((e) => [e.code, e]));
  const exitCode = 0; // what the remote run returned
  console.log(`exit ${exitCode}: ${byCode.get(exitCode).name}`);
}

main().catch((err) => {
  if (err instanceof clusrestore.InventoryError) {
    for (const d of err.diagnostics) console.error(clusrestore.formatDiagnostic(d));
    process.exitCode = 1;
  } else if (err instanceof clusrestore.ClusrestoreError) {
    console.error(err.message);
    process.exitCode = err.exitCode;
  } else throw err;
});
