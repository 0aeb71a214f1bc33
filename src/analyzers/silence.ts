/**
 * Silence and dropouts, per channel.
 *
 * - A dropout is a SHORT run of digital zero (exact 0.0), at least `minDropoutSeconds` and at most
 *   `maxDropoutSeconds`, INSIDE otherwise continuous programme (Netflix 016: "complete lack of signal ...
 *   abrupt and not creatively cued", qc-tools.md §1.5): the channel carried signal above the activity
 *   level within `contextSeconds` before the run AND within `contextSeconds` after it, and either another
 *   channel stayed active during the run (the programme went on without this channel) or the hole is
 *   shorter than `shortGapSeconds` (nobody cuts the whole programme to digital zero for a few ms on
 *   purpose). Every other flanked zero run is a `gap`, listed and never called a dropout: digital zero
 *   between events is how stems are printed (an effects stem's LFE silent for 21 s between explosions, a
 *   dialogue stem's L/R between lines), and so is the space between a 2-pop and FFOA, even when a channel
 *   carrying DC or room tone keeps "another channel" active through it. Zero runs at the head or tail
 *   of a channel (music that enters after 8 s), and zero runs after a fade to near-silence, are neither.
 * - Why at most 0.5 s: the faults this finds (a lost buffer, a bad edit, a sync drop in a printmaster)
 *   are ticks and holes of milliseconds to a few hundred; a longer exact-zero stretch with programme
 *   around it is how a stem prints the space between two clips, and cannot be told from one by the
 *   samples alone (the stems null test finds a hole the printmaster has and its stems do not).
 * - A channel that never reaches the activity level is `silentThroughout` (a dialogue stem's LFE): the
 *   rule reports it as info, never as a dropout.
 * - Near-silence: runs below the activity level lasting at least `minSilenceSeconds` (Etere QC's
 *   published default, -60 dB for >= 3000 ms, qc-tools.md §1.5), and the file's leading/trailing silence
 *   (all channels below the activity level).
 *
 * Why 1 ms for a dropout: band-limited programme crosses zero in a sample or two, and even quiet 16-bit
 * material rarely holds exact zero for more than a handful of samples between active samples; 1 ms is 48
 * samples at 48 kHz, ten times that, and still shorter than the gaps a mixer hears as a tick or a drop.
 *
 * Merging across segments: NOT mergeable as-is (runs and their context straddle segment boundaries).
 *
 * Speed: with the WASM block scans (block-scan.ts) the state machine steps a stretch at a time (zero
 * stretches, and non-zero ones by their first and last active sample) instead of a sample at a time;
 * the plain loop stays as the fallback and the two give equal results (test/analyzers/scans-wasm).
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';
import { float32AtLeast, ScanSource, scanModule, type BlockScan, type ScanOptions } from '../dsp/block-scan.js';

/** Activity level: Etere QC's silence threshold (qc-tools.md §1.5). */
export const SILENCE_THRESHOLD_DBFS = -60;
/** Etere QC: silence of 3000 ms or more is reported. */
export const MIN_SILENCE_SECONDS = 3;
/** Shortest digital-zero run called a dropout (see the header for why). */
export const MIN_DROPOUT_SECONDS = 0.001;
/** Active programme must sit this close to both ends of a zero run for it to be a dropout. */
export const DROPOUT_CONTEXT_SECONDS = 0.05;
/** A hole in every channel at once is a dropout only when shorter than this; longer ones are gaps. */
export const SHORT_GAP_SECONDS = 0.1;
/** Longer flanked zero runs are gaps between events, not dropouts (see the header). */
export const MAX_DROPOUT_SECONDS = 0.5;

export interface SilenceOptions extends ScanOptions {
  activeThresholdDbfs?: number;
  minSilenceSeconds?: number;
  minDropoutSeconds?: number;
  contextSeconds?: number;
  shortGapSeconds?: number;
  maxDropoutSeconds?: number;
  maxEvents?: number;
}

export interface SilenceEvent {
  channel: number;
  label: ChannelLabel;
  startFrame: number;
  lengthSamples: number;
  startSeconds: number;
  endSeconds: number;
}

