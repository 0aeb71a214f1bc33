/**
 * BS.1770-5 / EBU R 128 loudness in one streaming pass: integrated (gated), momentary and short-term
 * maxima at 10 ms resolution, loudness range (Tech 3342 V4: short-term at 10 Hz), sample and true peak,
 * per-channel peaks and RMS, and the optional 10 Hz series.
 *
 * Two halves. LoudnessAccumulator does the per-sample work (K-weighting, true peak, RMS) and keeps one
 * number per 10 ms sub-block: the channel-weighted K-weighted energy. summarizeLoudness derives
 * everything else from that sequence: a 400 ms momentary window is 40 sub-blocks, a 3 s short-term
 * window 300, a gating block (400 ms, 100 ms hop) the momentary window at every tenth sub-block.
 * Sub-block sequences of consecutive time segments concatenate exactly, so a file split across worker
 * threads (src/analysis/parallel.ts) gives the single-thread answer. The single-thread meter streams the
 * sub-blocks through LoudnessWindows (a 3 s ring; what it keeps is 16 bytes per 100 ms: 1.7 MB for 3
 * hours); a worker keeps its segment's sequence (800 bytes per second of programme, in 512 KB chunks).
 */
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import type { ChannelSummary, LoudnessSeries, LoudnessSummary } from './results.js';
import { loudnessWeight, type ChannelLabel } from '../audio/channels.js';
import { KWeightingFilters } from '../dsp/kweighting.js';
import { TruePeakMeter } from '../dsp/truepeak.js';
import { EnergyHistogram, FOLD_AT_VALUES } from './loudness-histogram.js';

export interface LoudnessOptions {
  /** Keep momentary and short-term at 10 Hz for the JSON series (and charts). */
  series?: boolean;
  /** A mono programme counted as two channels (BS.1770 dual mono, +3 dB). */
  dualMono?: boolean;
  /** Oversample every stretch (the plain path), for tests that prove the skip exact. */
  noTruePeakSkip?: boolean;
  /**
   * Flat memory for many meters at once (premix): past FOLD_AT_VALUES gating blocks (27 min), the gating
   * blocks and short-term values fold into 0.01 LU histograms (./loudness-histogram.ts); integrated and
   * LRA are then within 0.01 LU of the exact lists, and blockEnergies()/shortTermEnergies() are empty.
   */
  flatMemory?: boolean;
  /** Momentary and short-term at every 10 ms step (null until the window is full): tests and fine charts. */
  onStep?: (endSeconds: number, momentaryLufs: number | null, shortTermLufs: number | null) => void;
}

export interface LoudnessResult {
  loudness: LoudnessSummary;
  channels: ChannelSummary[];
  series?: LoudnessSeries;
  /** Gating blocks measured and short-term values used for LRA (for reports and sanity). */
  gatingBlocks: number;
  lraShortTermValues: number;
  warnings: string[];
}

/** What one channel contributes, mergeable across segments (max, max, sum). */
export interface ChannelStats {
  samplePeak: number;
  truePeak: number;
  sumSquares: number;
}

const ABS_GATE_LUFS = -70;
const REL_GATE_LU = -10;
const LRA_REL_GATE_LU = -20;
const SUB_BLOCKS_M = 40; // 400 ms
const SUB_BLOCKS_S = 300; // 3 s
const SUB_PER_HOP = 10; // 100 ms

export function energyToLufs(e: number): number | null {
  return e > 0 ? -0.691 + 10 * Math.log10(e) : null;
}

function lufsToEnergy(l: number): number {
  return Math.pow(10, (l + 0.691) / 10);
}

function db(x: number): number | null {
  return x > 0 ? 20 * Math.log10(x) : null;
}

function round3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

/** 10 ms at this rate, in samples (441 at 44.1 kHz, 480 at 48 kHz). */
export function subBlockLength(sampleRate: number): number {
  return Math.round(sampleRate / 100);
}

