/**
 * BS.1770-5 / EBU R 128 loudness in one streaming pass: integrated (gated), momentary and short-term
 * maxima at 10 ms resolution, loudness range (Tech 3342 V4: short-term at 10 Hz), sample and true peak,
 * per-channel peaks and RMS, and the optional 10 Hz series.
 *
 * Energy bookkeeping is on 10 ms sub-blocks: a 400 ms momentary window is 40 of them, a 3 s short-term
 * window 300, and a gating block (400 ms, 100 ms hop) is the momentary window at every tenth sub-block.
 * Sums of sub-block energies merge exactly, so a file split across workers gives the same answer.
 */
import type { Analyzer, AudioBlock, StreamInfo } from '../analysis/types.js';
import type { ChannelSummary, LoudnessSeries, LoudnessSummary } from '../analysis/results.js';
import { loudnessWeight, type ChannelLabel } from '../audio/channels.js';
import { kWeightingCoefficients, kWeightSumSquares, type KWeighting } from '../dsp/kweighting.js';
import { TruePeakMeter } from '../dsp/truepeak.js';

export interface LoudnessOptions {
  /** Keep momentary and short-term at 10 Hz for the JSON series (and charts). */
  series?: boolean;
  /** A mono programme counted as two channels (BS.1770 dual mono, +3 dB). */
  dualMono?: boolean;
  /** Oversample every stretch (the plain path), for tests that prove the skip exact. */
  noTruePeakSkip?: boolean;
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

/** Growable Float64Array: amortised O(1) push, no per-block allocation. */
class F64List {
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

export class LoudnessAnalyzer implements Analyzer<LoudnessResult> {
  readonly id = 'loudness';
  private k!: KWeighting;
  private weights!: Float64Array;
  private labels!: ChannelLabel[];
  private filterState!: Float64Array[];
  private tp!: TruePeakMeter[];
  private sumSquares!: Float64Array;
  private frames = 0;
  private subLength = 0;
  private sampleRate = 48000;
  private subFill = 0;
  private subEnergy!: Float64Array; // per channel Σ y² of the current sub-block
  private ring = new Float64Array(SUB_BLOCKS_S);
  private subCount = 0;
  private momentaryMax = 0;
  private shortTermMax = 0;
  private blocks = new F64List();
  private shortTerm = new F64List();
  private seriesM: Array<number | null> = [];
  private seriesS: Array<number | null> = [];
  private readonly warnings: string[] = [];

  constructor(private readonly options: LoudnessOptions = {}) {}

  start(stream: StreamInfo): void {
    const n = stream.channelCount;
    this.k = kWeightingCoefficients(stream.sampleRate);
    this.labels = stream.channelLabels;
    this.weights = new Float64Array(n);
    for (let c = 0; c < n; c++) this.weights[c] = loudnessWeight(stream.channelLabels[c] ?? (`Ch${c + 1}` as ChannelLabel));
    if (n === 1 && this.options.dualMono) this.weights[0] = 2;
    this.filterState = Array.from({ length: n }, () => new Float64Array(8));
    this.tp = Array.from({ length: n }, () => {
      const m = new TruePeakMeter(stream.sampleRate);
      m.skipEnabled = !this.options.noTruePeakSkip;
      return m;
    });
    this.sumSquares = new Float64Array(n);
    this.subEnergy = new Float64Array(n);
    this.sampleRate = stream.sampleRate;
    this.subLength = Math.round(stream.sampleRate / 100);
    if (stream.sampleRate % 100 !== 0) {
      this.warnings.push(`sample rate ${stream.sampleRate} Hz is not a multiple of 100: 10 ms sub-blocks are ${this.subLength} samples`);
    }
  }

  process(block: AudioBlock): void {
    const n = block.channels.length;
    let i = 0;
    while (i < block.frames) {
      const take = Math.min(block.frames - i, this.subLength - this.subFill);
      for (let c = 0; c < n; c++) {
        const x = block.channels[c]!;
        this.subEnergy[c]! += kWeightSumSquares(x, i, i + take, this.k, this.filterState[c]!);
        let ss = 0;
        for (let j = i; j < i + take; j++) ss += x[j]! * x[j]!;
        this.sumSquares[c]! += ss;
        this.tp[c]!.process(x, i, i + take);
      }
      this.subFill += take;
      i += take;
      if (this.subFill === this.subLength) this.endSubBlock();
    }
    this.frames += block.frames;
  }

