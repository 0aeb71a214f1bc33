/**
 * The stems / M&E null engine: does a set of parts (DX/MX/FX stems, or MX+FX for an M&E) sum to the
 * reference (the printmaster, or the M&E)?
 *
 * Method (qc-tools.md §1.1 [P], thresholds as named constants below):
 * 1. Align: each part is cross-correlated (FFT, on a decimated mono excerpt where that part is loudest)
 *    against the reference, then refined sample-exactly at full rate. The offset is reported per part and
 *    compensated in the null, so a late stem shows as an offset, and any other fault still shows.
 * 2. One streaming pass over every file in lockstep (flat memory: one block per file): per channel,
 *    residual = Σ parts − reference; its peak and RMS, the null depth (reference RMS − residual RMS), and
 *    the least-squares gain of each part in the reference (−1: polarity inverted; 0.89: stem printed 1 dB
 *    hot).
 * 3. Residual in 10 ms windows: a window whose residual RMS exceeds −60 dBFS is "limiter" when the
 *    reference peaks within 1 dB of its ceiling in that window, the window before or after it, or within
 *    the hold time after such a window (a bus limiter's release), AND the residual has the sign of the
 *    reference (a limiter only turns the sum down, so Σ parts − reference = (1/g − 1)·reference: at least
 *    90 % of the window's residual energy must agree in sign); otherwise it is a content difference
 *    (a missing effect, a late EQ pass not applied to the stems). Content runs of 100 ms or more are
 *    `sustained` — the reference's fail condition; limiter runs are tolerated (Academy Digital Preservation
 *    Forum: "Peak limiting may be used at the discretion of the mix team").
 * 4. A coarse residual-vs-time series (per channel, every `seriesSeconds`) so a rule can line the residual
 *    up with other evidence (speech detected in an M&E = dialogue leak).
 *
 * Speed: the lockstep pass's sums run in a WASM SIMD kernel (./wasm/null-sums.as.ts via ../dsp/null-sums.ts:
 * two channels per f64x2, the files read straight into its memory) that gives the plain-JS loops' exact
 * numbers; the JS loops below stay as the fallback (no .wasm, DUBSTAGE_WASM=0, `useWasm: false`).
 *
 * Memory: one block per file, the alignment excerpts (seconds), the events kept, and the series
 * (2 numbers per channel per `seriesSeconds`: about 0.3 MB for two hours of 5.1). Synchronous: the
 * readers are; `onProgress` reports the lockstep pass.
 */
import { DubstageError } from '../errors.js';
import type { ChannelLabel } from '../audio/channels.js';
import { openAudio } from '../audio/open.js';
import type { AudioSource } from '../audio/types.js';
import { crossCorrelate } from '../dsp/fft.js';
import { defaultNullSumsWasm, nullSums, SEGMENT_STATS, type NullSums } from '../dsp/null-sums.js';

/** qc-tools.md §1.1 [P]: a residual above this RMS (dBFS) ... */
export const RESIDUAL_LIMIT_DBFS = -60;
/** ... sustained this long outside limiter regions fails the null. */
export const RESIDUAL_SUSTAIN_SECONDS = 0.1;
/** qc-tools.md §1.1 [P]: warn when the overall null depth is shallower than this. */
export const NULL_DEPTH_WARN_DB = 40;
/** qc-tools.md §1.1 [P]: the limiter acts where the printmaster is within ~1 dB of its ceiling. */
export const LIMITER_CEILING_MARGIN_DB = 1;
/**
 * Our choice [P]: residual up to this long after a near-ceiling window may still be the limiter releasing
 * (bus limiters release over tens to hundreds of ms). Safe to be generous: the sign test below still
 * has to pass, and a missing or extra sound fails it.
 */
export const LIMITER_HOLD_SECONDS = 0.5;
/** Share of a window's residual energy that must have the reference's sign to be gain reduction. */
export const LIMITER_SIGN_AGREEMENT = 0.9;
/** Residual classification window. */
export const RESIDUAL_WINDOW_SECONDS = 0.01;
/** Alignment search range either side of zero (a misaligned stem is usually frames, not seconds, out). */
export const MAX_OFFSET_SECONDS = 1;
/** Excerpt cross-correlated for alignment. */
export const ALIGN_EXCERPT_SECONDS = 8;
export const SERIES_SECONDS = 0.5;

export interface NamedSource {
  /** "DX", "MX", "FX", "music", ... as the report should say it. */
  name: string;
  source: AudioSource;
}

