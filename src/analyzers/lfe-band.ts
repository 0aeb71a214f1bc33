/**
 * LFE band limit: what a low-pass at the cutoff (Amazon Studios: 120 Hz, 24 dB/oct [V2]; UMG between
 * 100 and 150 Hz, qc-tools.md §1.4) would not have left in the LFE. Per cutoff fc, two measuring
 * Butterworth filters: the energy ABOVE AN OCTAVE OVER THE CUTOFF (high-pass at 2·fc, order 16) relative
 * to the energy in THE OCTAVE BELOW THE CUTOFF (band-pass fc/2..fc, a high-pass and a low-pass of order
 * 8, steep so that sub-bass below fc/2 stays out of it: the top of the LFE band), in dB; over the whole file and in 1 s windows, with the worst window
 * and the stretches over the limit, each stretch with its own figure (its energies summed).
 *
 * Why this measure and not "energy above the cutoff relative to the total": a correctly low-passed LFE
 * still carries the filter's skirt just above the cutoff (white noise low-passed at 120 Hz 24 dB/oct
 * reads about -10 dB above 120 Hz relative to its total), so that figure cannot tell a legal filter from
 * a missing one. An octave up, the skirt is gone: a low-pass of slope S leaves about S dB less there
 * than at the top of the band. Relative to the top octave (not the whole band) the figure does not
 * depend on how much sub-bass the content has below fc/2.
 *
 * Why the default limit is -6 dB [P]: measured with these filters on 10 s of content,
 * whole file (worst 1 s window), see test/analyzers/lfe-band.test.ts:
 *   low-passed at 120 Hz    12 dB/oct      24 dB/oct (BW / LR)            48 dB/oct (BW / LR)
 *   white noise             -9.7 (-8.6)    -25.6 (-24.4) / -24.3 (-23.2)  -51.8 / -51.0
 *   pink noise              -14.7 (-14.2)  -29.7 / -28.6                  -55.5 / -54.8
 *   brown rumble            -21.0 (-20.5)  -35.6 / -34.7                  -61.1 / -60.6
 *   explosions (noise)      -25.9 (-24.6)  -41.4 / -41.4                  -67.3 / -67.2
 *   sub hits                -47.9 (-30.4)  -61.9 / -61.9                  -86.6 / -86.7
 *   not band-limited        unfiltered     300 Hz 24 dB/oct               300 Hz 12 dB/oct
 *   white noise             +25.9          +0.6 (+1.7)                    +2.5
 *   pink noise              +8.5           -3.9 (-3.4)                    -2.8
 *   explosions (noise)      +10.5          -14.6 (passes: sub-heavy content a 300 Hz low-pass leaves
 *   brown rumble            -2.9           -9.8   little of above 240 Hz)
 *   sub hits                -16.5 (-1.4)   -36.0
 * -6 dB (a quarter of the top octave's energy above 2·fc) passes every 12 dB/oct or steeper low-pass at
 * 120 Hz by at least 2.5 dB and fails unfiltered or 300 Hz-filtered white or pink noise by at least
 * 2 dB. Content with little above 2·fc (a sub hit, unfiltered) has little a low-pass would remove:
 * only the seconds where it has some (the attack's click) read over the limit.
 * Profiles can set their own.
 *
 * Merging across segments: whole-file energies merge by addition (filter state restarts cost a few ms
 * at each boundary); windows and runs do not.
 */