  private endSubBlock(): void {
    let e = 0;
    for (let c = 0; c < this.subEnergy.length; c++) {
      e += this.weights[c]! * this.subEnergy[c]!;
      this.subEnergy[c] = 0;
    }
    this.ring[this.subCount % SUB_BLOCKS_S] = e / this.subLength;
    this.subCount++;
    this.subFill = 0;
    const m = this.subCount >= SUB_BLOCKS_M ? this.windowMean(SUB_BLOCKS_M) : -1;
    const s = this.subCount >= SUB_BLOCKS_S ? this.windowMean(SUB_BLOCKS_S) : -1;
    if (m > this.momentaryMax) this.momentaryMax = m;
    if (s > this.shortTermMax) this.shortTermMax = s;
    if (this.options.onStep) {
      this.options.onStep((this.subCount * this.subLength) / this.sampleRate, m >= 0 ? energyToLufs(m) : null, s >= 0 ? energyToLufs(s) : null);
    }
    if (this.subCount % SUB_PER_HOP === 0) {
      if (m >= 0) this.blocks.push(m);
      if (s >= 0) this.shortTerm.push(s);
      if (this.options.series) {
        this.seriesM.push(m > 0 ? round3(energyToLufs(m)) : null);
        this.seriesS.push(s > 0 ? round3(energyToLufs(s)) : null);
      }
    }
  }

  /** Mean of the last `count` sub-block mean-squares (re-summed: exact, and only every 10 ms). */
  private windowMean(count: number): number {
    let sum = 0;
    for (let j = this.subCount - count; j < this.subCount; j++) sum += this.ring[j % SUB_BLOCKS_S]!;
    return sum / count;
  }

  /** Channel-weighted mean square of every 400 ms gating block (100 ms hop), for dialogue gating. */
  blockEnergies(): Float64Array {
    return this.blocks.view();
  }

  /** Short-term (3 s) mean squares at 10 Hz, entry i ending at (i + 30) × 100 ms. */
  shortTermEnergies(): Float64Array {
    return this.shortTerm.view();
  }

  finish(): LoudnessResult {
    for (const m of this.tp) m.flush();
    const integrated = integratedEnergy(this.blocks.view());
    const lra = loudnessRange(this.shortTerm.view());
    const integratedLufs = energyToLufs(integrated);
    let samplePeak = 0;
    let truePeak = 0;
    const channels: ChannelSummary[] = this.tp.map((m, c) => {
      samplePeak = Math.max(samplePeak, m.samplePeak);
      truePeak = Math.max(truePeak, m.truePeak);
      return {
        label: this.labels[c] ?? (`Ch${c + 1}` as ChannelLabel),
        truePeakDbtp: round3(db(m.truePeak)),
        samplePeakDbfs: round3(db(m.samplePeak)),
        rmsDbfs: this.frames > 0 ? round3(db(Math.sqrt(this.sumSquares[c]! / this.frames))) : null,
      };
    });
    const warnings = [...this.warnings];
    const durationS = (this.subCount * this.subLength) / this.sampleRate;
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
    const result: LoudnessResult = {
      loudness,
      channels,
      gatingBlocks: this.blocks.length,
      lraShortTermValues: this.shortTerm.length,
      warnings,
    };
    if (this.options.series) {
      result.series = { intervalSeconds: 0.1, momentaryLufs: this.seriesM, shortTermLufs: this.seriesS };
    }
    return result;
  }

  /** True-peak stretches oversampled and skipped (bench). */
  truePeakWork(): { oversampled: number; skipped: number } {
    let o = 0;
    let s = 0;
    for (const m of this.tp) {
      o += m.oversampled;
      s += m.skipped;
    }
    return { oversampled: o, skipped: s };
  }
}

function round3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
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