export interface NullTestOptions {
  /** Picture rate for offsets in frames (default 24). */
  fps?: number;
  /**
   * Start the null here (seconds from the reference's first sample), e.g. at FFOA: a 2-pop printed on
   * every stem sums to three pops against the printmaster's one. Alignment still looks at the whole file.
   */
  fromSeconds?: number;
  maxOffsetSeconds?: number;
  excerptSeconds?: number;
  /** Skip the search and use these offsets (frames, one per part; positive = part late). */
  offsetsFrames?: number[];
  residualLimitDbfs?: number;
  sustainSeconds?: number;
  ceilingMarginDb?: number;
  limiterHoldSeconds?: number;
  /** The reference's ceiling; default: its own sample peak (costs one extra read of the reference). */
  referenceCeilingDbfs?: number;
  /** The same as a linear sample peak (a caller that measured the reference already): exact, no read. */
  referenceCeilingLinear?: number;
  windowSeconds?: number;
  seriesSeconds?: number;
  blockFrames?: number;
  maxEvents?: number;
  /** Use the plain-JS one-pass-per-sum loops even for 2 or 3 parts (tests compare the other paths with them). */
  generalLoops?: boolean;
  /** Sum the lockstep pass with the WASM SIMD kernel when available (default true): bit-identical sums. */
  useWasm?: boolean;
  /** The compiled kernel to use instead of the repo's build (null: none, i.e. the plain-JS loops). */
  wasm?: WebAssembly.Module | null;
  /** Told which loops sum the lockstep pass (tests check that the kernel they compare really ran). */
  onLoops?: (loops: 'wasm' | 'one-pass' | 'general') => void;
  /** Called after each block of the lockstep pass with reference frames done and total. */
  onProgress?: (done: number, total: number) => void;
}

export interface PartAlignment {
  name: string;
  path: string;
  /** Positive: the part is late against the reference. Null when the part is silent. */
  offsetFrames: number | null;
  offsetSeconds: number | null;
  /** In picture frames at `fps`. */
  offsetPictureFrames: number | null;
  /** Normalised correlation of the part with the reference at that offset (negative: inverted). */
  correlation: number | null;
  /** Frames the part is shorter (negative) or longer than the reference. */
  lengthDifferenceFrames: number;
}

export interface PartGain {
  name: string;
  /** Least-squares gain of the part inside the reference; null for a silent part. */
  gain: number | null;
  /** 20·log10|gain|. */
  gainDb: number | null;
  /** How much louder the delivered part is than its share of the reference (positive = stem hot). */
  stemExcessDb: number | null;
  polarityInverted: boolean;
}

export interface ChannelNull {
  channel: number;
  label: ChannelLabel;
  referencePeakDbfs: number | null;
  referenceRmsDbfs: number | null;
  residualPeakDbfs: number | null;
  residualRmsDbfs: number | null;
  /** referenceRms − residualRms in dB; null when either is silent (a perfect null of a silent channel). */
  nullDepthDb: number | null;
  residualRmsOutsideLimiterDbfs: number | null;
  nullDepthOutsideLimiterDb: number | null;
  limiterSeconds: number;
  contentDifferenceSeconds: number;
  /** Content differences lasting at least `sustainSeconds` (all of them, beyond the events kept). */
  sustainedContentRuns: number;
  parts: PartGain[];
}

export interface ResidualRun {
  channel: number;
  label: ChannelLabel;
  kind: 'limiter' | 'content';
  startSeconds: number;
  endSeconds: number;
  maxResidualRmsDbfs: number;
  residualPeakDbfs: number;
  /** A content difference lasting at least `sustainSeconds`. */
  sustained: boolean;
}

export interface ResidualSeries {
  intervalSeconds: number;
  /** Where entry 0 starts (the `fromSeconds` option). */
  startSeconds: number;
  /** Per channel: residual and reference RMS (dBFS, null when silent); entry i covers startSeconds + [i, i+1)·interval. */
  channels: Array<{ channel: number; label: ChannelLabel; residualRmsDbfs: Array<number | null>; referenceRmsDbfs: Array<number | null> }>;
}

export interface NullTestResult {
  reference: { name: string; path: string; frames: number };
  sampleRate: number;
  fps: number;
  channelLabels: ChannelLabel[];
  /** Frames compared, from `fromSeconds`. */
  framesCompared: number;
  fromSeconds: number;
  thresholds: {
    residualLimitDbfs: number;
    sustainSeconds: number;
    ceilingMarginDb: number;
    limiterHoldSeconds: number;
    nullDepthWarnDb: number;
    windowSeconds: number;
  };
  referenceCeilingDbfs: number | null;
  parts: PartAlignment[];
  /** Gains from all channels together (one gain per part). */
  partGains: PartGain[];
  channels: ChannelNull[];
  /** Residual runs in time order; up to `maxEvents` of each kind are kept (`eventsTruncated`). */
  runs: ResidualRun[];
  eventsTruncated: boolean;
  /** No sustained content difference on any channel. */
  nulls: boolean;
  /** Shallowest null depth across channels that carry programme. */
  worstNullDepthDb: number | null;
  series: ResidualSeries;
  /** What the engine noticed but does not judge (channel labels that differ between files). */
  warnings: string[];
}

const DB_FLOOR = 1e-30;
const dbPower = (p: number): number | null => (p > DB_FLOOR ? 10 * Math.log10(p) : null);
const dbAmp = (a: number): number | null => (a > 0 ? 20 * Math.log10(a) : null);

/** Read `frames` frames into `out` from the source's current position; zero-fill past the end. Returns frames read. */
function readInto(source: AudioSource, out: Float32Array[], scratch: Float32Array[], frames: number, at = 0): number {
  let got = 0;
  while (got < frames) {
    // The first read of a block goes straight into `out` (the usual whole block in one read: no copy).
    if (at === 0 && got === 0) {
      const n = source.read(out, frames);
      if (n <= 0) break;
      got = n;
      continue;
    }
    const n = source.read(scratch, frames - got);
    if (n <= 0) break;
    for (let c = 0; c < out.length; c++) out[c]!.set(scratch[c]!.subarray(0, n), at + got);
    got += n;
  }
  for (let c = 0; c < out.length; c++) out[c]!.fill(0, at + got, at + frames);
  return got;
}

