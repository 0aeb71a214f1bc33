/**
 * Clipping: runs of identical consecutive samples at or above a level near full scale, per channel, and
 * the share of samples at full scale. Defaults are Netflix's automated clipping inspector criteria
 * (qc-tools.md §1.5, [V]): (1) any run of identical consecutive samples at the maximum level with a
 * threshold of -0.45 dBFS, (2) >= 10 distinct clipped segments at the asset's greatest level,
 * (3) more than 0.01 % of samples at full scale. Criteria (4) and (5) (histogram shape) are not computed.
 * A caution for limits: in 16-bit material a low-frequency crest above -0.45 dBFS can repeat a sample
 * value legitimately (a 40 Hz crest moves less than one 16-bit step between samples), so criterion (1)
 * is strict there; `minRunSamples` raises the run length when a profile wants it.
 *
 * Merging across segments: NOT mergeable as-is. A run can straddle a segment boundary and criterion (2)
 * depends on the whole asset's peak, so the host must give this analyzer the whole file.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { ScanSource, scanModule, type ScanOptions } from '../dsp/block-scan.js';

/** Netflix clipping inspector, criterion 1: the level a run of identical samples must reach. */
export const NETFLIX_CLIP_THRESHOLD_DBFS = -0.45;
/** Netflix criterion 2: this many distinct clipped segments at the asset's greatest level. */
export const NETFLIX_CLIP_SEGMENTS_AT_PEAK = 10;
/** Netflix criterion 3: more than this percentage of samples at full scale. */
export const NETFLIX_FULL_SCALE_PERCENT = 0.01;
/** "Full scale" for criterion 3: |x| >= 0.999 (-0.0087 dBFS), so 24-bit and float 1.0 both count. */
export const FULL_SCALE_LINEAR = 0.999;

export interface ClippingOptions extends ScanOptions {
  /** Level a run must reach, dBFS (default Netflix -0.45). */
  thresholdDbfs?: number;
  /** Samples in a run of identical values (default 2: "a run of identical consecutive samples"). */
  minRunSamples?: number;
  /** |x| at or above this counts as full scale (default 0.999). */
  fullScaleLinear?: number;
  /** Events kept per file (counts go on past it). */
  maxEvents?: number;
}

export interface ClipRun {
  channel: number;
  label: ChannelLabel;
  startFrame: number;
  lengthSamples: number;
  startSeconds: number;
  endSeconds: number;
  levelDbfs: number;
}

export interface ChannelClipping {
  channel: number;
  label: ChannelLabel;
  /** Sample peak; null for a channel of digital zero. */
  peakDbfs: number | null;
  runCount: number;
  longestRunSamples: number;
  /** Runs whose level equals this channel's peak. */
  runsAtPeakCount: number;
  fullScaleSamples: number;
  fullScalePercent: number;
}

export interface ClippingResult {
  thresholdDbfs: number;
  minRunSamples: number;
  fullScaleLinear: number;
  channels: ChannelClipping[];
  /** Runs in time order (first `maxEvents`); `eventsTruncated` says when more were counted. */
  runs: ClipRun[];
  eventsTruncated: boolean;
  /** Netflix criteria as computed here; the rule decides the severity. */
  netflix: {
    identicalRunAtThreshold: boolean;
    segmentsAtAssetPeak: number;
    tooManySegmentsAtPeak: boolean;
    fullScalePercent: number;
    tooManyFullScaleSamples: boolean;
  };
}

function dbfs(linear: number): number | null {
  return linear > 0 ? 20 * Math.log10(linear) : null;
}

/**
 * The largest |x[i]| for i < frames, 0 for none (NaN never wins a comparison, so it is skipped).
 * Four running maxima let the compares overlap; a maximum does not depend on the order of its terms,
 * so this equals the one-at-a-time scan exactly.
 */
