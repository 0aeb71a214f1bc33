/**
 * Measure one input (a file or a multi-mono set) in one streaming pass: loudness, peaks, per-channel
 * figures, and any extra analyzers (QC signal checks, speech) riding the same read.
 */
import { readDolbyAtmos, type DolbyAtmosReport } from '../audio/dolby-atmos/index.js';
import type { ChannelLabel } from '../audio/channels.js';
import type { AudioInput } from '../audio/multimono.js';
import { openAudio } from '../audio/open.js';
import { openFileSource } from '../audio/bytesource.js';
import { checksumTap, type FileChecksums } from '../audio/checksum.js';
// IMF virtual-track addresses (CPL.xml#track<N>) open through the audio address registry
import '../imf/index.js';
import type { AudioSource } from '../audio/types.js';
import { toErrorInfo } from '../errors.js';
import { admLoudnessScope, admTrackLabels, readAdm, type AdmReport } from '../audio/adm/index.js';
import { selectChannels } from '../audio/select.js';
import { isEmbeddedPath, openEmbedded } from './embedded.js';
import { LoudnessAnalyzer, type LoudnessOptions, type LoudnessResult } from '../analyzers/loudness.js';
import { defaultThreads, measureSegments, NON_FINITE_KEY, PARALLEL_MIN_SECONDS } from './parallel.js';
import type { WorkerPool } from './pool.js';
import { mergeNonFinite, nonFiniteWarning, type NonFiniteReport } from './non-finite.js';
import { RENDER_BLOCK_FRAMES, runAnalyzers } from './host.js';
import { rangeBoundSeconds } from './range.js';
import type { Rational } from '../session/time.js';
import { formatSummary, type FileMeasurement, type FormatSummary } from './results.js';
import { allMergeable, createAnalyzer, type AnalyzerNeed } from '../analyzers/index.js';
import type { Analyzer, StreamInfo } from '../analyzers/types.js';
import type { AdmMasterResult } from '../render/adm/parallel.js';

export interface MeasureOptions {
  channels?: ChannelLabel[];
  fromSeconds?: number;
  toSeconds?: number;
  /** --from / --to as typed (seconds or timecode on the file's clock), resolved per file. */
  from?: string;
  to?: string;
  /** Frame rate for timecode bounds. */
  fps?: Rational;
  series?: boolean;
  dualMono?: boolean;
  /** Extra analyzers for this pass by registry id (src/analyzers/index.ts); results land in FileMeasurement.analyzers[id]. */
  plan?: AnalyzerNeed[];
  /** Extra analyzers made by the caller, fresh per file (after the plan's); results land in FileMeasurement.analyzers[id]. */
  analyzers?: (source: AudioSource) => Analyzer<unknown>[];
  /** Called with the plan's analyzers once made (a caller that reads one of them after the pass, e.g. speech). */
  onAnalyzers?: (made: Map<string, Analyzer<unknown>>) => void;
  /** Plugin modules (file URLs) a worker must load to find the plan's plugin analyzers. */
  plugins?: string[];
  /** Called with the finished loudness analyzer (block energies for dialogue gating). */
  onLoudness?: (loudness: LoudnessAnalyzer, measurement: FileMeasurement) => void | Promise<void>;
  onProgress?: (done: number, total: number) => void;
  noTruePeakSkip?: boolean;
  onStep?: LoudnessOptions['onStep'];
  /** Worker threads for the loudness pass (1 = the plain single-thread path). Default: defaultThreads(). */
  threads?: number;
  /** Each file's MD5 and SHA-256, fed by this pass's reads (FileMeasurement.checksums); the pass stays in one thread, in order. */
  checksums?: boolean;
  /**
   * An ADM master's renders (src/render/adm): `wrap` gets the source with all its tracks before the
   * bed is selected, so the renders ride this pass; `measureAlone` runs them when there is no bed.
   */
  admRender?: (report: AdmReport | DolbyAtmosReport) => {
    wrap(source: AudioSource): AudioSource;
    measureAlone(source: AudioSource): Promise<void>;
    /** Analyzers of the renders that must ride the host's pass (speech on a render); the hook finishes them. */
    analyzers?(): Analyzer<unknown>[];
    /** The layouts when the renders may be measured by a parallel pass (src/render/adm/parallel.ts), else null. */
    parallelLayouts?(): string[] | null;
    /** The parallel pass's results, in place of wrap / measureAlone. */
    adopt?(result: AdmMasterResult): void;
    /** NaN/±Inf the render read as 0 on any track (the wrap scrubs before rendering, so the host finds none there). */
    nonFinite?(): NonFiniteReport | null;
  } | null;
}