/** Mono sum of `length` frames from `start` (zeros outside the file) into `out`. */
function readMono(source: AudioSource, start: number, length: number, scratch: Float32Array[], out: Float32Array): void {
  out.fill(0);
  const total = source.header.format.frames;
  const from = Math.max(0, start);
  const to = Math.min(total, start + length);
  if (to <= from) return;
  source.seek(from);
  const block = scratch[0]!.length;
  let pos = from;
  while (pos < to) {
    const n = source.read(scratch, Math.min(block, to - pos));
    if (n <= 0) break;
    const base = pos - start;
    for (const ch of scratch) for (let i = 0; i < n; i++) out[base + i]! += ch[i]!;
    pos += n;
  }
}

function decimate(x: Float32Array, factor: number): Float64Array {
  const out = new Float64Array(Math.floor(x.length / factor));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < factor; k++) s += x[i * factor + k]!;
    out[i] = s / factor;
  }
  return out;
}

interface Alignment {
  offsetFrames: number | null;
  correlation: number | null;
}

/**
 * Offset of `part` against `reference`: positive when the part is late (part[n + L] ≈ its share of
 * reference[n]). Coarse FFT correlation on a decimated excerpt where the part is loudest, then an exact
 * time-domain search around it at full rate.
 */
function align(reference: AudioSource, part: AudioSource, maxOffsetFrames: number, excerptFrames: number, scratch: Float32Array[]): Alignment {
  const rate = reference.header.format.sampleRate;
  const factor = Math.max(1, Math.floor(rate / 12000));
  const frames = Math.min(reference.header.format.frames, part.header.format.frames);
  const length = Math.max(factor, Math.min(excerptFrames, frames) - (Math.min(excerptFrames, frames) % factor));
  const margin = Math.ceil(maxOffsetFrames / factor) * factor;
  const partExcerpt = new Float32Array(length);
  // The loudest of five candidate excerpts of the part.
  let bestStart = 0;
  let bestEnergy = 0;
  for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    const start = Math.max(0, Math.min(frames - length, Math.round(fraction * frames - length / 2)));
    readMono(part, start, length, scratch, partExcerpt);
    let e = 0;
    for (let i = 0; i < length; i++) e += partExcerpt[i]! * partExcerpt[i]!;
    if (e > bestEnergy) {
      bestEnergy = e;
      bestStart = start;
    }
  }
  if (bestEnergy === 0) return { offsetFrames: null, correlation: null };
  readMono(part, bestStart, length, scratch, partExcerpt);
  // refExcerpt[j] = reference[bestStart − margin + j]
  const refExcerpt = new Float32Array(length + 2 * margin);
  readMono(reference, bestStart - margin, length + 2 * margin, scratch, refExcerpt);

  // Σ part[j]·ref[j + lag] peaks at lag = margin − L.
  const coarse = crossCorrelate(decimate(partExcerpt, factor), decimate(refExcerpt, factor), (2 * margin) / factor);
  const coarseOffset = margin - coarse.lag * factor;
  let best = coarseOffset;
  let bestValue = 0;
  let bestAbs = -1;
  for (let offset = coarseOffset - 2 * factor; offset <= coarseOffset + 2 * factor; offset++) {
    if (Math.abs(offset) > margin) continue;
    let s = 0;
    const shift = margin - offset;
    for (let j = 0; j < length; j++) s += partExcerpt[j]! * refExcerpt[j + shift]!;
    if (Math.abs(s) > bestAbs) {
      bestAbs = Math.abs(s);
      best = offset;
      bestValue = s;
    }
  }
  let refEnergy = 0;
  for (let j = 0; j < length; j++) refEnergy += refExcerpt[j + margin - best]! ** 2;
  const correlation = refEnergy > 0 ? bestValue / Math.sqrt(bestEnergy * refEnergy) : null;
  return { offsetFrames: best, correlation };
}

/** Solve A·x = b (n×n, row-major) by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]!) > Math.abs(m[pivot * n + col]!)) pivot = r;
    if (Math.abs(m[pivot * n + col]!) < 1e-300) return null;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k]!, m[col * n + k]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col]! / m[col * n + col]!;
      if (f === 0) continue;
      for (let k = col; k < n; k++) m[r * n + k]! -= f * m[col * n + k]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** Least-squares gains of the parts from a Gram matrix and cross terms; silent parts get null. */
