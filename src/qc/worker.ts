/** A QC pool worker (src/qc/pool.ts): runs one job at a time and posts its result back. */
import { parentPort } from 'node:worker_threads';
import { runJob, type QcJob } from './jobs.js';

parentPort!.on('message', (job: QcJob) => {
  runJob(job).then(
    (result) => parentPort!.postMessage({ result }),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