export function absPeak(x: Float32Array, frames: number): number {
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  let i = 0;
  for (; i + 3 < frames; i += 4) {
    const a = Math.abs(x[i]!);
    const b = Math.abs(x[i + 1]!);
    const c = Math.abs(x[i + 2]!);
    const d = Math.abs(x[i + 3]!);
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
    if (c > m2) m2 = c;
    if (d > m3) m3 = d;
  }
  for (; i < frames; i++) {
    const a = Math.abs(x[i]!);
    if (a > m0) m0 = a;
  }
  if (m1 > m0) m0 = m1;
  if (m2 > m0) m0 = m2;
  if (m3 > m0) m0 = m3;
  return m0;
}

export class ClippingAnalyzer implements Analyzer<ClippingResult> {
  readonly id = 'clipping';
  private readonly thresholdDbfs: number;
  private readonly thresholdLinear: number;
  private readonly minRun: number;
  private readonly fullScale: number;
  private readonly maxEvents: number;
  private sampleRate = 48000;
  private labels: ChannelLabel[] = [];
  private framesSeen = 0;
  // Per channel state (typed arrays: no allocation per block).
  private runValue = new Float64Array(0);
  private runStart = new Float64Array(0);
  private runLength = new Float64Array(0);
  private peak = new Float64Array(0);
  private runCount = new Float64Array(0);
  private longest = new Float64Array(0);
  private runsAtPeak = new Float64Array(0);
  private runsAtPeakLevel = new Float64Array(0);
  private fullScaleCount = new Float64Array(0);
  private readonly runs: ClipRun[] = [];
  private truncated = false;
  /** WASM block peaks (shared with the other analyzers through block.scan), or null: plain absPeak. */
  private readonly scans: ScanSource;

  constructor(options: ClippingOptions = {}) {
    this.thresholdDbfs = options.thresholdDbfs ?? NETFLIX_CLIP_THRESHOLD_DBFS;
    this.thresholdLinear = 10 ** (this.thresholdDbfs / 20);
    this.minRun = Math.max(2, options.minRunSamples ?? 2);
    this.fullScale = options.fullScaleLinear ?? FULL_SCALE_LINEAR;
    this.maxEvents = options.maxEvents ?? 500;
    this.scans = new ScanSource(scanModule(options));
  }

  start(stream: StreamInfo): void {
    const n = stream.channelCount;
    this.sampleRate = stream.sampleRate;
    this.labels = stream.channelLabels.slice();
    this.framesSeen = 0;
    this.runValue = new Float64Array(n).fill(NaN);
    this.runStart = new Float64Array(n);
    this.runLength = new Float64Array(n);
    this.peak = new Float64Array(n);
    this.runCount = new Float64Array(n);
    this.longest = new Float64Array(n);
    this.runsAtPeak = new Float64Array(n);
    this.runsAtPeakLevel = new Float64Array(n);
    this.fullScaleCount = new Float64Array(n);
    this.runs.length = 0;
    this.truncated = false;
  }

  process(block: AudioBlock): void {
    const thr = this.thresholdLinear;
    const fs = this.fullScale;
    const scan = this.scans.for(block);
    for (let c = 0; c < block.channels.length; c++) {
      const x = block.channels[c]!;
      let peak = this.peak[c]!;
      let value = this.runValue[c]!;
      let length = this.runLength[c]!;
      let startFrame = this.runStart[c]!;
      let full = 0;
      // Fast path (same state as the loop below): a block whose peak stays under both the threshold and
      // full scale only raises the peak and ends a run in progress, as its first sample would.
      const m = scan !== null ? scan.absPeak(c) : absPeak(x, block.frames);
      if (m < thr && m < fs && block.frames > 0) {
        if (m > peak) this.peak[c] = m;
        if (length >= this.minRun) this.closeRun(c, startFrame, length, value);
        this.runValue[c] = NaN;
        this.runLength[c] = 0;
        continue;
      }
      for (let i = 0; i < block.frames; i++) {
        const v = x[i]!;
        const a = v < 0 ? -v : v;
        if (a > peak) peak = a;
        if (a >= fs) full++;
        if (a >= thr && v === value) {
          length++;
          continue;
        }
        if (length >= this.minRun) this.closeRun(c, startFrame, length, value);
        if (a >= thr) {
          value = v;
          length = 1;
          startFrame = block.frameOffset + i;
        } else {
          value = NaN;
          length = 0;
        }
      }
      this.peak[c] = peak;
      this.runValue[c] = value;
      this.runLength[c] = length;
      this.runStart[c] = startFrame;
      this.fullScaleCount[c]! += full;
    }
    this.framesSeen = Math.max(this.framesSeen, block.frameOffset + block.frames);
  }

