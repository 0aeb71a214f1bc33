/**
 * The loudness pass split across worker threads by time segments. Each worker opens the file itself,
 * warms the K-filter and the interpolator on a one-second pre-roll before its segment (the 38 Hz
 * high-pass decays by e^-240 in that time, so the state is the single-thread state to double precision),
 * and returns its 10 ms sub-block energies and per-channel peaks and sums. Concatenated in order, they
 * are the sequence the single-thread path produces; the summary is then computed once, here.
 */
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChannelLabel } from '../audio/channels.js';
import type { AudioInput } from '../audio/multimono.js';
import { DubstageError } from '../errors.js';
import { subBlockLength, type ChannelStats } from '../analyzers/loudness.js';

export interface SegmentJob {
  input: AudioInput;
  labels: ChannelLabel[];
  sampleRate: number;
  segmentStart: number;
  segmentEnd: number;
  preroll: number;
  isLast: boolean;
  options: { dualMono?: boolean; noTruePeakSkip?: boolean };
}

export interface SegmentResult {
  /** The segment's sub-block energies in order, in the chunks they were kept in (moved, not copied). */
  subBlocks: Float64Array[];
  channels: ChannelStats[];
  frames: number;
  truePeakWork: { oversampled: number; skipped: number };
}

export interface ParallelResult {
  /** Each segment's sub-block energies, in time order (summarized in place: no concatenated copy). */
  subBlocks: Float64Array[];
  channels: ChannelStats[];
  frames: number;
  truePeakWork: { oversampled: number; skipped: number };
}

/** Threads to use: DUBSTAGE_THREADS, else the machine's parallelism (at most 8). */
export function defaultThreads(): number {
  const env = Number(process.env.DUBSTAGE_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, n));
}

/** Worth splitting: below this a worker's start-up costs more than it saves. */
export const PARALLEL_MIN_SECONDS = 60;

/**
 * A worker on the compiled module, or — running from sources under vitest/tsx — a small bootstrap that
 * loads the TypeScript worker through tsx's API (a worker does not inherit the parent's loader hooks).
 */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./measure-worker.js', self));
  const target = new URL('./measure-worker.ts', self).href;
  const tsxDir = path.dirname(createRequire(self).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}));`;
  return new Worker(boot, { eval: true });
}

export async function measureSegments(
  job: Omit<SegmentJob, 'segmentStart' | 'segmentEnd' | 'preroll' | 'isLast'>,
  fromFrame: number,
  toFrame: number,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ParallelResult> {
  const sub = subBlockLength(job.sampleRate);
  const total = toFrame - fromFrame;
  // segments are whole sub-blocks long so every sub-block lies in exactly one segment
  const perSegment = Math.ceil(total / threads / sub) * sub;
  const jobs: SegmentJob[] = [];
  for (let start = fromFrame; start < toFrame; start += perSegment) {
    const end = Math.min(toFrame, start + perSegment);
    jobs.push({ ...job, segmentStart: start, segmentEnd: end, preroll: Math.min(start, job.sampleRate), isLast: end === toFrame });
  }
  let done = 0;
  const results = await Promise.all(
    jobs.map(
      (j) =>
        new Promise<SegmentResult>((resolve, reject) => {
          const w = startWorker();
          w.on('message', (msg: { progress?: number; result?: SegmentResult; error?: { message: string; code?: string } }) => {
            if (msg.progress !== undefined) {
              done += msg.progress;
              onProgress?.(done, total);
            } else if (msg.result) {
              resolve(msg.result);
              void w.terminate();
            } else if (msg.error) {
              reject(new DubstageError({ code: (msg.error.code as 'io') ?? 'io', message: msg.error.message, path: j.input.path }));
              void w.terminate();
            }
          });
          w.on('error', reject);
          w.postMessage(j);
        }),
    ),
  );
  const subBlocks = results.flatMap((r) => r.subBlocks);
  const channels: ChannelStats[] = results[0]!.channels.map(() => ({ samplePeak: 0, truePeak: 0, sumSquares: 0 }));
  for (const r of results) {
    r.channels.forEach((c, i) => {
      const m = channels[i]!;
      m.samplePeak = Math.max(m.samplePeak, c.samplePeak);
      m.truePeak = Math.max(m.truePeak, c.truePeak);
      m.sumSquares += c.sumSquares;
    });
  }
  return {
    subBlocks,
    channels,
    frames: results.reduce((n, r) => n + r.frames, 0),
    truePeakWork: {
      oversampled: results.reduce((n, r) => n + r.truePeakWork.oversampled, 0),
      skipped: results.reduce((n, r) => n + r.truePeakWork.skipped, 0),
    },
  };
}