function gains(names: string[], gram: Float64Array, cross: Float64Array): PartGain[] {
  const k = names.length;
  const active: number[] = [];
  for (let i = 0; i < k; i++) if (gram[i * k + i]! > DB_FLOOR) active.push(i);
  const n = active.length;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  active.forEach((i, r) => {
    b[r] = cross[i]!;
    active.forEach((j, c) => (a[r * n + c] = gram[i * k + j]!));
  });
  const x = n > 0 ? solve(a, b, n) : null;
  return names.map((name, i) => {
    const r = active.indexOf(i);
    const g = x && r >= 0 ? x[r]! : null;
    const gainDb = g !== null && g !== 0 ? 20 * Math.log10(Math.abs(g)) : null;
    return { name, gain: g, gainDb, stemExcessDb: gainDb !== null ? -gainDb : null, polarityInverted: g !== null && g < 0 };
  });
}

function sourcePeak(source: AudioSource, scratch: Float32Array[]): number {
  source.seek(0);
  let peak = 0;
  for (;;) {
    const n = source.read(scratch, scratch[0]!.length);
    if (n <= 0) break;
    for (const ch of scratch) {
      for (let i = 0; i < n; i++) {
        const v = ch[i]!;
        if (v > peak) peak = v;
        else if (-v > peak) peak = -v;
      }
    }
  }
  return peak;
}

/** The kernel when this test's blocks fit its fixed memory, else null (the plain-JS loops). */
function fitsKernel(w: NullSums | null, channels: number, parts: number, blockFrames: number, segmentsPerBlock: number): NullSums | null {
  if (w === null) return null;
  const fits = channels <= w.maxChannels && parts >= 1 && parts <= w.maxParts && blockFrames <= w.capacity && segmentsPerBlock <= w.maxSegments;
  return fits ? w : null;
}

interface RunState {
  kind: 'limiter' | 'content' | null;
  start: number; // window index
  end: number;
  maxE: number;
  peak: number;
}

/**
 * Null `parts` against `reference`. Every source must share the reference's channel count and rate.
 * Reads each file a few times for alignment (short excerpts), then once in lockstep.
 */