  private closeRun(c: number, startFrame: number, length: number, value: number): void {
    const level = Math.abs(value);
    this.runCount[c]! += 1;
    if (length > this.longest[c]!) this.longest[c] = length;
    // Criterion 2 counts segments at the greatest level: restart the count when a louder run appears.
    if (level > this.runsAtPeakLevel[c]!) {
      this.runsAtPeakLevel[c] = level;
      this.runsAtPeak[c] = 1;
    } else if (level === this.runsAtPeakLevel[c]) {
      this.runsAtPeak[c]! += 1;
    }
    if (this.runs.length >= this.maxEvents) {
      this.truncated = true;
      return;
    }
    this.runs.push({
      channel: c,
      label: this.labels[c] ?? (`Ch${c + 1}` as ChannelLabel),
      startFrame,
      lengthSamples: length,
      startSeconds: startFrame / this.sampleRate,
      endSeconds: (startFrame + length) / this.sampleRate,
      levelDbfs: 20 * Math.log10(level),
    });
  }

  finish(): ClippingResult {
    for (let c = 0; c < this.labels.length; c++) {
      if (this.runLength[c]! >= this.minRun) this.closeRun(c, this.runStart[c]!, this.runLength[c]!, this.runValue[c]!);
      this.runLength[c] = 0;
      this.runValue[c] = NaN;
    }
    this.runs.sort((a, b) => a.startFrame - b.startFrame || a.channel - b.channel);
    const frames = Math.max(1, this.framesSeen);
    const channels: ChannelClipping[] = this.labels.map((label, c) => ({
      channel: c,
      label,
      peakDbfs: dbfs(this.peak[c]!),
      runCount: this.runCount[c]!,
      longestRunSamples: this.longest[c]!,
      runsAtPeakCount: this.runsAtPeakLevel[c] === this.peak[c] ? this.runsAtPeak[c]! : 0,
      fullScaleSamples: this.fullScaleCount[c]!,
      fullScalePercent: (100 * this.fullScaleCount[c]!) / frames,
    }));
    let assetPeak = 0;
    for (let c = 0; c < this.labels.length; c++) assetPeak = Math.max(assetPeak, this.peak[c]!);
    let segmentsAtAssetPeak = 0;
    let fullTotal = 0;
    for (let c = 0; c < this.labels.length; c++) {
      if (assetPeak > 0 && this.peak[c] === assetPeak) segmentsAtAssetPeak += channels[c]!.runsAtPeakCount;
      fullTotal += this.fullScaleCount[c]!;
    }
    const fullScalePercent = (100 * fullTotal) / (frames * Math.max(1, this.labels.length));
    return {
      thresholdDbfs: this.thresholdDbfs,
      minRunSamples: this.minRun,
      fullScaleLinear: this.fullScale,
      channels,
      runs: this.runs.slice(),
      eventsTruncated: this.truncated,
      netflix: {
        identicalRunAtThreshold: channels.some((c) => c.runCount > 0),
        segmentsAtAssetPeak,
        tooManySegmentsAtPeak: segmentsAtAssetPeak >= NETFLIX_CLIP_SEGMENTS_AT_PEAK,
        fullScalePercent,
        tooManyFullScaleSamples: fullScalePercent > NETFLIX_FULL_SCALE_PERCENT,
      },
    };
  }
}

export function clippingAnalyzer(options?: ClippingOptions): ClippingAnalyzer {
  return new ClippingAnalyzer(options);
}
