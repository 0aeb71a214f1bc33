/**
 * The sandboxed processor: BullMQ forks a child process that imports this module and calls its default
 * export once per job. It QCs one delivery and writes its reports (the batch core: written to a temporary
 * folder and renamed, so a job run twice, or by two workers after a stall, leaves one whole report).
 * A delivery that cannot be read is not a failure: the core returns its row with the error, and the job
 * completes. What throws (a report that could not be written, the storage away) is transient and retried.
 */
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { qcDeliveryToReports } from '../batch/deliver.js';
import type { IndexRow } from '../batch/deliver.js';
import { loadPlugins } from '../qc/plugins.js';
import type { FarmJobData } from './queue.js';

// plugin modules this child has registered (a child may run many jobs; a rule registers once)
const loadedPlugins = new Set<string>();

// The worker that forked this process is gone (killed, its machine down): stop now. Its job's lock runs out
// and another worker takes the job up; carrying on here would only race that worker to the same report.
// The check runs after this module's imports have loaded (seconds on a loaded machine): a parent that died
// meanwhile has already disconnected, and the event would never come.
if (typeof process.send === 'function') {
  process.once('disconnect', () => process.exit(1));
  if (!process.connected) process.exit(1);
}

export default async function processDelivery(job: SandboxedJob<FarmJobData, IndexRow>): Promise<IndexRow> {
  if (typeof process.send === 'function' && !process.connected) process.exit(1);
  const data = job.data;
  if (data?.schema !== 1) throw new UnrecoverableError(`job ${job.id}: job data schema ${String(data?.schema)} is not one this dubstage reads (1): submit and workers must run the same dubstage`);
  const fresh = (data.plugins ?? []).filter((url) => !loadedPlugins.has(url));
  if (fresh.length > 0) {
    // a plugin this machine cannot load will not load on a retry either
    try {
      await loadPlugins(fresh.map((url) => fileURLToPath(url)));
    } catch (err) {
      throw new UnrecoverableError(`job ${job.id}: ${(err as Error).message}`);
    }
    for (const url of fresh) loadedPlugins.add(url);
  }
  return qcDeliveryToReports(data.entry, {
    spec: data.spec,
    outDir: data.outDir,
    reportDate: data.reportDate,
    ...(data.fps !== undefined ? { fps: data.fps } : {}),
    ...(data.plugins && data.plugins.length > 0 ? { plugins: data.plugins } : {}),
  });
}