import { isLfe, type ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { butterworthCoefficients, BiquadLanes } from '../dsp/biquad-lanes.js';

export const LFE_CUTOFFS_HZ = [120, 150];
/** Energy above 2·cutoff at most a quarter of the octave below the cutoff (see the header). */
export const LFE_ABOVE_BAND_LIMIT_DB = -6;
/** 48 dB/oct band-pass sides (and a 96 dB/oct high-pass), so the figure reflects the content more than the filters' skirts. */
export const LFE_FILTER_ORDER = 8;
export const LFE_WINDOW_SECONDS = 1;
/** Windows quieter than this (RMS) are not judged. */
export const LFE_GATE_DBFS = -60;

export interface LfeBandOptions {
  cutoffsHz?: number[];
  /** Even order of each side of the reference band-pass; the high-pass at 2·fc is twice as steep. */
  filterOrder?: number;
  limitDb?: number;
  windowSeconds?: number;
  gateDbfs?: number;
  maxEvents?: number;
  /** Run the filters in the WASM kernel when it is built (default true): the same sums, bit for bit. */
  useWasm?: boolean;
}

export interface LfeWindow {
  aboveBandDb: number;
  startSeconds: number;
  endSeconds: number;
}

export interface LfeOverLimitRun {
  channel: number;
  label: ChannelLabel;
  cutoffHz: number;
  startSeconds: number;
  endSeconds: number;
  /** The stretch's own figure: its over-limit windows' energies summed. */
  aboveBandDb: number;
  /** Its worst window. */
  maxAboveBandDb: number;
}

export interface LfeCutoffResult {
  cutoffHz: number;
  /** The reference band: the octave below the cutoff, Hz. */
  bandFromHz: number;
  /** Where "above" starts: an octave over the cutoff, Hz. */
  aboveFromHz: number;
  /** Energy above aboveFromHz relative to the reference band, dB; null for a silent channel. */
  aboveBandDb: number | null;
  worstWindow: LfeWindow | null;
  overLimitRuns: LfeOverLimitRun[];
  /** Judged (not gated) time and the part of it over the limit, s. */
  judgedSeconds: number;
  overLimitSeconds: number;
}

export interface LfeChannelResult {
  channel: number;
  label: ChannelLabel;
  rmsDbfs: number | null;
  judgedWindows: number;
  cutoffs: LfeCutoffResult[];
}

export interface LfeBandResult {
  filterOrder: number;
  limitDb: number;
  windowSeconds: number;
  /** Empty when the layout has no LFE. */
  channels: LfeChannelResult[];
  eventsTruncated: boolean;
}

/** One measuring cascade: 5 coefficients (b0 b1 b2 a1 a2) and 2 states per section, and its Σy². */
interface Filter {
  coefficients: Float64Array;
  state: Float64Array;
  energy: number;
  windowEnergy: number;
}

interface CutoffState {
  cutoffHz: number;
  /** Band-pass fc/2..fc (the reference) and high-pass at 2·fc. */
  band: Filter;
  above: Filter;
  worst: LfeWindow | null;
  runStart: number;
  runEnd: number;
  runMax: number;
  runBand: number;
  runAbove: number;
  runs: LfeOverLimitRun[];
  judgedFrames: number;
  overFrames: number;
}

/** One WASM bank: its lanes, and per cascade the filter it runs, its input channel, and the channel whose total it carries. */
interface Bank {
  lanes: BiquadLanes;
  filters: Filter[];
  channels: number[];
  totalOf: Array<ChannelState | null>;
}

interface ChannelState {
  channel: number;
  label: ChannelLabel;
  total: number;
  windowTotal: number;
  judged: number;
  cutoffs: CutoffState[];
}

function db(ratio: number): number {
  return 10 * Math.log10(Math.max(ratio, 1e-30));
}

/** above relative to band in dB, finite when either is zero (JSON has no Infinity). */
function ratioDb(above: number, band: number): number {
  return Math.min(300, Math.max(-300, 10 * Math.log10(Math.max(above, 1e-300) / Math.max(band, 1e-300))));
}

function filter(coefficients: Float64Array): Filter {
  return { coefficients, state: new Float64Array((coefficients.length / 5) * 2), energy: 0, windowEnergy: 0 };
}

export class LfeBandAnalyzer implements Analyzer<LfeBandResult> {
  readonly id = 'lfe-band';
  private readonly cutoffsHz: number[];
  private readonly order: number;
  private readonly limitDb: number;
  private readonly windowSeconds: number;
  private readonly gateEnergy: number;
  private readonly maxEvents: number;
  private readonly useWasm: boolean;
  /**
   * WASM twins of every LFE channel's measuring filters, one bank per section count (a bank's cascades
   * share one): the band-passes and high-passes all have `order` sections, so one bank, a band-pass
   * and its high-pass side by side in one vector. Null: the plain loops.
   */
  private banks: Bank[] | null = null;
  private sampleRate = 48000;
  private windowFrames = 0;
  private inWindow = 0;
  private windowStart = 0;
  private frames = 0;
  private channels: ChannelState[] = [];
  private scratch = new Float64Array(0);
  private events = 0;
  private truncated = false;

  constructor(options: LfeBandOptions = {}) {
    this.cutoffsHz = options.cutoffsHz ?? LFE_CUTOFFS_HZ;
    this.order = options.filterOrder ?? LFE_FILTER_ORDER;
    this.limitDb = options.limitDb ?? LFE_ABOVE_BAND_LIMIT_DB;
    this.windowSeconds = options.windowSeconds ?? LFE_WINDOW_SECONDS;
    this.gateEnergy = 10 ** ((options.gateDbfs ?? LFE_GATE_DBFS) / 10);
    this.maxEvents = options.maxEvents ?? 500;
    this.useWasm = options.useWasm ?? true;
  }

  /** Whether the filters run in WASM (after start). */
  get usingWasm(): boolean {
    return this.banks !== null;
  }

  start(stream: StreamInfo): void {
    const rate = stream.sampleRate;
    this.sampleRate = rate;
    this.windowFrames = Math.max(1, Math.round(this.windowSeconds * rate));
    this.inWindow = 0;
    this.windowStart = 0;
    this.frames = 0;
    this.events = 0;
    this.truncated = false;
    this.channels = [];
    stream.channelLabels.forEach((label, channel) => {
      if (!isLfe(label)) return;
      this.channels.push({
        channel, label, total: 0, windowTotal: 0, judged: 0,
        cutoffs: this.cutoffsHz.map((cutoffHz) => {
          // the reference band-pass: Butterworth high-pass at fc/2 then low-pass at fc, each of the order;
          // the high-pass at 2·fc twice as steep, so both have `order` sections (one WASM bank)
          const band = new Float64Array(this.order * 5);
          band.set(butterworthCoefficients('highpass', rate, cutoffHz / 2, this.order));
          band.set(butterworthCoefficients('lowpass', rate, cutoffHz, this.order), (this.order / 2) * 5);
          return {
            cutoffHz,
            band: filter(band),
            above: filter(butterworthCoefficients('highpass', rate, 2 * cutoffHz, 2 * this.order)),
            worst: null, runStart: -1, runEnd: 0, runMax: 0, runBand: 0, runAbove: 0, runs: [], judgedFrames: 0, overFrames: 0,
          };
        }),
      });
    });
    this.banks = this.makeBanks();
  }

  /** The filters grouped into WASM banks by section count, or null when any bank cannot run in WASM. */
  private makeBanks(): Bank[] | null {
    if (!this.useWasm || this.channels.length === 0) return null;
    const groups = new Map<number, Bank>();
    for (const ch of this.channels) {
      ch.cutoffs.forEach((cut, k) => {
        for (const f of [cut.band, cut.above]) {
          const sections = f.coefficients.length / 5;
          const g = groups.get(sections) ?? { lanes: null as unknown as BiquadLanes, filters: [], channels: [], totalOf: [] };
          // the channel's energy is read once, from its first band-pass's input sum
          g.totalOf.push(k === 0 && f === cut.band ? ch : null);
          g.filters.push(f);
          g.channels.push(ch.channel);
          groups.set(sections, g);
        }
      });
    }
    const banks: Bank[] = [];
    for (const g of groups.values()) {
      const lanes = BiquadLanes.create(g.filters.map((f, k) => ({ channel: g.channels[k]!, coefficients: f.coefficients })), { useWasm: true });
      if (lanes === null) return null;
      banks.push({ ...g, lanes });
    }
    return banks;
  }

  /** The WASM path of one stretch x[i, i + n) of every LFE channel: the same sums as the loops of process. */
  private processLanes(banks: Bank[], block: AudioBlock, i: number, n: number): void {
    for (const bank of banks) {
      const lanes = bank.lanes;
      lanes.clearSums();
      lanes.filter(block.channels, i, i + n);
      bank.filters.forEach((f, k) => {
        const e = lanes.sums[k]!;
        f.energy += e;
        f.windowEnergy += e;
        const ch = bank.totalOf[k];
        if (ch) {
          const total = lanes.inputSums[k]!;
          ch.total += total;
          ch.windowTotal += total;
        }
      });
    }
  }

  /**
   * The plain path of one cascade over x[i, i + n): section by section over the stretch (each section's
   * recurrence sees the same inputs as BiquadCascade.process a sample at a time, so the outputs are the
   * same numbers), then Σy² in sample order from 0, as the WASM lanes sum it.
   */
  private filterPlain(f: Filter, x: Float32Array, i: number, n: number): void {
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.windowFrames));
    const v = this.scratch;
    for (let k = 0; k < n; k++) v[k] = x[i + k]!;
    const co = f.coefficients;
    const z = f.state;
    for (let ci = 0, zi = 0; ci < co.length; ci += 5, zi += 2) {
      const b0 = co[ci]!, b1 = co[ci + 1]!, b2 = co[ci + 2]!, a1 = co[ci + 3]!, a2 = co[ci + 4]!;
      let z0 = z[zi]!;
      let z1 = z[zi + 1]!;
      for (let k = 0; k < n; k++) {
        const u = v[k]!;
        const y = b0 * u + z0;
        z0 = b1 * u - a1 * y + z1;
        z1 = b2 * u - a2 * y;
        v[k] = y;
      }
      z[zi] = z0;
      z[zi + 1] = z1;
    }
    let e = 0;
    for (let k = 0; k < n; k++) e += v[k]! * v[k]!;
    f.energy += e;
    f.windowEnergy += e;
  }

  process(block: AudioBlock): void {
    let i = 0;
    while (i < block.frames) {
      const n = Math.min(block.frames - i, this.windowFrames - this.inWindow);
      if (this.banks) this.processLanes(this.banks, block, i, n);
      else for (const ch of this.channels) {
        const x = block.channels[ch.channel]!;
        let total = 0;
        for (let k = i; k < i + n; k++) total += x[k]! * x[k]!;
        ch.total += total;
        ch.windowTotal += total;
        for (const cut of ch.cutoffs) {
          this.filterPlain(cut.band, x, i, n);
          this.filterPlain(cut.above, x, i, n);
        }
      }
      this.inWindow += n;
      i += n;
      if (this.inWindow === this.windowFrames) this.closeWindow();
    }
    this.frames = Math.max(this.frames, block.frameOffset + block.frames);
  }

  private closeWindow(): void {
    const start = this.windowStart / this.sampleRate;
    const end = (this.windowStart + this.inWindow) / this.sampleRate;
    for (const ch of this.channels) {
      const judged = ch.windowTotal / this.inWindow >= this.gateEnergy;
      if (judged) ch.judged++;
      for (const cut of ch.cutoffs) {
        // A quiet window neither extends nor ends a stretch: an unfiltered LFE between two quiet
        // seconds is one fault, not two.
        if (judged) {
          cut.judgedFrames += this.inWindow;
          const figure = ratioDb(cut.above.windowEnergy, cut.band.windowEnergy);
          if (!cut.worst || figure > cut.worst.aboveBandDb) cut.worst = { aboveBandDb: figure, startSeconds: start, endSeconds: end };
          if (figure > this.limitDb) {
            if (cut.runStart < 0) {
              cut.runStart = start;
              cut.runMax = figure;
              cut.runBand = 0;
              cut.runAbove = 0;
            }
            cut.runEnd = end;
            cut.runMax = Math.max(cut.runMax, figure);
            cut.runBand += cut.band.windowEnergy;
            cut.runAbove += cut.above.windowEnergy;
            cut.overFrames += this.inWindow;
          } else {
            this.closeRun(ch, cut);
          }
        }
        cut.band.windowEnergy = 0;
        cut.above.windowEnergy = 0;
      }
      ch.windowTotal = 0;
    }
    this.windowStart += this.inWindow;
    this.inWindow = 0;
  }

  private closeRun(ch: ChannelState, cut: CutoffState): void {
    if (cut.runStart < 0) return;
    if (this.events < this.maxEvents) {
      cut.runs.push({
        channel: ch.channel, label: ch.label, cutoffHz: cut.cutoffHz,
        startSeconds: cut.runStart, endSeconds: cut.runEnd,
        aboveBandDb: ratioDb(cut.runAbove, cut.runBand), maxAboveBandDb: cut.runMax,
      });
      this.events++;
    } else {
      this.truncated = true;
    }
    cut.runStart = -1;
  }

  finish(): LfeBandResult {
    // A final partial window is judged if it holds at least half a window.
    if (this.inWindow >= this.windowFrames / 2) this.closeWindow();
    for (const ch of this.channels) for (const cut of ch.cutoffs) this.closeRun(ch, cut);
    return {
      filterOrder: this.order,
      limitDb: this.limitDb,
      windowSeconds: this.windowSeconds,
      eventsTruncated: this.truncated,
      channels: this.channels.map((ch) => ({
        channel: ch.channel,
        label: ch.label,
        rmsDbfs: ch.total > 0 && this.frames > 0 ? db(ch.total / this.frames) : null,
        judgedWindows: ch.judged,
        cutoffs: ch.cutoffs.map((cut) => ({
          cutoffHz: cut.cutoffHz,
          bandFromHz: cut.cutoffHz / 2,
          aboveFromHz: 2 * cut.cutoffHz,
          aboveBandDb: ch.total > 0 ? ratioDb(cut.above.energy, cut.band.energy) : null,
          worstWindow: cut.worst,
          overLimitRuns: cut.runs.slice(),
          judgedSeconds: cut.judgedFrames / this.sampleRate,
          overLimitSeconds: cut.overFrames / this.sampleRate,
        })),
      })),
    };
  }
}

export function lfeBandAnalyzer(options?: LfeBandOptions): LfeBandAnalyzer {
  return new LfeBandAnalyzer(options);
}
