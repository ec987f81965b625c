// The measured half of `npm run bench -- atlas` (scripts/bench-atlas.ts), in a process of its own: runs
// the Atlas job on one org exactly as the server would, then writes the org's edge list (dense ids) for
// the igraph baseline, and prints one JSON line with the run's figures.
import fs from 'node:fs';
import { openCommandDatabase } from '../src/cli/command';
import { inOrg } from '../src/lib/database/with-org';
import { JOB_HANDLERS } from '../src/lib/jobs/handlers';
import { JobRunner } from '../src/lib/jobs/runner';
import { loadOrgGraph } from '../src/lib/repositories/atlas-graph';
import { unsafeFindOrg } from '../src/lib/repositories/unsafe';
import { createSystemScope } from '../src/lib/scope';

const [orgId, edgePrefix] = process.argv.slice(2);
const handle = await openCommandDatabase();
try {
  const org = await unsafeFindOrg(handle.db, orgId!);
  if (!org) throw new Error(`no org ${orgId}`);
  let lastPhase = '';
  const runner = new JobRunner(handle.db, JOB_HANDLERS, {
    log: () => undefined,
    onProgress: (_job, phase) => {
      if (phase !== lastPhase) process.stderr.write(`  ${phase}…\n`);
      lastPhase = phase;
    },
  });
  const started = performance.now();
  const job = await runner.runNow(org, 'atlas_run');
  const wallMs = performance.now() - started;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const scope = createSystemScope(org);
  const graph = await loadOrgGraph(inOrg(handle.db, scope), scope);
  const { from, to, weight } = graph.csrInput;
  fs.writeFileSync(`${edgePrefix}.from`, Buffer.from(from.buffer, from.byteOffset, from.byteLength));
  fs.writeFileSync(`${edgePrefix}.to`, Buffer.from(to.buffer, to.byteOffset, to.byteLength));
  fs.writeFileSync(`${edgePrefix}.weight`, Buffer.from(weight.buffer, weight.byteOffset, weight.byteLength));
  console.log(
    JSON.stringify({ wallMs, peakRssMiB, status: job.status, error: job.error, result: job.result }),
  );
} finally {
  await handle.close();
}