export interface Dropout extends SilenceEvent {
  /**
   * Another channel carried programme during the hole (this channel dropped out of a playing mix: the
   * strong case); false for a short hole in every channel at once (a tick of dead air, or a tight edit
   * with digital zero between clips on a stem).
   */
  otherChannelsActive: boolean;
}

export interface SilenceRun extends SilenceEvent {
  /** Starts at the first frame / ends at the last. */
  leading: boolean;
  trailing: boolean;
}

export interface ChannelSilence {
  channel: number;
  label: ChannelLabel;
  /** Never reached the activity level: info (e.g. an unused LFE), not dropouts. */
  silentThroughout: boolean;
  /** Every sample exactly 0. */
  digitalZeroThroughout: boolean;
  dropoutCount: number;
  longestDropoutSeconds: number;
  /** Flanked zero runs that are not dropouts: longer than maxDropoutSeconds, or a longer hole in every channel (see the header). */
  gapCount: number;
  /** Near-silent runs of >= minSilenceSeconds (not counted on a silentThroughout channel). */
  silenceRunCount: number;
}

export interface SilenceResult {
  activeThresholdDbfs: number;
  minDropoutSeconds: number;
  maxDropoutSeconds: number;
  contextSeconds: number;
  minSilenceSeconds: number;
  channels: ChannelSilence[];
  dropouts: Dropout[];
  gaps: SilenceEvent[];
  silences: SilenceRun[];
  eventsTruncated: boolean;
  /** All channels below the activity level from the start / to the end; null when the file is silent. */
  leadingSilenceSeconds: number | null;
  trailingSilenceSeconds: number | null;
  durationSeconds: number;
}

/** Zeros in a run (with no channel active yet) before the block's activity map is worth building. */
const ACTIVITY_MAP_AFTER_ZEROS = 64;

export class SilenceAnalyzer implements Analyzer<SilenceResult> {
  readonly id = 'silence';
  private readonly activeDbfs: number;
  private readonly activeLinear: number;
  private readonly minSilenceSeconds: number;
  private readonly minDropoutSeconds: number;
  private readonly contextSeconds: number;
  private readonly shortGapSeconds: number;
  private readonly maxDropoutSeconds: number;
  private readonly maxEvents: number;
  private shortGapFrames = 0;
  private maxDropoutFrames = 0;
  private sampleRate = 48000;
  private labels: ChannelLabel[] = [];
  private minSilenceFrames = 0;
  private minDropoutFrames = 0;
  private contextFrames = 0;
  private frames = 0;
  private firstActive = -1;
  private lastActive = -1;
  // Per channel state.
  private zeroStart = new Float64Array(0);
  private zeroLength = new Float64Array(0);
  private zeroActiveBefore = new Uint8Array(0);
  private zeroOthersActive = new Uint8Array(0);
  private pendingOthers = new Uint8Array(0);
  private gapCount = new Float64Array(0);
  private quietStart = new Float64Array(0);
  private quietLength = new Float64Array(0);
  private lastActiveFrame = new Float64Array(0);
  private pendingStart = new Float64Array(0); // a zero run awaiting active signal after it; -1 none
  private pendingLength = new Float64Array(0);
  private anyNonZero = new Uint8Array(0);
  private dropoutCount = new Float64Array(0);
  private longestDropout = new Float64Array(0);
  private silenceCount = new Float64Array(0);
  private readonly dropouts: Dropout[] = [];
  private readonly gaps: SilenceEvent[] = [];
  private readonly silences: SilenceRun[] = [];
  private truncated = false;
  private activeScratch = new Uint8Array(0);
  /** The activity level as the float32 compare the WASM scan makes (float32AtLeast). */
  private readonly activeLinear32: number;
  /** WASM stretches and activity scans, or null: the plain loop. */
  private readonly scans: ScanSource;
  // This block: first and last active frame of any channel (-1: none yet), and the activity map if built.
  private blockFirst = -1;
  private blockLast = -1;
  private blockActive: Uint8Array | null = null;

