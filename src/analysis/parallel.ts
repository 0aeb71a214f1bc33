/**
 * One stream split across worker threads by time segments, for every analyzer whose definition says its
 * result merges (src/analyzers/index.ts: loudness, DC offset, a plugin's own). Each worker opens the
 * file itself, warms the analyzers on a pre-roll before its segment (the longest pre-roll any of them
 * asks for), and returns each analyzer's partial result; the definitions merge the partials in time
 * order. For loudness the merged result is the single-thread result (tested): its sub-block sequences
 * concatenate exactly and its pre-roll settles the K-filter to double precision.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { AudioInput } from '../audio/multimono.js';
import { openAudio } from '../audio/open.js';
import { DubstageError } from '../errors.js';
import { analyzerDefinition, type AnalyzerNeed } from '../analyzers/index.js';
import { subBlockLength } from '../analyzers/loudness.js';
import type { AudioBlock, StreamInfo } from '../analyzers/types.js';
import { defaultThreads, WorkerPool, type TaskContext } from './pool.js';
import { mergeNonFinite, NonFiniteScrubber, type NonFiniteReport } from './non-finite.js';

/** Where a segment's (and the merged) non-finite sample report sits among the analyzers' results. */
export const NON_FINITE_KEY = '#non-finite';

export { defaultThreads };

export interface SegmentJob {
  input: AudioInput;
  labels: ChannelLabel[];
  sampleRate: number;
  segmentStart: number;
  segmentEnd: number;
  preroll: number;
  isLast: boolean;
  /** The mergeable analyzers of the pass (ids in the registry) with their options. */
  analyzers: AnalyzerNeed[];
}

/** Worth splitting: below this a worker's start-up costs more than it saves. */
export const PARALLEL_MIN_SECONDS = 60;

const BLOCK = 48000;

/** An analyzer's definition and its segment merge (refused when it has none). */
export function segmentDefinition(id: string) {
  const def = analyzerDefinition(id);
  if (!def?.segments) throw new DubstageError({ code: 'usage', message: `analyzer '${id}' does not merge across segments` });
  return { def, seg: def.segments };
}

/** One segment in a worker: warm every analyzer on the pre-roll, run the segment, return the partials by id. */
export async function runSegment(job: SegmentJob, ctx: TaskContext): Promise<Record<string, unknown>> {
  const source = await openAudio(job.input, { channels: job.labels });
  try {
    const n = job.labels.length;
    const stream: StreamInfo = { sampleRate: job.sampleRate, channelCount: n, channelLabels: job.labels, frames: job.segmentEnd - job.segmentStart };
    const running = job.analyzers.map((need) => {
      const { def, seg } = segmentDefinition(need.id);
      const analyzer = seg.createSegment ? seg.createSegment(need.options ?? {}, stream) : def.create(need.options ?? {}, stream);
      analyzer.start(stream);
      return { id: need.id, seg, analyzer };
    });
    const channels = Array.from({ length: n }, () => new Float32Array(BLOCK));
    // NaN/±Inf in float files are scrubbed before the analyzers, as the single-thread host does
    const scrubber = source.header.format.sampleFormat === 'float' ? new NonFiniteScrubber(job.sampleRate, job.labels, job.segmentStart) : null;
    const block: AudioBlock = { channels, frames: 0, frameOffset: 0 };
    source.seek(job.segmentStart - job.preroll);
    let warm = job.preroll;
    while (warm > 0) {
      const got = source.read(channels, Math.min(BLOCK, warm));
      if (got === 0) break;
      block.frames = got;
      scrubber?.scrub(channels, got, 0, false);
      // every analyzer that warms up sees the whole pre-roll (the longest asked for): settling longer is harmless
      for (const r of running) r.seg.warmUp?.(r.analyzer, block);
      warm -= got;
    }
    let left = job.segmentEnd - job.segmentStart;
    let done = 0;
    while (left > 0) {
      const got = source.read(channels, Math.min(BLOCK, left));
      if (got === 0) break;
      block.frames = got;
      block.frameOffset = done;
      scrubber?.scrub(channels, got, done);
      for (const r of running) {
        const p = r.analyzer.process(block);
        if (p) await p;
      }
      left -= got;
      done += got;
      ctx.progress(got);
    }
    const out: Record<string, unknown> = {};
    for (const r of running) out[r.id] = r.seg.partial(r.analyzer, job.isLast);
    out[NON_FINITE_KEY] = scrubber?.report() ?? null;
    return out;
  } finally {
    source.close();
  }
}

