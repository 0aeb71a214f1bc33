/**
 * An ADM master (or Dolby Atmos master set) measured with its renders on several threads: the file is
 * split into time segments as for any other file (src/analysis/parallel.ts), and each worker reads every
 * track of its segment, renders it (BS.2127, src/render/adm) and meters the bed and each render. A
 * render at a frame depends on the metadata only, never on earlier audio, so a worker starts its
 * renderer at its pre-roll (the metadata walked up to there) and renders exactly the samples the single
 * pass renders; the meters' partials then merge to the single-pass figures (tested).
 */
import type { ChannelLabel } from '../../audio/channels.js';
import { readDolbyAtmos } from '../../audio/dolby-atmos/index.js';
import { statSync } from 'node:fs';
import { openAudio, readAudioHeader } from '../../audio/open.js';
import type { AnalyzerNeed } from '../../analyzers/index.js';
import { LoudnessSegmentAnalyzer, mergeLoudness, type LoudnessPartial, type LoudnessResult } from '../../analyzers/loudness.js';
import type { AudioBlock, StreamInfo } from '../../analyzers/types.js';
import { WorkerPool, type TaskContext } from '../../analysis/pool.js';
import { planSegments, runSegments, segmentDefinition } from '../../analysis/parallel.js';
import { RENDER_BLOCK_FRAMES } from '../../analysis/host.js';
import { mergeNonFinite, NonFiniteScrubber, type NonFiniteReport } from '../../analysis/non-finite.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../../errors.js';
import { targetLayout } from './layouts.js';
import type { UnrenderedFeatures } from './metadata.js';
import { AdmRenderer } from './renderer.js';
import { renderSetup } from './measure-renders.js';
import type { DbmdSummary } from './dbmd.js';

const BLOCK = RENDER_BLOCK_FRAMES;

export interface AdmMasterJob {
  /** The audio to read: the ADM BWF, or a DAMF set's .atmos.audio. */
  audioPath: string;
  /** A DAMF set's .atmos (its metadata are the render's), else null. */
  atmosPath: string | null;
  /** File tracks (0-based) that are the bed the file's own loudness is measured on, and their labels (none: objects only). */
  bedTracks: number[];
  bedLabels: ChannelLabel[];
  /** Render layouts by name ("5.1", "2.0"). */
  layouts: string[];
  sampleRate: number;
  /** Mergeable analyzers of the bed (registry ids: loudness first). */
  analyzers: AnalyzerNeed[];
  plugins?: string[];
}

export interface AdmSegmentJob extends AdmMasterJob {
  segmentStart: number;
  segmentEnd: number;
  preroll: number;
  isLast: boolean;
}

interface AdmSegmentPartial {
  bed: Record<string, unknown>;
  nonFinite: NonFiniteReport | null;
  renders: LoudnessPartial[] | null;
  renderError: ErrorInfo | null;
  unrendered: UnrenderedFeatures | null;
  skipped: Array<{ objectId: string; type: string }>;
  dbmd: DbmdSummary | null;
}

/** What the segments of one master give once merged. */
export interface AdmMasterResult {
  /** The bed analyzers' merged results by id (empty without a bed). */
  bed: Record<string, unknown>;
  nonFinite: NonFiniteReport | null;
  /** Per layout, in the job's order; null when the render failed (renderError says why). */
  renders: LoudnessResult[] | null;
  renderError: ErrorInfo | null;
  unrendered: UnrenderedFeatures;
  skipped: Array<{ objectId: string; type: string }>;
  dbmd: DbmdSummary | null;
}