type RenderHook = NonNullable<ReturnType<NonNullable<MeasureOptions['admRender']>>>;

/** A master whose renders are measured on worker threads: what the split pass needs beside the options. */
interface AdmSplit {
  renders: RenderHook;
  layouts: string[];
  audioPath: string;
  atmosPath: string | null;
  bedTracks: number[];
  bedLabels: ChannelLabel[];
  threads: number;
}

/**
 * Threads for an ADM / DAMF master's split pass (src/render/adm/parallel.ts), or 0 for the single pass:
 * the renders must allow it (none written, no speech on them), the pass must be the whole file with
 * mergeable analyzers and no caller hooks into the stream, the audio plain PCM, long enough to pay back.
 */
function admSplitThreads(options: MeasureOptions, renders: RenderHook, header: AudioSource['header']): number {
  if (!renders.adopt || !renders.parallelLayouts?.() || !splitFits(options, header)) return 0;
  return options.threads ?? defaultThreads();
}

/**
 * What a split pass needs of the pass and the file, before the renders have their say: two threads or
 * more, no caller hooks into the stream, the whole file, mergeable analyzers, plain PCM, long enough.
 * Also whether to start the split's workers before the master's ADM is read.
 */
function splitFits(options: MeasureOptions, header: AudioSource['header']): boolean {
  const threads = options.threads ?? defaultThreads();
  if (threads < 2 || options.analyzers || options.onAnalyzers || options.onLoudness || options.onStep || options.checksums || options.channels) return false;
  if (options.from !== undefined || options.to !== undefined || options.fromSeconds !== undefined || options.toSeconds !== undefined) return false;
  if (!allMergeable(options.plan ?? [])) return false;
  const f = header.format;
  if (header.codec === 'flac' || header.codec === 'mp3' || header.codec === 'ogg' || f.container === 'imf') return false;
  return f.frames >= ADM_SPLIT_MIN_SECONDS * f.sampleRate;
}

/** Below this a worker's start-up (modules, the master's metadata) costs more than the split saves. */
const ADM_SPLIT_MIN_SECONDS = 10;

/** True when the ADM has bed channels to measure (the renders then ride the bed's pass). */
const scope0 = (report: AdmReport): boolean => admLoudnessScope(report).indices.length > 0;

/** Measure one input. Never throws for a bad file: the error is in the result. */
/** The header's count-based layout guess (or its lack), moot once the ADM has labelled the tracks. */
function isCountGuess(w: string): boolean {
  return w.startsWith('channel layout assumed') || w.startsWith('no channel layout known');
}

/** A Dolby Atmos master set's .atmos and .atmos.metadata (read whole once more for their hashes; the pass read the .atmos.audio's). */
function setChecksums(damf: DolbyAtmosReport): FileChecksums[] {
  return [damf.files.atmos, damf.files.metadata].map((f) => {
    const src = openFileSource(f);
    try {
      return checksumTap(src).finish();
    } finally {
      src.close();
    }
  });
}