export function nullTest(reference: NamedSource, parts: NamedSource[], options: NullTestOptions = {}): NullTestResult {
  const ref = reference.source;
  const fmt = ref.header.format;
  const channels = fmt.channels;
  const rate = fmt.sampleRate;
  for (const p of parts) {
    const f = p.source.header.format;
    if (f.channels !== channels) {
      throw new DubstageError({ code: 'mismatch', path: p.source.header.path, message: `${p.source.header.path}: ${p.name} has ${f.channels} channels but ${reference.name} (${ref.header.path}) has ${channels}; a null test needs the same layout` });
    }
    if (f.sampleRate !== rate) {
      throw new DubstageError({ code: 'mismatch', path: p.source.header.path, message: `${p.source.header.path}: ${p.name} is ${f.sampleRate} Hz but ${reference.name} (${ref.header.path}) is ${rate} Hz` });
    }
  }
  const warnings: string[] = [];
  for (const p of parts) {
    const labels = p.source.header.format.channelLabels;
    if (labels.join(' ') !== fmt.channelLabels.join(' ')) {
      warnings.push(`${p.name} (${p.source.header.path}) is labelled ${labels.join(' ')} but ${reference.name} is ${fmt.channelLabels.join(' ')}: channels are compared by position`);
    }
  }
  const fps = options.fps ?? 24;
  const blockFrames = options.blockFrames ?? 8192;
  const residualLimitDbfs = options.residualLimitDbfs ?? RESIDUAL_LIMIT_DBFS;
  const sustainSeconds = options.sustainSeconds ?? RESIDUAL_SUSTAIN_SECONDS;
  const ceilingMarginDb = options.ceilingMarginDb ?? LIMITER_CEILING_MARGIN_DB;
  const limiterHoldSeconds = options.limiterHoldSeconds ?? LIMITER_HOLD_SECONDS;
  const windowSeconds = options.windowSeconds ?? RESIDUAL_WINDOW_SECONDS;
  const seriesSeconds = options.seriesSeconds ?? SERIES_SECONDS;
  const maxEvents = options.maxEvents ?? 1000;
  const scratch = Array.from({ length: channels }, () => new Float32Array(blockFrames));

  // 1. Alignment.
  const maxOffsetFrames = Math.round((options.maxOffsetSeconds ?? MAX_OFFSET_SECONDS) * rate);
  const excerptFrames = Math.round((options.excerptSeconds ?? ALIGN_EXCERPT_SECONDS) * rate);
  const alignments: PartAlignment[] = parts.map((p, k) => {
    const given = options.offsetsFrames?.[k];
    const a: Alignment = given !== undefined ? { offsetFrames: given, correlation: null } : align(ref, p.source, maxOffsetFrames, excerptFrames, scratch);
    return {
      name: p.name,
      path: p.source.header.path,
      offsetFrames: a.offsetFrames,
      offsetSeconds: a.offsetFrames !== null ? a.offsetFrames / rate : null,
      offsetPictureFrames: a.offsetFrames !== null ? (a.offsetFrames / rate) * fps : null,
      correlation: a.correlation,
      lengthDifferenceFrames: p.source.header.format.frames - fmt.frames,
    };
  });

  // The ceiling the limiter works to.
  const ceiling =
    options.referenceCeilingLinear !== undefined
      ? options.referenceCeilingLinear
      : options.referenceCeilingDbfs !== undefined
        ? 10 ** (options.referenceCeilingDbfs / 20)
        : sourcePeak(ref, scratch);
  const nearCeiling = ceiling * 10 ** (-ceilingMarginDb / 20);

  // 2. Lockstep pass. Each part is positioned so its frame n + offset lines up with reference frame n.
  const fromFrame = Math.max(0, Math.min(fmt.frames, Math.round((options.fromSeconds ?? 0) * rate)));
  const fromSeconds = fromFrame / rate;
  const leadZeros = alignments.map((a) => Math.max(0, -(fromFrame + (a.offsetFrames ?? 0))));
  parts.forEach((p, k) => p.source.seek(Math.max(0, fromFrame + (alignments[k]!.offsetFrames ?? 0))));
  ref.seek(fromFrame);

  const K = parts.length;
  const windowFrames = Math.max(1, Math.round(windowSeconds * rate));
  const seriesFrames = Math.max(1, Math.round(seriesSeconds * rate));
  const holdWindows = Math.round(limiterHoldSeconds / windowSeconds);
  const limitEnergy = 10 ** (residualLimitDbfs / 10);
  const sustainWindows = Math.max(1, Math.round(sustainSeconds / windowSeconds));
  // The WASM kernel when the blocks fit its fixed memory: the files are read straight into it. A block
  // splits into at most this many segments at window and series boundaries.
  const segmentsPerBlock = Math.floor(blockFrames / windowFrames) + Math.floor(blockFrames / seriesFrames) + 3;
  const module = options.useWasm === false || options.generalLoops ? null : options.wasm !== undefined ? options.wasm : defaultNullSumsWasm();
  const kernel: NullSums | null =
    module === null ? null : fitsKernel(nullSums(module), channels, K, blockFrames, segmentsPerBlock);
  options.onLoops?.(kernel ? 'wasm' : (K === 3 || K === 2) && !options.generalLoops ? 'one-pass' : 'general');
  const refBuf = Array.from({ length: channels }, (_, c) => (kernel ? kernel.input(0, c, blockFrames) : new Float32Array(blockFrames)));
  const partBufs = parts.map((_, k) =>
    Array.from({ length: channels }, (_, c) => (kernel ? kernel.input(1 + k, c, blockFrames) : new Float32Array(blockFrames))),
  );
  const residual = kernel ? [] : Array.from({ length: channels }, () => new Float64Array(blockFrames));
  // Per channel accumulators.
  const refE = new Float64Array(channels);
  const refPeak = new Float64Array(channels);
  const resE = new Float64Array(channels);
  const resPeak = new Float64Array(channels);
  const limiterE = new Float64Array(channels);
  const limiterWindows = new Float64Array(channels);
  const contentWindows = new Float64Array(channels);
  const gram = Array.from({ length: channels }, () => new Float64Array(K * K));
  const cross = Array.from({ length: channels }, () => new Float64Array(K));
  // Current window, and the previous one (classified once the next is known, for a limiter's attack).
  const winE = new Float64Array(channels);
  const winAgree = new Float64Array(channels); // residual energy with the reference's sign
  const prevAgree = new Float64Array(channels);
  const winPeak = new Float64Array(channels);
  const winRefPeak = new Float64Array(channels);
  const prevE = new Float64Array(channels);
  const prevPeak = new Float64Array(channels);
  const prevNear = new Uint8Array(channels);
  const lastNear = new Float64Array(channels).fill(-Infinity);
  const serResE = new Float64Array(channels);
  const serRefE = new Float64Array(channels);
  const series: ResidualSeries = {
    intervalSeconds: seriesSeconds,
    startSeconds: fromSeconds,
    channels: fmt.channelLabels.map((label, channel) => ({ channel, label, residualRmsDbfs: [], referenceRmsDbfs: [] })),
  };
  const runState: RunState[] = Array.from({ length: channels }, () => ({ kind: null, start: 0, end: 0, maxE: 0, peak: 0 }));
  const runs: ResidualRun[] = [];
  let truncated = false;
  let limiterRunsKept = 0;
  let contentRunsKept = 0;
  const sustainedRuns = new Float64Array(channels);
  let window = 0; // index of the current window
  let inWindow = 0;
  let inSeries = 0;
  let framesCompared = 0;

  const closeRun = (c: number): void => {
    const r = runState[c]!;
    if (r.kind === null) return;
    const sustained = r.kind === 'content' && r.end - r.start + 1 >= sustainWindows;
    if (sustained) sustainedRuns[c]! += 1;
    // Limiter runs can number thousands on a loud film: each kind has its own cap, counts go on.
    const kept = r.kind === 'limiter' ? limiterRunsKept++ : contentRunsKept++;
    if (kept < maxEvents) {
      runs.push({
        channel: c,
        label: fmt.channelLabels[c]!,
        kind: r.kind,
        startSeconds: fromSeconds + (r.start * windowFrames) / rate,
        endSeconds: fromSeconds + Math.min(((r.end + 1) * windowFrames) / rate, framesCompared / rate),
        maxResidualRmsDbfs: dbPower(r.maxE)!,
        residualPeakDbfs: dbAmp(r.peak)!,
        sustained,
      });
    } else {
      truncated = true;
    }
    r.kind = null;
  };

  /** Classify window w−1 (held in prev*) now that window w's near-ceiling flag is known. */
  const classifyPrevious = (c: number, w: number, nextNear: boolean, frames: number): void => {
    const e = prevE[c]! / frames;
    const pw = w - 1;
    const r = runState[c]!;
    if (e < limitEnergy) {
      closeRun(c);
      return;
    }
    const near = prevNear[c] === 1 || nextNear || pw - lastNear[c]! <= holdWindows;
    const limiter = near && prevAgree[c]! >= LIMITER_SIGN_AGREEMENT * prevE[c]!;
    const kind = limiter ? 'limiter' : 'content';
    if (limiter) {
      limiterE[c]! += prevE[c]!;
      limiterWindows[c]! += 1;
    } else {
      contentWindows[c]! += 1;
    }
    if (r.kind !== kind) {
      closeRun(c);
      r.kind = kind;
      r.start = pw;
      r.maxE = 0;
      r.peak = 0;
    }
    r.end = pw;
    r.maxE = Math.max(r.maxE, e);
    r.peak = Math.max(r.peak, prevPeak[c]!);
  };

  let prevFrames = 0;
  const closeWindow = (): void => {
    for (let c = 0; c < channels; c++) {
      const near = winRefPeak[c]! >= nearCeiling;
      if (window > 0) {
        // lastNear must not yet include the window being classified's successor.
        classifyPrevious(c, window, near, prevFrames);
        if (prevNear[c] === 1) lastNear[c] = window - 1;
      }
      prevE[c] = winE[c]!;
      prevAgree[c] = winAgree[c]!;
      winAgree[c] = 0;
      prevPeak[c] = winPeak[c]!;
      prevNear[c] = near ? 1 : 0;
      winE[c] = 0;
      winPeak[c] = 0;
      winRefPeak[c] = 0;
    }
    prevFrames = inWindow;
    window++;
    inWindow = 0;
  };

  const closeSeries = (): void => {
    for (let c = 0; c < channels; c++) {
      series.channels[c]!.residualRmsDbfs.push(dbPower(serResE[c]! / inSeries));
      series.channels[c]!.referenceRmsDbfs.push(dbPower(serRefE[c]! / inSeries));
      serResE[c] = 0;
      serRefE[c] = 0;
    }
    inSeries = 0;
  };

  /** A segment's sums of channel c into the file, window and series accumulators. */
  const addSegment = (c: number, eRef: number, eRes: number, agree: number, pRef: number, pRes: number): void => {
    refE[c]! += eRef;
    resE[c]! += eRes;
    if (pRef > refPeak[c]!) refPeak[c] = pRef;
    if (pRes > resPeak[c]!) resPeak[c] = pRes;
    winE[c]! += eRes;
    winAgree[c]! += agree;
    if (pRes > winPeak[c]!) winPeak[c] = pRes;
    if (pRef > winRefPeak[c]!) winRefPeak[c] = pRef;
    serResE[c]! += eRes;
    serRefE[c]! += eRef;
  };

  /** After a segment of m frames on every channel: close the window and series it completes. */
  const advance = (m: number): void => {
    inWindow += m;
    inSeries += m;
    framesCompared += m;
    if (inWindow === windowFrames) closeWindow();
    if (inSeries === seriesFrames) closeSeries();
  };

  /**
   * The block of n frames already in the kernel's memory: its segments (the frames between window and
   * series boundaries, as the JS loop below cuts them), the kernel's sums, then the same accumulation.
   */
  const sumBlockWasm = (w: NullSums, n: number): void => {
    let segments = 0;
    for (let i = 0, win = inWindow, ser = inSeries; i < n; ) {
      const m = Math.min(n - i, windowFrames - win, seriesFrames - ser);
      i += m;
      w.segmentEnds[segments++] = i;
      win = win + m === windowFrames ? 0 : win + m;
      ser = ser + m === seriesFrames ? 0 : ser + m;
    }
    w.block(channels, K, n, segments);
    const stride = w.maxChannels;
    for (let c = 0; c < channels; c++) {
      const xc = cross[c]!;
      const g = gram[c]!;
      let t = K;
      for (let k = 0; k < K; k++) {
        xc[k]! += w.terms[k * stride + c]!;
        for (let l = k; l < K; l++) g[k * K + l]! += w.terms[t++ * stride + c]!;
      }
    }
    const stats = w.segmentStats;
    for (let s = 0, i = 0; s < segments; s++) {
      const base = s * SEGMENT_STATS * stride;
      for (let c = 0; c < channels; c++) {
        addSegment(c, stats[base + c]!, stats[base + stride + c]!, stats[base + 2 * stride + c]!, stats[base + 3 * stride + c]!, stats[base + 4 * stride + c]!);
      }
      const end = w.segmentEnds[s]!;
      advance(end - i);
      i = end;
    }
  };

  for (;;) {
    const n = readInto(ref, refBuf, scratch, blockFrames);
    if (n === 0) break;
    for (let k = 0; k < K; k++) {
      const zeros = Math.min(leadZeros[k]!, n);
      for (const buf of partBufs[k]!) buf.fill(0, 0, zeros);
      if (zeros < n) readInto(parts[k]!.source, partBufs[k]!, scratch, n - zeros, zeros);
      leadZeros[k]! -= zeros;
    }
    if (kernel) {
      sumBlockWasm(kernel, n);
      options.onProgress?.(framesCompared, fmt.frames - fromFrame);
      continue;
    }
    // Per block and channel: least-squares terms, then the residual Σ parts − reference (tight loops).
    for (let c = 0; c < channels; c++) {
      const x = refBuf[c]!;
      const g = gram[c]!;
      const xc = cross[c]!;
      const e = residual[c]!;
      if ((K === 3 || K === 2) && !options.generalLoops) {
        // The usual part counts in one pass: every sum below is the loop's own sequential sum (same
        // terms, same order, same block-wise carry as the general loops), so the results are the same
        // numbers; the independent sums just run side by side instead of one pass each.
        const p0 = partBufs[0]![c]!;
        const p1 = partBufs[1]![c]!;
        if (K === 3) {
          const p2 = partBufs[2]![c]!;
          let s0 = 0, s1 = 0, s2 = 0, g00 = 0, g01 = 0, g02 = 0, g11 = 0, g12 = 0, g22 = 0;
          for (let j = 0; j < n; j++) {
            const xv = x[j]!;
            const a = p0[j]!;
            const b = p1[j]!;
            const d = p2[j]!;
            s0 += a * xv;
            s1 += b * xv;
            s2 += d * xv;
            g00 += a * a;
            g01 += a * b;
            g02 += a * d;
            g11 += b * b;
            g12 += b * d;
            g22 += d * d;
            e[j] = -xv + a + b + d;
          }
          xc[0]! += s0;
          xc[1]! += s1;
          xc[2]! += s2;
          g[0]! += g00;
          g[1]! += g01;
          g[2]! += g02;
          g[4]! += g11;
          g[5]! += g12;
          g[8]! += g22;
        } else {
          let s0 = 0, s1 = 0, g00 = 0, g01 = 0, g11 = 0;
          for (let j = 0; j < n; j++) {
            const xv = x[j]!;
            const a = p0[j]!;
            const b = p1[j]!;
            s0 += a * xv;
            s1 += b * xv;
            g00 += a * a;
            g01 += a * b;
            g11 += b * b;
            e[j] = -xv + a + b;
          }
          xc[0]! += s0;
          xc[1]! += s1;
          g[0]! += g00;
          g[1]! += g01;
          g[3]! += g11;
        }
        continue;
      }
      for (let j = 0; j < n; j++) e[j] = -x[j]!;
      for (let k = 0; k < K; k++) {
        const pk = partBufs[k]![c]!;
        let sx = 0;
        for (let j = 0; j < n; j++) {
          sx += pk[j]! * x[j]!;
          e[j]! += pk[j]!;
        }
        xc[k]! += sx;
        for (let l = k; l < K; l++) {
          const pl = partBufs[l]![c]!;
          let sg = 0;
          for (let j = 0; j < n; j++) sg += pk[j]! * pl[j]!;
          g[k * K + l]! += sg;
        }
      }
    }
    let i = 0;
    while (i < n) {
      const m = Math.min(n - i, windowFrames - inWindow, seriesFrames - inSeries);
      for (let c = 0; c < channels; c++) {
        const x = refBuf[c]!;
        const res = residual[c]!;
        let eRef = 0;
        let pRef = 0;
        let eRes = 0;
        let pRes = 0;
        let agree = 0;
        for (let j = i; j < i + m; j++) {
          const xv = x[j]!;
          const e = res[j]!;
          eRef += xv * xv;
          eRes += e * e;
          if (e * xv > 0) agree += e * e;
          const ax = xv < 0 ? -xv : xv;
          const ae = e < 0 ? -e : e;
          if (ax > pRef) pRef = ax;
          if (ae > pRes) pRes = ae;
        }
        addSegment(c, eRef, eRes, agree, pRef, pRes);
      }
      i += m;
      advance(m);
    }
    options.onProgress?.(framesCompared, fmt.frames - fromFrame);
  }
  if (inWindow > 0) closeWindow();
  if (window > 0) {
    for (let c = 0; c < channels; c++) {
      classifyPrevious(c, window, false, prevFrames);
      closeRun(c);
    }
  }
  if (inSeries > 0) closeSeries();

  // 3. Results.
  const names = parts.map((p) => p.name);
  const total = Math.max(1, framesCompared);
  const allGram = new Float64Array(K * K);
  const allCross = new Float64Array(K);
  const channelResults: ChannelNull[] = fmt.channelLabels.map((label, c) => {
    const g = gram[c]!;
    for (let k = 0; k < K; k++) for (let l = 0; l < k; l++) g[k * K + l] = g[l * K + k]!;
    for (let k = 0; k < K * K; k++) allGram[k]! += g[k]!;
    for (let k = 0; k < K; k++) allCross[k]! += cross[c]![k]!;
    const refRms = dbPower(refE[c]! / total);
    const resRms = dbPower(resE[c]! / total);
    const outside = dbPower((resE[c]! - limiterE[c]!) / total);
    return {
      channel: c,
      label,
      referencePeakDbfs: dbAmp(refPeak[c]!),
      referenceRmsDbfs: refRms,
      residualPeakDbfs: dbAmp(resPeak[c]!),
      residualRmsDbfs: resRms,
      nullDepthDb: refRms !== null && resRms !== null ? refRms - resRms : null,
      residualRmsOutsideLimiterDbfs: outside,
      nullDepthOutsideLimiterDb: refRms !== null && outside !== null ? refRms - outside : null,
      limiterSeconds: (limiterWindows[c]! * windowFrames) / rate,
      contentDifferenceSeconds: (contentWindows[c]! * windowFrames) / rate,
      sustainedContentRuns: sustainedRuns[c]!,
      parts: gains(names, g, cross[c]!),
    };
  });
  runs.sort((a, b) => a.startSeconds - b.startSeconds || a.channel - b.channel);
  const depths = channelResults.map((c) => c.nullDepthDb).filter((d): d is number => d !== null);
  return {
    reference: { name: reference.name, path: ref.header.path, frames: fmt.frames },
    sampleRate: rate,
    fps,
    channelLabels: fmt.channelLabels.slice(),
    framesCompared,
    fromSeconds,
    thresholds: { residualLimitDbfs, sustainSeconds, ceilingMarginDb, limiterHoldSeconds, nullDepthWarnDb: NULL_DEPTH_WARN_DB, windowSeconds },
    referenceCeilingDbfs: dbAmp(ceiling),
    parts: alignments,
    partGains: gains(names, allGram, allCross),
    channels: channelResults,
    runs,
    eventsTruncated: truncated,
    nulls: sustainedRuns.every((n) => n === 0),
    worstNullDepthDb: depths.length > 0 ? Math.min(...depths) : null,
    series,
    warnings,
  };
}

