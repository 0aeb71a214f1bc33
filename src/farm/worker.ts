/**
 * A farm worker: takes delivery jobs off the queue and QCs each in a sandboxed child process (BullMQ's
 * sandboxed processor: processor.ts), `concurrency` at a time. The CPU work never runs in this process, so
 * its event loop stays free to renew job locks; a worker that dies (SIGKILL, a machine gone) stops renewing,
 * and within lockDuration + stalledInterval another worker's stalled check puts its jobs back on the queue.
 */
import fs from 'node:fs';
import { Worker, type Job } from 'bullmq';
import { FARM_QUEUE, type FarmJobData } from './queue.js';
import { farmConnection, probeRedis } from './redis.js';
import type { IndexRow } from '../batch/deliver.js';

export interface StartWorkerOptions {
  redisUrl: string;
  /** Deliveries checked at once (one child process each). Default 1. */
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal (renewed every half of it): a dead worker's job is taken up
   * by another within about lockSeconds + lockSeconds / 2. Default 10.
   */
  lockSeconds?: number;
  /** Told of each job as a child process starts on it. */
  onActive?: (jobId: string, entryId: string) => void;
  /** Told of each job as it finishes (the CLI prints a line). */
  onJob?: (event: FarmJobEvent) => void;
  /** A connection or Redis error after start (the connection retries by itself). */
  onError?: (err: Error) => void;
}

export type FarmJobEvent =
  | { kind: 'completed'; jobId: string; entryId: string; row: IndexRow; seconds: number }
  | { kind: 'failed'; jobId: string; entryId: string; message: string; attemptsMade: number; final: boolean };

export interface FarmWorker {
  readonly worker: Worker<FarmJobData, IndexRow>;
  /** Stop taking jobs, let the active ones finish, end the child processes and the connections. */
  close(force?: boolean): Promise<void>;
}

export const DEFAULT_LOCK_SECONDS = 10;

/** The processor module as a file BullMQ forks: the compiled .js, or the .ts source under tsx. */
function processorFile(): string {
  const self = new URL(import.meta.url);
  const ext = self.pathname.endsWith('.ts') ? '.ts' : '.js';
  const file = new URL(`./processor${ext}`, self);
  if (!fs.existsSync(file)) throw new Error(`farm worker: the processor module ${file.pathname} is missing (run npm run build)`);
  return file.pathname;
}

/**
 * How the sandboxed children are forked. One thread per delivery: the worker's concurrency is its
 * parallelism (DUBSTAGE_THREADS=1, so the QC runs inline), and V8 is told the same (--single-threaded: no
 * background compilation or concurrent GC threads). On a farm every core already runs a delivery, so
 * background threads only take CPU from the other workers' deliveries: a worker of concurrency N then uses
 * N cores, not N and a share. Measured on 30-second deliveries (bench/README.md, farm): the child's other
 * threads took 8 % of its CPU; single-threaded, the main thread does that work itself and the total per
 * delivery came out the same or up to 8 % lower, with no longer wall time for one worker alone. A facility that gives a delivery several threads
 * (DUBSTAGE_THREADS above 1) keeps V8's threads too; under --inspect, BullMQ's own handling of execArgv
 * (a free debug port per child) is left alone.
 */
export function childForkOptions(env: NodeJS.ProcessEnv = process.env, execArgv: string[] = process.execArgv): { env: NodeJS.ProcessEnv; execArgv?: string[] } {
  const threads = env.DUBSTAGE_THREADS ?? '1';
  const options: { env: NodeJS.ProcessEnv; execArgv?: string[] } = { env: { ...env, DUBSTAGE_THREADS: threads } };
  if (Number(threads) === 1 && !execArgv.some((a) => a.startsWith('--inspect'))) options.execArgv = [...execArgv, '--single-threaded'];
  return options;
}

/** Start a worker after one bounded probe of the Redis (unreachable: DubstageError 'io' naming the URL). */
export async function startWorker(opts: StartWorkerOptions): Promise<FarmWorker> {
  await probeRedis(opts.redisUrl);
  const concurrency = opts.concurrency ?? 1;
  const lockDuration = Math.round((opts.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000);
  // BullMQ leaves a connection it was handed open on close: ours, closed below
  const connection = farmConnection(opts.redisUrl);
  const worker = new Worker<FarmJobData, IndexRow>(FARM_QUEUE, processorFile(), {
    connection,
    concurrency,
    lockDuration,
    stalledInterval: Math.max(1000, Math.round(lockDuration / 2)),
    // a job whose worker died twice is put back once more; the third stall fails it (a delivery that kills workers)
    maxStalledCount: 2,
    useWorkerThreads: false,
    workerForkOptions: childForkOptions(),
  });
  const started = new Map<string, number>();
  worker.on('active', (job: Job<FarmJobData>) => {
    started.set(job.id!, Date.now());
    opts.onActive?.(job.id!, job.data.entry.id);
  });
  worker.on('completed', (job: Job<FarmJobData, IndexRow>, row: IndexRow) => {
    const t0 = started.get(job.id!) ?? Date.now();
    started.delete(job.id!);
    opts.onJob?.({ kind: 'completed', jobId: job.id!, entryId: job.data.entry.id, row, seconds: (Date.now() - t0) / 1000 });
  });
  worker.on('failed', (job: Job<FarmJobData> | undefined, err: Error) => {
    if (!job) return;
    started.delete(job.id!);
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    opts.onJob?.({ kind: 'failed', jobId: job.id!, entryId: job.data.entry.id, message: err.message, attemptsMade: job.attemptsMade, final });
  });
  worker.on('error', (err: Error) => opts.onError?.(err));
  await worker.waitUntilReady();
  return {
    worker,
    close: async (force = false) => {
      try {
        await worker.close(force);
      } finally {
        connection.disconnect();
      }
    },
  };
}
