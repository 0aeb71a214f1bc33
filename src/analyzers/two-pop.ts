/**
 * 2-pop: a one-frame 1 kHz tone burst in the leader, two seconds before the first frame of action
 * (qc-tools.md §1.6: "1 frame of 1 kHz, 2 s before FFOA, on all tracks", often about -20 dBFS).
 *
 * The leader (first `searchSeconds`) is cut into 1 ms hops; per hop and channel we keep the energy and
 * the 1 kHz quadrature sums (phase-coherent against the absolute sample index), so at the end every burst
 * of activity can be tested over its own length: a burst is the pop when it lasts 0.5 to 2 frames and at
 * least half of some channel's energy sits within ~1/duration of 1 kHz. Its start is sample-accurate (the
 * first sample above the onset level). FFOA is given, or inferred as the first audio after the pop.
 *
 * Memory: fixed, allocated in start() (hops x channels x 3 floats for the leader only).
 * Merging across segments: NOT mergeable; give it the head of the file.
 */
import type { ChannelLabel } from '../audio/channels.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';

export const TWO_POP_TONE_HZ = 1000;
/** The pop sits this long before FFOA. */
export const TWO_POP_LEAD_SECONDS = 2;
export const DEFAULT_FPS = 24;
/** Leader searched: a standard 8 s leader plus slack for files that start early. */
export const TWO_POP_SEARCH_SECONDS = 15;
/** Sample level that counts as sound in the leader (well under a -20 dBFS pop, above dither). */
export const TWO_POP_ONSET_DBFS = -50;
/** Share of a channel's burst energy at 1 kHz for the burst to count as the tone. */
export const TWO_POP_TONAL_RATIO = 0.5;

export interface TwoPopOptions {
  fps?: number;
  /** FFOA from the file's first sample, when the session or the user knows it. */
  ffoaSeconds?: number;
  searchSeconds?: number;
  onsetDbfs?: number;
  toneHz?: number;
}

export interface TwoPopResult {
  present: boolean;
  fps: number;
  searchSeconds: number;
  startFrame: number | null;
  startSeconds: number | null;
  durationSeconds: number | null;
  /** Length in picture frames at `fps` (1 for a proper pop). */
  durationFrames: number | null;
  peakDbfs: number | null;
  /** Channels that carry the tone. */
  channels: ChannelLabel[];
  ffoaSeconds: number | null;
  ffoaSource: 'given' | 'inferred' | null;
  popToFfoaSeconds: number | null;
  /** (pop start - (FFOA - 2 s)) in picture frames: positive = pop late. */
  offsetFromExpectedFrames: number | null;
  /** |offset| under one frame. */
  inSync: boolean | null;
}

export class TwoPopAnalyzer implements Analyzer<TwoPopResult> {
  readonly id = 'two-pop';
  private readonly fps: number;
  private readonly ffoaGiven: number | null;
  private readonly searchSeconds: number;
  private readonly onsetLinear: number;
  private readonly toneHz: number;
  private sampleRate = 48000;
  private labels: ChannelLabel[] = [];
  private hopFrames = 48;
  private hops = 0;
  private searchFrames = 0;
  private energy = new Float64Array(0); // [hop * ch + c]
  private toneI = new Float64Array(0);
  private toneQ = new Float64Array(0);
  private peak = new Float32Array(0); // per hop, over channels
  private firstAbove = new Int32Array(0); // per hop: offset of the first sample above onset, -1 none
  private lastAbove = new Int32Array(0);
  private firstActiveAfterSearch = -1;

  constructor(options: TwoPopOptions = {}) {
    this.fps = options.fps ?? DEFAULT_FPS;
    this.ffoaGiven = options.ffoaSeconds ?? null;
    this.searchSeconds = options.searchSeconds ?? TWO_POP_SEARCH_SECONDS;
    this.onsetLinear = 10 ** ((options.onsetDbfs ?? TWO_POP_ONSET_DBFS) / 20);
    this.toneHz = options.toneHz ?? TWO_POP_TONE_HZ;
  }

  start(stream: StreamInfo): void {
    this.sampleRate = stream.sampleRate;
    this.labels = stream.channelLabels.slice();
    this.hopFrames = Math.max(1, Math.round(stream.sampleRate / 1000));
    let search = Math.round(this.searchSeconds * stream.sampleRate);
    if (stream.frames !== null) search = Math.min(search, stream.frames);
    this.hops = Math.ceil(search / this.hopFrames);
    this.searchFrames = this.hops * this.hopFrames;
    const n = this.hops * stream.channelCount;
    this.energy = new Float64Array(n);
    this.toneI = new Float64Array(n);
    this.toneQ = new Float64Array(n);
    this.peak = new Float32Array(this.hops);
    this.firstAbove = new Int32Array(this.hops).fill(-1);
    this.lastAbove = new Int32Array(this.hops).fill(-1);
    this.firstActiveAfterSearch = -1;
  }