/** Stems (DX, MX, FX, ...) against the printmaster they should sum to. */
export function checkStemsSum(printmaster: AudioSource, stems: NamedSource[], options: NullTestOptions = {}): NullTestResult {
  return nullTest({ name: 'printmaster', source: printmaster }, stems, options);
}

/** The M&E against the music and effects stems: its music and effects should null against them. */
export function checkMeAgainstStems(me: AudioSource, music: AudioSource, effects: AudioSource, options: NullTestOptions = {}): NullTestResult {
  return nullTest({ name: 'M&E', source: me }, [{ name: 'music', source: music }, { name: 'effects', source: effects }], options);
}

/** Open the files (with the audio layer's openAudio), run the null test, and close them. */
export async function nullTestFiles(reference: { name: string; path: string }, parts: Array<{ name: string; path: string }>, options: NullTestOptions = {}): Promise<NullTestResult> {
  const opened: AudioSource[] = [];
  try {
    const ref = await openAudio(reference.path);
    opened.push(ref);
    const named: NamedSource[] = [];
    for (const p of parts) {
      const source = await openAudio(p.path);
      opened.push(source);
      named.push({ name: p.name, source });
    }
    return nullTest({ name: reference.name, source: ref }, named, options);
  } finally {
    for (const s of opened) s.close();
  }
}

