/**
 * DC offset: each channel's long-term mean over the whole stream (not per block), in linear units and
 * dBFS. Sums are kept in float64 with Neumaier compensation so hours of programme do not drift.
 *
 * Merging across segments: mergeable (sum and frame count per channel add).
 *
 * Block sums come from the WASM block scan when there is one (block-scan.ts: the same additions in the
 * same order, so the same bits), else from the plain loops below.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { ScanSource, scanModule, type ScanOptions } from '../dsp/block-scan.js';

export interface ChannelDcOffset {
  channel: number;
  label: ChannelLabel;
  /** Mean sample value (full scale = 1). */
  mean: number;
  /** 20·log10|mean|; null when the mean is exactly 0. */
  meanDbfs: number | null;
  /** Sum and frames, for merging segments. */
  sum: number;
  frames: number;
}

export interface DcOffsetResult {
  channels: ChannelDcOffset[];
  /** The channel with the largest |mean|, or null with no channels. */
  worstChannel: number | null;
}

export class DcOffsetAnalyzer implements Analyzer<DcOffsetResult> {
  readonly id = 'dc-offset';
  private labels: ChannelLabel[] = [];
  private sum = new Float64Array(0);
  private comp = new Float64Array(0);
  private frames = 0;
  private blockSums = new Float64Array(0);
  /** WASM channel sums (two channels per f64x2 lane pair, each in the JS order), or null: the JS loops. */
  private readonly scans: ScanSource;

  constructor(options: ScanOptions = {}) {
    this.scans = new ScanSource(scanModule(options));
  }

  start(stream: StreamInfo): void {
    this.labels = stream.channelLabels.slice();
    this.sum = new Float64Array(stream.channelCount);
    this.comp = new Float64Array(stream.channelCount);
    this.frames = 0;
  }

  process(block: AudioBlock): void {
    const channels = block.channels;
    const n = block.frames;
    const sums = this.blockSums.length >= channels.length ? this.blockSums : (this.blockSums = new Float64Array(channels.length));
    const scan = this.scans.for(block);
    if (scan !== null) scan.channelSums(sums);
    else this.sumChannels(channels, n, sums);
    for (let c = 0; c < channels.length; c++) {
      const blockSum = sums[c]!;
      // Neumaier: add the block's sum to the running total, keeping the rounding error.
      const s = this.sum[c]!;
      const t = s + blockSum;
      this.comp[c]! += Math.abs(s) >= Math.abs(blockSum) ? s - t + blockSum : blockSum - t + s;
      this.sum[c] = t;
    }
    this.frames += block.frames;
  }

  /** The plain path: sums[c] = channel c's samples summed in order from 0. */
  private sumChannels(channels: Float32Array[], n: number, sums: Float64Array): void {
    // Four, then two channels per loop: independent sums overlap (each channel's sum keeps its own order).
    let c = 0;
    for (; c + 3 < channels.length; c += 4) {
      const x = channels[c]!;
      const y = channels[c + 1]!;
      const z = channels[c + 2]!;
      const w = channels[c + 3]!;
      let sx = 0;
      let sy = 0;
      let sz = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i]!;
        sy += y[i]!;
        sz += z[i]!;
        sw += w[i]!;
      }
      sums[c] = sx;
      sums[c + 1] = sy;
      sums[c + 2] = sz;
      sums[c + 3] = sw;
    }
    for (; c + 1 < channels.length; c += 2) {
      const x = channels[c]!;
      const y = channels[c + 1]!;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i]!;
        sy += y[i]!;
      }
      sums[c] = sx;
      sums[c + 1] = sy;
    }
    if (c < channels.length) {
      const x = channels[c]!;
      let sx = 0;
      for (let i = 0; i < n; i++) sx += x[i]!;
      sums[c] = sx;
    }
  }

  /** Add finished segments' sums (Neumaier, as blocks are added) and frames: used by merge. */
  absorb(parts: DcOffsetResult[]): void {
    for (const p of parts) {
      for (const ch of p.channels) {
        const s = this.sum[ch.channel]!;
        const t = s + ch.sum;
        this.comp[ch.channel]! += Math.abs(s) >= Math.abs(ch.sum) ? s - t + ch.sum : ch.sum - t + s;
        this.sum[ch.channel] = t;
      }
      this.frames += p.channels[0]?.frames ?? 0;
    }
  }

  finish(): DcOffsetResult {
    let worst: number | null = null;
    const channels = this.labels.map((label, c) => {
      const sum = this.sum[c]! + this.comp[c]!;
      const mean = this.frames > 0 ? sum / this.frames : 0;
      if (worst === null || Math.abs(mean) > Math.abs(this.sum[worst]! + this.comp[worst]!) / Math.max(1, this.frames)) worst = c;
      return { channel: c, label, mean, meanDbfs: mean !== 0 ? 20 * Math.log10(Math.abs(mean)) : null, sum, frames: this.frames };
    });
    return { channels, worstChannel: worst };
  }
}

export namespace DcOffsetAnalyzer {
  /** Consecutive segments' results → the whole stream's (sums and frame counts add). */
  export function merge(parts: DcOffsetResult[], stream: StreamInfo): DcOffsetResult {
    const a = new DcOffsetAnalyzer();
    a.start(stream);
    a.absorb(parts);
    return a.finish();
  }
}

export function dcOffsetAnalyzer(options?: ScanOptions): DcOffsetAnalyzer {
  return new DcOffsetAnalyzer(options);
}
