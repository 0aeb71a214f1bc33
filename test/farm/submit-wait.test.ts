/**
 * `submit --wait` on a real Redis (test/helpers/redis-server.ts): it follows the queue's events, not a poll
 * of every job. A job completed, one failed for good and one removed from the queue are each known within
 * seconds while the look at every job is an hour away; a job already finished before the wait is found at
 * the start; a job that leaves the queue without an event is found by the look at every job. The workers
 * here are BullMQ workers in this process with a processor that answers at once (the QC itself is the
 * farm test's and the batch's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexRow } from '../../src/batch/deliver.js';
import { FARM_QUEUE, type FarmJobData } from '../../src/farm/queue.js';
import { submit, type SubmitResult } from '../../src/farm/submit.js';
import { buildDelivery } from '../qc/delivery-fixture.js';
import { emptyDatabase, testRedis, type TestRedis } from '../helpers/redis-server.js';

/** This file's own Redis database: other farm suites on the same server never see its queue. */
const DB = 6;
const HOUR_MS = 3600_000;

let redis: TestRedis;
let url: string;
let work: string;
let catalog: string;
const closers: Array<() => Promise<void> | void> = [];

/** A row as a worker would return it for the delivery. */
function rowFor(id: string): IndexRow {
  return { id, title: id, reel: null, verdict: 'pass', errors: 0, warnings: 0, integratedLufs: -24, truePeakDbtp: -3, dialogueLufs: null, figuresFrom: 'printmaster 5.1', report: `${id}/report.html` };
}

function queueOn(): Queue<FarmJobData, IndexRow> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue<FarmJobData, IndexRow>(FARM_QUEUE, { connection });
  closers.push(async () => {
    await queue.close();
    connection.disconnect();
  });
  return queue;
}

/** A worker in this process: TITLE_2 fails for good, every other delivery completes with its row. */
function instantWorker(): Worker<FarmJobData, IndexRow> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker<FarmJobData, IndexRow>(
    FARM_QUEUE,
    async (job: Job<FarmJobData, IndexRow>) => {
      if (job.data.entry.id === 'TITLE_2') throw new UnrecoverableError('planted: this delivery kills its job');
      return rowFor(job.data.entry.id);
    },
    { connection, concurrency: 2 },
  );
  closers.push(async () => {
    await worker.close();
    connection.disconnect();
  });
  return worker;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  redis = await testRedis();
  url = await emptyDatabase(redis.url, DB);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-submit-wait-'));
  catalog = path.join(work, 'catalog');
  for (let i = 1; i <= 3; i++) await buildDelivery(undefined, { dir: path.join(catalog, `TITLE_${i}`), prefix: `T${i}`, seed: i });
}, 300000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await redis?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('submit --wait follows the queue\'s events', () => {
  it('completed, failed for good and removed are each known at once, long before the look at every job', async () => {
    const out = path.join(work, 'out-events');
    const queue = queueOn();
    const t0 = Date.now();
    const waiting = submit([catalog], { redisUrl: url, spec: 'netflix', outDir: out, wait: true, checkAllMs: HOUR_MS });
    // the three jobs queued, no worker yet: TITLE_3's job is removed while submit waits
    const ids = await until('three queued jobs', async () => {
      const jobs = await queue.getWaiting();
      return jobs.length === 3 && jobs;
    });
    const removed = ids.find((j) => j.data.entry.id === 'TITLE_3')!;
    await queue.remove(removed.id!);
    instantWorker();
    const result: SubmitResult = await waiting;
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(result.jobs.map((j) => [j.entryId, j.state])).toEqual([
      ['TITLE_1', 'queued'],
      ['TITLE_2', 'queued'],
      ['TITLE_3', 'queued'],
    ]);
    const [r1, r2, r3] = result.rows!;
    expect(r1).toEqual(rowFor('TITLE_1'));
    expect(r2!.verdict).toBe('error');
    expect(r2!.error).toBe('the farm job failed: planted: this delivery kills its job (after 1 attempts)');
    expect(r3!.verdict).toBe('error');
    expect(r3!.error).toBe('the farm job failed: the job was removed from the queue before it finished');
    // the index was written for the three
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { deliveries: IndexRow[] };
    expect(index.deliveries.map((r) => r.id)).toEqual(['TITLE_1', 'TITLE_2', 'TITLE_3']);
  }, 120000);

  it('a re-submit: a job finished before the wait is found at the start, the failed one retried, the removed one queued anew', async () => {
    const out = path.join(work, 'out-events');
    const finished: string[] = [];
    const result = await submit([catalog], { redisUrl: url, spec: 'netflix', outDir: out, wait: true, checkAllMs: HOUR_MS, onFinished: (row) => finished.push(row.id) });
    expect(result.jobs.map((j) => [j.entryId, j.state])).toEqual([
      ['TITLE_1', 'existing'],
      ['TITLE_2', 'retried'],
      ['TITLE_3', 'queued'],
    ]);
    expect(finished[0]).toBe('TITLE_1');
    expect(finished.sort()).toEqual(['TITLE_1', 'TITLE_2', 'TITLE_3']);
    expect(result.rows![0]).toEqual(rowFor('TITLE_1'));
    // the retry counts on from the first run's attempt
    expect(result.rows![1]!.error).toBe('the farm job failed: planted: this delivery kills its job (after 2 attempts)');
    expect(result.rows![2]).toEqual(rowFor('TITLE_3'));
  }, 120000);

  it('a job that leaves the queue without an event is found by the look at every job', async () => {
    // the worker of the tests above is still running: pause the queue so the new jobs stay waiting
    const out = path.join(work, 'out-silent');
    const queue = queueOn();
    await queue.pause();
    const client = new Redis(url);
    closers.push(() => client.disconnect());
    const waiting = submit([catalog], { redisUrl: url, spec: 'netflix', outDir: out, wait: true, checkAllMs: 500 });
    const jobs = await until('three paused jobs', async () => {
      const js = await queue.getWaiting();
      return js.length === 3 && js;
    });
    // taken off the queue behind BullMQ's back: no 'removed' event in the stream
    const keys = queue.keys;
    for (const j of jobs) {
      await client.lrem(keys.paused!, 0, j.id!);
      await client.lrem(keys.wait!, 0, j.id!);
      await client.del(`${keys['']}${j.id}`);
    }
    const result = await waiting;
    expect(result.rows!.map((r) => r.error)).toEqual(Array(3).fill('the farm job failed: the job was removed from the queue before it finished'));
    await queue.resume();
  }, 120000);
});
