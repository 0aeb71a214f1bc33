/**
 * Channel-order checks by content (channel-layouts.md s7.3): per-channel band energies measured in
 * one pass, then evidence of likely mis-orders: an LFE carrying energy above 120 Hz, a centre with
 * less speech-band energy than another channel, and a file whose content fits another known order
 * (Film labelled SMPTE). It reports, it never re-routes.
 */
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { isLfe, type ChannelLabel } from '../audio/channels.js';
import { BiquadCascade } from '../dsp/biquad.js';
import { BiquadLanes, butterworthCoefficients } from '../dsp/biquad-lanes.js';
import { LAYOUTS, layoutByLabels } from '../audio/layouts.js';

/** LFE band limit (Amazon LPF 120 Hz; UMG 100-150 Hz). */
export const LFE_LIMIT_HZ = 120;
/** Telephone speech band used for "where is the dialogue". */
export const SPEECH_LOW_HZ = 300;
export const SPEECH_HIGH_HZ = 3400;

/**
 * An LFE whose energy above 120 Hz is within this of its broadband level is not band-limited. Through
 * the 48 dB/oct measuring filter a legal LFE (low-passed at 120 Hz, 24 dB/oct) reads about -9 dB
 * and full-range content (noise, music, speech) 0 to -1.5 dB; -6 dB (a quarter of the energy)
 * sits between them, as in the lfe-band analyzer.
 */
export const LFE_ABOVE_LIMIT_MAX_DB = -6;
/** 48 dB/oct, so the reading reflects the content more than the measuring filter's skirt. */
export const MEASURING_FILTER_ORDER = 8;
/** Centre speech-band energy this far below another channel's counts as "less speech". */
export const CENTRE_SPEECH_MARGIN_DB = 3;
/** Channels quieter than this are silent for these checks. */
export const SILENCE_DBFS = -80;

export interface ChannelBandEnergy {
  channel: number; // 1-based
  label: ChannelLabel;
  /** Mean-square levels in dBFS (a full-scale sine is -3.01); null when digital silence. */
  broadbandDbfs: number | null;
  above120HzDbfs: number | null;
  speechBandDbfs: number | null;
  /** above120Hz minus broadband, dB: near 0 for full-range content, strongly negative for an LFE feed. */
  above120HzRelativeDb: number | null;
}

export type ChannelOrderCode = 'lfe-broadband' | 'centre-less-speech' | 'order-mismatch' | 'lr-swapped';

export interface ChannelOrderFinding {
  code: ChannelOrderCode;
  message: string;
  /** 1-based channels the finding is about. */
  channels: number[];
  /** The measured values behind it. */
  evidence: Record<string, number | string | null>;
}

export interface ChannelOrderResult {
  labels: ChannelLabel[];
  /** Layout id of the labels as given (null when no known layout has that order). */
  labelledLayout: string | null;
  /** A known layout whose LFE and centre positions fit the content better than the labels do. */
  contentSuggestsLayout: string | null;
  channels: ChannelBandEnergy[];
  findings: ChannelOrderFinding[];
}

function db(meanSquare: number): number | null {
  return meanSquare > 0 ? 10 * Math.log10(meanSquare) : null;
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}

export interface ChannelOrderOptions {
  /**
   * Measure one host block in this many (default 1: every block). Channel identity is a matter of
   * band-energy ratios over the programme, which a regular sample of it shows as well; QC samples
   * to keep the three 4th/8th-order filter banks per channel off its critical path.
   */
  everyNthBlock?: number;
  /** Run the filters in the WASM kernel when it is built (default true): the same sums, bit for bit. */
  useWasm?: boolean;
}

/** After a skipped stretch the filters restart from rest; their first 100 ms are not counted. */
const SAMPLED_WARM_UP_SECONDS = 0.1;