  process(block: AudioBlock): void {
    const chCount = block.channels.length;
    const w = (2 * Math.PI * this.toneHz) / this.sampleRate;
    const thr = this.onsetLinear;
    for (let i = 0; i < block.frames; i++) {
      const frame = block.frameOffset + i;
      if (frame >= this.searchFrames) {
        if (this.firstActiveAfterSearch >= 0) return;
        for (let c = 0; c < chCount; c++) {
          if (Math.abs(block.channels[c]![i]!) >= thr) {
            this.firstActiveAfterSearch = frame;
            return;
          }
        }
        continue;
      }
      const hop = Math.floor(frame / this.hopFrames);
      const offset = frame - hop * this.hopFrames;
      const cos = Math.cos(w * frame);
      const sin = Math.sin(w * frame);
      const base = hop * chCount;
      for (let c = 0; c < chCount; c++) {
        const v = block.channels[c]![i]!;
        this.energy[base + c]! += v * v;
        this.toneI[base + c]! += v * cos;
        this.toneQ[base + c]! += v * sin;
        const a = Math.abs(v);
        if (a > this.peak[hop]!) this.peak[hop] = a;
        if (a >= thr) {
          if (this.firstAbove[hop]! < 0) this.firstAbove[hop] = offset;
          this.lastAbove[hop] = offset;
        }
      }
    }
  }

  finish(): TwoPopResult {
    const result: TwoPopResult = {
      present: false, fps: this.fps, searchSeconds: this.searchSeconds, startFrame: null, startSeconds: null,
      durationSeconds: null, durationFrames: null, peakDbfs: null, channels: [], ffoaSeconds: this.ffoaGiven,
      ffoaSource: this.ffoaGiven !== null ? 'given' : null, popToFfoaSeconds: null, offsetFromExpectedFrames: null,
      inSync: null,
    };
    const frameSeconds = 1 / this.fps;
    const chCount = this.labels.length;
    const maxGapHops = 2; // a tone's hops are all active; tolerate a hop or two at low levels
    let popEndFrame = -1;
    let h = 0;
    while (h < this.hops) {
      if (this.firstAbove[h]! < 0) {
        h++;
        continue;
      }
      // One burst: active hops with gaps of at most maxGapHops.
      const first = h;
      let last = h;
      let k = h + 1;
      while (k < this.hops && k - last <= maxGapHops + 1) {
        if (this.firstAbove[k]! >= 0) last = k;
        k++;
      }
      h = last + 1;
      const startFrame = first * this.hopFrames + this.firstAbove[first]!;
      const endFrame = last * this.hopFrames + this.lastAbove[last]! + 1;
      const seconds = (endFrame - startFrame) / this.sampleRate;
      if (result.present) {
        // The first sound after the pop is the first frame of action.
        if (result.ffoaSource === null) {
          result.ffoaSeconds = startFrame / this.sampleRate;
          result.ffoaSource = 'inferred';
        }
        break;
      }
      if (seconds < 0.5 * frameSeconds || seconds > 2 * frameSeconds) continue;
      const tonal: ChannelLabel[] = [];
      let peak = 0;
      for (let c = 0; c < chCount; c++) {
        let e = 0;
        let i = 0;
        let q = 0;
        for (let j = first; j <= last; j++) {
          e += this.energy[j * chCount + c]!;
          i += this.toneI[j * chCount + c]!;
          q += this.toneQ[j * chCount + c]!;
        }
        const n = (last - first + 1) * this.hopFrames;
        if (e / n < this.onsetLinear ** 2 / 2) continue;
        if (((2 / n) * (i * i + q * q)) / e >= TWO_POP_TONAL_RATIO) tonal.push(this.labels[c]!);
      }
      for (let j = first; j <= last; j++) peak = Math.max(peak, this.peak[j]!);
      if (tonal.length === 0) continue;
      Object.assign(result, {
        present: true,
        startFrame,
        startSeconds: startFrame / this.sampleRate,
        durationSeconds: seconds,
        durationFrames: seconds / frameSeconds,
        peakDbfs: 20 * Math.log10(peak),
        channels: tonal,
      });
      popEndFrame = endFrame;
    }
    if (result.present && result.ffoaSource === null && this.firstActiveAfterSearch >= 0 && popEndFrame >= 0) {
      result.ffoaSeconds = this.firstActiveAfterSearch / this.sampleRate;
      result.ffoaSource = 'inferred';
    }
    if (result.present && result.ffoaSeconds !== null) {
      const pop = result.startSeconds!;
      result.popToFfoaSeconds = result.ffoaSeconds - pop;
      result.offsetFromExpectedFrames = (pop - (result.ffoaSeconds - TWO_POP_LEAD_SECONDS)) * this.fps;
      result.inSync = Math.abs(result.offsetFromExpectedFrames) < 1;
    }
    return result;
  }
}

export function twoPopAnalyzer(options?: TwoPopOptions): TwoPopAnalyzer {
  return new TwoPopAnalyzer(options);
}
