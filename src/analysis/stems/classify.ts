/**
 * Classification of the residual in windows (`windowSeconds`, 10 ms by default): a window whose residual
 * RMS exceeds the limit (−60 dBFS) is "limiter" when the reference peaks within the margin (1 dB) of its
 * ceiling in that window, the window before or after it, or within the hold time after such a window (a
 * bus limiter's release), AND the residual has the sign of the reference (a limiter only turns the sum
 * down, so Σ parts − reference = (1/g − 1)·reference: at least 90 % of the window's residual energy must
 * agree in sign); otherwise it is a content difference (a missing effect, a late EQ pass not applied to
 * the stems). Content runs of `sustainSeconds` (100 ms) or more are `sustained` — the reference's fail
 * condition; limiter runs are tolerated (Academy Digital Preservation Forum: "Peak limiting may be used
 * at the discretion of the mix team").
 */
import type { ChannelLabel } from '../../audio/channels.js';
import type { AudioSource } from '../../audio/types.js';
import { dbAmp, dbPower } from './levels.js';
import { LIMITER_SIGN_AGREEMENT, type ResidualSettings } from './thresholds.js';
import type { NullTestOptions, ResidualRun } from './types.js';

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

/** The ceiling the limiter works to (linear): given, else the reference's own sample peak (one read of it). */
export function referenceCeiling(reference: AudioSource, options: NullTestOptions, scratch: Float32Array[]): number {
  return options.referenceCeilingLinear !== undefined
    ? options.referenceCeilingLinear
    : options.referenceCeilingDbfs !== undefined
      ? 10 ** (options.referenceCeilingDbfs / 20)
      : sourcePeak(reference, scratch);
}

interface RunState {
  kind: 'limiter' | 'content' | 'probe' | null;
  start: number; // window index
  end: number;
  maxE: number;
  peak: number;
  // probe runs: Σ e·p and Σ p² over the run (its gain)
  ep: number;
  pp: number;
}

/**
 * Windows of residual sums in, residual runs out. A window is classified once the next one is known (a
 * limiter's attack: the reference may reach its ceiling just after the residual starts).
 */
export class ResidualClassifier {
  /** Residual runs in time order once finished; up to `maxEvents` of each kind are kept. */
  readonly runs: ResidualRun[] = [];
  truncated = false;
  /** Per channel: residual energy in limiter windows, and limiter and content windows counted. */
  readonly limiterE: Float64Array;
  readonly limiterWindows: Float64Array;
  readonly contentWindows: Float64Array;
  /** Content differences lasting at least `sustainSeconds` (all of them, beyond the events kept). */
  readonly sustainedRuns: Float64Array;
  /** Per channel: probe windows counted, and Σ e·p, Σ p² over them. */
  readonly probeWindows: Float64Array;
  readonly probeEP: Float64Array;
  readonly probePP: Float64Array;

  private readonly holdWindows: number;
  private readonly limitEnergy: number;
  private readonly sustainWindows: number;
  private readonly nearCeiling: number;
  private readonly maxEvents: number;
  // Current window, and the previous one (classified once the next is known, for a limiter's attack).
  private readonly winE: Float64Array;
  private readonly winAgree: Float64Array; // residual energy with the reference's sign
  private readonly prevAgree: Float64Array;
  private readonly winPeak: Float64Array;
  private readonly winRefPeak: Float64Array;
  private readonly prevE: Float64Array;
  private readonly prevPeak: Float64Array;
  private readonly prevNear: Uint8Array;
  private readonly lastNear: Float64Array;
  private readonly runState: RunState[];
  // probe sums of the current and previous window (present only with a probe)
  private readonly winEP: Float64Array;
  private readonly winPP: Float64Array;
  private readonly prevEP: Float64Array;
  private readonly prevPP: Float64Array;
  private readonly probeMatch: number;
  private hasProbe = false;
  private limiterRunsKept = 0;
  private contentRunsKept = 0;
  private probeRunsKept = 0;
  private window = 0; // index of the current window
  private prevFrames = 0;

  constructor(
    private readonly channels: number,
    private readonly labels: ChannelLabel[],
    private readonly rate: number,
    private readonly fromSeconds: number,
    private readonly windowFrames: number,
    settings: ResidualSettings,
    /** The reference's ceiling (linear). */
    ceiling: number,
  ) {
    this.holdWindows = Math.round(settings.limiterHoldSeconds / settings.windowSeconds);
    this.limitEnergy = 10 ** (settings.residualLimitDbfs / 10);
    this.sustainWindows = Math.max(1, Math.round(settings.sustainSeconds / settings.windowSeconds));
    this.nearCeiling = ceiling * 10 ** (-settings.ceilingMarginDb / 20);
    this.maxEvents = settings.maxEvents;
    this.limiterE = new Float64Array(channels);
    this.limiterWindows = new Float64Array(channels);
    this.contentWindows = new Float64Array(channels);
    this.sustainedRuns = new Float64Array(channels);
    this.winE = new Float64Array(channels);
    this.winAgree = new Float64Array(channels);
    this.prevAgree = new Float64Array(channels);
    this.winPeak = new Float64Array(channels);
    this.winRefPeak = new Float64Array(channels);
    this.prevE = new Float64Array(channels);
    this.prevPeak = new Float64Array(channels);
    this.prevNear = new Uint8Array(channels);
    this.lastNear = new Float64Array(channels).fill(-Infinity);
    this.runState = Array.from({ length: channels }, () => ({ kind: null, start: 0, end: 0, maxE: 0, peak: 0, ep: 0, pp: 0 }));
    this.probeMatch = settings.probeMatch;
    this.probeWindows = new Float64Array(channels);
    this.probeEP = new Float64Array(channels);
    this.probePP = new Float64Array(channels);
    this.winEP = new Float64Array(channels);
    this.winPP = new Float64Array(channels);
    this.prevEP = new Float64Array(channels);
    this.prevPP = new Float64Array(channels);
  }