/** Our choice [P]: a part whose least-squares gain is further than this from unity is called out. */
export const STEM_GAIN_TOLERANCE_DB = 0.5;

/** The compact shape the QC rules read (src/qc/types.ts StemsNullResult), built from a full result. */
export interface NullSummary {
  /** The offset of the parts against the reference: the one they share, else the largest (see `parts`). */
  offsetSamples: number;
  channels: Array<{
    label: string;
    residualPeakDbfs: number | null;
    residualRmsDbfs: number | null;
    nullDepthDb: number | null;
    regions: Array<{ startSeconds: number; endSeconds: number; residualRmsDbfs: number; limiterLike: boolean }>;
  }>;
  stemIssues: Array<{ stem: string; kind: 'polarity' | 'gain'; gainDb: number | null }>;
}

export function summarizeNullTest(result: NullTestResult, gainToleranceDb = STEM_GAIN_TOLERANCE_DB): NullSummary {
  let offsetSamples = 0;
  for (const p of result.parts) {
    if (p.offsetFrames !== null && Math.abs(p.offsetFrames) > Math.abs(offsetSamples)) offsetSamples = p.offsetFrames;
  }
  const stemIssues: NullSummary['stemIssues'] = [];
  for (const g of result.partGains) {
    if (g.gain === null) continue;
    if (g.polarityInverted) stemIssues.push({ stem: g.name, kind: 'polarity', gainDb: g.stemExcessDb });
    else if (g.stemExcessDb !== null && Math.abs(g.stemExcessDb) > gainToleranceDb) stemIssues.push({ stem: g.name, kind: 'gain', gainDb: g.stemExcessDb });
  }
  return {
    offsetSamples,
    channels: result.channels.map((ch) => ({
      label: ch.label,
      residualPeakDbfs: ch.residualPeakDbfs,
      residualRmsDbfs: ch.residualRmsDbfs,
      nullDepthDb: ch.nullDepthDb,
      regions: result.runs
        .filter((r) => r.channel === ch.channel)
        .map((r) => ({ startSeconds: r.startSeconds, endSeconds: r.endSeconds, residualRmsDbfs: r.maxResidualRmsDbfs, limiterLike: r.kind === 'limiter' })),
    })),
    stemIssues,
  };
}