  constructor(options: SilenceOptions = {}) {
    this.activeDbfs = options.activeThresholdDbfs ?? SILENCE_THRESHOLD_DBFS;
    this.activeLinear = 10 ** (this.activeDbfs / 20);
    this.minSilenceSeconds = options.minSilenceSeconds ?? MIN_SILENCE_SECONDS;
    this.minDropoutSeconds = options.minDropoutSeconds ?? MIN_DROPOUT_SECONDS;
    this.contextSeconds = options.contextSeconds ?? DROPOUT_CONTEXT_SECONDS;
    this.shortGapSeconds = options.shortGapSeconds ?? SHORT_GAP_SECONDS;
    this.maxDropoutSeconds = options.maxDropoutSeconds ?? MAX_DROPOUT_SECONDS;
    this.maxEvents = options.maxEvents ?? 500;
    this.activeLinear32 = float32AtLeast(this.activeLinear);
    this.scans = new ScanSource(scanModule(options));
  }

  start(stream: StreamInfo): void {
    const n = stream.channelCount;
    this.sampleRate = stream.sampleRate;
    this.labels = stream.channelLabels.slice();
    this.minSilenceFrames = Math.max(1, Math.round(this.minSilenceSeconds * this.sampleRate));
    this.minDropoutFrames = Math.max(1, Math.round(this.minDropoutSeconds * this.sampleRate));
    this.contextFrames = Math.max(1, Math.round(this.contextSeconds * this.sampleRate));
    this.shortGapFrames = Math.round(this.shortGapSeconds * this.sampleRate);
    this.maxDropoutFrames = Math.round(this.maxDropoutSeconds * this.sampleRate);
    this.zeroOthersActive = new Uint8Array(n);
    this.pendingOthers = new Uint8Array(n);
    this.gapCount = new Float64Array(n);
    this.gaps.length = 0;
    this.frames = 0;
    this.firstActive = -1;
    this.lastActive = -1;
    this.zeroStart = new Float64Array(n);
    this.zeroLength = new Float64Array(n);
    this.zeroActiveBefore = new Uint8Array(n);
    this.quietStart = new Float64Array(n);
    this.quietLength = new Float64Array(n);
    this.lastActiveFrame = new Float64Array(n).fill(-1);
    this.pendingStart = new Float64Array(n).fill(-1);
    this.pendingLength = new Float64Array(n);
    this.anyNonZero = new Uint8Array(n);
    this.dropoutCount = new Float64Array(n);
    this.longestDropout = new Float64Array(n);
    this.silenceCount = new Float64Array(n);
    this.dropouts.length = 0;
    this.silences.length = 0;
    this.truncated = false;
  }

  process(block: AudioBlock): void {
    const channels = block.channels;
    const n = block.frames;
    const base = block.frameOffset;
    this.blockFirst = -1;
    this.blockLast = -1;
    this.blockActive = null;
    const scan = this.scans.for(block);
    for (let c = 0; c < channels.length; c++) {
      if (scan !== null) this.scanChannelByStretches(scan, c, channels, n, base);
      else this.scanChannel(c, channels, n, base, 0, n);
    }
    if (this.blockFirst >= 0) {
      if (this.firstActive < 0) this.firstActive = base + this.blockFirst;
      this.lastActive = Math.max(this.lastActive, base + this.blockLast);
    }
    this.frames = Math.max(this.frames, block.frameOffset + block.frames);
  }