  /** A segment's probe sums (Σ e·p, Σ p²) into channel c's window. */
  addProbe(c: number, ep: number, pp: number): void {
    this.hasProbe = true;
    this.winEP[c]! += ep;
    this.winPP[c]! += pp;
  }

  /** A segment's residual energy, its energy with the reference's sign, and the peaks, into channel c's window. */
  add(c: number, eRes: number, agree: number, pRef: number, pRes: number): void {
    this.winE[c]! += eRes;
    this.winAgree[c]! += agree;
    if (pRes > this.winPeak[c]!) this.winPeak[c] = pRes;
    if (pRef > this.winRefPeak[c]!) this.winRefPeak[c] = pRef;
  }

  /** The current window is complete (`frames` long; `framesCompared` so far): classify the one before it. */
  closeWindow(frames: number, framesCompared: number): void {
    const window = this.window;
    for (let c = 0; c < this.channels; c++) {
      const near = this.winRefPeak[c]! >= this.nearCeiling;
      if (window > 0) {
        // lastNear must not yet include the window being classified's successor.
        this.classifyPrevious(c, window, near, this.prevFrames, framesCompared);
        if (this.prevNear[c] === 1) this.lastNear[c] = window - 1;
      }
      this.prevE[c] = this.winE[c]!;
      this.prevEP[c] = this.winEP[c]!;
      this.prevPP[c] = this.winPP[c]!;
      this.winEP[c] = 0;
      this.winPP[c] = 0;
      this.prevAgree[c] = this.winAgree[c]!;
      this.winAgree[c] = 0;
      this.prevPeak[c] = this.winPeak[c]!;
      this.prevNear[c] = near ? 1 : 0;
      this.winE[c] = 0;
      this.winPeak[c] = 0;
      this.winRefPeak[c] = 0;
    }
    this.prevFrames = frames;
    this.window++;
  }

  /** The pass is over (its last window closed): classify the last window, close every run, order the runs. */
  finish(framesCompared: number): void {
    if (this.window > 0) {
      for (let c = 0; c < this.channels; c++) {
        this.classifyPrevious(c, this.window, false, this.prevFrames, framesCompared);
        this.closeRun(c, framesCompared);
      }
    }
    this.runs.sort((a, b) => a.startSeconds - b.startSeconds || a.channel - b.channel);
  }

  /** Classify window w−1 (held in prev*) now that window w's near-ceiling flag is known. */
  private classifyPrevious(c: number, w: number, nextNear: boolean, frames: number, framesCompared: number): void {
    const e = this.prevE[c]! / frames;
    const pw = w - 1;
    const r = this.runState[c]!;
    if (e < this.limitEnergy) {
      this.closeRun(c, framesCompared);
      return;
    }
    const near = this.prevNear[c] === 1 || nextNear || pw - this.lastNear[c]! <= this.holdWindows;
    // the probe first: a residual that is the probe source at some gain is that, whatever the ceiling
    const ep = this.prevEP[c]!;
    const pp = this.prevPP[c]!;
    const probe = this.hasProbe && pp > 0 && ep * ep >= this.probeMatch * this.prevE[c]! * pp;
    const limiter = !probe && near && this.prevAgree[c]! >= LIMITER_SIGN_AGREEMENT * this.prevE[c]!;
    const kind = probe ? 'probe' : limiter ? 'limiter' : 'content';
    if (probe) {
      this.probeWindows[c]! += 1;
      this.probeEP[c]! += ep;
      this.probePP[c]! += pp;
    } else if (limiter) {
      this.limiterE[c]! += this.prevE[c]!;
      this.limiterWindows[c]! += 1;
    } else {
      this.contentWindows[c]! += 1;
    }
    if (r.kind !== kind) {
      this.closeRun(c, framesCompared);
      r.kind = kind;
      r.start = pw;
      r.maxE = 0;
      r.peak = 0;
      r.ep = 0;
      r.pp = 0;
    }
    if (probe) {
      r.ep += ep;
      r.pp += pp;
    }
    r.end = pw;
    r.maxE = Math.max(r.maxE, e);
    r.peak = Math.max(r.peak, this.prevPeak[c]!);
  }

  private closeRun(c: number, framesCompared: number): void {
    const r = this.runState[c]!;
    if (r.kind === null) return;
    const sustained = r.kind === 'content' && r.end - r.start + 1 >= this.sustainWindows;
    if (sustained) this.sustainedRuns[c]! += 1;
    // Limiter runs can number thousands on a loud film: each kind has its own cap, counts go on.
    const kept = r.kind === 'limiter' ? this.limiterRunsKept++ : r.kind === 'probe' ? this.probeRunsKept++ : this.contentRunsKept++;
    if (kept < this.maxEvents) {
      const run: ResidualRun = {
        channel: c,
        label: this.labels[c]!,
        kind: r.kind,
        startSeconds: this.fromSeconds + (r.start * this.windowFrames) / this.rate,
        endSeconds: this.fromSeconds + Math.min(((r.end + 1) * this.windowFrames) / this.rate, framesCompared / this.rate),
        maxResidualRmsDbfs: dbPower(r.maxE)!,
        residualPeakDbfs: dbAmp(r.peak)!,
        sustained,
      };
      // residual = Σ parts − reference = −g·probe where the reference carries g·probe
      if (r.kind === 'probe' && r.pp > 0) run.probeGain = -r.ep / r.pp;
      this.runs.push(run);
    } else {
      this.truncated = true;
    }
    r.kind = null;
  }
}
