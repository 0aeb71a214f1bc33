/**
 * Where the lockstep pass's segment sums go: each channel's totals over the compared range (reference and
 * residual energy and peak), the residual windows (to the classifier), and a coarse residual-vs-time series
 * (per channel, every `seriesSeconds`) so a rule can line the residual up with other evidence (speech
 * detected in an M&E = dialogue leak). A segment is the frames of a block between window and series
 * boundaries: `cut` says where they fall, `add` takes a segment's sums per channel, `advance` moves past it.
 */
import type { ChannelLabel } from '../../audio/channels.js';
import { ResidualClassifier } from './classify.js';
import { dbPower } from './levels.js';
import type { ResidualSettings } from './thresholds.js';
import type { ResidualSeries } from './types.js';

export class ResidualMeter {
  readonly windowFrames: number;
  readonly seriesFrames: number;
  readonly classifier: ResidualClassifier;
  /** Per channel over the compared range: Σ reference², its peak, Σ residual², its peak. */
  readonly refE: Float64Array;
  readonly refPeak: Float64Array;
  readonly resE: Float64Array;
  readonly resPeak: Float64Array;
  readonly series: ResidualSeries;
  framesCompared = 0;
  private readonly serResE: Float64Array;
  private readonly serRefE: Float64Array;
  private inWindow = 0;
  private inSeries = 0;

  constructor(
    private readonly channels: number,
    labels: ChannelLabel[],
    rate: number,
    fromSeconds: number,
    settings: ResidualSettings,
    /** The reference's ceiling (linear), for the limiter test. */
    ceiling: number,
  ) {
    this.windowFrames = Math.max(1, Math.round(settings.windowSeconds * rate));
    this.seriesFrames = Math.max(1, Math.round(settings.seriesSeconds * rate));
    this.classifier = new ResidualClassifier(channels, labels, rate, fromSeconds, this.windowFrames, settings, ceiling);
    this.refE = new Float64Array(channels);
    this.refPeak = new Float64Array(channels);
    this.resE = new Float64Array(channels);
    this.resPeak = new Float64Array(channels);
    this.serResE = new Float64Array(channels);
    this.serRefE = new Float64Array(channels);
    this.series = {
      intervalSeconds: settings.seriesSeconds,
      startSeconds: fromSeconds,
      channels: labels.map((label, channel) => ({ channel, label, residualRmsDbfs: [], referenceRmsDbfs: [] })),
    };
  }

  /** Segments a block of `blockFrames` splits into at most, at window and series boundaries. */
  maxSegments(blockFrames: number): number {
    return Math.floor(blockFrames / this.windowFrames) + Math.floor(blockFrames / this.seriesFrames) + 3;
  }

  /** The next `n` frames cut at window and series boundaries: each segment's end (exclusive) into `ends`; returns the count. */
  cut(n: number, ends: Int32Array): number {
    let segments = 0;
    for (let i = 0, win = this.inWindow, ser = this.inSeries; i < n; ) {
      const m = Math.min(n - i, this.windowFrames - win, this.seriesFrames - ser);
      i += m;
      ends[segments++] = i;
      win = win + m === this.windowFrames ? 0 : win + m;
      ser = ser + m === this.seriesFrames ? 0 : ser + m;
    }
    return segments;
  }

  /** A segment's sums of channel c: Σ ref², Σ e², Σ e² where e·ref > 0, peak |ref|, peak |e|. */
  add(c: number, eRef: number, eRes: number, agree: number, pRef: number, pRes: number): void {
    this.refE[c]! += eRef;
    this.resE[c]! += eRes;
    if (pRef > this.refPeak[c]!) this.refPeak[c] = pRef;
    if (pRes > this.resPeak[c]!) this.resPeak[c] = pRes;
    this.classifier.add(c, eRes, agree, pRef, pRes);
    this.serResE[c]! += eRes;
    this.serRefE[c]! += eRef;
  }

  /** A segment's probe sums of channel c: Σ e·p, Σ p² (only when the test reads a probe). */
  addProbe(c: number, ep: number, pp: number): void {
    this.classifier.addProbe(c, ep, pp);
  }

  /** After a segment of m frames on every channel: close the window and series it completes. */
  advance(m: number): void {
    this.inWindow += m;
    this.inSeries += m;
    this.framesCompared += m;
    if (this.inWindow === this.windowFrames) this.closeWindow();
    if (this.inSeries === this.seriesFrames) this.closeSeries();
  }

  /** The pass is over: close the partial window and series, and the classifier's runs. */
  finish(): void {
    if (this.inWindow > 0) this.closeWindow();
    this.classifier.finish(this.framesCompared);
    if (this.inSeries > 0) this.closeSeries();
  }

  private closeWindow(): void {
    this.classifier.closeWindow(this.inWindow, this.framesCompared);
    this.inWindow = 0;
  }

  private closeSeries(): void {
    for (let c = 0; c < this.channels; c++) {
      this.series.channels[c]!.residualRmsDbfs.push(dbPower(this.serResE[c]! / this.inSeries));
      this.series.channels[c]!.referenceRmsDbfs.push(dbPower(this.serRefE[c]! / this.inSeries));
      this.serResE[c] = 0;
      this.serRefE[c] = 0;
    }
    this.inSeries = 0;
  }
}