export class ChannelOrderAnalyzer implements Analyzer<ChannelOrderResult> {
  readonly id = 'channel-order';
  private labels: ChannelLabel[] = [];
  private sampleRate = 48000;
  private blockIndex = 0;
  private above: BiquadCascade[] = [];
  private speechHp: BiquadCascade[] = [];
  private speechLp: BiquadCascade[] = [];
  private sumBroad = new Float64Array(0);
  private sumAbove = new Float64Array(0);
  private sumSpeech = new Float64Array(0);
  private frames = 0;
  /** WASM twin of the three filters per channel: cascade 2c the 120 Hz high-pass, 2c + 1 the speech band. */
  private lanes: BiquadLanes | null = null;

  constructor(private readonly options: ChannelOrderOptions = {}) {}

  start(stream: StreamInfo): void {
    this.sampleRate = stream.sampleRate;
    this.blockIndex = 0;
    const n = stream.channelCount;
    const fs = stream.sampleRate;
    this.labels = stream.channelLabels.slice(0, n);
    this.above = Array.from({ length: n }, () => BiquadCascade.butterworth('highpass', fs, LFE_LIMIT_HZ, MEASURING_FILTER_ORDER));
    this.speechHp = Array.from({ length: n }, () => BiquadCascade.butterworth('highpass', fs, SPEECH_LOW_HZ, 4));
    this.speechLp = Array.from({ length: n }, () => BiquadCascade.butterworth('lowpass', fs, Math.min(SPEECH_HIGH_HZ, fs * 0.45), 4));
    this.sumBroad = new Float64Array(n);
    this.sumAbove = new Float64Array(n);
    this.sumSpeech = new Float64Array(n);
    this.frames = 0;
    // the speech band-pass is the 300 Hz high-pass then the low-pass, as one four-section cascade
    const above = butterworthCoefficients('highpass', fs, LFE_LIMIT_HZ, MEASURING_FILTER_ORDER);
    const speech = Float64Array.of(
      ...butterworthCoefficients('highpass', fs, SPEECH_LOW_HZ, 4),
      ...butterworthCoefficients('lowpass', fs, Math.min(SPEECH_HIGH_HZ, fs * 0.45), 4),
    );
    this.lanes = BiquadLanes.create(
      Array.from({ length: n }, (_, c) => [
        { channel: c, coefficients: above },
        { channel: c, coefficients: speech },
      ]).flat(),
      { useWasm: this.options.useWasm },
    );
  }

  /** Whether the filters run in WASM (after start). */
  get usingWasm(): boolean {
    return this.lanes !== null;
  }

  process(block: AudioBlock): void {
    const n = this.sumBroad.length;
    const every = Math.max(1, Math.floor(this.options.everyNthBlock ?? 1));
    const k = this.blockIndex++;
    if (k % every !== 0) return;
    // sampled: restart the filters at rest and let them settle before counting
    const warmUp = every > 1 && k > 0 ? Math.min(block.frames, Math.round(SAMPLED_WARM_UP_SECONDS * this.sampleRate)) : 0;
    const lanes = this.lanes;
    if (lanes) {
      if (warmUp > 0) {
        lanes.reset();
        lanes.filter(block.channels, 0, warmUp);
      }
      lanes.clearSums();
      lanes.filter(block.channels, warmUp, block.frames);
      for (let c = 0; c < n; c++) {
        this.sumBroad[c]! += lanes.inputSums[2 * c]!;
        this.sumAbove[c]! += lanes.sums[2 * c]!;
        this.sumSpeech[c]! += lanes.sums[2 * c + 1]!;
      }
      this.frames += block.frames - warmUp;
      return;
    }
    if (warmUp > 0) {
      for (let c = 0; c < n; c++) {
        this.above[c]!.reset();
        this.speechHp[c]!.reset();
        this.speechLp[c]!.reset();
      }
    }
    for (let c = 0; c < n; c++) {
      const x = block.channels[c]!;
      const hp = this.above[c]!;
      const shp = this.speechHp[c]!;
      const slp = this.speechLp[c]!;
      let broad = 0;
      let above = 0;
      let speech = 0;
      for (let i = 0; i < warmUp; i++) {
        hp.process(x[i]!);
        slp.process(shp.process(x[i]!));
      }
      for (let i = warmUp; i < block.frames; i++) {
        const s = x[i]!;
        broad += s * s;
        const a = hp.process(s);
        above += a * a;
        const sp = slp.process(shp.process(s));
        speech += sp * sp;
      }
      this.sumBroad[c]! += broad;
      this.sumAbove[c]! += above;
      this.sumSpeech[c]! += speech;
    }
    this.frames += block.frames - warmUp;
  }

