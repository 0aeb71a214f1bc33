/**
 * A pool of worker threads for `dubstage qc`: the deliverables' measuring passes and the null tests
 * run side by side, one job per worker at a time (each job is already one streaming pass, so workers
 * never share a file). Jobs run in the order they are queued; the pipeline queues the longest first.
 * One thread means no workers at all: the jobs run inline (the plain path the pool is tested against).
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runJob, type QcJob, type QcJobResult } from './jobs.js';

/**
 * A small young generation: the jobs allocate little per block (reused buffers), and the default
 * semi-spaces of each isolate would otherwise add tens of MB of resident memory per worker.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** A worker on the compiled module, or — under vitest/tsx — a bootstrap loading the TypeScript worker through tsx. */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self), { resourceLimits: WORKER_LIMITS });
  const target = new URL('./worker.ts', self).href;
  const tsxDir = path.dirname(createRequire(self).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}));`;
  return new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
}

interface Pending {
  job: QcJob;
  resolve: (r: QcJobResult) => void;
  reject: (e: unknown) => void;
}

export class QcPool {
  private readonly queue: Pending[] = [];
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[] = [];
  private inlineBusy = false;

  constructor(readonly threads: number) {
    if (threads > 1) {
      for (let i = 0; i < threads; i++) {
        const w = startWorker();
        this.workers.push(w);
        this.idle.push(w);
      }
    }
  }

  /** Queue a job; `first` puts it ahead of the jobs still waiting. */
  run(job: QcJob, options: { first?: boolean } = {}): Promise<QcJobResult> {
    return new Promise((resolve, reject) => {
      if (options.first) this.queue.unshift({ job, resolve, reject });
      else this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.threads <= 1) {
      // Inline: one job at a time, in submission order, exactly as the sequential pipeline did.
      if (this.inlineBusy) return;
      const next = this.queue.shift();
      if (!next) return;
      this.inlineBusy = true;
      runJob(next.job)
        .then(next.resolve, next.reject)
        .finally(() => {
          this.inlineBusy = false;
          this.pump();
        });
      return;
    }
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const next = this.queue.shift()!;
      const onMessage = (msg: { result?: QcJobResult; error?: string }): void => {
        w.off('message', onMessage);
        w.off('error', onError);
        if (msg.result) next.resolve(msg.result);
        else next.reject(new Error(msg.error ?? 'QC worker failed'));
        this.idle.push(w);
        // After the continuations of this result ran: a null test it unblocks is queued by then.
        setImmediate(() => this.pump());
      };
      const onError = (err: unknown): void => {
        w.off('message', onMessage);
        w.off('error', onError);
        next.reject(err);
        // The worker is gone (a crash, not a bad file: jobs return those): a fresh one takes its place.
        void w.terminate();
        const fresh = startWorker();
        this.workers[this.workers.indexOf(w)] = fresh;
        this.idle.push(fresh);
        setImmediate(() => this.pump());
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage(next.job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
