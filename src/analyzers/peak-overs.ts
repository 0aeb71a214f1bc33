/**
 * Where a file's samples reach the profile's true-peak limit: runs of samples at or above it per
 * channel (merged when closer than 100 ms), so a true-peak finding and the HTML chart can point at a
 * place. Sample peaks are a lower bound of true peak: an over found here is certainly a true-peak
 * over; an inter-sample-only over is not located (the true-peak figure itself comes from the loudness
 * meter). Cheap: one compare per sample, fixed memory.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { absPeak } from './clipping.js';
import { ScanSource, scanModule, type ScanOptions } from '../dsp/block-scan.js';

export interface PeakOverRun {
  channel: number;
  label: ChannelLabel;
  startSeconds: number;
  endSeconds: number;
  peakDbfs: number;
}

export interface PeakOversResult {
  limitDbfs: number;
  /** The largest |sample| of any channel, linear (the stems engine's limiter ceiling). */
  samplePeakLinear: number;
  runs: PeakOverRun[];
  /** Runs past `maxRuns` were counted but not kept. */
  runsTruncated: boolean;
}

const MERGE_SECONDS = 0.1;

export class PeakOversAnalyzer implements Analyzer<PeakOversResult> {
  readonly id = 'peak-overs';
  private limit = 1;
  private rate = 48000;
  private labels: ChannelLabel[] = [];
  private open: Array<PeakOverRun | null> = [];
  private runs: PeakOverRun[] = [];
  private truncated = false;
  private peak = 0;
  /** WASM block peaks (shared with clipping through block.scan), or null: plain absPeak. */
  private readonly scans: ScanSource;

  constructor(
    private readonly limitDbfs: number,
    private readonly maxRuns = 200,
    options: ScanOptions = {},
  ) {
    this.scans = new ScanSource(scanModule(options));
  }

  start(stream: StreamInfo): void {
    this.limit = 10 ** (this.limitDbfs / 20);
    this.rate = stream.sampleRate;
    this.labels = stream.channelLabels;
    this.open = Array.from({ length: stream.channelCount }, () => null);
    this.peak = 0;
  }

  process(block: AudioBlock): void {
    const limit = this.limit;
    const n = block.frames;
    const scan = this.scans.for(block);
    for (let c = 0; c < block.channels.length; c++) {
      const x = block.channels[c]!;
      // Most blocks never reach the limit: find the block's peak first, look for runs only when it does.
      const m = scan !== null ? scan.absPeak(c) : absPeak(x, n);
      if (m > this.peak) this.peak = m;
      if (m < limit) continue;
      for (let i = 0; i < n; i++) {
        const a = x[i]! < 0 ? -x[i]! : x[i]!;
        if (a < this.limit) continue;
        const t = (block.frameOffset + i) / this.rate;
        const db = 20 * Math.log10(a);
        const run = this.open[c];
        if (run && t - run.endSeconds <= MERGE_SECONDS) {
          run.endSeconds = t + 1 / this.rate;
          if (db > run.peakDbfs) run.peakDbfs = db;
        } else {
          if (run) this.keep(run);
          this.open[c] = { channel: c, label: this.labels[c]!, startSeconds: t, endSeconds: t + 1 / this.rate, peakDbfs: db };
        }
      }
    }
  }

  private keep(run: PeakOverRun): void {
    if (this.runs.length < this.maxRuns) this.runs.push(run);
    else this.truncated = true;
  }

  finish(): PeakOversResult {
    for (const run of this.open) if (run) this.keep(run);
    this.open = this.open.map(() => null);
    const runs = this.runs
      .map((r) => ({ ...r, peakDbfs: Math.round(r.peakDbfs * 100) / 100 }))
      .sort((a, b) => a.startSeconds - b.startSeconds);
    return { limitDbfs: this.limitDbfs, samplePeakLinear: this.peak, runs, runsTruncated: this.truncated };
  }
}
