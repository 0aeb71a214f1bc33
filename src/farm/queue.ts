/**
 * The farm's queue: its name, what a job carries, how its id is made and how it is retried. One job is
 * one delivery of a catalogue (src/batch/catalog.ts). The job carries the validated spec itself, so a
 * worker checks against exactly what the submitter loaded (a worker needs no copy of a house YAML), and
 * the output folder as an absolute path on the storage every machine sees.
 */
import crypto from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { CatalogEntry } from '../batch/catalog.js';
import type { Spec } from '../specs/schema.js';

/** One queue for the whole farm (Redis keys `bull:dubstage-qc:*`). */
export const FARM_QUEUE = 'dubstage-qc';

export interface FarmJobData {
  schema: 1;
  entry: CatalogEntry;
  /** The spec as submitted: a built-in's id or the YAML file's path (for reports and messages). */
  specRef: string;
  /** The validated spec, plain data. */
  spec: Spec;
  /** Absolute: reports go to `<outDir>/<entry.id>/`. */
  outDir: string;
  /** The submission's date (ISO 8601): the reports carry it instead of the run's clock, so a job run twice writes the same bytes. */
  reportDate: string;
  /** --fps: the frame rate for timecodes (else each delivery's own). */
  fps?: string;
  /** --plugin modules as file URLs (on storage every worker sees at the same path), loaded by the processor. */
  plugins?: string[];
}

/**
 * The job id: the same output folder, delivery, spec and inputs (path, size, modification time of every
 * file) give the same id, so submitting a catalogue twice queues nothing new while a job for it exists;
 * a delivery whose files changed, or another spec, is a new job. BullMQ refuses ':' in custom ids: hex.
 */
export function farmJobId(data: Pick<FarmJobData, 'entry' | 'spec' | 'outDir' | 'fps' | 'plugins'>): string {
  const settings = data.fps !== undefined || (data.plugins?.length ?? 0) > 0 ? [[data.fps ?? null, data.plugins ?? []]] : [];
  const key = JSON.stringify([data.outDir, data.entry.id, data.spec, data.entry.inputs.map((i) => [i.path, i.size, i.mtimeMs]), ...settings]);
  return `qc-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** Transient failures (a report that could not be written, the storage away) retried 4 times, 5 s, 10 s, 20 s, 40 s apart. */
export const FARM_ATTEMPTS = 5;
export const FARM_BACKOFF_MS = 5000;

/** Jobs are kept after they finish (for `farm-status`, `submit --wait` and idempotent re-submits), for 30 days. */
const KEEP_SECONDS = 30 * 24 * 3600;

export function farmJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    attempts: FARM_ATTEMPTS,
    backoff: { type: 'exponential', delay: FARM_BACKOFF_MS },
    removeOnComplete: { age: KEEP_SECONDS },
    removeOnFail: { age: KEEP_SECONDS },
  };
}