  finish(): ChannelOrderResult {
    const frames = Math.max(1, this.frames);
    const channels: ChannelBandEnergy[] = this.labels.map((label, i) => {
      const broad = db(this.sumBroad[i]! / frames);
      const above = db(this.sumAbove[i]! / frames);
      return {
        channel: i + 1,
        label,
        broadbandDbfs: round(broad),
        above120HzDbfs: round(above),
        speechBandDbfs: round(db(this.sumSpeech[i]! / frames)),
        above120HzRelativeDb: broad !== null && above !== null ? round(above - broad) : null,
      };
    });
    return judgeChannelOrder(this.labels, channels);
  }
}

const audible = (c: ChannelBandEnergy): boolean => c.broadbandDbfs !== null && c.broadbandDbfs > SILENCE_DBFS;
const bandLimited = (c: ChannelBandEnergy): boolean =>
  audible(c) && (c.above120HzRelativeDb === null || c.above120HzRelativeDb < LFE_ABOVE_LIMIT_MAX_DB);

/** The findings for measured band energies under the given labels (exported for tests and merging). */
export function judgeChannelOrder(labels: ChannelLabel[], channels: ChannelBandEnergy[]): ChannelOrderResult {
  const findings: ChannelOrderFinding[] = [];

  for (const ch of channels) {
    if (!isLfe(ch.label) || !audible(ch) || bandLimited(ch)) continue;
    findings.push({
      code: 'lfe-broadband',
      message:
        `channel ${ch.channel} is labelled ${ch.label} but carries energy above ${LFE_LIMIT_HZ} Hz only ` +
        `${-(ch.above120HzRelativeDb ?? 0)} dB below its broadband level (an LFE feed is low-passed at ${LFE_LIMIT_HZ} Hz): likely a full-range channel in the LFE slot`,
      channels: [ch.channel],
      evidence: {
        broadbandDbfs: ch.broadbandDbfs,
        above120HzDbfs: ch.above120HzDbfs,
        above120HzRelativeDb: ch.above120HzRelativeDb,
        limitDb: LFE_ABOVE_LIMIT_MAX_DB,
      },
    });
  }

  const centre = channels.find((c) => c.label === 'C');
  if (centre) {
    // Every other channel, the LFE slot included: dialogue that landed there is the classic C/LFE swap.
    const others = channels.filter((c) => c !== centre && c.speechBandDbfs !== null);
    const loudest = others.reduce<ChannelBandEnergy | null>((best, c) => (best === null || c.speechBandDbfs! > best.speechBandDbfs! ? c : best), null);
    const centreSpeech = centre.speechBandDbfs ?? -Infinity;
    if (loudest && loudest.speechBandDbfs! > SILENCE_DBFS && loudest.speechBandDbfs! - centreSpeech > CENTRE_SPEECH_MARGIN_DB) {
      findings.push({
        code: 'centre-less-speech',
        message:
          `channel ${centre.channel} (C) carries ${centre.speechBandDbfs === null ? 'no' : `${round(loudest.speechBandDbfs! - centreSpeech)} dB less`} ` +
          `speech-band (${SPEECH_LOW_HZ}-${SPEECH_HIGH_HZ} Hz) energy than channel ${loudest.channel} (${loudest.label}): dialogue is expected in the centre`,
        channels: [centre.channel, loudest.channel],
        evidence: {
          centreSpeechBandDbfs: centre.speechBandDbfs,
          otherChannel: loudest.channel,
          otherSpeechBandDbfs: loudest.speechBandDbfs,
          marginDb: CENTRE_SPEECH_MARGIN_DB,
        },
      });
    }
  }

  const labelled = layoutByLabels(labels);
  const suggested = suggestLayout(labels, channels);
  if (suggested && labelled && suggested !== labelled.id) {
    findings.push({
      code: 'order-mismatch',
      message: `labelled ${labelled.id} but the content fits ${suggested}: the LFE-like and dialogue channels sit where ${suggested} puts LFE and C`,
      channels: [],
      evidence: {
        labelled: labelled.id,
        contentFits: suggested,
        lfeLikeChannel: lfeLike(channels)?.channel ?? null,
        speechChannel: speechLeader(channels)?.channel ?? null,
      },
    });
  }

  return { labels, labelledLayout: labelled?.id ?? null, contentSuggestsLayout: suggested, channels, findings };
}

