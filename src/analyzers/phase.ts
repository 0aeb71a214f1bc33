/**
 * Phase: Pearson correlation of each stereo pair (L/R, Ls/Rs, side, rear, wide and height pairs where
 * present) over the whole file and in 400 ms windows, the worst window with its time, runs of windows
 * below -0.3 (qc-tools.md §1.3 [P]: sustained negative correlation = phase/polarity fault), and the
 * mono-fold loss: energy of (L+R)/2 against the mean energy of L and R, in dB (0 dB for identical
 * channels, -3 dB for uncorrelated ones, very negative for a polarity-inverted pair).
 *
 * Merging across segments: the overall sums (sumLL, sumRR, sumLR) merge by addition; windowed results
 * and runs do not (windows straddle segment boundaries).
 *
 * The per-stretch sums come from the WASM block scan when there is one (block-scan.ts: the same
 * products and additions in the same order, so the same bits), else from the plain loops.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { ScanSource, scanModule, type ScanOptions } from '../dsp/block-scan.js';

export const PHASE_WINDOW_SECONDS = 0.4;
/** qc-tools.md §1.3 [P]: flag sustained correlation below this. */
export const NEGATIVE_CORRELATION_LIMIT = -0.3;
/** Windows where either channel is quieter than this (RMS) are not judged: noise floors correlate at random. */
export const PHASE_GATE_DBFS = -50;
/** A cancelled fold-down is reported as this floor rather than minus infinity (JSON has no -Infinity). */
export const MONO_FOLD_FLOOR_DB = -100;

const PAIRS: Array<[ChannelLabel, ChannelLabel]> = [
  ['L', 'R'], ['Ls', 'Rs'], ['Lss', 'Rss'], ['Lrs', 'Rrs'], ['Lw', 'Rw'], ['Lc', 'Rc'],
  ['Ltf', 'Rtf'], ['Ltr', 'Rtr'], ['Lts', 'Rts'],
];

export interface PhaseOptions extends ScanOptions {
  windowSeconds?: number;
  negativeLimit?: number;
  gateDbfs?: number;
  maxEvents?: number;
}

export interface WindowValue {
  value: number;
  startSeconds: number;
  endSeconds: number;
}

export interface NegativeCorrelationRun {
  pair: string;
  startSeconds: number;
  endSeconds: number;
  minCorrelation: number;
}

export interface PairPhase {
  /** "L/R", "Ls/Rs", ... */
  pair: string;
  channels: [number, number];
  labels: [ChannelLabel, ChannelLabel];
  /** Whole-file correlation; null when either channel is digital silence. */
  correlation: number | null;
  monoFoldLossDb: number | null;
  /** Lowest correlation among judged windows, and the largest fold-down loss; null with no judged window. */
  worstWindowCorrelation: WindowValue | null;
  worstWindowMonoFoldLossDb: WindowValue | null;
  judgedWindows: number;
  /** Every sample of the two channels is equal (dual mono, a duplicated channel). */
  identical: boolean;
  negativeRuns: NegativeCorrelationRun[];
  /** Sums for merging segments. */
  sumLL: number;
  sumRR: number;
  sumLR: number;
}

export interface PhaseResult {
  windowSeconds: number;
  negativeLimit: number;
  gateDbfs: number;
  pairs: PairPhase[];
  eventsTruncated: boolean;
}

function correlationOf(ll: number, rr: number, lr: number): number | null {
  return ll > 0 && rr > 0 ? Math.max(-1, Math.min(1, lr / Math.sqrt(ll * rr))) : null;
}

function monoFoldLoss(ll: number, rr: number, lr: number): number | null {
  if (ll + rr <= 0) return null;
  const folded = (ll + rr + 2 * lr) / 4;
  const mean = (ll + rr) / 2;
  return folded > 0 ? Math.max(MONO_FOLD_FLOOR_DB, 10 * Math.log10(folded / mean)) : MONO_FOLD_FLOOR_DB;
}

/** A stretch's sums into the whole-file (0-2) and current-window (3-5) totals. */
function addSums(s: Float64Array, ll: number, rr: number, lr: number): void {
  s[0]! += ll;
  s[1]! += rr;
  s[2]! += lr;
  s[3]! += ll;
  s[4]! += rr;
  s[5]! += lr;
}