/** Growable Float64Array: amortised O(1) push, no per-block allocation. */
export class F64List {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Append-only doubles in fixed chunks of 64 Ki (512 KB): no doubling copy and at most one chunk of slack,
 * and the chunks move to another thread as they are (a worker's sub-block energies).
 */
export class F64Chunks {
  static readonly CHUNK = 65536;
  private readonly full: Float64Array[] = [];
  /** Allocated on the first push: an accumulator that streams its sub-blocks elsewhere never pays for one. */
  private current = new Float64Array(0);
  private fill = 0;
  push(v: number): void {
    if (this.fill === this.current.length) {
      if (this.fill > 0) this.full.push(this.current);
      this.current = new Float64Array(F64Chunks.CHUNK);
      this.fill = 0;
    }
    this.current[this.fill++] = v;
  }
  get length(): number {
    return this.full.length * F64Chunks.CHUNK + this.fill;
  }
  /** The values in order, as whole arrays (the last one trimmed to its length). */
  chunks(): Float64Array[] {
    return this.fill > 0 ? [...this.full, this.current.slice(0, this.fill)] : [...this.full];
  }
}

/** The per-sample half: K-weighting, true peak and RMS per channel, sub-block energies out. */
export class LoudnessAccumulator {
  readonly subLength: number;
  /** K-weighting for every channel (WASM SIMD two channels a vector when built, else the JS twin: same bits). */
  private readonly filters: KWeightingFilters;
  private readonly weights: Float64Array;
  /** Warm-up sums (discarded). */
  private readonly kSums: Float64Array;
  readonly truePeak: TruePeakMeter[];
  private readonly sumSquares: Float64Array;
  private readonly subEnergy: Float64Array;
  /** Per 10 ms sub-block of a process() call, per channel: K-weighted and plain sums of squares. */
  private segmentK = new Float64Array(0);
  private segmentPlain = new Float64Array(0);
  private subFill = 0;
  /** The sub-block energies, kept for a worker's segment; the single-thread analyzer streams them instead. */
  readonly subBlocks = new F64Chunks();
  /** Where each sub-block energy goes (subBlocks unless a streaming consumer is given). */
  private readonly sink: { push(e: number): void };
  /** Frames counted (after any warm-up). */
  frames = 0;

  constructor(
    readonly sampleRate: number,
    readonly labels: ChannelLabel[],
    options: { dualMono?: boolean; noTruePeakSkip?: boolean } = {},
    sink?: { push(e: number): void },
  ) {
    this.sink = sink ?? this.subBlocks;
    const n = labels.length;
    this.filters = new KWeightingFilters(sampleRate, n);
    this.kSums = new Float64Array(n);
    this.weights = Float64Array.from(labels, (l) => loudnessWeight(l));
    if (n === 1 && options.dualMono) this.weights[0] = 2;
    this.truePeak = Array.from({ length: n }, () => {
      const m = new TruePeakMeter(sampleRate);
      m.skipEnabled = !options.noTruePeakSkip;
      return m;
    });
    this.sumSquares = new Float64Array(n);
    this.subEnergy = new Float64Array(n);
    this.subLength = subBlockLength(sampleRate);
  }

  /**
   * Settle the filters and the interpolator's history on audio before a segment (a worker's pre-roll):
   * nothing is counted but peaks, and a peak there is also inside the previous segment (max is idempotent).
   */
  warmUp(channels: Float32Array[], frames: number): void {
    this.filters.sumSquares(channels, 0, frames, this.kSums);
    for (let c = 0; c < channels.length; c++) this.truePeak[c]!.process(channels[c]!, 0, frames);
  }

  process(channels: Float32Array[], frames: number): void {
    const n = channels.length;
    // true peak needs no sub-blocks: one call per channel per block keeps its loop in wasm
    for (let c = 0; c < n; c++) this.truePeak[c]!.process(channels[c]!, 0, frames);
    // the sub-blocks' K-weighted and plain sums in one call (each channel copied into wasm once per 4096 samples)
    const most = (Math.ceil(frames / this.subLength) + 1) * n;
    if (this.segmentK.length < most) {
      this.segmentK = new Float64Array(most);
      this.segmentPlain = new Float64Array(most);
    }
    this.filters.sumSquaresSegments(channels, 0, frames, this.subLength - this.subFill, this.subLength, this.segmentK, this.segmentPlain);
    let i = 0;
    for (let segment = 0; i < frames; segment++) {
      const take = Math.min(frames - i, this.subLength - this.subFill);
      for (let c = 0; c < n; c++) {
        this.subEnergy[c]! += this.segmentK[segment * n + c]!;
        this.sumSquares[c]! += this.segmentPlain[segment * n + c]!;
      }
      this.subFill += take;
      i += take;
      if (this.subFill === this.subLength) {
        let e = 0;
        for (let c = 0; c < n; c++) {
          e += this.weights[c]! * this.subEnergy[c]!;
          this.subEnergy[c] = 0;
        }
        this.sink.push(e / this.subLength);
        this.subFill = 0;
      }
    }
    this.frames += frames;
  }

  /** Interpolate past the last sample (only for the segment that ends the file). */
  flushTruePeak(): void {
    for (const m of this.truePeak) m.flush();
  }

  channelStats(): ChannelStats[] {
    return this.truePeak.map((m, c) => ({ samplePeak: m.samplePeak, truePeak: m.truePeak, sumSquares: this.sumSquares[c]! }));
  }

  truePeakWork(): { oversampled: number; skipped: number } {
    let oversampled = 0;
    let skipped = 0;
    for (const m of this.truePeak) {
      oversampled += m.oversampled;
      skipped += m.skipped;
    }
    return { oversampled, skipped };
  }
}

export interface LoudnessSummaryInput {
  sampleRate: number;
  labels: ChannelLabel[];
  /** Weighted K-energy (mean square) of every complete 10 ms sub-block, in order (or as consecutive segments). */
  subBlocks: Float64Array | readonly Float64Array[];
  channels: ChannelStats[];
  frames: number;
}

export interface LoudnessSummaryOutput extends LoudnessResult {
  /** Channel-weighted mean square of every 400 ms gating block at a 100 ms hop. */
  blockEnergies: Float64Array;
  /** Short-term (3 s) mean squares at 10 Hz, entry i ending at (i + 30) × 100 ms. */
  shortTermEnergies: Float64Array;
}

/**
 * The windowed half, streaming: fed the sub-block energies in order, it keeps only the last 3 s of them
 * (a ring), the gating-block and short-term energies at 10 Hz (16 bytes per 100 ms) and the maxima, so a
 * 3-hour file needs no more memory here than a 10-minute one beyond those 10 Hz lists. Every sum is the
 * one the whole-sequence loop took, in the same order: the same numbers.
 */
export class LoudnessWindows {
  /** The last SUB_BLOCKS_S sub-blocks; sub-block j sits at j % SUB_BLOCKS_S. */
  private readonly ring = new Float64Array(SUB_BLOCKS_S);
  private count = 0;
  private sumM = 0;
  private sumS = 0;
  private momentaryMax = 0;
  private shortTermMax = 0;
  private readonly blocks = new F64List();
  private readonly shortTerm = new F64List();
  /** flatMemory, once the lists reach FOLD_AT_VALUES: the same values as histograms (the lists are dropped). */
  private blockHistogram: EnergyHistogram | null = null;
  private shortTermHistogram: EnergyHistogram | null = null;
  private blockCount = 0;
  private shortTermCount = 0;
  private readonly seriesM: Array<number | null> = [];
  private readonly seriesS: Array<number | null> = [];
  private readonly subLength: number;

  constructor(
    private readonly sampleRate: number,
    private readonly options: LoudnessOptions = {},
  ) {
    this.subLength = subBlockLength(sampleRate);
  }

  push(e: number): void {
    const ring = this.ring;
    const j = this.count;
    const count = j + 1;
    // the value leaving each window, read before e takes its slot (sub[j - 300] shares slot j % 300)
    const oldS = count > SUB_BLOCKS_S ? ring[j % SUB_BLOCKS_S]! : 0;
    const oldM = count > SUB_BLOCKS_M ? ring[(j - SUB_BLOCKS_M) % SUB_BLOCKS_S]! : 0;
    ring[j % SUB_BLOCKS_S] = e;
    this.count = count;
    if (count % 100 === 0) {
      // running window sums, re-summed exactly every second so rounding never accumulates
      let sumM = 0;
      let sumS = 0;
      for (let q = Math.max(0, count - SUB_BLOCKS_M); q < count; q++) sumM += ring[q % SUB_BLOCKS_S]!;
      for (let q = Math.max(0, count - SUB_BLOCKS_S); q < count; q++) sumS += ring[q % SUB_BLOCKS_S]!;
      this.sumM = sumM;
      this.sumS = sumS;
    } else {
      this.sumM += e - oldM;
      this.sumS += e - oldS;
    }
    const m = count >= SUB_BLOCKS_M ? Math.max(0, this.sumM / SUB_BLOCKS_M) : -1;
    const s = count >= SUB_BLOCKS_S ? Math.max(0, this.sumS / SUB_BLOCKS_S) : -1;
    if (m > this.momentaryMax) this.momentaryMax = m;
    if (s > this.shortTermMax) this.shortTermMax = s;
    const { onStep, series } = this.options;
    if (onStep) onStep((count * this.subLength) / this.sampleRate, m >= 0 ? energyToLufs(m) : null, s >= 0 ? energyToLufs(s) : null);
    if (count % SUB_PER_HOP === 0) {
      if (m >= 0) {
        this.blockCount++;
        if (this.blockHistogram) this.blockHistogram.add(m);
        else this.blocks.push(m);
      }
      if (s >= 0) {
        this.shortTermCount++;
        if (this.shortTermHistogram) this.shortTermHistogram.add(s);
        else this.shortTerm.push(s);
      }
      if (this.options.flatMemory && !this.blockHistogram && this.blocks.length >= FOLD_AT_VALUES) this.fold();
      if (series) {
        this.seriesM.push(m > 0 ? round3(energyToLufs(m)) : null);
        this.seriesS.push(s > 0 ? round3(energyToLufs(s)) : null);
      }
    }
  }

  private fold(): void {
    this.blockHistogram = EnergyHistogram.of(this.blocks.view());
    this.shortTermHistogram = EnergyHistogram.of(this.shortTerm.view());
    this.blocks.data = new Float64Array(0);
    this.blocks.length = 0;
    this.shortTerm.data = new Float64Array(0);
    this.shortTerm.length = 0;
  }

  /** Sub-blocks pushed so far. */
  get subBlocks(): number {
    return this.count;
  }

  finish(input: { labels: ChannelLabel[]; channels: ChannelStats[]; frames: number }): LoudnessSummaryOutput {
    const warnings: string[] = [];
    if (this.sampleRate % 100 !== 0) {
      warnings.push(`sample rate ${this.sampleRate} Hz is not a multiple of 100: 10 ms sub-blocks are ${this.subLength} samples`);
    }
    const blocks = this.blocks.view().slice();
    const shortTerm = this.shortTerm.view().slice();
    const integratedLufs = energyToLufs(this.blockHistogram ? this.blockHistogram.integratedEnergy(REL_GATE_LU) : integratedEnergy(blocks));
    const lra = this.shortTermHistogram ? this.shortTermHistogram.loudnessRange(LRA_REL_GATE_LU) : loudnessRange(shortTerm);
    let samplePeak = 0;
    let truePeak = 0;
    const channels: ChannelSummary[] = input.channels.map((st, c) => {
      samplePeak = Math.max(samplePeak, st.samplePeak);
      truePeak = Math.max(truePeak, st.truePeak);
      return {
        label: input.labels[c] ?? (`Ch${c + 1}` as ChannelLabel),
        truePeakDbtp: round3(db(st.truePeak)),
        samplePeakDbfs: round3(db(st.samplePeak)),
        rmsDbfs: input.frames > 0 ? round3(db(Math.sqrt(st.sumSquares / input.frames))) : null,
      };
    });
    const durationS = (this.count * this.subLength) / this.sampleRate;
    if (lra !== null && durationS < 60) {
      warnings.push(`loudness range over ${durationS.toFixed(1)} s: below 60 s of programme LRA is not meaningful (EBU Tech 3343)`);
    }
    const truePeakDbtp = round3(db(truePeak));
    const loudness: LoudnessSummary = {
      integratedLufs: round3(integratedLufs),
      momentaryMaxLufs: round3(energyToLufs(this.momentaryMax)),
      shortTermMaxLufs: round3(energyToLufs(this.shortTermMax)),
      loudnessRangeLu: round3(lra),
      truePeakDbtp,
      samplePeakDbfs: round3(db(samplePeak)),
      plrLu: truePeakDbtp !== null && integratedLufs !== null ? round3(truePeakDbtp - integratedLufs) : null,
    };
    const out: LoudnessSummaryOutput = {
      loudness,
      channels,
      gatingBlocks: this.blockCount,
      lraShortTermValues: this.shortTermCount,
      warnings,
      blockEnergies: blocks,
      shortTermEnergies: shortTerm,
    };
    if (this.options.series) out.series = { intervalSeconds: 0.1, momentaryLufs: this.seriesM, shortTermLufs: this.seriesS };
    return out;
  }
}

/** The windowed half over a whole sub-block sequence (given in one piece or as consecutive segments). */
export function summarizeLoudness(input: LoudnessSummaryInput, options: LoudnessOptions = {}): LoudnessSummaryOutput {
  const windows = new LoudnessWindows(input.sampleRate, options);
  const pieces = input.subBlocks instanceof Float64Array ? [input.subBlocks] : input.subBlocks;
  for (const piece of pieces) for (let j = 0; j < piece.length; j++) windows.push(piece[j]!);
  return windows.finish(input);
}

/** The loudness meter as a streaming Analyzer (the single-thread path). */
export class LoudnessAnalyzer implements Analyzer<LoudnessResult> {
  readonly id = 'loudness';
  private acc!: LoudnessAccumulator;
  private windows!: LoudnessWindows;
  private summary: LoudnessSummaryOutput | null = null;

  constructor(private readonly options: LoudnessOptions = {}) {}

  start(stream: StreamInfo): void {
    const labels = Array.from({ length: stream.channelCount }, (_, c) => stream.channelLabels[c] ?? (`Ch${c + 1}` as ChannelLabel));
    // the sub-blocks stream straight into the windows: memory stays flat however long the file
    this.windows = new LoudnessWindows(stream.sampleRate, this.options);
    this.acc = new LoudnessAccumulator(stream.sampleRate, labels, this.options, this.windows);
    this.summary = null;
  }

  process(block: AudioBlock): void {
    this.acc.process(block.channels, block.frames);
  }

  finish(): LoudnessResult {
    this.acc.flushTruePeak();
    this.summary = this.windows.finish({ labels: this.acc.labels, channels: this.acc.channelStats(), frames: this.acc.frames });
    const { blockEnergies: _b, shortTermEnergies: _s, ...result } = this.summary;
    return result;
  }

  /** Channel-weighted mean square of every 400 ms gating block (100 ms hop), for dialogue gating; after finish(). */
  blockEnergies(): Float64Array {
    return this.summary?.blockEnergies ?? new Float64Array(0);
  }

  /** Short-term (3 s) mean squares at 10 Hz, entry i ending at (i + 30) × 100 ms; after finish(). */
  shortTermEnergies(): Float64Array {
    return this.summary?.shortTermEnergies ?? new Float64Array(0);
  }

  truePeakWork(): { oversampled: number; skipped: number } {
    return this.acc.truePeakWork();
  }
}

/** BS.1770 gating: absolute -70 LUFS, then relative -10 LU below the abs-gated energy mean. Returns 0 if none. */
export function integratedEnergy(blocks: Float64Array): number {
  const absGate = lufsToEnergy(ABS_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const e of blocks) {
    if (e >= absGate) {
      sum += e;
      n++;
    }
  }
  if (n === 0) return 0;
  const relGate = Math.max(absGate, (sum / n) * Math.pow(10, REL_GATE_LU / 10));
  sum = 0;
  n = 0;
  for (const e of blocks) {
    if (e >= relGate) {
      sum += e;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/**
 * Tech 3342 V4 loudness range from short-term energies at 10 Hz: gates -70 LUFS and -20 LU (relative to
 * the energy mean of the abs-gated values), then P95 - P10 with the reference's nearest rank.
 */
export function loudnessRange(shortTerm: Float64Array): number | null {
  const absGate = lufsToEnergy(ABS_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const e of shortTerm) {
    if (e >= absGate) {
      sum += e;
      n++;
    }
  }
  if (n === 0) return null;
  const relGate = Math.max(absGate, (sum / n) * Math.pow(10, LRA_REL_GATE_LU / 10));
  const kept: number[] = [];
  for (const e of shortTerm) if (e >= relGate) kept.push(e);
  if (kept.length === 0) return null;
  kept.sort((a, b) => a - b);
  const at = (p: number) => kept[Math.round(((kept.length - 1) * p) / 100)]!;
  return 10 * Math.log10(at(95) / at(10));
}

/** What one time segment of a stream contributes to the loudness of the whole (a worker's pass). */
export interface LoudnessPartial {
  /** The segment's sub-block energies in order, in the chunks they were kept in (moved, not copied). */
  subBlocks: Float64Array[];
  channels: ChannelStats[];
  frames: number;
  truePeakWork: { oversampled: number; skipped: number };
}

/**
 * The meter over one time segment (src/analysis/parallel.ts): keeps its sub-block energies instead of
 * streaming them into the windows, so consecutive segments concatenate into the single-pass sequence.
 */
export class LoudnessSegmentAnalyzer implements Analyzer<LoudnessPartial> {
  readonly id = 'loudness';
  private acc!: LoudnessAccumulator;

  constructor(private readonly options: LoudnessOptions = {}) {}

  start(stream: StreamInfo): void {
    this.acc = new LoudnessAccumulator(stream.sampleRate, stream.channelLabels, this.options);
  }

  /** Pre-roll before the segment: filter and interpolator state only. */
  warmUp(block: AudioBlock): void {
    this.acc.warmUp(block.channels, block.frames);
  }

  process(block: AudioBlock): void {
    this.acc.process(block.channels, block.frames);
  }

  /** The segment's partial; `last` flushes the interpolator's tail (only the stream's last segment has one). */
  partial(last: boolean): LoudnessPartial {
    if (last) this.acc.flushTruePeak();
    return { subBlocks: this.acc.subBlocks.chunks(), channels: this.acc.channelStats(), frames: this.acc.frames, truePeakWork: this.acc.truePeakWork() };
  }

  finish(): LoudnessPartial {
    return this.partial(true);
  }
}

/** Consecutive segments' partials → the loudness of the whole stream (the single-pass result, tested). */
export function mergeLoudness(parts: LoudnessPartial[], stream: StreamInfo, options: LoudnessOptions = {}): LoudnessResult & { truePeakWork: { oversampled: number; skipped: number } } {
  const channels: ChannelStats[] = parts[0]!.channels.map(() => ({ samplePeak: 0, truePeak: 0, sumSquares: 0 }));
  for (const p of parts) {
    p.channels.forEach((c, i) => {
      const m = channels[i]!;
      m.samplePeak = Math.max(m.samplePeak, c.samplePeak);
      m.truePeak = Math.max(m.truePeak, c.truePeak);
      m.sumSquares += c.sumSquares;
    });
  }
  const { blockEnergies: _b, shortTermEnergies: _s, ...result } = summarizeLoudness(
    { sampleRate: stream.sampleRate, labels: stream.channelLabels, subBlocks: parts.flatMap((p) => p.subBlocks), channels, frames: parts.reduce((n, p) => n + p.frames, 0) },
    options,
  );
  return {
    ...result,
    truePeakWork: {
      oversampled: parts.reduce((n, p) => n + p.truePeakWork.oversampled, 0),
      skipped: parts.reduce((n, p) => n + p.truePeakWork.skipped, 0),
    },
  };
}
