/**
 * `submit`: find the catalogue's deliveries (the batch's discovery) and queue one job per delivery. A job
 * whose id already exists (same output folder, delivery, spec and input files) is not queued again; one
 * that failed for good is retried. With `wait`, follow the jobs until each has finished and write the index
 * (index.json, index.csv, index.html) for the submitted deliveries into the output folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
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
  /**
   * While waiting, each job is looked at when the queue's event stream says it completed, failed or was
   * removed; besides, every unfinished job is looked at this often (an event missed: the stream trimmed
   * past it, a reconnect). Default 10 s.
   */
  checkAllMs?: number;
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
      result.rows = await waitForRows(queue, connection, entries, jobs, opts);
      writeIndex(outDir, result.rows, { spec: { id: spec.id, name: spec.name, version: spec.version }, date: reportDate });
    }
    return result;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/**
 * Follow the jobs until each has completed (its row) or failed for good (an error row). The queue's events
 * (BullMQ's event stream, read by one blocking XREAD on a connection of its own) say which job to look at,
 * so waiting costs nothing while the workers work, however many jobs there are; a job finished before the
 * stream was read, or whose event was missed, is found by looking at every unfinished job at the start and
 * every checkAllMs.
 */
async function waitForRows(queue: Queue<FarmJobData, IndexRow>, connection: Redis, entries: CatalogEntry[], jobs: SubmittedJob[], opts: SubmitOptions): Promise<IndexRow[]> {
  const rows = new Map<string, IndexRow>();
  const byId = new Map(entries.map((e) => [e.id, e]));
  const checkAllMs = opts.checkAllMs ?? 10_000;
  const unfinished = new Set(jobs.map((j) => j.jobId));
  const entryOf = new Map(jobs.map((j) => [j.jobId, j.entryId]));
  const told = new Set<string>();
  let wake: (() => void) | null = null;
  // events from here on: the stream's last id is read before the first look at every job, so none falls between
  const last = await connection.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1);
  // BullMQ leaves a connection it was handed open on close: ours, closed below
  const eventsConnection = farmConnection(opts.redisUrl);
  const events = new QueueEvents(FARM_QUEUE, { connection: eventsConnection, lastEventId: last[0]?.[0] ?? '0-0' });
  const onEvent = ({ jobId }: { jobId: string }): void => {
    if (!unfinished.has(jobId)) return;
    told.add(jobId);
    wake?.();
  };
  events.on('completed', onEvent);
  events.on('failed', onEvent);
  events.on('removed', onEvent);
  // a lost connection reconnects by itself; meanwhile the look at every job every checkAllMs carries on
  events.on('error', () => {});
  const look = async (jobId: string): Promise<void> => {
    const entry = byId.get(entryOf.get(jobId)!)!;
    const state = await queue.getJobState(jobId);
    let row: IndexRow | null = null;
    if (state === 'completed') {
      const job = await Job.fromId<FarmJobData, IndexRow>(queue, jobId);
      row = job?.returnvalue ?? failedJobRow(entry, 'completed without a result');
    } else if (state === 'failed') {
      const job = await Job.fromId<FarmJobData, IndexRow>(queue, jobId);
      // a failed attempt that will be retried is 'delayed' or 'waiting' here, not 'failed'
      row = failedJobRow(entry, `${job?.failedReason ?? 'unknown reason'} (after ${job?.attemptsMade ?? 0} attempts)`);
    } else if (state === 'unknown') {
      // removed from the queue while we waited (obliterated, or kept past its age): it will not finish
      row = failedJobRow(entry, 'the job was removed from the queue before it finished');
    }
    if (row) {
      unfinished.delete(jobId);
      rows.set(jobId, row);
      opts.onFinished?.(row, rows.size, jobs.length);
    }
  };
  try {
    let checkAllAt = 0;
    while (unfinished.size > 0) {
      let ids: string[];
      if (Date.now() >= checkAllAt) {
        // in submission order, so onFinished reports jobs found finished at the start in catalogue order
        ids = jobs.map((j) => j.jobId).filter((id) => unfinished.has(id));
        told.clear();
        checkAllAt = Date.now() + checkAllMs;
      } else {
        ids = [...told];
        told.clear();
      }
      for (const id of ids) if (unfinished.has(id)) await look(id);
      if (unfinished.size === 0 || told.size > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, checkAllAt - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    try {
      await events.close();
    } finally {
      eventsConnection.disconnect();
    }
  }
  return jobs.map((j) => rows.get(j.jobId)!);
}
