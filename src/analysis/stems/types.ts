/** The null engine's public shapes: what a caller passes (parts, options) and the full result. */
import type { ChannelLabel } from '../../audio/channels.js';
import type { AudioSource } from '../../audio/types.js';

export interface NamedSource {
  /** "DX", "MX", "FX", "music", ... as the report should say it. */
  name: string;
  source: AudioSource;
}

export interface NullTestOptions {
  /** Picture rate for offsets in frames (default 24). */
  fps?: number;
  /**
   * Start the null here (seconds from the reference's first sample), e.g. at FFOA: a 2-pop printed on
   * every stem sums to three pops against the printmaster's one. Alignment still looks at the whole file.
   */
  fromSeconds?: number;
  maxOffsetSeconds?: number;
  excerptSeconds?: number;
  /** Skip the search and use these offsets (frames, one per part; positive = part late). */
  offsetsFrames?: number[];
  residualLimitDbfs?: number;
  sustainSeconds?: number;
  ceilingMarginDb?: number;
  limiterHoldSeconds?: number;
  /** The reference's ceiling; default: its own sample peak (costs one extra read of the reference). */
  referenceCeilingDbfs?: number;
  /** The same as a linear sample peak (a caller that measured the reference already): exact, no read. */
  referenceCeilingLinear?: number;
  windowSeconds?: number;
  seriesSeconds?: number;
  blockFrames?: number;
  maxEvents?: number;
  /** Use the plain-JS one-pass-per-sum loops even for 2 or 3 parts (tests compare the other paths with them). */
  generalLoops?: boolean;
  /** Sum the lockstep pass with the WASM SIMD kernel when available (default true): bit-identical sums. */
  useWasm?: boolean;
  /** The compiled kernel to use instead of the repo's build (null: none, i.e. the plain-JS loops). */
  wasm?: WebAssembly.Module | null;
  /** Told which loops sum the lockstep pass (tests check that the kernel they compare really ran). */
  onLoops?: (loops: 'wasm' | 'one-pass' | 'general') => void;
  /** Called after each block of the lockstep pass with reference frames done and total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * A source read in lockstep but not summed: a residual window that is this source at some gain (its
   * energy at least `probeMatch` explained by it) is a 'probe' run with that gain, not a content
   * difference — the dialogue stem left in an M&E. Aligned as the parts are (their shared offset, else 0).
   * Runs on the plain-JS loops (the WASM kernel has no probe sums).
   */
  probe?: NamedSource;
  /** Share of a window's residual energy the probe must explain (default PROBE_MATCH). */
  probeMatch?: number;
}

export interface PartAlignment {
  name: string;
  path: string;
  /** Positive: the part is late against the reference. Null when the part is silent. */
  offsetFrames: number | null;
  offsetSeconds: number | null;
  /** In picture frames at `fps`. */
  offsetPictureFrames: number | null;
  /** Normalised correlation of the part with the reference at that offset (negative: inverted). */
  correlation: number | null;
  /** Frames the part is shorter (negative) or longer than the reference. */
  lengthDifferenceFrames: number;
}

export interface PartGain {
  name: string;
  /** Least-squares gain of the part inside the reference; null for a silent part. */
  gain: number | null;
  /** 20·log10|gain|. */
  gainDb: number | null;
  /** How much louder the delivered part is than its share of the reference (positive = stem hot). */
  stemExcessDb: number | null;
  polarityInverted: boolean;
}

export interface ChannelNull {
  channel: number;
  label: ChannelLabel;
  referencePeakDbfs: number | null;
  referenceRmsDbfs: number | null;
  residualPeakDbfs: number | null;
  residualRmsDbfs: number | null;
  /** referenceRms − residualRms in dB; null when either is silent (a perfect null of a silent channel). */
  nullDepthDb: number | null;
  residualRmsOutsideLimiterDbfs: number | null;
  nullDepthOutsideLimiterDb: number | null;
  limiterSeconds: number;
  contentDifferenceSeconds: number;
  /** Content differences lasting at least `sustainSeconds` (all of them, beyond the events kept). */
  sustainedContentRuns: number;
  parts: PartGain[];
}

export interface ResidualRun {
  channel: number;
  label: ChannelLabel;
  /** limiter: the reference's limiter; probe: the probe source at `probeGain`; content: anything else. */
  kind: 'limiter' | 'content' | 'probe';
  startSeconds: number;
  endSeconds: number;
  maxResidualRmsDbfs: number;
  residualPeakDbfs: number;
  /** A content difference lasting at least `sustainSeconds`. */
  sustained: boolean;
  /** A probe run: the least-squares gain of the probe in the reference over the run (reference ∋ gain·probe). */
  probeGain?: number;
}

/** The probe over the whole pass (see NullTestOptions.probe). */
export interface ProbeResult {
  name: string;
  path: string;
  offsetFrames: number;
  /** Seconds of residual windows the probe explains, over all channels. */
  matchedSeconds: number;
  /** Its least-squares gain in the reference over those windows (null: none matched). */
  gain: number | null;
  gainDb: number | null;
}

export interface ResidualSeries {
  intervalSeconds: number;
  /** Where entry 0 starts (the `fromSeconds` option). */
  startSeconds: number;
  /** Per channel: residual and reference RMS (dBFS, null when silent); entry i covers startSeconds + [i, i+1)·interval. */
  channels: Array<{ channel: number; label: ChannelLabel; residualRmsDbfs: Array<number | null>; referenceRmsDbfs: Array<number | null> }>;
}

export interface NullTestResult {
  reference: { name: string; path: string; frames: number };
  sampleRate: number;
  fps: number;
  channelLabels: ChannelLabel[];
  /** Frames compared, from `fromSeconds`. */
  framesCompared: number;
  fromSeconds: number;
  thresholds: {
    residualLimitDbfs: number;
    sustainSeconds: number;
    ceilingMarginDb: number;
    limiterHoldSeconds: number;
    nullDepthWarnDb: number;
    windowSeconds: number;
  };
  referenceCeilingDbfs: number | null;
  parts: PartAlignment[];
  /** Gains from all channels together (one gain per part). */
  partGains: PartGain[];
  channels: ChannelNull[];
  /** Residual runs in time order; up to `maxEvents` of each kind are kept (`eventsTruncated`). */
  runs: ResidualRun[];
  eventsTruncated: boolean;
  /** No sustained content difference on any channel. */
  nulls: boolean;
  /** Shallowest null depth across channels that carry programme. */
  worstNullDepthDb: number | null;
  series: ResidualSeries;
  /** Present when a probe was read. */
  probe?: ProbeResult;
  /** What the engine noticed but does not judge (channel labels that differ between files). */
  warnings: string[];
}