/** One segment in a worker: every track read, the bed metered, the renders made and metered. */
export async function runAdmSegment(job: AdmSegmentJob, ctx: TaskContext): Promise<AdmSegmentPartial> {
  const source = await openAudio({ path: job.audioPath });
  try {
    const fmt = source.header.format;
    const frames = job.segmentEnd - job.segmentStart;
    const bedStream: StreamInfo = { sampleRate: job.sampleRate, channelCount: job.bedTracks.length, channelLabels: job.bedLabels, frames };
    const bed = job.bedTracks.length === 0 ? [] : job.analyzers.map((need) => {
      const { def, seg } = segmentDefinition(need.id);
      const analyzer = seg.createSegment ? seg.createSegment(need.options ?? {}, bedStream) : def.create(need.options ?? {}, bedStream);
      analyzer.start(bedStream);
      return { id: need.id, seg, analyzer };
    });
    const layouts = job.layouts.map(targetLayout);
    let renderer: AdmRenderer | null = null;
    let renderError: ErrorInfo | null = null;
    let skipped: AdmSegmentPartial['skipped'] = [];
    let dbmd: DbmdSummary | null = null;
    const meters = layouts.map((l) => {
      const m = new LoudnessSegmentAnalyzer({});
      m.start({ sampleRate: job.sampleRate, channelCount: l.speakers.length, channelLabels: l.speakers.map((s) => s.label), frames });
      return m;
    });
    // the single pass reads blocks of BLOCK frames from frame 0: reading on the same grid renders the same
    // slices, ramps and kernel runs, so every rendered sample is the single pass's to the bit
    const first = Math.floor((job.segmentStart - job.preroll) / BLOCK) * BLOCK;
    try {
      const warmed = !job.atmosPath && scanned?.key === fileKey(job.audioPath) ? scanned.setup : null;
      scanned = null;
      const setup = warmed ?? renderSetup(job.atmosPath ? await readDolbyAtmos(job.atmosPath) : null, source.header);
      skipped = setup.skipped;
      dbmd = setup.dbmd;
      renderer = new AdmRenderer(setup.makeFeed(), layouts, job.sampleRate, BLOCK, true, fmt.channels);
      // each block's unrendered features are counted by the segment it starts in (set before the walk to the start)
      renderer.countBlocksIn(job.segmentStart, job.isLast ? Number.POSITIVE_INFINITY : job.segmentEnd);
      if (first > 0) renderer.reset(first);
    } catch (err) {
      renderError = toErrorInfo(err, job.atmosPath ?? job.audioPath);
      renderer?.close();
      renderer = null;
    }
    // read straight into the mixer's inputs (no copy per block)
    const all = renderer?.inputsFor(fmt.channels) ?? Array.from({ length: fmt.channels }, () => new Float32Array(BLOCK));
    const bedChannels = job.bedTracks.map((t) => all[t]!);
    // NaN/±Inf are scrubbed on every track before the meters and the renders, and reported under the bed's
    // labels or the file's track (ChN), as the single pass's render tap does
    const labels = Array.from({ length: fmt.channels }, (_, t) => `Ch${t + 1}` as ChannelLabel);
    job.bedTracks.forEach((t, k) => (labels[t] = job.bedLabels[k]!));
    const scrubber = fmt.sampleFormat === 'float' ? new NonFiniteScrubber(job.sampleRate, labels, job.segmentStart) : null;
    source.seek(first);
    let position = first;
    let done = 0;
    // the part of a block at `from` (frames before the segment warm the meters, the rest is measured)
    const part = (channels: Float32Array[], from: number, frames: number, frameOffset: number): AudioBlock => ({
      channels: from === 0 ? channels : channels.map((c) => c.subarray(from)),
      frames,
      frameOffset,
    });
    while (position < job.segmentEnd) {
      const want = Math.min(BLOCK, job.segmentEnd - position);
      // a plain PCM file decodes straight into the mixer's slots (they are `all`): no copy between
      const target = renderer?.pcmTarget(fmt.channels) ?? null;
      let got = target && source.readInto ? source.readInto(target, want) : -1;
      if (got < 0) got = source.read(all, want);
      if (got === 0) break;
      const warm = Math.max(0, Math.min(got, job.segmentStart - position));
      const live = got - warm;
      if (scrubber) {
        if (warm > 0) scrubber.scrub(all, warm, 0, false);
        if (live > 0) scrubber.scrub(warm ? all.map((c) => c.subarray(warm)) : all, live, done);
      }
      if (renderer) {
        try {
          renderer.render(all, got);
          for (let l = 0; l < meters.length; l++) {
            // the warm part first: a meter may filter its block in place
            if (warm > 0) meters[l]!.warmUp(part(renderer.outputs[l]!, 0, warm, 0));
            if (live > 0) meters[l]!.process(part(renderer.outputs[l]!, warm, live, done));
          }
        } catch (err) {
          renderError = toErrorInfo(err, job.atmosPath ?? job.audioPath);
          renderer.close();
          renderer = null;
        }
      }
      for (const r of bed) {
        if (warm > 0) r.seg.warmUp?.(r.analyzer, part(bedChannels, 0, warm, 0));
        if (live > 0) {
          const p = r.analyzer.process(part(bedChannels, warm, live, done));
          if (p) await p;
        }
      }
      position += got;
      done += live;
      if (live > 0) ctx.progress(live);
    }
    const out: Record<string, unknown> = {};
    for (const r of bed) out[r.id] = r.seg.partial(r.analyzer, job.isLast);
    const partial: AdmSegmentPartial = {
      bed: out,
      nonFinite: scrubber?.report() ?? null,
      renders: renderError ? null : meters.map((m) => m.partial(job.isLast)),
      renderError,
      unrendered: renderer ? { ...renderer.unrendered } : null,
      skipped,
      dbmd,
    };
    renderer?.close();
    return partial;
  } finally {
    source.close();
  }
}