export async function measureFile(input: AudioInput | string, options: MeasureOptions = {}): Promise<FileMeasurement> {
  const inp: AudioInput = typeof input === 'string' ? { path: input } : input;
  const out: FileMeasurement = { path: inp.path, warnings: [] };
  if (inp.files && inp.files.length > 1) out.files = inp.files;
  let source: AudioSource | null = null;
  // workers started early for a split pass (closed at the end when the pass was not split)
  let warmed: WorkerPool | null = null;
  const takeWarmed = (): WorkerPool | null => {
    const w = warmed;
    warmed = null;
    return w;
  };
  try {
    const openOptions = { ...(options.channels ? { channels: options.channels } : {}), ...(options.checksums ? { checksums: true } : {}) };
    // a Dolby Atmos master set (.atmos): its CAF .atmos.audio is the audio; the bed is measured, the renders ride the pass
    const damf = !inp.files && /\.atmos$/i.test(inp.path) && !isEmbeddedPath(inp.path) ? await readDolbyAtmos(inp.path) : null;
    source = damf ? await openAudio({ path: damf.files.audio }, openOptions) : isEmbeddedPath(inp.path) ? openEmbedded(inp.path, openOptions) : await openAudio(inp, openOptions);
    let admMaster = false;
    let split: AdmSplit | null = null;
    // the renders ride this pass (the source is wrapped by the render tap)
    let rendering = false;
    let renderAnalyzers: Analyzer<unknown>[] = [];
    // the render tap scrubs NaN/±Inf on every track before rendering: its count is the file's
    let renderNonFinite: (() => NonFiniteReport | null) | null = null;
    const noteRenderNonFinite = (): void => {
      const tapped = renderNonFinite?.() ?? null;
      if (tapped) out.nonFinite = mergeNonFinite([out.nonFinite ?? null, tapped])!;
    };
    let fileFormat: FormatSummary | null = null;
    if (damf) {
      admMaster = true;
      const renders = options.admRender?.(damf) ?? null;
      renderNonFinite = renders?.nonFinite ?? null;
      const bed = damf.bedDetails.flatMap((b) => b.channels).filter((c) => c.track <= source!.header.format.channels);
      const threads = renders ? admSplitThreads(options, renders, source.header) : 0;
      if (renders && threads > 0) {
        split = { renders, layouts: renders.parallelLayouts!()!, audioPath: damf.files.audio, atmosPath: inp.path, bedTracks: bed.map((c) => c.track - 1), bedLabels: bed.map((c) => c.label), threads };
      } else if (renders && bed.length > 0) {
        source = renders.wrap(source);
        rendering = true;
        renderAnalyzers = renders.analyzers?.() ?? [];
      }
      // the CAF's count-based layout guess is moot: the .atmos names the bed channels
      source.header.warnings = source.header.warnings.filter((w) => !w.startsWith('channel layout assumed') && !w.startsWith('no channel layout known'));
      out.warnings.push(
        `Dolby Atmos master set: ${bed.length > 0 ? `the bed (${damf.beds.map((b) => b.layout).join(' + ')}) is measured alone` : 'no bed'}; ${damf.objects} object(s) ${renders ? 'in the renders only' : 'not measured (no render asked)'}`,
      );
      if (bed.length === 0) {
        if (split) await measureSplit(split, source.header.format.sampleRate, source.header.format.frames, options, takeWarmed());
        else if (renders) await renders.measureAlone(source);
        noteRenderNonFinite();
        if (out.nonFinite) out.warnings.push(nonFiniteWarning(out.nonFinite));
        out.format = formatSummary(source.header.format);
        out.channelLabelSource = 'adm';
        out.loudness = { integratedLufs: null, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null, plrLu: null };
        out.channels = [];
        out.warnings.push(...source.header.warnings);
        if (options.checksums && source.checksums) out.checksums = [...setChecksums(damf), ...source.checksums()];
        return out;
      }
      fileFormat = formatSummary(source.header.format);
      source = selectChannels(source, bed.map((c) => c.track - 1), bed.map((c) => c.label));
    } else if (source.header.hasAxml && !options.channels) {
      // an ADM master: label by the ADM and measure the bed alone (objects are not rendered yet)
      admMaster = true;
      // a long master with renders asked for will likely be split: its workers load while the ADM is read
      if (options.admRender && splitFits(options, source.header)) warmed = (await import('../render/adm/parallel.js')).warmPool(options.threads ?? defaultThreads(), inp.path);
      const report = await readAdm(inp.path, source.header);
      const renders = options.admRender?.(report) ?? null;
      renderNonFinite = renders?.nonFinite ?? null;
      const labels = admTrackLabels(report);
      const scope = admLoudnessScope(report, { rendered: renders !== null });
      const threads = renders ? admSplitThreads(options, renders, source.header) : 0;
      if (renders && threads > 0) {
        const bedTracks = labels ? labels.map((_, i) => i) : scope.indices;
        split = { renders, layouts: renders.parallelLayouts!()!, audioPath: inp.path, atmosPath: null, bedTracks, bedLabels: labels ?? scope.labels, threads };
      } else if (renders && scope0(report)) {
        source = renders.wrap(source);
        rendering = true;
        renderAnalyzers = renders.analyzers?.() ?? [];
      }
      if (labels) {
        source.header.format.channelLabels = labels;
        source.header.format.labelSource = 'adm';
      } else if (scope.indices.length > 0) {
        fileFormat = formatSummary(source.header.format);
        source = selectChannels(source, scope.indices, scope.labels);
      }
      out.warnings.push(`ADM: ${scope.note}`);
      // the count-based guess is moot once the ADM has spoken
      source.header.warnings = source.header.warnings.filter((w) => !isCountGuess(w));
      if (scope.indices.length === 0) {
        if (split) await measureSplit(split, source.header.format.sampleRate, source.header.format.frames, options, takeWarmed());
        else if (renders) await renders.measureAlone(source);
        noteRenderNonFinite();
        if (out.nonFinite) out.warnings.push(nonFiniteWarning(out.nonFinite));
        const f = source.header.format;
        out.format = formatSummary(f);
        out.channelLabelSource = 'adm';
        out.loudness = { integratedLufs: null, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null, plrLu: null };
        out.channels = [];
        out.warnings.push(...source.header.warnings);
        if (options.checksums && source.checksums) out.checksums = source.checksums();
        return out;
      }
    }
    fileFormat ??= formatSummary(source.header.format);
    const h = source.header;
    const f = h.format;
    out.format = fileFormat;
    out.channelLabelSource = f.labelSource;
    if (h.imf) out.imf = h.imf;
    if (h.mxf) out.mxf = h.mxf;
    out.warnings.push(...h.warnings);
    const fps = options.fps ?? { num: 24, den: 1 };
    const fromSeconds = options.from !== undefined ? rangeBoundSeconds(options.from, h, fps, '--from') : options.fromSeconds;
    const toSeconds = options.to !== undefined ? rangeBoundSeconds(options.to, h, fps, '--to') : options.toSeconds;
    const fromFrame = fromSeconds !== undefined ? Math.round(fromSeconds * f.sampleRate) : 0;
    const toFrame = toSeconds !== undefined ? Math.round(toSeconds * f.sampleRate) : f.frames;
    if (fromFrame > f.frames) out.warnings.push(`--from is past the end of the file (${f.durationSeconds.toFixed(3)} s): nothing measured`);
    if (toFrame <= fromFrame && fromFrame <= f.frames) out.warnings.push('--to is not after --from: nothing measured');
    const from = Math.max(0, Math.min(fromFrame, f.frames));
    const to = Math.max(from, Math.min(toFrame, f.frames));
    const threads = options.threads ?? defaultThreads();
    const plan = options.plan ?? [];
    const parallel =
      threads > 1 &&
      !options.analyzers &&
      !options.onAnalyzers &&
      allMergeable(plan) &&
      !options.onLoudness &&
      !options.onStep &&
      !options.checksums &&
      !admMaster &&
      !isEmbeddedPath(inp.path) &&
      // an IMF virtual track hashes its track files in order: one pass, one thread
      f.container !== 'imf' &&
      h.codec !== 'flac' && h.codec !== 'mp3' && h.codec !== 'ogg' &&
      to - from >= PARALLEL_MIN_SECONDS * f.sampleRate;
    let r: LoudnessResult;
    if (split) {
      const merged = await measureSplit(split, f.sampleRate, f.frames, options, takeWarmed());
      const { truePeakWork: _w, ...rest } = merged.bed.loudness as LoudnessResult & { truePeakWork: unknown };
      r = rest;
      if (merged.nonFinite) out.nonFinite = merged.nonFinite;
      if (plan.length > 0) {
        out.analyzers = {};
        for (const need of plan) out.analyzers[need.id] = merged.bed[need.id];
      }
    } else if (parallel) {
      // the workers open the file themselves
      source.close();
      source = null;
      const loudnessOptions = { series: options.series, dualMono: options.dualMono, noTruePeakSkip: options.noTruePeakSkip };
      const job = { input: inp, labels: f.channelLabels, sampleRate: f.sampleRate, analyzers: [{ id: 'loudness', options: loudnessOptions }, ...plan], ...(options.plugins ? { plugins: options.plugins } : {}) };
      const merged = await measureSegments(job, from, to, threads, options.onProgress);
      const { truePeakWork: _w, ...rest } = merged.loudness as LoudnessResult & { truePeakWork: unknown };
      r = rest;
      const nonFinite = merged[NON_FINITE_KEY] as NonFiniteReport | null;
      if (nonFinite) out.nonFinite = nonFinite;
      if (plan.length > 0) {
        out.analyzers = {};
        for (const need of plan) out.analyzers[need.id] = merged[need.id];
      }
    } else {
      const loudness = new LoudnessAnalyzer({
        series: options.series,
        dualMono: options.dualMono,
        noTruePeakSkip: options.noTruePeakSkip,
        onStep: options.onStep,
      });
      const stream: StreamInfo = { sampleRate: f.sampleRate, channelCount: f.channels, channelLabels: f.channelLabels, frames: to - from };
      const made = new Map(plan.map((need) => [need.id, createAnalyzer(need, stream)] as const));
      options.onAnalyzers?.(made);
      const extras = [...made.values(), ...(options.analyzers ? options.analyzers(source) : [])];
      const hostOptions: Parameters<typeof runAnalyzers>[2] = {
        fromFrame: from,
        toFrame: to,
        ...(rendering ? { blockFrames: RENDER_BLOCK_FRAMES } : {}),
        onNonFinite: (report) => {
          if (report) out.nonFinite = report;
        },
      };
      if (options.onProgress) hostOptions.onProgress = options.onProgress;
      await runAnalyzers(source, [loudness, ...extras, ...renderAnalyzers], hostOptions);
      noteRenderNonFinite();
      r = loudness.finish();
      if (extras.length > 0) {
        out.analyzers = {};
        for (const a of extras) out.analyzers[a.id] = a.finish();
      }
      if (options.onLoudness) {
        out.loudness = r.loudness;
        out.channels = r.channels;
        await options.onLoudness(loudness, out);
      }
    }
    // the hashes cover what the pass did not read (before --from, after --to, chunks after the data)
    if (options.checksums && source?.checksums) out.checksums = [...(damf ? setChecksums(damf) : []), ...source.checksums()];
    out.loudness = { ...r.loudness, ...(out.loudness?.dialogue ? { dialogue: out.loudness.dialogue } : {}) };
    out.channels = r.channels;
    if (r.series) out.series = r.series;
    out.warnings.push(...r.warnings);
    if (out.nonFinite) out.warnings.push(nonFiniteWarning(out.nonFinite));
  } catch (err) {
    out.error = toErrorInfo(err, inp.path);
  } finally {
    source?.close();
    await takeWarmed()?.close();
  }
  return out;
}

/** The split pass of an ADM / DAMF master (bed analyzers and renders on worker threads); the hook adopts the renders. */
async function measureSplit(split: AdmSplit, sampleRate: number, frames: number, options: MeasureOptions, warmed: WorkerPool | null) {
  const { measureAdmMaster } = await import('../render/adm/parallel.js');
  const loudnessOptions = { series: options.series, dualMono: options.dualMono, noTruePeakSkip: options.noTruePeakSkip };
  const analyzers: AnalyzerNeed[] = [{ id: 'loudness', options: loudnessOptions }, ...(options.plan ?? [])];
  const merged = await measureAdmMaster(
    { audioPath: split.audioPath, atmosPath: split.atmosPath, bedTracks: split.bedTracks, bedLabels: split.bedLabels, layouts: split.layouts, sampleRate, analyzers, ...(options.plugins ? { plugins: options.plugins } : {}) },
    frames,
    split.threads,
    options.onProgress,
    warmed ?? undefined,
  );
  split.renders.adopt!(merged);
  return merged;
}