  /** The plain path: channel c's samples from..to of the block (n frames from `base`), one state machine step at a time. */
  private scanChannel(c: number, channels: Float32Array[], n: number, base: number, from: number, to: number): void {
    const thr = this.activeLinear;
    const x = channels[c]!;
    let firstInBlock = -1;
    let lastInBlock = -1;
    // Frames where some channel is active, worked out once per block when a zero run first asks.
    let active = this.blockActive;
    // Per-channel state in locals; written back before the (rare) calls that read it.
    let zeroLen = this.zeroLength[c]!;
    let quietLen = this.quietLength[c]!;
    let lastAct = this.lastActiveFrame[c]!;
    let othersActive = this.zeroOthersActive[c]!;
    let nonZero = this.anyNonZero[c]!;
    let i = from;
    while (i < to) {
      const v = x[i]!;
      if (v >= thr || v <= -thr) {
        if (zeroLen > 0 || quietLen > 0 || this.pendingStart[c]! >= 0) {
          if (zeroLen > 0) {
            this.zeroLength[c] = zeroLen;
            this.zeroOthersActive[c] = othersActive;
            this.closeZeroRun(c);
            zeroLen = 0;
          }
          if (this.pendingStart[c]! >= 0) this.confirmPending(c, base + i);
          if (quietLen > 0) {
            this.quietLength[c] = quietLen;
            this.closeQuietRun(c, false);
            quietLen = 0;
          }
        }
        // Active programme: the rest of the active stretch only moves the last active frame.
        let j = i + 1;
        while (j < to) {
          const w = x[j]!;
          if (!(w >= thr || w <= -thr)) break;
          j++;
        }
        if (firstInBlock < 0) firstInBlock = i;
        lastInBlock = j - 1;
        lastAct = base + j - 1;
        nonZero = 1;
        i = j;
        continue;
      }
      const frame = base + i;
      if (v === 0) {
        if (zeroLen === 0) {
          this.zeroStart[c] = frame;
          this.zeroActiveBefore[c] = lastAct >= 0 && frame - lastAct <= this.contextFrames ? 1 : 0;
          othersActive = 0;
        }
        zeroLen++;
        // Another channel active at this frame (asked only until the run knows it).
        if (othersActive === 0) {
          if (active !== null) {
            if (active[i] === 1) othersActive = 1;
          } else {
            for (let k = 0; k < channels.length; k++) {
              const u = channels[k]![i]!;
              if (u >= thr || u <= -thr) {
                othersActive = 1;
                break;
              }
            }
          }
        }
      } else {
        nonZero = 1;
        if (zeroLen > 0) {
          this.zeroLength[c] = zeroLen;
          this.zeroOthersActive[c] = othersActive;
          this.closeZeroRun(c);
          zeroLen = 0;
        }
        if (quietLen === 0) this.quietStart[c] = frame;
        // The rest of a quiet, non-zero stretch (room tone) only lengthens the quiet run.
        let j = i + 1;
        while (j < to) {
          const w = x[j]!;
          if (w === 0 || w >= thr || w <= -thr || w !== w) break;
          j++;
        }
        quietLen += j - i;
        i = j;
        continue;
      }
      if (quietLen === 0) this.quietStart[c] = frame;
      quietLen++;
      i++;
      // Further zeros only lengthen both runs, and while no channel is active they leave the
      // run's answer unknown: skip them in one scan up to the first frame that could change it.
      // (The block's activity map pays only for long runs; short ones ask frame by frame above.)
      if (othersActive === 1 || zeroLen >= ACTIVITY_MAP_AFTER_ZEROS) {
        let j = i;
        if (othersActive === 1) {
          while (j < to && x[j] === 0) j++;
        } else {
          if (active === null) active = this.blockActive = this.activeFrames(channels, n);
          while (j < to && x[j] === 0 && active[j] === 0) j++;
        }
        zeroLen += j - i;
        quietLen += j - i;
        i = j;
      }
    }
    this.zeroLength[c] = zeroLen;
    this.quietLength[c] = quietLen;
    this.lastActiveFrame[c] = lastAct;
    this.zeroOthersActive[c] = othersActive;
    this.anyNonZero[c] = nonZero;
    this.noteActive(firstInBlock, lastInBlock);
  }

  /** Active frames first..last (block indices; -1: none) into the block's first and last. */
  private noteActive(first: number, last: number): void {
    if (first < 0) return;
    if (this.blockFirst < 0 || first < this.blockFirst) this.blockFirst = first;
    if (last > this.blockLast) this.blockLast = last;
  }