interface PairState {
  a: number;
  b: number;
  sums: Float64Array; // LL RR LR (whole file), then LL RR LR (current window)
  identical: boolean;
  worstCorr: WindowValue | null;
  worstLoss: WindowValue | null;
  judged: number;
  runStart: number; // seconds, -1 when not in a run
  runEnd: number;
  runMin: number;
  runs: NegativeCorrelationRun[];
  name: string;
}

export class PhaseAnalyzer implements Analyzer<PhaseResult> {
  readonly id = 'phase';
  private readonly windowSeconds: number;
  private readonly negativeLimit: number;
  private readonly gateDbfs: number;
  private readonly gateEnergy: number;
  private readonly maxEvents: number;
  private sampleRate = 48000;
  private windowFrames = 0;
  private inWindow = 0;
  private windowStart = 0;
  private labels: ChannelLabel[] = [];
  private pairs: PairState[] = [];
  private events = 0;
  private truncated = false;
  /** WASM pair sums (each sum in the JS order), or null: the JS loops. */
  private readonly scans: ScanSource;
  private pairChannels = new Int32Array(0); // a, b of each pair, for the scan
  private pairSums = new Float64Array(0); // Σxx Σyy Σxy differ of each pair, from the scan

  constructor(options: PhaseOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? PHASE_WINDOW_SECONDS;
    this.negativeLimit = options.negativeLimit ?? NEGATIVE_CORRELATION_LIMIT;
    this.gateDbfs = options.gateDbfs ?? PHASE_GATE_DBFS;
    this.gateEnergy = 10 ** (this.gateDbfs / 10);
    this.maxEvents = options.maxEvents ?? 500;
    this.scans = new ScanSource(scanModule(options));
  }

  start(stream: StreamInfo): void {
    this.sampleRate = stream.sampleRate;
    this.labels = stream.channelLabels.slice();
    this.windowFrames = Math.max(1, Math.round(this.windowSeconds * this.sampleRate));
    this.inWindow = 0;
    this.windowStart = 0;
    this.events = 0;
    this.truncated = false;
    this.pairs = [];
    for (const [l, r] of PAIRS) {
      const a = this.labels.indexOf(l);
      const b = this.labels.indexOf(r);
      if (a < 0 || b < 0) continue;
      this.pairs.push({
        a, b, sums: new Float64Array(6), identical: true, worstCorr: null, worstLoss: null, judged: 0,
        runStart: -1, runEnd: 0, runMin: 0, runs: [], name: `${l}/${r}`,
      });
    }
    this.pairChannels = Int32Array.from(this.pairs.flatMap((p) => [p.a, p.b]));
    this.pairSums = new Float64Array(4 * this.pairs.length);
  }

  process(block: AudioBlock): void {
    const scan = this.pairs.length > 0 ? this.scans.for(block) : null;
    let i = 0;
    while (i < block.frames) {
      const n = Math.min(block.frames - i, this.windowFrames - this.inWindow);
      if (scan !== null) {
        const out = this.pairSums;
        scan.pairSums(this.pairChannels, this.pairs.length, i, n, out);
        for (let k = 0; k < this.pairs.length; k++) {
          const p = this.pairs[k]!;
          if (out[4 * k + 3] !== 0) p.identical = false;
          addSums(p.sums, out[4 * k]!, out[4 * k + 1]!, out[4 * k + 2]!);
        }
      } else {
        this.sumPairs(block, i, n);
      }
      this.inWindow += n;
      i += n;
      if (this.inWindow === this.windowFrames) this.closeWindow();
    }
  }