/** The single band-limited audible channel, when exactly one exists. */
function lfeLike(channels: ChannelBandEnergy[]): ChannelBandEnergy | null {
  const limited = channels.filter(bandLimited);
  return limited.length === 1 ? limited[0]! : null;
}

/** The channel with the most speech-band energy relative to its own broadband level and others'. */
function speechLeader(channels: ChannelBandEnergy[]): ChannelBandEnergy | null {
  let best: ChannelBandEnergy | null = null;
  for (const c of channels) {
    if (c.speechBandDbfs === null || c.speechBandDbfs <= SILENCE_DBFS || bandLimited(c)) continue;
    if (best === null || c.speechBandDbfs > best.speechBandDbfs!) best = c;
  }
  if (!best) return null;
  // Only a clear leader says where the dialogue is.
  const runnerUp = Math.max(...channels.filter((c) => c !== best && c.speechBandDbfs !== null).map((c) => c.speechBandDbfs!), -Infinity);
  return best.speechBandDbfs! - runnerUp > CENTRE_SPEECH_MARGIN_DB ? best : null;
}

/**
 * Among known layouts with the same channel count and family, the one whose LFE and C positions
 * match the LFE-like and dialogue channels. Null when the content does not say, or the labels fit.
 */
function suggestLayout(labels: ChannelLabel[], channels: ChannelBandEnergy[]): string | null {
  const lfe = lfeLike(channels);
  const speech = speechLeader(channels);
  if (!lfe || !speech) return null;
  const fits = (ls: readonly ChannelLabel[]): boolean => ls[lfe.channel - 1] === 'LFE' && ls[speech.channel - 1] === 'C';
  if (fits(labels)) return null;
  const labelled = layoutByLabels(labels);
  const candidates = LAYOUTS.filter((l) => l.labels.length === labels.length && (!labelled || l.family === labelled.family));
  const match = candidates.filter((l) => fits(l.labels));
  return match.length === 1 ? match[0]!.id : null;
}

/**
 * L/R swapped against the stems: the L-R balance of a printmaster and of a stem (or a stem sum)
 * with opposite signs, each beyond `marginDb`, means one of them has L and R the other way round.
 */
export function checkLrSwap(a: ChannelOrderResult, b: ChannelOrderResult, marginDb = 3): ChannelOrderFinding | null {
  const balance = (r: ChannelOrderResult): { l: number; r: number; balanceDb: number } | null => {
    const l = r.channels.find((c) => c.label === 'L');
    const rr = r.channels.find((c) => c.label === 'R');
    if (!l || !rr || l.broadbandDbfs === null || rr.broadbandDbfs === null) return null;
    return { l: l.channel, r: rr.channel, balanceDb: l.broadbandDbfs - rr.broadbandDbfs };
  };
  const ba = balance(a);
  const bb = balance(b);
  if (!ba || !bb) return null;
  if (Math.abs(ba.balanceDb) < marginDb || Math.abs(bb.balanceDb) < marginDb || Math.sign(ba.balanceDb) === Math.sign(bb.balanceDb)) return null;
  return {
    code: 'lr-swapped',
    message:
      `L/R balance is ${round(ba.balanceDb)} dB in one file and ${round(bb.balanceDb)} dB in the other: ` +
      `one of them likely has L and R swapped`,
    channels: [ba.l, ba.r],
    evidence: { balanceDbA: round(ba.balanceDb), balanceDbB: round(bb.balanceDb), marginDb },
  };
}