  /**
   * The WASM path: the same state machine stepped a stretch at a time. The scan splits the channel into
   * zero stretches and non-zero stretches with their first and last active sample; inside a non-zero
   * stretch, between its first and last active sample, quiet runs are shorter than minSilenceFrames
   * (checked, else the plain loop runs that part) and so change nothing but the last active frame.
   */
  private scanChannelByStretches(scan: BlockScan, c: number, channels: Float32Array[], n: number, base: number): void {
    const count = scan.segments(c, this.activeLinear32);
    const rec = scan.records();
    for (let r = 0; r < count; r++) {
      const s = rec[4 * r]!;
      const e = rec[4 * r + 1]!;
      const first = rec[4 * r + 2]!;
      const last = rec[4 * r + 3]!;
      if (first === -2) {
        // digital zero s..e: both runs lengthen; the run learns whether another channel was active
        if (this.zeroLength[c] === 0) {
          this.zeroStart[c] = base + s;
          const lastAct = this.lastActiveFrame[c]!;
          this.zeroActiveBefore[c] = lastAct >= 0 && base + s - lastAct <= this.contextFrames ? 1 : 0;
          this.zeroOthersActive[c] = 0;
        }
        this.zeroLength[c]! += e - s;
        if (this.zeroOthersActive[c] === 0 && this.othersActiveIn(scan, c, channels, s, e)) this.zeroOthersActive[c] = 1;
        if (this.quietLength[c] === 0) this.quietStart[c] = base + s;
        this.quietLength[c]! += e - s;
        continue;
      }
      // quiet samples before the first active one (or the whole stretch)
      const quietEnd = first < 0 ? e : first;
      if (quietEnd > s) {
        this.anyNonZero[c] = 1;
        if (this.zeroLength[c]! > 0) this.closeZeroRun(c);
        if (this.quietLength[c] === 0) this.quietStart[c] = base + s;
        this.quietLength[c]! += quietEnd - s;
      }
      if (first < 0) continue;
      if (last - first - 1 >= this.minSilenceFrames) {
        // a quiet run inside could be long enough to report: step through it
        this.scanChannel(c, channels, n, base, first, e);
        continue;
      }
      if (this.zeroLength[c]! > 0 || this.quietLength[c]! > 0 || this.pendingStart[c]! >= 0) {
        if (this.zeroLength[c]! > 0) this.closeZeroRun(c);
        if (this.pendingStart[c]! >= 0) this.confirmPending(c, base + first);
        if (this.quietLength[c]! > 0) this.closeQuietRun(c, false);
      }
      this.anyNonZero[c] = 1;
      this.lastActiveFrame[c] = base + last;
      this.noteActive(first, last);
      // quiet samples after the last active one
      if (e - 1 > last) {
        this.quietStart[c] = base + last + 1;
        this.quietLength[c] = e - 1 - last;
      }
    }
  }

  /** Some channel at or above the activity level at a frame in s..e of the block (this channel is zero there). */
  private othersActiveIn(scan: BlockScan, c: number, channels: Float32Array[], s: number, e: number): boolean {
    if (e - s > 8) return scan.anyActive(c, s, e, this.activeLinear, this.activeLinear32);
    const thr = this.activeLinear;
    for (let i = s; i < e; i++) {
      for (let k = 0; k < channels.length; k++) {
        const u = channels[k]![i]!;
        if (u >= thr || u <= -thr) return true;
      }
    }
    return false;
  }

  /** 1 at each frame of the block where any channel is at or above the activity level. */
  private activeFrames(channels: Float32Array[], n: number): Uint8Array {
    if (this.activeScratch.length < n) this.activeScratch = new Uint8Array(n);
    const map = this.activeScratch;
    map.fill(0, 0, n);
    const thr = this.activeLinear;
    for (let k = 0; k < channels.length; k++) {
      const u = channels[k]!;
      for (let i = 0; i < n; i++) {
        const v = u[i]!;
        if (v >= thr || v <= -thr) map[i] = 1;
      }
    }
    return map;
  }

  private closeZeroRun(c: number): void {
    const start = this.zeroStart[c]!;
    const length = this.zeroLength[c]!;
    this.zeroLength[c] = 0;
    // Head-of-channel runs have no active signal before them and are never candidates.
    if (length < this.minDropoutFrames || this.zeroActiveBefore[c] === 0) return;
    // A later candidate replaces an undecided one: the earlier run was not followed by active signal.
    this.pendingStart[c] = start;
    this.pendingLength[c] = length;
    this.pendingOthers[c] = this.zeroOthersActive[c]!;
  }

