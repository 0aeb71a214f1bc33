/**
 * `submit`: find the catalogue's deliveries (the batch's discovery) and queue one job per delivery. A job
 * whose id already exists (same output folder, delivery, spec and input files) is not queued again; one
 * that failed for good is retried. With `wait`, follow the jobs until each has finished and write the index
 * (index.json, index.csv, index.html) for the submitted deliveries into the output folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { findDeliveries, type CatalogEntry } from '../batch/catalog.js';
import type { IndexRow } from '../batch/deliver.js';
import { writeIndex } from '../batch/index-files.js';
import { DubstageError, toErrorInfo } from '../errors.js';
import { loadPlugins } from '../qc/plugins.js';
import { loadSpec } from '../specs/loader.js';
import { FARM_QUEUE, farmJobId, farmJobOptions, type FarmJobData } from './queue.js';
import { farmConnection, probeRedis, redactRedisUrl } from './redis.js';

export interface SubmitOptions {
  redisUrl: string;
  /** A built-in spec id or a YAML file. */
  spec: string;
  /** The output folder, on storage every worker sees at the same path. */
  outDir: string;
  /** Wait for every job to finish, then write the index. */
  wait?: boolean;
  /** While waiting: each delivery as it finishes (in finishing order). */
  onFinished?: (row: IndexRow, done: number, total: number) => void;
  /** How often waiting looks at the unfinished jobs. Default 500 ms. */
  pollMs?: number;
  /** Frame rate for timecodes (else each delivery's own). */
  fps?: string;
  /** Plugin module files (src/qc/plugins.ts): loaded here first (a spec may name their rules) and by every worker. */
  plugins?: string[];
}

/** queued: a new job; existing: a job with its id was already there (waiting, active or done); retried: it had failed. */
export type SubmitState = 'queued' | 'existing' | 'retried';

export interface SubmittedJob {
  jobId: string;
  entryId: string;
  state: SubmitState;
}

export interface SubmitResult {
  redis: string;
  queue: string;
  outDir: string;
  jobs: SubmittedJob[];
  /** With wait: one row per submitted delivery, in catalogue order. */
  rows?: IndexRow[];
}

/** The row of a delivery whose job failed for good (every retry, or stalled too often): no report was written. */
export function failedJobRow(entry: CatalogEntry, message: string): IndexRow {
  return {
    id: entry.id,
    title: entry.title,
    reel: entry.reel ?? null,
    verdict: 'error',
    errors: 0,
    warnings: 0,
    integratedLufs: null,
    truePeakDbtp: null,
    dialogueLufs: null,
    figuresFrom: null,
    report: `${entry.id}/report.html`,
    error: `the farm job failed: ${message}`,
  };
}

/** The output folder, made if missing, and writable; else a DubstageError naming it. */
function outputFolder(outDir: string): string {
  const abs = path.resolve(outDir);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `--out ${outDir} cannot be written: ${toErrorInfo(err, abs).message}`, path: outDir });
  }
  return abs;
}

export async function submit(catalogPaths: string[], opts: SubmitOptions): Promise<SubmitResult> {
  // everything a user can get wrong is refused before anything is queued
  const plugins = await loadPlugins(opts.plugins ?? []);
  const { spec } = loadSpec(opts.spec);
  const entries = await findDeliveries(catalogPaths);
  if (entries.length === 0) throw new DubstageError({ code: 'usage', message: `no deliveries in ${catalogPaths.join(', ')}: a catalogue holds a folder per title (or per reel)`, path: catalogPaths[0] });
  const outDir = outputFolder(opts.outDir);
  await probeRedis(opts.redisUrl);
  // a queue's commands are not blocking: a few retries, then an error instead of waiting for a Redis that is gone
  const connection = farmConnection(opts.redisUrl, { maxRetriesPerRequest: 5 });
  const queue = new Queue<FarmJobData, IndexRow>(FARM_QUEUE, { connection });
  try {
    // one date for the reports of this submission: a job run twice writes the same bytes
    const reportDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const jobs: SubmittedJob[] = [];
    const toAdd: Array<{ name: string; data: FarmJobData; opts: ReturnType<typeof farmJobOptions> }> = [];
    for (const entry of entries) {
      const data: FarmJobData = {
        schema: 1,
        entry,
        specRef: opts.spec,
        spec,
        outDir,
        reportDate,
        ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
        ...(plugins.length > 0 ? { plugins: plugins.map((p) => p.url) } : {}),
      };
      const jobId = farmJobId(data);
      const state = await queue.getJobState(jobId);
      if (state === 'unknown') {
        toAdd.push({ name: entry.id, data, opts: farmJobOptions(jobId) });
        jobs.push({ jobId, entryId: entry.id, state: 'queued' });
      } else if (state === 'failed') {
        await (await Job.fromId<FarmJobData, IndexRow>(queue, jobId))?.retry('failed');
        jobs.push({ jobId, entryId: entry.id, state: 'retried' });
      } else {
        jobs.push({ jobId, entryId: entry.id, state: 'existing' });
      }
    }
    if (toAdd.length > 0) await queue.addBulk(toAdd);
    const result: SubmitResult = { redis: redactRedisUrl(opts.redisUrl), queue: FARM_QUEUE, outDir, jobs };
    if (opts.wait) {
      result.rows = await waitForRows(queue, entries, jobs, opts);
      writeIndex(outDir, result.rows, { spec: { id: spec.id, name: spec.name, version: spec.version }, date: reportDate });
    }
    return result;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Poll the unfinished jobs until each has completed (its row) or failed for good (an error row). */
async function waitForRows(queue: Queue<FarmJobData, IndexRow>, entries: CatalogEntry[], jobs: SubmittedJob[], opts: SubmitOptions): Promise<IndexRow[]> {
  const rows = new Map<string, IndexRow>();
  const byId = new Map(entries.map((e) => [e.id, e]));
  const pollMs = opts.pollMs ?? 500;
  for (;;) {
    for (const j of jobs) {
      if (rows.has(j.jobId)) continue;
      const state = await queue.getJobState(j.jobId);
      let row: IndexRow | null = null;
      if (state === 'completed') {
        const job = await Job.fromId<FarmJobData, IndexRow>(queue, j.jobId);
        row = job?.returnvalue ?? failedJobRow(byId.get(j.entryId)!, 'completed without a result');
      } else if (state === 'failed') {
        const job = await Job.fromId<FarmJobData, IndexRow>(queue, j.jobId);
        row = failedJobRow(byId.get(j.entryId)!, `${job?.failedReason ?? 'unknown reason'} (after ${job?.attemptsMade ?? 0} attempts)`);
      } else if (state === 'unknown') {
        // removed from the queue while we waited (obliterated, or kept past its age): it will not finish
        row = failedJobRow(byId.get(j.entryId)!, 'the job was removed from the queue before it finished');
      }
      if (row) {
        rows.set(j.jobId, row);
        opts.onFinished?.(row, rows.size, jobs.length);
      }
    }
    if (rows.size === jobs.length) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return jobs.map((j) => rows.get(j.jobId)!);
}