  /** The plain path: each pair's sums over block frames i..i+n into its totals. */
  private sumPairs(block: AudioBlock, i: number, n: number): void {
    const pairs = this.pairs;
    let pi = 0;
    // Two pairs per loop: six independent sums overlap (each keeps its own order, as below).
    for (; pi + 1 < pairs.length; pi += 2) {
      const p = pairs[pi]!;
      const q = pairs[pi + 1]!;
      const x = block.channels[p.a]!;
      const y = block.channels[p.b]!;
      const u = block.channels[q.a]!;
      const w = block.channels[q.b]!;
      let ll = 0;
      let rr = 0;
      let lr = 0;
      let uu = 0;
      let ww = 0;
      let uw = 0;
      let same = p.identical;
      let sameQ = q.identical;
      for (let k = i; k < i + n; k++) {
        const l = x[k]!;
        const r = y[k]!;
        const a = u[k]!;
        const b = w[k]!;
        ll += l * l;
        rr += r * r;
        lr += l * r;
        uu += a * a;
        ww += b * b;
        uw += a * b;
        if (l !== r) same = false;
        if (a !== b) sameQ = false;
      }
      p.identical = same;
      q.identical = sameQ;
      addSums(p.sums, ll, rr, lr);
      addSums(q.sums, uu, ww, uw);
    }
    for (; pi < pairs.length; pi++) {
      const p = pairs[pi]!;
      const x = block.channels[p.a]!;
      const y = block.channels[p.b]!;
      let ll = 0;
      let rr = 0;
      let lr = 0;
      let same = p.identical;
      for (let k = i; k < i + n; k++) {
        const l = x[k]!;
        const r = y[k]!;
        ll += l * l;
        rr += r * r;
        lr += l * r;
        if (l !== r) same = false;
      }
      p.identical = same;
      addSums(p.sums, ll, rr, lr);
    }
  }

  private closeWindow(): void {
    const frames = this.inWindow;
    const start = this.windowStart / this.sampleRate;
    const end = (this.windowStart + frames) / this.sampleRate;
    for (const p of this.pairs) {
      const s = p.sums;
      const ll = s[3]!;
      const rr = s[4]!;
      const lr = s[5]!;
      s[3] = 0;
      s[4] = 0;
      s[5] = 0;
      const judged = ll / frames >= this.gateEnergy && rr / frames >= this.gateEnergy;
      const corr = judged ? correlationOf(ll, rr, lr) : null;
      if (corr === null) {
        this.closeRun(p);
        continue;
      }
      p.judged++;
      if (!p.worstCorr || corr < p.worstCorr.value) p.worstCorr = { value: corr, startSeconds: start, endSeconds: end };
      const loss = monoFoldLoss(ll, rr, lr)!;
      if (!p.worstLoss || loss < p.worstLoss.value) p.worstLoss = { value: loss, startSeconds: start, endSeconds: end };
      if (corr < this.negativeLimit) {
        if (p.runStart < 0) {
          p.runStart = start;
          p.runMin = corr;
        }
        p.runEnd = end;
        p.runMin = Math.min(p.runMin, corr);
      } else {
        this.closeRun(p);
      }
    }
    this.windowStart += frames;
    this.inWindow = 0;
  }

  private closeRun(p: PairState): void {
    if (p.runStart < 0) return;
    if (this.events < this.maxEvents) {
      p.runs.push({ pair: p.name, startSeconds: p.runStart, endSeconds: p.runEnd, minCorrelation: p.runMin });
      this.events++;
    } else {
      this.truncated = true;
    }
    p.runStart = -1;
  }

  finish(): PhaseResult {
    // A final partial window is judged if it holds at least half a window.
    if (this.inWindow >= this.windowFrames / 2) this.closeWindow();
    for (const p of this.pairs) this.closeRun(p);
    return {
      windowSeconds: this.windowSeconds,
      negativeLimit: this.negativeLimit,
      gateDbfs: this.gateDbfs,
      eventsTruncated: this.truncated,
      pairs: this.pairs.map((p) => {
        const [ll, rr, lr] = [p.sums[0]!, p.sums[1]!, p.sums[2]!];
        return {
          pair: p.name,
          channels: [p.a, p.b] as [number, number],
          labels: [this.labels[p.a]!, this.labels[p.b]!] as [ChannelLabel, ChannelLabel],
          correlation: correlationOf(ll, rr, lr),
          monoFoldLossDb: monoFoldLoss(ll, rr, lr),
          worstWindowCorrelation: p.worstCorr,
          worstWindowMonoFoldLossDb: p.worstLoss,
          judgedWindows: p.judged,
          identical: p.identical && ll > 0,
          negativeRuns: p.runs.slice(),
          sumLL: ll,
          sumRR: rr,
          sumLR: lr,
        };
      }),
    };
  }
}

export function phaseAnalyzer(options?: PhaseOptions): PhaseAnalyzer {
  return new PhaseAnalyzer(options);
}