/** Measure [fromFrame, toFrame) of an input on `threads` workers; returns each analyzer's merged result by id. */
export async function measureSegments(
  job: { input: AudioInput; labels: ChannelLabel[]; sampleRate: number; analyzers: AnalyzerNeed[]; plugins?: string[] },
  fromFrame: number,
  toFrame: number,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Record<string, unknown>> {
  const total = toFrame - fromFrame;
  const prerollFrames = Math.round(Math.max(0, ...job.analyzers.map((a) => segmentDefinition(a.id).seg.prerollSeconds)) * job.sampleRate);
  const jobs: SegmentJob[] = planSegments(fromFrame, toFrame, threads, job.sampleRate, prerollFrames).map((seg) => ({
    input: job.input,
    labels: job.labels,
    sampleRate: job.sampleRate,
    analyzers: job.analyzers,
    ...seg,
  }));
  const pool = new WorkerPool(jobs.length);
  try {
    const parts = await runSegments<SegmentJob, Record<string, unknown>>(pool, import.meta.url, 'runSegment', jobs, { plugins: job.plugins, total, onProgress, path: job.input.path });
    const stream: StreamInfo = { sampleRate: job.sampleRate, channelCount: job.labels.length, channelLabels: job.labels, frames: total };
    const out: Record<string, unknown> = {};
    for (const need of job.analyzers) out[need.id] = segmentDefinition(need.id).seg.merge(parts.map((p) => p[need.id]), stream, need.options ?? {});
    out[NON_FINITE_KEY] = mergeNonFinite(parts.map((p) => p[NON_FINITE_KEY] as NonFiniteReport | null));
    return out;
  } finally {
    await pool.close();
  }
}

/** A time segment of a split pass: [segmentStart, segmentEnd), the pre-roll it warms its meters on, whether it ends the stream. */
export interface SegmentBounds {
  segmentStart: number;
  segmentEnd: number;
  preroll: number;
  isLast: boolean;
}

/**
 * [fromFrame, toFrame) in `threads` segments of whole loudness sub-blocks (every sub-block lies in exactly
 * one). `lead` (0 = equal lengths) lengthens the earlier segments against the later ones, segment k's
 * share ∝ 1 / (1 + lead · k): where a later segment has work of its own to reach its start (an ADM
 * master's cursors jumping there), the threads then finish together.
 */
export function planSegments(fromFrame: number, toFrame: number, threads: number, sampleRate: number, prerollFrames: number, lead = 0): SegmentBounds[] {
  const sub = subBlockLength(sampleRate);
  const weights = Array.from({ length: threads }, (_, k) => 1 / (1 + lead * k));
  const sum = weights.reduce((a, b) => a + b, 0);
  const out: SegmentBounds[] = [];
  let start = fromFrame;
  for (let k = 0; k < threads && start < toFrame; k++) {
    const share = Math.ceil(((toFrame - fromFrame) * weights[k]!) / sum / sub) * sub;
    const end = k === threads - 1 ? toFrame : Math.min(toFrame, start + share);
    out.push({ segmentStart: start, segmentEnd: end, preroll: Math.min(start, prerollFrames), isLast: end === toFrame });
    start = end;
  }
  return out;
}

/** One task per segment job on `pool` (`fn` of `module`), their progress summed; a worker's error names `path`. */
export async function runSegments<J, R>(
  pool: WorkerPool,
  module: string,
  fn: string,
  jobs: J[],
  o: { plugins?: string[] | undefined; total: number; onProgress?: ((done: number, total: number) => void) | undefined; path: string },
): Promise<R[]> {
  let done = 0;
  return (await Promise.all(
    jobs.map((arg) =>
      pool
        .run(
          { module, fn, arg, ...(o.plugins?.length ? { plugins: o.plugins } : {}) },
          {
            onProgress: (n) => {
              done += n;
              o.onProgress?.(done, o.total);
            },
          },
        )
        .catch((err: { message: string; code?: string }) => {
          throw new DubstageError({ code: (err.code as 'io') ?? 'io', message: err.message, path: o.path });
        }),
    ),
  )) as R[];
}