/**
 * How much longer an earlier segment is than a later one (planSegments' lead): a later segment's cursors
 * first jump over the blocks before it (reading each one's times), measured at about a tenth of
 * rendering the same stretch for a master of busy moving objects.
 */
const SPLIT_LEAD = 0.08;

/**
 * A worker's old generation capped: a split renders blocks of metadata whose garbage V8 otherwise lets
 * pile up with the master's length (a 10-minute master: 585 MB peak), where with the cap the heap stays
 * flat at the same speed (measured: 303 -> 181 MB for one thread's 10 minutes, 16.4 vs 16.5 s).
 */
const SPLIT_POOL = { resourceLimits: { maxOldGenerationSizeMb: 512 } };

/** A worker's first task: load the segment's modules while the main thread still reads the master's ADM. */
export function warm(arg: { audioPath: string } | null): null {
  // an ADM master's structure, scanned while the main thread reads its report (the segment takes it)
  if (arg) {
    try {
      const header = readAudioHeader(arg.audioPath);
      if (header.chunks.some((c) => c.id === 'axml')) scanned = { key: fileKey(arg.audioPath), setup: renderSetup(null, header) };
    } catch {
      scanned = null; // the segment reads it again and reports what is wrong
    }
  }
  return null;
}

/** The last master scanned by warm(), by path, size and modification time. */
let scanned: { key: string; setup: ReturnType<typeof renderSetup> } | null = null;

function fileKey(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.size}\0${st.mtimeMs}`;
}

/** A pool for a master's split pass, its workers already loading their modules and scanning `audioPath`'s ADM (close it when not used). */
export function warmPool(threads: number, audioPath?: string): WorkerPool {
  const pool = new WorkerPool(threads, SPLIT_POOL);
  for (let i = 0; i < threads; i++) void pool.run({ module: import.meta.url, fn: 'warm', arg: audioPath ? { audioPath } : null }).catch(() => undefined);
  return pool;
}

/** Measure a whole master and its renders on `threads` workers (time segments, merged in order); `warmed`: a pool from warmPool. */
export async function measureAdmMaster(job: AdmMasterJob, totalFrames: number, threads: number, onProgress?: (done: number, total: number) => void, warmed?: WorkerPool): Promise<AdmMasterResult> {
  const prerollSeconds = Math.max(1, ...job.analyzers.map((a) => segmentDefinition(a.id).seg.prerollSeconds));
  const jobs: AdmSegmentJob[] = planSegments(0, totalFrames, threads, job.sampleRate, Math.round(prerollSeconds * job.sampleRate), SPLIT_LEAD).map((seg) => ({ ...job, ...seg }));
  const pool = warmed ?? new WorkerPool(jobs.length, SPLIT_POOL);
  try {
    const parts = await runSegments<AdmSegmentJob, AdmSegmentPartial>(pool, import.meta.url, 'runAdmSegment', jobs, { plugins: job.plugins, total: totalFrames, onProgress, path: job.audioPath });
    const bedStream: StreamInfo = { sampleRate: job.sampleRate, channelCount: job.bedTracks.length, channelLabels: job.bedLabels, frames: totalFrames };
    const bed: Record<string, unknown> = {};
    if (job.bedTracks.length > 0) for (const need of job.analyzers) bed[need.id] = segmentDefinition(need.id).seg.merge(parts.map((p) => p.bed[need.id]), bedStream, need.options ?? {});
    const failed = parts.find((p) => p.renderError);
    const last = parts[parts.length - 1]!;
    let renders: LoudnessResult[] | null = null;
    if (!failed) {
      renders = job.layouts.map((name, l) => {
        const layout = targetLayout(name);
        const stream: StreamInfo = { sampleRate: job.sampleRate, channelCount: layout.speakers.length, channelLabels: layout.speakers.map((s) => s.label), frames: totalFrames };
        const { truePeakWork: _w, ...merged } = mergeLoudness(parts.map((p) => p.renders![l]!), stream, {});
        return merged;
      });
    }
    return {
      bed,
      nonFinite: mergeNonFinite(parts.map((p) => p.nonFinite)),
      renders,
      renderError: failed?.renderError ?? null,
      unrendered: sumUnrendered(parts.map((p) => p.unrendered)),
      skipped: last.skipped,
      dbmd: last.dbmd,
    };
  } finally {
    await pool.close();
  }
}

/** Each segment counted the blocks that start in it: the file's counts are their sums. */
function sumUnrendered(parts: Array<UnrenderedFeatures | null>): UnrenderedFeatures {
  const sum: UnrenderedFeatures = { extent: 0, diffuse: 0, zoneExclusion: 0, screenRef: 0, nearDistance: 0 };
  for (const p of parts) if (p) for (const k of Object.keys(sum) as (keyof UnrenderedFeatures)[]) sum[k] += p[k];
  return sum;
}
