/**
 * `farm-status`: how many deliveries are queued, being checked, done and failed, how many workers are
 * connected, and the latest failures with their reasons.
 */
import { Queue } from 'bullmq';
import type { FarmJobData } from './queue.js';
import { FARM_QUEUE } from './queue.js';
import { farmConnection, probeRedis, redactRedisUrl } from './redis.js';

export interface FarmFailure {
  jobId: string;
  entryId: string;
  message: string;
  attemptsMade: number;
  finishedOn: string | null;
}

export interface FarmStatus {
  redis: string;
  queue: string;
  /** Waiting to be taken (waiting, delayed for a retry's backoff, prioritized). */
  queued: number;
  /** Of queued: waiting out a retry's backoff. */
  delayed: number;
  active: number;
  /** Completed: a report was written (a delivery that could not be read is done too, its row says why). */
  done: number;
  /** Failed after every retry, or stalled too often. */
  failed: number;
  /** Workers connected to the queue now. */
  workers: number;
  /** The latest failures (at most 10), newest first. */
  failures: FarmFailure[];
}

export async function farmStatus(redisUrl: string): Promise<FarmStatus> {
  await probeRedis(redisUrl);
  const connection = farmConnection(redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue<FarmJobData>(FARM_QUEUE, { connection });
  try {
    const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed');
    let workers = 0;
    try {
      workers = await queue.getWorkersCount();
    } catch {
      // CLIENT LIST may be disabled on a managed Redis: the count is then unknown, shown as 0
    }
    const failed = await queue.getFailed(0, 9);
    const failures = failed
      .filter((j) => j !== undefined)
      .map((j) => ({
        jobId: j.id ?? '',
        entryId: j.data?.entry?.id ?? '',
        message: j.failedReason ?? '',
        attemptsMade: j.attemptsMade,
        finishedOn: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      }));
    const n = (k: string): number => c[k] ?? 0;
    return {
      redis: redactRedisUrl(redisUrl),
      queue: FARM_QUEUE,
      queued: n('waiting') + n('delayed') + n('prioritized'),
      delayed: n('delayed'),
      active: n('active'),
      done: n('completed'),
      failed: n('failed'),
      workers,
      failures,
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