  private confirmPending(c: number, activeFrame: number): void {
    const start = this.pendingStart[c]!;
    const length = this.pendingLength[c]!;
    this.pendingStart[c] = -1;
    if (activeFrame - (start + length) > this.contextFrames) return;
    if (length > this.maxDropoutFrames || (this.pendingOthers[c] === 0 && length >= this.shortGapFrames)) {
      this.gapCount[c]! += 1;
      if (this.gaps.length < this.maxEvents) this.gaps.push(this.event(c, start, length));
      else this.truncated = true;
      return;
    }
    this.dropoutCount[c]! += 1;
    const seconds = length / this.sampleRate;
    if (seconds > this.longestDropout[c]!) this.longestDropout[c] = seconds;
    if (this.dropouts.length >= this.maxEvents) {
      this.truncated = true;
      return;
    }
    this.dropouts.push({ ...this.event(c, start, length), otherChannelsActive: this.pendingOthers[c] === 1 });
  }

  private closeQuietRun(c: number, atEnd: boolean): void {
    const start = this.quietStart[c]!;
    const length = this.quietLength[c]!;
    this.quietLength[c] = 0;
    if (length < this.minSilenceFrames) return;
    // A channel silent from first to last frame is reported once, as silentThroughout.
    if (start === 0 && atEnd) return;
    this.silenceCount[c]! += 1;
    if (this.silences.length >= this.maxEvents) {
      this.truncated = true;
      return;
    }
    this.silences.push({ ...this.event(c, start, length), leading: start === 0, trailing: atEnd });
  }

  private event(c: number, start: number, length: number): SilenceEvent {
    return {
      channel: c,
      label: this.labels[c] ?? (`Ch${c + 1}` as ChannelLabel),
      startFrame: start,
      lengthSamples: length,
      startSeconds: start / this.sampleRate,
      endSeconds: (start + length) / this.sampleRate,
    };
  }

  finish(): SilenceResult {
    const channels: ChannelSilence[] = [];
    for (let c = 0; c < this.labels.length; c++) {
      // A zero run reaching the end of the file is trailing silence, not a dropout.
      this.zeroLength[c] = 0;
      this.pendingStart[c] = -1;
      if (this.quietLength[c]! > 0) this.closeQuietRun(c, true);
      channels.push({
        channel: c,
        label: this.labels[c]!,
        silentThroughout: this.lastActiveFrame[c]! < 0,
        digitalZeroThroughout: this.anyNonZero[c] === 0,
        dropoutCount: this.dropoutCount[c]!,
        longestDropoutSeconds: this.longestDropout[c]!,
        gapCount: this.gapCount[c]!,
        silenceRunCount: this.silenceCount[c]!,
      });
    }
    const byTime = (a: SilenceEvent, b: SilenceEvent) => a.startFrame - b.startFrame || a.channel - b.channel;
    const silent = this.firstActive < 0;
    return {
      activeThresholdDbfs: this.activeDbfs,
      minDropoutSeconds: this.minDropoutSeconds,
      maxDropoutSeconds: this.maxDropoutSeconds,
      contextSeconds: this.contextSeconds,
      minSilenceSeconds: this.minSilenceSeconds,
      channels,
      dropouts: this.dropouts.slice().sort(byTime),
      gaps: this.gaps.slice().sort(byTime),
      silences: this.silences.slice().sort(byTime),
      eventsTruncated: this.truncated,
      leadingSilenceSeconds: silent ? null : this.firstActive / this.sampleRate,
      trailingSilenceSeconds: silent ? null : (this.frames - this.lastActive - 1) / this.sampleRate,
      durationSeconds: this.frames / this.sampleRate,
    };
  }
}

export function silenceAnalyzer(options?: SilenceOptions): SilenceAnalyzer {
  return new SilenceAnalyzer(options);
}
