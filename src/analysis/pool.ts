/**
 * The one worker pool: a file's time segments (`measure` on a long file) and the QC jobs (a delivery's
 * measuring passes and null tests) run on it. A task names a module and an exported function; the worker
 * imports the module (once) and calls the function with the task's plain-data argument, so a room above
 * this one (src/qc) can run its jobs here without this room importing it. One thread means no workers:
 * tasks run inline, in submission order (the plain path the threaded one is tested against).
 */
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { registerModuleAnalyzers } from '../analyzers/index.js';

export interface PoolTask {
  /** URL of the module that exports `fn` (import.meta.url of the caller's job module). */
  module: string;
  fn: string;
  arg: unknown;
  /** Plugin modules (file URLs) the worker loads before the task, so their analyzers are registered there too. */
  plugins?: string[];
}

/** What a task function gets besides its argument: a way to report progress (frames done since the last call). */
export interface TaskContext {
  progress(amount: number): void;
}

export type TaskFunction = (arg: any, ctx: TaskContext) => Promise<unknown> | unknown;

export interface RunOptions {
  /** Put the task ahead of the tasks still waiting. */
  first?: boolean;
  onProgress?: (amount: number) => void;
}

/** Threads to use: DUBSTAGE_THREADS, else the machine's parallelism (at most 8). */
export function defaultThreads(): number {
  const env = Number(process.env.DUBSTAGE_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, n));
}

/**
 * A worker on the compiled entry, or — running from sources under vitest/tsx — a bootstrap that registers
 * tsx's loader in the worker (a worker does not inherit the parent's loader hooks) and imports the
 * TypeScript entry; the modules it then imports by URL load through the same loader.
 */
function startWorker(resourceLimits: ResourceLimits | undefined): Worker {
  const self = import.meta.url;
  const options = resourceLimits ? { resourceLimits } : {};
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self), options);
  const target = new URL('./worker.ts', self).href;
  const tsxDir = path.dirname(createRequire(self).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(boot, { eval: true, ...options });
}

/** Import a task's module and plugins (cached by the module system) and call its function. */
export async function runTask(task: PoolTask, ctx: TaskContext): Promise<unknown> {
  // a plugin's analyzers, registered in this thread too (the module system imports each once)
  for (const p of task.plugins ?? []) registerModuleAnalyzers((await import(p)) as { analyzers?: unknown }, p);
  const mod = (await import(task.module)) as Record<string, unknown>;
  const fn = mod[task.fn];
  if (typeof fn !== 'function') throw new Error(`worker task: ${task.module} exports no function '${task.fn}'`);
  return (fn as TaskFunction)(task.arg, ctx);
}

interface Pending {
  task: PoolTask;
  options: RunOptions;
  resolve: (r: unknown) => void;
  reject: (e: unknown) => void;
}

export interface PoolOptions {
  /** V8 limits per worker (a small young generation keeps each worker's resident memory down). */
  resourceLimits?: ResourceLimits;
}

export class WorkerPool {
  private readonly queue: Pending[] = [];
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[] = [];
  private inlineBusy = false;

  constructor(
    readonly threads: number,
    private readonly options: PoolOptions = {},
  ) {
    if (threads > 1) {
      for (let i = 0; i < threads; i++) {
        const w = startWorker(options.resourceLimits);
        this.workers.push(w);
        this.idle.push(w);
      }
    }
  }

  /** Queue a task; resolves with what its function returned. */
  run(task: PoolTask, options: RunOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const p = { task, options, resolve, reject };
      if (options.first) this.queue.unshift(p);
      else this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    if (this.threads <= 1) {
      // Inline: one task at a time, in submission order, exactly as a sequential loop would.
      if (this.inlineBusy) return;
      const next = this.queue.shift();
      if (!next) return;
      this.inlineBusy = true;
      runTask(next.task, { progress: (n) => next.options.onProgress?.(n) })
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
      const done = (): void => {
        w.off('message', onMessage);
        w.off('error', onError);
      };
      const onMessage = (msg: { progress?: number; result?: unknown; error?: { message: string; code?: string } }): void => {
        if (msg.progress !== undefined) {
          next.options.onProgress?.(msg.progress);
          return;
        }
        done();
        if (msg.error) next.reject(Object.assign(new Error(msg.error.message), msg.error.code ? { code: msg.error.code } : {}));
        else next.resolve(msg.result);
        this.idle.push(w);
        // After the continuations of this result ran: a task it unblocks is queued by then.
        setImmediate(() => this.pump());
      };
      const onError = (err: unknown): void => {
        done();
        next.reject(err);
        // The worker is gone (a crash, not a bad file: tasks return those): a fresh one takes its place.
        void w.terminate();
        const fresh = startWorker(this.options.resourceLimits);
        this.workers[this.workers.indexOf(w)] = fresh;
        this.idle.push(fresh);
        setImmediate(() => this.pump());
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage(next.task);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
